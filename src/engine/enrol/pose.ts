/**
 * Head pose from the 68 landmarks alone, good enough to gate enrolment
 * samples (is the head roughly frontal?), not to measure angles: expect
 * errors of several degrees, more on faces far from the average shape.
 *
 * The face is modelled as a few points of a rigid average head: the nose tip
 * in front, the eyes and the mouth behind it. Turning that head moves the
 * nose tip against the other points in proportion to the tangent of the
 * angle, and the depths below turn that shift back into degrees.
 *
 * The three angles compose in the order a neck moves a head: a nod (pitch)
 * about the ear-to-ear axis, then a turn (yaw) about the vertical, then a
 * tilt (roll) in the image plane. In that order the model reads each angle
 * back exactly; real faces differ from the model by their own proportions.
 */
import type { Point } from '../types';

/** Head rotation in degrees; 0, 0, 0 is a face looking into the camera. */
export interface HeadPose {
  /**
   * Left-right turn. Positive when the nose points towards the image's
   * right-hand side (the person's own left in an unmirrored photo).
   */
  yaw: number;
  /** Up-down nod. Positive when the chin is raised (looking up). */
  pitch: number;
  /**
   * In-plane tilt of the eye line. Positive when the eye on the image's
   * right-hand side is lower, a clockwise turn as the image is shown.
   */
  roll: number;
}

// Indices into the iBUG 68-point layout that face-api's landmark net uses.
const NOSE_TIP = 30;
const OUTER_EYE_LEFT = 36;
const OUTER_EYE_RIGHT = 45;
const EYE_LEFT = [36, 37, 38, 39, 40, 41];
const EYE_RIGHT = [42, 43, 44, 45, 46, 47];
const MOUTH_LEFT = 48;
const MOUTH_RIGHT = 54;

/**
 * Proportions of an average head, in half-spans of the outer eye corners
 * (about 46 mm), taken from the mean 3D shape of the 68 landmarks that
 * OpenFace ships. Depths are behind the nose tip.
 */
export const AVERAGE_HEAD = {
  /** Outer eye corners: 43 mm behind the tip. */
  eyeCornerDepth: 0.94,
  /** Eye centres (mean of each eye's six points): 38 mm. */
  eyeCentreDepth: 0.84,
  /** Mouth corners: 34 mm. */
  mouthCornerDepth: 0.75,
  /** Height from the eye line down to the mouth corners: 67 mm. */
  eyeToMouth: 1.47,
} as const;

/**
 * Where the nose tip sits between the eye line (0) and the mouth line (1) on
 * a face looking into the camera. Measured: the median over the 40 aligned
 * face-api example chips (0.627) and of 22 faces in its demo photos (0.641).
 */
export const FRONTAL_NOSE_RATIO = 0.63;

/**
 * Estimates yaw, pitch and roll in degrees from 68 landmarks in image
 * pixels (y down). Throws when fewer than 68 points come.
 */
export function estimateHeadPose(landmarks: readonly Point[]): HeadPose {
  if (landmarks.length < 68) {
    throw new Error(
      `Expected 68 landmarks for a head pose but got ${landmarks.length}.`,
    );
  }
  const at = (i: number): Point => landmarks[i] as Point;

  // Roll: the line through the two eye centres.
  const eyeLeft = mean(EYE_LEFT.map(at));
  const eyeRight = mean(EYE_RIGHT.map(at));
  const rollRad = Math.atan2(eyeRight.y - eyeLeft.y, eyeRight.x - eyeLeft.x);

  // Undo the roll about the eyes' midpoint so yaw and pitch see an upright
  // face: horizontal and vertical then mean what they say.
  const centre = mean([eyeLeft, eyeRight]);
  const upright = (p: Point): Point => rotate(p, centre, -rollRad);
  const nose = upright(at(NOSE_TIP));
  const cornerLeft = upright(at(OUTER_EYE_LEFT));
  const cornerRight = upright(at(OUTER_EYE_RIGHT));
  const mouthLeft = upright(at(MOUTH_LEFT));
  const mouthRight = upright(at(MOUTH_RIGHT));

  // Pitch: the nose tip's place between the eye line and the mouth line; a
  // raised chin brings the tip up towards the eyes. Depths in eye-to-mouth
  // heights, as the ratio is.
  const mouth = mean([mouthLeft, mouthRight]);
  const ratio = (nose.y - centre.y) / (mouth.y - centre.y);
  const eyeDepth = AVERAGE_HEAD.eyeCentreDepth / AVERAGE_HEAD.eyeToMouth;
  const mouthDepth = AVERAGE_HEAD.mouthCornerDepth / AVERAGE_HEAD.eyeToMouth;
  const pitchRad = Math.atan2(
    FRONTAL_NOSE_RATIO - ratio,
    eyeDepth + ratio * (mouthDepth - eyeDepth),
  );

  // Yaw: the nose tip's offset, in half eye-spans, from the face's midline
  // at the nose tip's height: eye corners and mouth corners weighted so
  // that a nod moves that point no nearer the camera than the tip.
  const eyeWeight = 1 - FRONTAL_NOSE_RATIO;
  const mouthWeight = FRONTAL_NOSE_RATIO;
  const midline =
    eyeWeight * ((cornerLeft.x + cornerRight.x) / 2) + mouthWeight * mouth.x;
  const midlineDepth =
    eyeWeight * AVERAGE_HEAD.eyeCornerDepth +
    mouthWeight * AVERAGE_HEAD.mouthCornerDepth;
  const halfSpan = (cornerRight.x - cornerLeft.x) / 2;
  const offset = (nose.x - midline) / halfSpan;
  const yawRad = Math.atan2(offset, midlineDepth * Math.cos(pitchRad));

  return {
    yaw: degrees(yawRad),
    pitch: degrees(pitchRad),
    roll: degrees(rollRad),
  };
}

function mean(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }

  return { x: x / points.length, y: y / points.length };
}

function rotate(p: Point, about: Point, rad: number): Point {
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const dx = p.x - about.x;
  const dy = p.y - about.y;

  return {
    x: about.x + dx * cos - dy * sin,
    y: about.y + dx * sin + dy * cos,
  };
}

function degrees(rad: number): number {
  return (rad * 180) / Math.PI;
}
