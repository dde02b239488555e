// The quality gate on synthetic inputs: head poses from a hand-built 3D
// landmark model, sharpness on generated images, and each refusal rule.
import { describe, expect, it } from 'vitest';
import type { Box, FaceAnalysis, PixelFrame, Point } from '../types';
import { AVERAGE_HEAD, estimateHeadPose, FRONTAL_NOSE_RATIO } from './pose';
import type { QualityMetrics } from './quality';
import {
  checkQuality,
  DEFAULT_QUALITY_OPTIONS,
  judge,
  nearestDistance,
  resolveQualityOptions,
} from './quality';
import { faceSharpness } from './sharpness';

// The synthetic head: pose.ts's average proportions, half the outer-eye
// span as the unit, the nose tip at the origin.
const H = AVERAGE_HEAD.eyeToMouth;
const EYE_Y = -FRONTAL_NOSE_RATIO * H;
const MOUTH_Y = (1 - FRONTAL_NOSE_RATIO) * H;
/** Outer corners deeper than the rest of the eye, the six averaging out. */
const CORNER_Z = -AVERAGE_HEAD.eyeCornerDepth;
const LID_Z =
  -(6 * AVERAGE_HEAD.eyeCentreDepth - AVERAGE_HEAD.eyeCornerDepth) / 5;
const MOUTH_Z = -AVERAGE_HEAD.mouthCornerDepth;

interface Point3 {
  x: number;
  y: number;
  z: number;
}

/**
 * 68 landmarks of a face model seen from the front (x right, y down, z
 * towards the camera), consistent with pose.ts's average head where it
 * matters (eyes, nose tip, mouth corners) and roughly placed elsewhere.
 */
function faceModel(): Point3[] {
  const points: Point3[] = [];
  // Jaw 0-16: an arc from ear to ear under the face.
  for (let i = 0; i <= 16; i++) {
    const a = Math.PI * (i / 16);
    points.push({ x: -1.6 * Math.cos(a), y: EYE_Y + 2 * Math.sin(a), z: -1 });
  }
  // Brows 17-26.
  for (let i = 0; i < 10; i++) {
    const x = i < 5 ? -1.1 + i * 0.2 : 0.3 + (i - 5) * 0.2;
    points.push({ x, y: EYE_Y - 0.4, z: -0.5 });
  }
  // Nose bridge 27-30 ending at the tip, then nostrils 31-35.
  for (let i = 0; i < 4; i++) {
    points.push({ x: 0, y: EYE_Y * (1 - i / 3), z: -0.3 * (1 - i / 3) });
  }
  for (let i = 0; i < 5; i++) {
    points.push({ x: -0.3 + i * 0.15, y: 0.15, z: -0.3 });
  }
  // Eyes 36-41 and 42-47: outer corner, upper lid, inner corner, lower lid.
  const eye = (outer: number, inner: number) => {
    const at = (t: number) => outer + (inner - outer) * t;
    return [
      { x: outer, y: EYE_Y, z: CORNER_Z },
      { x: at(1 / 3), y: EYE_Y - 0.1, z: LID_Z },
      { x: at(2 / 3), y: EYE_Y - 0.1, z: LID_Z },
      { x: inner, y: EYE_Y, z: LID_Z },
      { x: at(2 / 3), y: EYE_Y + 0.1, z: LID_Z },
      { x: at(1 / 3), y: EYE_Y + 0.1, z: LID_Z },
    ];
  };
  points.push(...eye(-1, -0.4));
  const right = eye(1, 0.4);
  // The right eye's ring starts at its inner corner (42) in the iBUG layout.
  points.push(...[3, 2, 1, 0, 5, 4].map((i) => right[i] as Point3));
  // Mouth 48-67: corners at 48 and 54 on the mouth line.
  for (let i = 0; i < 20; i++) {
    const a = (2 * Math.PI * i) / (i < 12 ? 12 : 8);
    const r = i < 12 ? 0.5 : 0.3;
    points.push({
      x: -r * Math.cos(a),
      y: MOUTH_Y + 0.1 * Math.sin(a),
      z: MOUTH_Z,
    });
  }

  return points;
}

/**
 * The model nodded by pitch, turned by yaw, then rolled in the image (the
 * order pose.ts reads them back in), projected to pixels.
 */
