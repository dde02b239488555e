import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_LENGTH } from '../gallery/types';
import type { IdentitySample, NamerFactory } from './identification';
import {
  openSetAt,
  rank1,
  runIdentification,
  splitForIdentification,
} from './identification';

/** A descriptor at `x` along the first axis: distances are differences. */
function at(x: number): Float32Array {
  const d = new Float32Array(DESCRIPTOR_LENGTH);
  d[0] = x;
  return d;
}

function photo(
  identity: string,
  file: string,
  x: number | null,
): IdentitySample {
  return { identity, file, descriptor: x === null ? null : at(x) };
}

describe('splitForIdentification', () => {
  // Five people with two or more photos (the fifth by name is left out),
  // one with a single photo. Files are listed out of order on purpose.
  const samples: IdentitySample[] = [
    photo('ann', 'ann_3.jpg', 0.02),
    photo('ann', 'ann_1.jpg', 0),
    photo('ann', 'ann_2.jpg', null),
    photo('ann', 'ann_4.jpg', 0.03),
    photo('bob', 'bob_1.jpg', 1),
    photo('bob', 'bob_2.jpg', 1.01),
    photo('cat', 'cat_1.jpg', 2),
    photo('cat', 'cat_2.jpg', 2.02),
    photo('cat', 'cat_3.jpg', null),
    photo('dan', 'dan_1.jpg', 3),
    photo('dan', 'dan_2.jpg', 3.01),
    photo('eve', 'eve_1.jpg', 4),
    photo('eve', 'eve_2.jpg', null),
    photo('fay', 'fay_1.jpg', 5),
  ];

  it('enrols the first k photos with a face, by file name', () => {
    const split = splitForIdentification(samples, { k: 1 });

    expect([...split.gallery.keys()]).toEqual(['ann', 'bob', 'cat', 'dan']);
    expect(split.gallery.get('ann')).toEqual([at(0)]);
    expect(split.probes.map((p) => p.file)).toEqual([
      'ann_3.jpg',
      'ann_4.jpg',
      'bob_2.jpg',
      'cat_2.jpg',
      'dan_2.jpg',
    ]);
    expect(split.strangers.map((p) => p.file)).toEqual([
      'eve_1.jpg',
      'fay_1.jpg',
    ]);
    expect(split.counts).toEqual({
      enrolled: 4,
      probed: 4,
      leftOut: 1,
      singles: 1,
      enrolmentFailures: 0,
      probeFailures: 2,
      strangerFailures: 1,
    });
  });

  it('skips faceless enrolment photos; people with no photo left become distractors', () => {
    const split = splitForIdentification(samples, { k: 3 });

    // ann: 1, 3 and 4 enrolled (2 had no face); cat: 3 had no face.
    expect(split.gallery.get('ann')).toEqual([at(0), at(0.02), at(0.03)]);
    expect(split.probes.map((p) => p.file)).toEqual([]);
    expect(split.gallery.get('bob')).toHaveLength(2);
    expect(split.counts).toMatchObject({
      enrolled: 4,
      probed: 0,
      enrolmentFailures: 2,
      probeFailures: 0,
    });
  });

  it('leaves out every n-th person as asked', () => {
    const split = splitForIdentification(samples, { k: 1, leaveOutEvery: 2 });

    expect([...split.gallery.keys()]).toEqual(['ann', 'cat', 'eve']);
    expect(split.counts.leftOut).toBe(2);
  });

  it('leaves out of the gallery a person with no face in any photo', () => {
    const split = splitForIdentification(
      [photo('gus', 'g1.jpg', null), photo('gus', 'g2.jpg', null)],
      { k: 1 },
    );

    expect(split.gallery.size).toBe(0);
    expect(split.counts).toMatchObject({ enrolled: 0, enrolmentFailures: 2 });
  });
});

