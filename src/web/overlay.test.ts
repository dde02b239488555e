import { describe, expect, test } from 'vitest';
import type { TrackedFace } from '../engine/types';
import type { OverlaySwitches } from './overlay';
import { ViewMapping, faceAt, overlaysDrawn, overlaysFor } from './overlay';

const ALL_ON: OverlaySwitches = {
  boxes: true,
  landmarks: true,
  expressions: true,
  'age-gender': true,
  names: true,
};

function face(extra: Partial<TrackedFace> = {}): TrackedFace {
  return {
    id: 1,
    name: null,
    score: 0.9,
    box: { x: 10, y: 20, width: 100, height: 120 },
    ...extra,
  };
}

const FULL = face({
  landmarks: [{ x: 1, y: 2 }],
  expressions: {
    neutral: 0.1,
    happy: 0.9,
    sad: 0,
    angry: 0,
    fearful: 0,
    disgusted: 0,
    surprised: 0,
  },
  age: 30,
  gender: 'female',
  genderProbability: 0.9,
});

describe('ViewMapping', () => {
  const frame = { width: 640, height: 480 };

  test('leaves coordinates alone at the same size, unmirrored', () => {
    const map = new ViewMapping(frame, frame, false);

    expect(map.point({ x: 100, y: 50 })).toEqual({ x: 100, y: 50 });
    expect(map.box({ x: 10, y: 20, width: 30, height: 40 })).toEqual({
      x: 10,
      y: 20,
      width: 30,
      height: 40,
    });
  });

  test.each([
    [0, 640],
    [100, 540],
    [640, 0],
  ])('mirrors x = %d to %d', (x, mirrored) => {
    const map = new ViewMapping(frame, frame, true);

    expect(map.point({ x, y: 7 })).toEqual({ x: mirrored, y: 7 });
  });

  test('a mirrored box keeps its size and x stays its left edge', () => {
    const map = new ViewMapping(frame, frame, true);

    // Right edge 10 + 30 = 40 becomes the left edge 640 - 40 = 600.
    expect(map.box({ x: 10, y: 20, width: 30, height: 40 })).toEqual({
      x: 600,
      y: 20,
      width: 30,
      height: 40,
    });
  });

  test('scales results of a smaller analysed frame up to the view', () => {
    const map = new ViewMapping(frame, { width: 1280, height: 960 }, true);

    expect(map.point({ x: 100, y: 50 })).toEqual({ x: 1080, y: 100 });
    expect(map.box({ x: 10, y: 20, width: 30, height: 40 })).toEqual({
      x: 1280 - 80,
      y: 40,
      width: 60,
      height: 80,
    });
  });
});

describe('overlaysFor', () => {
  test('everything on and present draws every kind, in contract order', () => {
    expect(overlaysFor(FULL, ALL_ON)).toEqual([
      'boxes',
      'landmarks',
      'expressions',
      'age-gender',
      'names',
    ]);
  });

  test.each(Object.keys(ALL_ON) as (keyof OverlaySwitches)[])(
    'switching %s off removes only it',
    (kind) => {
      const drawn = overlaysFor(FULL, { ...ALL_ON, [kind]: false });

      expect(drawn).not.toContain(kind);
      expect(drawn).toHaveLength(4);
    },
  );

  test('a stage that did not run has nothing to draw', () => {
    expect(overlaysFor(face(), ALL_ON)).toEqual(['boxes', 'names']);
  });
});

test('overlaysDrawn unites the faces and keeps the order', () => {
  const onlyBox = face({ id: 2 });
  const withAge = face({ id: 3, age: 40 });

  expect(
    overlaysDrawn([onlyBox, withAge], { ...ALL_ON, names: false }),
  ).toEqual(['boxes', 'age-gender']);
  expect(overlaysDrawn([], ALL_ON)).toEqual([]);
});

describe('ViewMapping.toSource', () => {
  test.each([
    ['plain', false],
    ['mirrored', true],
  ])('undoes point() when %s', (_, mirror) => {
    const mapping = new ViewMapping(
      { width: 640, height: 480 },
      { width: 1280, height: 960 },
      mirror,
    );
    for (const p of [
      { x: 0, y: 0 },
      { x: 123.5, y: 45 },
      { x: 640, y: 480 },
    ]) {
      const back = mapping.toSource(mapping.point(p));
      expect(back.x).toBeCloseTo(p.x);
      expect(back.y).toBeCloseTo(p.y);
    }
  });

  test('a click on the left of a mirrored view is on the right of the frame', () => {
    const mapping = new ViewMapping(
      { width: 640, height: 480 },
      { width: 640, height: 480 },
      true,
    );
    expect(mapping.toSource({ x: 10, y: 20 })).toEqual({ x: 630, y: 20 });
  });
});

describe('faceAt', () => {
  const big = face({ id: 1, box: { x: 0, y: 0, width: 300, height: 300 } });
  const small = face({ id: 2, box: { x: 100, y: 100, width: 50, height: 50 } });
  const apart = face({ id: 3, box: { x: 400, y: 0, width: 80, height: 80 } });

  test.each([
    ['inside one box', { x: 420, y: 40 }, 3],
    ['inside two boxes: the smaller wins', { x: 120, y: 120 }, 2],
    ['only in the big box', { x: 10, y: 10 }, 1],
    ['on an edge', { x: 480, y: 80 }, 3],
    ['outside every box', { x: 350, y: 350 }, null],
  ])('%s', (_, point, want) => {
    expect(faceAt([big, small, apart], point)?.id ?? null).toBe(want);
  });

  test('no faces, no face', () => {
    expect(faceAt([], { x: 0, y: 0 })).toBeNull();
  });
});