function landmarksAt(yaw: number, pitch: number, roll: number): Point[] {
  const rad = Math.PI / 180;
  const [cy, sy] = [Math.cos(yaw * rad), Math.sin(yaw * rad)];
  const [cp, sp] = [Math.cos(pitch * rad), Math.sin(pitch * rad)];
  const [cr, sr] = [Math.cos(roll * rad), Math.sin(roll * rad)];

  return faceModel().map(({ x, y, z }) => {
    // Pitch about the ear-to-ear axis: a raised chin lifts the nose (-y).
    const y1 = y * cp - z * sp;
    const z1 = z * cp + y * sp;
    // Yaw about the vertical axis: the nose (z > 0) swings to +x.
    const x2 = x * cy + z1 * sy;
    // Roll in the image plane, clockwise as shown (y down).
    const x3 = x2 * cr - y1 * sr;
    const y3 = x2 * sr + y1 * cr;

    return { x: 320 + 60 * x3, y: 240 + 60 * y3 };
  });
}

describe('estimateHeadPose', () => {
  it.each([
    ['frontal', 0, 0, 0],
    ['turned to the image right', 25, 0, 0],
    ['turned to the image left', -40, 0, 0],
    ['chin up', 0, 20, 0],
    ['chin down', 0, -30, 0],
    ['tilted clockwise', 0, 0, 15],
    ['tilted anticlockwise', 0, 0, -35],
  ])('reads a %s head back (%i, %i, %i)', (_name, yaw, pitch, roll) => {
    const pose = estimateHeadPose(landmarksAt(yaw, pitch, roll));

    expect(pose.yaw).toBeCloseTo(yaw, 5);
    expect(pose.pitch).toBeCloseTo(pitch, 5);
    expect(pose.roll).toBeCloseTo(roll, 5);
  });

  it.each([
    [20, 15, 10],
    [-25, -20, -20],
    [30, -10, 25],
    [-50, 35, -40],
  ])('reads combined angles back (%i, %i, %i)', (yaw, pitch, roll) => {
    const pose = estimateHeadPose(landmarksAt(yaw, pitch, roll));

    expect(pose.yaw).toBeCloseTo(yaw, 5);
    expect(pose.pitch).toBeCloseTo(pitch, 5);
    expect(pose.roll).toBeCloseTo(roll, 5);
  });

  it('does not depend on where the face is or how big', () => {
    const small = landmarksAt(10, 10, 10);
    const moved = small.map((p) => ({ x: 3 * p.x + 100, y: 3 * p.y - 50 }));
    const a = estimateHeadPose(small);
    const b = estimateHeadPose(moved);

    expect(b.yaw).toBeCloseTo(a.yaw, 6);
    expect(b.pitch).toBeCloseTo(a.pitch, 6);
    expect(b.roll).toBeCloseTo(a.roll, 6);
  });

  it('refuses fewer than 68 points', () => {
    expect(() => estimateHeadPose(landmarksAt(0, 0, 0).slice(0, 5))).toThrow(
      'Expected 68 landmarks for a head pose but got 5.',
    );
  });
});

/** A grey frame whose pixel (x, y) is `shade(x, y)`, 0..255. */
function greyFrame(
  width: number,
  height: number,
  shade: (x: number, y: number) => number,
): PixelFrame {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = shade(x, y);
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
      data[i + 3] = 255;
    }
  }

  return { width, height, data };
}

const checkerboard = (square: number) => (x: number, y: number) =>
  (Math.floor(x / square) + Math.floor(y / square)) % 2 ? 220 : 30;

/** A horizontal box blur of `radius` px, run `passes` times (near Gaussian). */
function blurred(frame: PixelFrame, radius: number, passes = 3): PixelFrame {
  let data = Uint8ClampedArray.from(frame.data);
  for (let pass = 0; pass < passes * 2; pass++) {
    const out = new Uint8ClampedArray(data.length);
    const vertical = pass % 2 === 1;
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          for (let d = -radius; d <= radius; d++) {
            const xx = vertical
              ? x
              : Math.min(frame.width - 1, Math.max(0, x + d));
            const yy = vertical
              ? Math.min(frame.height - 1, Math.max(0, y + d))
              : y;
            sum += data[(yy * frame.width + xx) * 4 + c] as number;
          }
          out[(y * frame.width + x) * 4 + c] = sum / (2 * radius + 1);
        }
      }
    }
    data = out;
  }

  return { ...frame, data };
}