describe('runIdentification', () => {
  // ann and bob are close together, cat and dan far away; eve is the
  // fifth person by name, so she is left out.
  const samples: IdentitySample[] = [
    photo('ann', 'a1.jpg', 0),
    photo('ann', 'a2.jpg', 0.9),
    photo('ann', 'a3.jpg', 0.55),
    photo('bob', 'b1.jpg', 1),
    photo('bob', 'b2.jpg', 1.05),
    photo('bob', 'b3.jpg', 1.5),
    photo('cat', 'c1.jpg', 3),
    photo('cat', 'c2.jpg', 3.2),
    photo('dan', 'd1.jpg', 5),
    photo('dan', 'd2.jpg', 5.1),
    photo('eve', 'e1.jpg', 0.2),
    photo('eve', 'e2.jpg', 7),
  ];

  it('measures rank-1 per strategy on the same gallery', () => {
    const run = runIdentification(samples, { k: 2 });

    // Gallery: ann (0, 0.9), bob (1, 1.05); cat and dan are distractors.
    // ann's probe 0.55: nearest ann 0.35 vs bob 0.45 -> ann;
    // mean: ann (0.55 + 0.35) / 2 = 0.45, bob 0.475 -> ann;
    // centroid: ann 0.45 -> 0.1, bob 1.025 -> 0.475 -> ann.
    // bob's probe 1.5: nearest bob 0.45 vs ann 0.6 -> bob.
    expect(rank1(run.outcomes.nearest)).toEqual({ correct: 2, n: 2 });
    expect(rank1(run.outcomes.mean)).toEqual({ correct: 2, n: 2 });
    expect(run.outcomes.nearest[0]).toEqual({
      enrolled: true,
      rank1Correct: true,
      best: expect.closeTo(0.35, 5),
      second: expect.closeTo(0.45, 5),
    });
    // eve (left out, fifth by name) is a stranger twice.
    expect(run.outcomes.nearest.filter((o) => !o.enrolled)).toHaveLength(2);
    expect(run.counts.leftOut).toBe(1);
  });

  it('runs extra namers on the same probes and strangers', () => {
    const calls: number[] = [];
    const byNearestFirstSample: NamerFactory = (gallery) => (query) => {
      calls.push(query[0]!);
      for (const [name, descriptors] of gallery) {
        if (Math.abs(descriptors[0]![0]! - query[0]!) < 0.3) return name;
      }
      return null;
    };
    const run = runIdentification(samples, {
      k: 1,
      namers: { first: byNearestFirstSample },
    });

    // k = 1: probes ann 0.9, 0.55; bob 1.05, 1.5; cat 3.2; dan 5.1;
    // strangers eve 0.2 (near ann's 0) and 7.
    expect(calls).toHaveLength(8);
    expect(run.namers.first).toEqual({
      identified: 3,
      probes: 6,
      misidentified: 1,
      falseAccepts: 1,
      strangers: 2,
    });
  });

  it('names nobody from an empty gallery, without calling the namer', () => {
    const run = runIdentification([photo('ann', 'a.jpg', 0)], {
      k: 1,
      namers: {
        never: () => {
          throw new Error('called');
        },
      },
    });

    expect(run.namers.never).toEqual({
      identified: 0,
      probes: 0,
      misidentified: 0,
      falseAccepts: 0,
      strangers: 1,
    });
    expect(run.outcomes.nearest[0]?.best).toBe(Infinity);
  });
});

describe('openSetAt', () => {
  const outcomes = [
    { enrolled: true, rank1Correct: true, best: 0.3, second: 0.8 },
    { enrolled: true, rank1Correct: true, best: 0.5, second: 0.51 },
    { enrolled: true, rank1Correct: false, best: 0.45, second: 0.7 },
    { enrolled: true, rank1Correct: true, best: 0.6, second: null },
    { enrolled: false, rank1Correct: false, best: 0.4, second: 0.9 },
    { enrolled: false, rank1Correct: false, best: 0.7, second: 0.9 },
  ];

  it('names a face within the threshold and clear of the runner-up', () => {
    expect(openSetAt(outcomes, 0.55, 0.03)).toEqual({
      threshold: 0.55,
      margin: 0.03,
      identified: 1,
      probes: 4,
      misidentified: 1,
      falseAccepts: 1,
      strangers: 2,
    });
  });

  it('accepts at exactly the threshold, as the matcher does', () => {
    expect(openSetAt(outcomes, 0.6, 0).identified).toBe(3);
    expect(openSetAt(outcomes, 0.35, 0).falseAccepts).toBe(0);
  });
});
