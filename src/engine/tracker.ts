/**
 * Frame-to-frame identity for faces: each detection continues the track whose
 * last box it overlaps most, or starts a new one. Enough for stable ids and
 * per-face smoothing.
 *
 * TODO(#5): overlap alone loses a track when faces cross or a face is missed
 * for over maxMissingMs; descriptors should decide those cases.
 */
import type { Box, FaceAnalysis, TrackedFace } from './types';

export interface TrackerOptions {
  /** Least overlap (IoU) for a detection to continue a track. Defaults to 0.3. */
  minIou?: number;
  /** A track unseen this long is dropped. Defaults to 1000 ms. */
  maxMissingMs?: number;
}

interface Track {
  id: number;
  box: Box;
  lastSeenMs: number;
  ageSmoothed?: number;
}

/** Intersection over union of two boxes, 0..1. */
export function iou(a: Box, b: Box): number {
  const left = Math.max(a.x, b.x);
  const top = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  const overlap = Math.max(0, right - left) * Math.max(0, bottom - top);
  const union = a.width * a.height + b.width * b.height - overlap;

  return union > 0 ? overlap / union : 0;
}

/** Exponential moving average: `weight` is the share of the newest value. */
export function ema(
  previous: number | undefined,
  value: number,
  weight: number,
): number {
  return previous === undefined
    ? value
    : previous + weight * (value - previous);
}

/** Assigns stable ids to detections and smooths age per track. */
export class Tracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private readonly minIou: number;
  private readonly maxMissingMs: number;

  constructor(options: TrackerOptions = {}) {
    this.minIou = options.minIou ?? 0.3;
    this.maxMissingMs = options.maxMissingMs ?? 1000;
  }

  /**
   * Matches this frame's faces to tracks (best overlaps first), updates the
   * tracks and returns the faces with ids and smoothed ages, in input order.
   */
  update(
    faces: readonly FaceAnalysis[],
    timestampMs: number,
    ageWeight: number,
  ): TrackedFace[] {
    this.tracks = this.tracks.filter(
      (track) => timestampMs - track.lastSeenMs <= this.maxMissingMs,
    );

    // Greedy assignment over all pairs, largest overlap first.
    const pairs: { face: number; track: number; overlap: number }[] = [];
    faces.forEach((face, f) =>
      this.tracks.forEach((track, t) => {
        const overlap = iou(face.box, track.box);
        if (overlap >= this.minIou) pairs.push({ face: f, track: t, overlap });
      }),
    );
    pairs.sort((a, b) => b.overlap - a.overlap);
    const trackOf = new Map<number, Track>();
    const taken = new Set<number>();
    for (const pair of pairs) {
      if (trackOf.has(pair.face) || taken.has(pair.track)) continue;
      const track = this.tracks[pair.track];
      if (!track) continue;
      trackOf.set(pair.face, track);
      taken.add(pair.track);
    }

    return faces.map((face, f) => {
      let track = trackOf.get(f);
      if (!track) {
        track = { id: this.nextId++, box: face.box, lastSeenMs: timestampMs };
        this.tracks.push(track);
      }
      track.box = face.box;
      track.lastSeenMs = timestampMs;
      if (face.age !== undefined) {
        track.ageSmoothed = ema(track.ageSmoothed, face.age, ageWeight);
      }

      // Names come from the gallery afterwards (see Analyzer).
      const tracked: TrackedFace = { ...face, id: track.id, name: null };
      if (track.ageSmoothed !== undefined && face.age !== undefined) {
        tracked.ageSmoothed = track.ageSmoothed;
      }
      return tracked;
    });
  }

  /** Forgets every track; ids start again at 1. */
  reset(): void {
    this.tracks = [];
    this.nextId = 1;
  }
}