describe('faceSharpness', () => {
  const whole = (frame: PixelFrame): Box => ({
    x: 0,
    y: 0,
    width: frame.width,
    height: frame.height,
  });

  it('is 0 on a flat face and high on a checkerboard', () => {
    const flat = greyFrame(160, 160, () => 128);
    const board = greyFrame(160, 160, checkerboard(8));

    expect(faceSharpness(flat, whole(flat))).toBe(0);
    expect(faceSharpness(board, whole(board))).toBeGreaterThan(
      10 * DEFAULT_QUALITY_OPTIONS.minSharpness,
    );
  });

  it('drops below the default threshold when the same board is blurred', () => {
    const board = greyFrame(160, 160, checkerboard(8));
    const soft = blurred(board, 4);

    expect(faceSharpness(soft, whole(soft))).toBeLessThan(
      DEFAULT_QUALITY_OPTIONS.minSharpness,
    );
  });

  it('does not depend on the face size: the same pattern at 2x scores alike', () => {
    const small = greyFrame(160, 160, checkerboard(8));
    const large = greyFrame(320, 320, checkerboard(16));

    expect(faceSharpness(large, whole(large))).toBeCloseTo(
      faceSharpness(small, whole(small)),
      0,
    );
  });

  it('measures only inside the box, clipped to the frame', () => {
    // Left half flat, right half checkered; samples reach half a pixel out.
    const frame = greyFrame(200, 100, (x, y) =>
      x < 100 ? 128 : checkerboard(5)(x, y),
    );

    expect(faceSharpness(frame, { x: 0, y: 0, width: 98, height: 100 })).toBe(
      0,
    );
    expect(
      faceSharpness(frame, { x: 120, y: -50, width: 200, height: 300 }),
    ).toBeGreaterThan(DEFAULT_QUALITY_OPTIONS.minSharpness);
    expect(faceSharpness(frame, { x: 300, y: 0, width: 50, height: 50 })).toBe(
      0,
    );
  });
});

describe('resolveQualityOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveQualityOptions()).toEqual({
      minFacePx: 80,
      minScore: 0.5,
      minSharpness: 50,
      maxYawDeg: 30,
      maxPitchDeg: 25,
      maxRollDeg: 25,
      duplicateDistance: 0.15,
    });
  });

  it('keeps valid overrides', () => {
    const options = resolveQualityOptions({ minFacePx: 120, maxYawDeg: 15 });

    expect(options.minFacePx).toBe(120);
    expect(options.maxYawDeg).toBe(15);
    expect(options.minScore).toBe(0.5);
  });

  it.each([
    ['minFacePx', -1],
    ['minScore', 1.5],
    ['maxYawDeg', 120],
    ['duplicateDistance', Number.NaN],
    ['minSharpness', 'high'],
  ])('refuses %s = %s, naming it', (key, value) => {
    expect(() => resolveQualityOptions({ [key]: value })).toThrow(
      new RegExp(`quality option ${key} from .* but got ${String(value)}`),
    );
  });
});

/** Metrics that pass every rule at the defaults. */
const GOOD: QualityMetrics = {
  sizePx: 150,
  score: 0.9,
  sharpness: 200,
  yaw: 5,
  pitch: -5,
  roll: 2,
  nearestDistance: 0.4,
};

