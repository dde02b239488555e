import { describe, expect, it } from 'vitest';
import type { Box } from '../types';
import type { Detection } from './faceTracker';
import {
  FaceTracker,
  boundsOf,
  boxAround,
  descriptorDistance,
} from './faceTracker';

/** A unit-length descriptor that is mostly axis `axis`: distinct per person. */
function person(axis: number, wobble = 0): Float32Array {
  const d = new Float32Array(128);
  d[axis] = 1;
  d[(axis + 1) % 128] = wobble;
  return d;
}

function box(x: number, y = 100, size = 100): Box {
  return { x, y, width: size, height: size };
}

/** Runs detections frame by frame (33 ms apart) and keeps the ids seen. */
function run(
  tracker: FaceTracker,
  frames: Detection[][],
  startMs = 0,
): number[][] {
  return frames.map((detections, i) => {
    const now = startMs + i * 33;
    tracker.expire(now);
    const tracks = tracker.assign(detections, now);
    tracks.forEach((track, k) =>
      track.see(detections[k]!.box, detections[k]!.score, undefined, now),
    );
    return tracks.map((t) => t.id);
  });
}

describe('FaceTracker', () => {
  it('keeps ids for faces that move a little each frame', () => {
    const tracker = new FaceTracker();
    const frames = Array.from({ length: 30 }, (_, i) => [
      { box: box(100 + i * 3), score: 0.9 },
      { box: box(400 - i * 2), score: 0.9 },
    ]);
    const ids = run(tracker, frames);
    expect(new Set(ids.map((frame) => frame.join()))).toEqual(new Set(['1,2']));
  });

  it('keeps ids when the detector misses every other frame', () => {
    const tracker = new FaceTracker();
    const frames = Array.from({ length: 30 }, (_, i) =>
      i % 2 === 0 ? [{ box: box(100 + i * 3), score: 0.9 }] : [],
    );
    const ids = run(tracker, frames).filter((frame) => frame.length > 0);
    expect(new Set(ids.flat())).toEqual(new Set([1]));
  });

  it('keeps ids through a short occlusion and drops the track after maxMissingMs', () => {
    const tracker = new FaceTracker({ maxMissingMs: 500 });
    const seen = { box: box(100), score: 0.9 };
    // Seen, hidden for 300 ms, seen again: the same track.
    expect(run(tracker, [[seen]], 0)).toEqual([[1]]);
    expect(run(tracker, [[seen]], 300)).toEqual([[1]]);
    // Hidden for 600 ms, no descriptor: a new track.
    tracker.expire(1000);
    expect(tracker.tracks).toHaveLength(0);
    expect(run(tracker, [[seen]], 1000)).toEqual([[2]]);
  });

  it('keeps the right ids when two faces cross, by their descriptors', () => {
    const tracker = new FaceTracker();
    const ada = person(0);
    const bea = person(10);
    // Ada moves right, Bea left; they overlap in the middle.
    const frames: Detection[][] = Array.from({ length: 21 }, (_, i) => [
      { box: box(100 + i * 15, 100), score: 0.9, descriptor: ada },
      { box: box(400 - i * 15, 110), score: 0.9, descriptor: bea },
    ]);
    const ids = run(tracker, frames);
    for (const frame of ids) expect(frame).toEqual([1, 2]);
  });

  it('would swap crossing faces on overlap alone, which is why descriptors are asked for', () => {
    const tracker = new FaceTracker();
    run(tracker, [
      [
        { box: box(200), score: 0.9 },
        { box: box(260), score: 0.9 },
      ],
    ]);
    // A detection over both tracks is uncertain; one clear of both is too.
    expect(
      tracker.uncertain([
        { box: box(230), score: 0.9 },
        { box: box(600), score: 0.9 },
      ]),
    ).toEqual([true, true]);
    // A detection clearly on one track only is not.
    const apart = new FaceTracker();
    run(apart, [
      [
        { box: box(100), score: 0.9 },
        { box: box(400), score: 0.9 },
      ],
    ]);
    expect(apart.uncertain([{ box: box(105), score: 0.9 }])).toEqual([false]);
  });

  it('gives a returning person their old track back within a minute', () => {
    const tracker = new FaceTracker();
    const ada = person(0);
    run(tracker, [[{ box: box(100), score: 0.9, descriptor: ada }]], 0);
    // Gone for 20 s: the track is lost but remembered.
    tracker.expire(20_000);
    expect(tracker.tracks).toHaveLength(0);
    expect(tracker.remembered).toHaveLength(1);
    // Someone else comes in: a new id.
    expect(
      run(
        tracker,
        [[{ box: box(300), score: 0.9, descriptor: person(50) }]],
        20_000,
      ),
    ).toEqual([[2]]);
    // Ada comes back elsewhere in the view, a little different.
    expect(
      run(
        tracker,
        [
          [
            { box: box(300), score: 0.9, descriptor: person(50) },
            { box: box(500), score: 0.9, descriptor: person(0, 0.2) },
          ],
        ],
        20_033,
      ),
    ).toEqual([[2, 1]]);
  });

  it('forgets a lost track after rememberMs', () => {
    const tracker = new FaceTracker({ rememberMs: 60_000 });
    run(tracker, [[{ box: box(100), score: 0.9, descriptor: person(0) }]], 0);
    tracker.expire(61_100);
    expect(tracker.remembered).toHaveLength(0);
    expect(
      run(
        tracker,
        [[{ box: box(100), score: 0.9, descriptor: person(0) }]],
        61_100,
      ),
    ).toEqual([[2]]);
  });

  it('re-identifies a track whose first descriptor came after it started', () => {
    const tracker = new FaceTracker();
    run(tracker, [[{ box: box(100), score: 0.9, descriptor: person(0) }]], 0);
    tracker.expire(5_000);
    const [fresh] = tracker.assign([{ box: box(400), score: 0.9 }], 5_000);
    expect(fresh!.id).toBe(2);
    fresh!.addDescriptor(person(0, 0.1));
    const revived = tracker.reidentify(fresh!, 5_000);
    expect(revived.id).toBe(1);
    expect(tracker.tracks.map((t) => t.id)).toEqual([1]);
  });

  it('does not merge two different people', () => {
    const tracker = new FaceTracker();
    run(tracker, [[{ box: box(100), score: 0.9, descriptor: person(0) }]], 0);
    tracker.expire(5_000);
    const [fresh] = tracker.assign(
      [{ box: box(100), score: 0.9, descriptor: person(30) }],
      5_000,
    );
    expect(fresh!.id).toBe(2);
  });

  it('starts ids at 1 again after reset', () => {
    const tracker = new FaceTracker();
    run(tracker, [[{ box: box(100), score: 0.9 }]]);
    tracker.reset();
    expect(run(tracker, [[{ box: box(100), score: 0.9 }]])).toEqual([[1]]);
  });
});

