/**
 * Pure geometry and choices behind the canvas overlays: where a face lands
 * in the view (scaled, and mirrored in selfie view) and which overlays a
 * frame gets. Kept free of the canvas so it can be tested.
 */
import type { Box, Point, TrackedFace } from '../engine/types';

/** Overlay kinds, in the order `data-overlays` lists them. */
export const OVERLAY_KINDS = [
  'boxes',
  'landmarks',
  'expressions',
  'age-gender',
  'names',
] as const;

export type OverlayKind = (typeof OVERLAY_KINDS)[number];

/** Which overlays are switched on. */
export type OverlaySwitches = Record<OverlayKind, boolean>;

export interface Size {
  width: number;
  height: number;
}

/**
 * Maps source-frame pixels to view pixels: scales when the analysed frame
 * and the view differ in size, and flips x in selfie view (x' = width - x).
 * The one place where the mirror is applied to coordinates.
 */
export class ViewMapping {
  readonly #sx: number;
  readonly #sy: number;
  readonly #width: number;
  readonly #mirror: boolean;

  constructor(frame: Size, view: Size, mirror: boolean) {
    this.#sx = frame.width > 0 ? view.width / frame.width : 1;
    this.#sy = frame.height > 0 ? view.height / frame.height : 1;
    this.#width = view.width;
    this.#mirror = mirror;
  }

  point(p: Point): Point {
    const x = p.x * this.#sx;

    return { x: this.#mirror ? this.#width - x : x, y: p.y * this.#sy };
  }

  /** A view pixel back in source-frame pixels (a click on the canvas). */
  toSource(p: Point): Point {
    const x = this.#mirror ? this.#width - p.x : p.x;

    return { x: x / this.#sx, y: p.y / this.#sy };
  }

  /** The box in view pixels; x stays the left edge after mirroring. */
  box(b: Box): Box {
    const width = b.width * this.#sx;
    const left = b.x * this.#sx;

    return {
      x: this.#mirror ? this.#width - left - width : left,
      y: b.y * this.#sy,
      width,
      height: b.height * this.#sy,
    };
  }
}

/**
 * The face whose box holds `point` (source pixels); the smallest such box
 * when boxes overlap, so a face in front of a larger one can be picked.
 */
export function faceAt<T extends { box: Box }>(
  faces: readonly T[],
  point: Point,
): T | null {
  let best: T | null = null;
  for (const face of faces) {
    const { x, y, width, height } = face.box;
    const inside =
      point.x >= x &&
      point.x <= x + width &&
      point.y >= y &&
      point.y <= y + height;
    if (!inside) continue;
    if (best === null || width * height < best.box.width * best.box.height) {
      best = face;
    }
  }

  return best;
}

/** The overlay kinds that a face actually gets with these switches. */
export function overlaysFor(
  face: TrackedFace,
  on: OverlaySwitches,
): OverlayKind[] {
  const has: Record<OverlayKind, boolean> = {
    boxes: on.boxes,
    landmarks: on.landmarks && (face.landmarks?.length ?? 0) > 0,
    expressions: on.expressions && face.expressions !== undefined,
    'age-gender': on['age-gender'] && face.age !== undefined,
    names: on.names,
  };

  return OVERLAY_KINDS.filter((kind) => has[kind]);
}

/** The union of kinds drawn over all faces, in contract order. */
export function overlaysDrawn(
  faces: readonly TrackedFace[],
  on: OverlaySwitches,
): OverlayKind[] {
  const drawn = new Set(faces.flatMap((face) => overlaysFor(face, on)));

  return OVERLAY_KINDS.filter((kind) => drawn.has(kind));
}

/**
 * The 68-point (iBUG) outline as runs of consecutive indices; `closed`
 * runs join their last point back to the first.
 */
export const LANDMARK_RUNS: readonly {
  from: number;
  to: number;
  closed: boolean;
}[] = [
  { from: 0, to: 16, closed: false }, // jaw
  { from: 17, to: 21, closed: false }, // right brow
  { from: 22, to: 26, closed: false }, // left brow
  { from: 27, to: 30, closed: false }, // nose bridge
  { from: 31, to: 35, closed: false }, // nostrils
  { from: 36, to: 41, closed: true }, // right eye
  { from: 42, to: 47, closed: true }, // left eye
  { from: 48, to: 59, closed: true }, // outer lips
  { from: 60, to: 67, closed: true }, // inner lips
];
