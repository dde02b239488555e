import { describe, expect, it } from 'vitest';
import { calibrateGallery, DEFAULT_CALIBRATION_OPTIONS } from './calibrate';
import type { EnrolledPerson } from './matcher';
import { DEFAULT_MATCH_OPTIONS, DescriptorError } from './matcher';
import { DESCRIPTOR_LENGTH } from './types';

/** A descriptor at `x` along the first axis: distances are differences. */
function at(x: number): Float32Array {
  const d = new Float32Array(DESCRIPTOR_LENGTH);
  d[0] = x;
  return d;
}

function person(id: string, ...xs: number[]): EnrolledPerson {
  return { id, name: id, descriptors: xs.map(at) };
}

describe('calibrateGallery', () => {
  it('puts the suggestion in the middle of the gap between the sides', () => {
    // ann's samples are 0.1 to 0.3 apart, bob's 0.1; they come 0.7 close.
    const c = calibrateGallery(
      [person('ann', 0, 0.2, 0.3), person('bob', 1, 1.1)],
      { ceiling: 0.8 },
    );

    expect(c.genuine).toMatchObject({ n: 4, min: expect.closeTo(0.1, 6) });
    expect(c.genuine.max).toBeCloseTo(0.3, 6);
    expect(c.impostor.n).toBe(6);
    expect(c.impostor.min).toBeCloseTo(0.7, 6);
    expect(c.impostor.max).toBeCloseTo(1.1, 6);
    expect(c.suggestedThreshold).toBe(0.5);
    expect(c.basis).toBe('gap');
    expect(c.genuineAccepted).toBe(1);
    expect(c.impostorAccepted).toBe(0);
    expect(c.closestImpostors).toMatchObject({
      a: 'ann',
      aSample: 2,
      b: 'bob',
      bSample: 0,
    });
    expect(c.furthestGenuine).toMatchObject({
      a: 'ann',
      aSample: 0,
      bSample: 2,
    });
    expect(c.sampled).toBe(false);
  });

  it('never suggests more than the ceiling', () => {
    const c = calibrateGallery(
      [person('ann', 0, 0.3), person('bob', 1.3, 1.4)],
      { ceiling: 0.55 },
    );

    expect(c.suggestedThreshold).toBe(0.55);
    expect(c.basis).toBe('ceiling');
  });

  it('defaults the ceiling to the app threshold', () => {
    expect(DEFAULT_CALIBRATION_OPTIONS.ceiling).toBe(
      DEFAULT_MATCH_OPTIONS.threshold,
    );
    const c = calibrateGallery([person('ann', 0, 0.1), person('bob', 5)]);

    expect(c.suggestedThreshold).toBe(DEFAULT_MATCH_OPTIONS.threshold);
  });

  it('suggests a stricter threshold when two people come close', () => {
    // ann 0.3 apart from herself; bob's sample 0.42 from hers.
    const c = calibrateGallery([person('ann', 0, 0.3), person('bob', 0.72)], {
      ceiling: 0.8,
    });

    expect(c.suggestedThreshold).toBe(0.36);
    expect(c.basis).toBe('gap');
  });

  it('misjudges the fewest pairs, each side weighted alike, when they overlap', () => {
    // Genuine: ann 0.48, bob 0.1, cat 0.05. Impostor: ann's 0.48 is 0.42
    // from bob's 0.9, the other eleven pairs 0.52 or more. Accepting up to
    // 0.48 takes in one impostor pair of twelve and every genuine pair.
    const c = calibrateGallery(
      [person('ann', 0, 0.48), person('bob', 0.9, 1), person('cat', 3, 3.05)],
      { ceiling: 0.8 },
    );

    expect(c.basis).toBe('overlap');
    expect(c.suggestedThreshold).toBe(0.5);
    expect(c.genuineAccepted).toBe(1);
    expect(c.impostorAccepted).toBeCloseTo(1 / 12);
  });

  it('keeps the suggestion at or above the slider minimum', () => {
    const c = calibrateGallery([person('ann', 0, 0.01), person('bob', 0.1)], {
      ceiling: 0.8,
    });

    expect(c.suggestedThreshold).toBe(0.3);
  });

  it('goes by one person alone up to the ceiling', () => {
    expect(
      calibrateGallery([person('ann', 0, 0.2, 0.45)], { ceiling: 0.55 }),
    ).toMatchObject({
      suggestedThreshold: 0.45,
      basis: 'genuine-only',
    });
    expect(
      calibrateGallery([person('ann', 0, 0.7)], { ceiling: 0.6 }),
    ).toMatchObject({ suggestedThreshold: 0.6, basis: 'ceiling' });
  });

  it('suggests nothing when no one has two samples', () => {
    const c = calibrateGallery([
      person('ann', 0),
      person('bob', 1),
      person('cat'),
    ]);

    expect(c.suggestedThreshold).toBeNull();
    expect(c.basis).toBe('too-few');
    expect(c.genuine.n).toBe(0);
    expect(c.genuine.median).toBeNaN();
    expect(c.impostor.n).toBe(1);
    expect(c.genuineAccepted).toBeNaN();
    expect(c.furthestGenuine).toBeNull();
  });

  it('handles an empty gallery', () => {
    const c = calibrateGallery([]);

    expect(c.suggestedThreshold).toBeNull();
    expect(c.impostor.n).toBe(0);
    expect(c.closestImpostors).toBeNull();
  });

  it('draws a fixed random sample of pairs past maxPairs', () => {
    const people = Array.from({ length: 20 }, (_, i) =>
      person(`p${i}`, ...Array.from({ length: 6 }, (_, j) => i + j * 0.05)),
    );
    const a = calibrateGallery(people, { maxPairs: 100, ceiling: 0.8 });
    const b = calibrateGallery(people, { maxPairs: 100, ceiling: 0.8 });

    expect(a.sampled).toBe(true);
    expect(a.genuine.n).toBe(100);
    expect(a.impostor.n).toBe(100);
    expect(a).toEqual(b);
    // Every genuine pair is within 0.25, every impostor pair 0.75 or more.
    expect(a.genuine.max).toBeLessThanOrEqual(0.25 + 1e-6);
    expect(a.impostor.min).toBeGreaterThanOrEqual(0.75 - 1e-6);
    expect(a.basis).toBe('gap');
  });

  it('refuses a ceiling outside the slider and a bad descriptor', () => {
    expect(() => calibrateGallery([], { ceiling: 0.9 })).toThrow(RangeError);
    expect(() =>
      calibrateGallery([
        { id: 'x', name: 'x', descriptors: [new Float32Array(3)] },
      ]),
    ).toThrow(DescriptorError);
  });
});