describe('Track', () => {
  it('smooths its box: jitter shrinks, a move is followed', () => {
    const tracker = new FaceTracker();
    const [track] = tracker.assign([{ box: box(100), score: 0.9 }], 0);
    const xs: number[] = [];
    for (let i = 1; i <= 30; i++) {
      const jitter = i % 2 === 0 ? 3 : -3;
      track!.see(box(100 + jitter), 0.9, undefined, i * 33);
      xs.push(track!.smoothedBox.x);
    }
    const spread = Math.max(...xs.slice(10)) - Math.min(...xs.slice(10));
    expect(spread).toBeLessThan(6 / 2);
  });

  it('learns the detector box around the landmarks and follows with it', () => {
    const tracker = new FaceTracker();
    const [track] = tracker.assign([{ box: box(100), score: 0.9 }], 0);
    const marks = [
      { x: 110, y: 130 },
      { x: 190, y: 130 },
      { x: 150, y: 195 },
    ];
    track!.see(box(100), 0.9, marks, 0);
    track!.learnBoxShape(box(100), marks);
    // The face moved 40 px right: the box moves with its landmarks.
    const moved = marks.map((p) => ({ x: p.x + 40, y: p.y }));
    track!.see(box(100), 0.9, moved, 33);
    const next = track!.followBox();
    expect(next.x).toBeCloseTo(140);
    expect(next.width).toBeCloseTo(100);
    expect(next.y).toBeCloseTo(100);
  });

  it('averages its recent descriptors into a reference', () => {
    const tracker = new FaceTracker();
    const [track] = tracker.assign([{ box: box(100), score: 0.9 }], 0);
    track!.addDescriptor(person(0));
    track!.addDescriptor(person(1));
    expect(track!.reference![0]).toBeCloseTo(0.5);
    expect(track!.reference![1]).toBeCloseTo(0.5);
  });

  it('smooths age with the given weight', () => {
    const tracker = new FaceTracker();
    const [track] = tracker.assign([{ box: box(100), score: 0.9 }], 0);
    track!.addAge(30, 0.5);
    track!.addAge(40, 0.5);
    expect(track!.ageSmoothed).toBe(35);
    expect(track!.age).toBe(40);
  });
});

describe('geometry', () => {
  it('bounds and boxes around points', () => {
    const points = [
      { x: 10, y: 20 },
      { x: 30, y: 60 },
    ];
    expect(boundsOf(points)).toEqual({ x: 10, y: 20, width: 20, height: 40 });
    expect(boundsOf([])).toEqual({ x: 0, y: 0, width: 0, height: 0 });
    expect(boxAround(points, { dx: -0.5, dy: -0.25, sw: 2, sh: 1.5 })).toEqual({
      x: 0,
      y: 10,
      width: 40,
      height: 60,
    });
  });

  it('measures descriptor distance', () => {
    expect(descriptorDistance(person(0), person(0))).toBe(0);
    expect(descriptorDistance(person(0), person(5))).toBeCloseTo(Math.SQRT2);
  });
});