describe('judge', () => {
  it('accepts a good sample with no reasons', () => {
    expect(judge(GOOD)).toEqual({ accepted: true, reasons: [] });
    expect(judge({ ...GOOD, nearestDistance: null }).accepted).toBe(true);
  });

  it.each([
    [
      'too small',
      { sizePx: 62 },
      'too-small',
      'Face too small: 62 px wide, needs at least 80 px. ' +
        'Move closer or use a larger photo.',
    ],
    ['low score', { score: 0.31 }, 'low-score', 'detection score 0.31'],
    [
      'blurred',
      { sharpness: 12.4 },
      'blurred',
      'sharpness 12, needs at least 50',
    ],
    ['turned', { yaw: -41 }, 'turned', 'turned sideways too far: 41°'],
    ['nodding', { pitch: 30 }, 'turned', 'tilted up or down too far: 30°'],
    ['tilted', { roll: -26 }, 'turned', 'tilted to one side too far: 26°'],
    [
      'a duplicate',
      { nearestDistance: 0.04 },
      'duplicate',
      'distance 0.04, below 0.15',
    ],
  ] as const)('refuses a sample %s', (_name, change, code, words) => {
    const { accepted, reasons } = judge({ ...GOOD, ...change });

    expect(accepted).toBe(false);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.code).toBe(code);
    expect(reasons[0]?.message).toContain(words);
  });

  it('names the axis of each angle over its limit', () => {
    const { reasons } = judge({ ...GOOD, yaw: 50, roll: 40 });

    expect(reasons.map((r) => [r.code, r.axis, r.value, r.limit])).toEqual([
      ['turned', 'yaw', 50, 30],
      ['turned', 'roll', 40, 25],
    ]);
  });

  it('gives every reason a sample fails, and takes its limits from options', () => {
    const bad = { ...GOOD, sizePx: 40, score: 0.2, sharpness: 3 };

    expect(judge(bad).reasons.map((r) => r.code)).toEqual([
      'too-small',
      'low-score',
      'blurred',
    ]);
    const lenient = resolveQualityOptions({
      minFacePx: 32,
      minScore: 0.1,
      minSharpness: 1,
    });
    expect(judge(bad, lenient).accepted).toBe(true);
  });

  it('refuses angles that could not be measured', () => {
    expect(judge({ ...GOOD, yaw: Number.NaN }).reasons[0]?.code).toBe('turned');
  });
});

describe('nearestDistance', () => {
  const d = (...values: number[]) => Float32Array.from(values);

  it('is null with nothing kept and the smallest distance otherwise', () => {
    expect(nearestDistance(d(0, 0), [])).toBeNull();
    expect(nearestDistance(d(0, 0), [d(3, 4), d(0, 0.5)])).toBeCloseTo(0.5);
  });

  it('refuses descriptors of another length', () => {
    expect(() => nearestDistance(d(0, 0), [d(1, 2, 3)])).toThrow(
      'Expected kept descriptors of length 2 but got one of length 3.',
    );
  });
});

describe('checkQuality', () => {
  // A 240x240 "face" of fine checks, landmarks of a frontal head in it.
  const frame = greyFrame(240, 240, checkerboard(3));
  const descriptor = new Float32Array(128).fill(0.05);
  const face: FaceAnalysis = {
    box: { x: 20, y: 20, width: 200, height: 200 },
    score: 0.95,
    landmarks: landmarksAt(0, 0, 0).map((p) => ({
      x: p.x - 200,
      y: p.y - 120,
    })),
    descriptor,
  };

  it('accepts a good sample and reports what it measured', () => {
    const result = checkQuality(face, frame, []);

    expect(result.reasons).toEqual([]);
    expect(result.accepted).toBe(true);
    expect(result.metrics).toMatchObject({
      sizePx: 200,
      score: 0.95,
      nearestDistance: null,
    });
    expect(result.metrics.sharpness).toBeGreaterThan(50);
    expect(Math.abs(result.metrics.yaw)).toBeLessThan(1e-6);
  });

  it('refuses the same descriptor twice as a duplicate', () => {
    const other = new Float32Array(128).fill(-0.05);
    const result = checkQuality(face, frame, [other, descriptor]);

    expect(result.accepted).toBe(false);
    expect(result.reasons.map((r) => r.code)).toEqual(['duplicate']);
    expect(result.metrics.nearestDistance).toBe(0);
  });

  it('refuses a turned head with its angle', () => {
    const turned = { ...face, landmarks: landmarksAt(45, 0, 0) };
    const result = checkQuality(turned, frame, []);

    expect(result.reasons.map((r) => r.axis)).toEqual(['yaw']);
    expect(result.metrics.yaw).toBeCloseTo(45, 5);
  });

  it('throws when the landmarks or the descriptor are missing', () => {
    const { landmarks: _l, ...noLandmarks } = face;
    const { descriptor: _d, ...noDescriptor } = face;

    expect(() => checkQuality(noLandmarks, frame, [])).toThrow(
      /68 landmarks .* but got none/,
    );
    expect(() => checkQuality(noDescriptor, frame, [])).toThrow(
      /Expected a descriptor/,
    );
  });
});
