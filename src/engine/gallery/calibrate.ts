/**
 * Self-calibration of the gallery from its own samples: how far apart each
 * person's samples are (genuine distances), how close different people's
 * samples come (impostor distances), and a threshold that tells them apart.
 * DOM-free and model-free; the UI shows the result and offers the
 * suggestion.
 *
 * The gallery cannot see strangers, only the people in it, so the
 * suggestion never goes above a ceiling measured on labelled photos
 * (DEFAULT_MATCH_OPTIONS.threshold unless told otherwise): a gallery can
 * show that a stricter threshold is safe, never that a looser one is.
 */
import type { Descriptor, EnrolledPerson } from './matcher';
import {
  assertDescriptor,
  DEFAULT_MATCH_OPTIONS,
  THRESHOLD_RANGE,
} from './matcher';
import { DESCRIPTOR_LENGTH } from './types';

/** Settings for calibrateGallery; see DEFAULT_CALIBRATION_OPTIONS. */
export interface CalibrationOptions {
  /**
   * Highest threshold suggested. Defaults to DEFAULT_MATCH_OPTIONS.threshold,
   * the threshold chosen on labelled photos.
   */
  ceiling: number;
  /**
   * Most sample pairs measured per side (genuine, impostor); past it an
   * even random draw of this many pairs (fixed seed: the same gallery gives
   * the same answer). Defaults to 200,000, a few milliseconds per 10,000.
   */
  maxPairs: number;
}

export const DEFAULT_CALIBRATION_OPTIONS: Readonly<CalibrationOptions> = {
  ceiling: DEFAULT_MATCH_OPTIONS.threshold,
  maxPairs: 200_000,
};

/** Distances of one side, summarised; all NaN when n is 0. */
export interface DistanceSummary {
  /** Pairs measured. */
  n: number;
  min: number;
  /** 5th percentile, median and 95th percentile. */
  p05: number;
  median: number;
  p95: number;
  max: number;
}

/** Two samples and their distance; `a` and `b` are person ids. */
export interface SamplePair {
  a: string;
  aSample: number;
  b: string;
  bSample: number;
  distance: number;
}

/**
 * Why the suggestion is what it is: `gap` when genuine and impostor
 * distances do not overlap (the middle of the gap between them), `overlap`
 * when they do (the threshold that misjudges fewest pairs), `ceiling` when
 * either lies above the ceiling, `genuine-only` when only one person has
 * samples (their own spread, up to the ceiling), `too-few` when no person
 * has two samples (no suggestion).
 */
export type CalibrationBasis =
  'gap' | 'overlap' | 'ceiling' | 'genuine-only' | 'too-few';

/** What the gallery's own samples say about the threshold. */
export interface GalleryCalibration {
  /** Distances between samples of the same person. */
  genuine: DistanceSummary;
  /** Distances between samples of different people. */
  impostor: DistanceSummary;
  /** A threshold in the slider's range, or null when basis is too-few. */
  suggestedThreshold: number | null;
  basis: CalibrationBasis;
  /**
   * At the suggestion: share of genuine pairs within it (a person's samples
   * that match each other) and of impostor pairs within it (samples of two
   * people close enough to be confused). NaN when that side is empty.
   */
  genuineAccepted: number;
  impostorAccepted: number;
  /** The closest samples of two different people, among pairs measured. */
  closestImpostors: SamplePair | null;
  /** The furthest samples of one person, among pairs measured. */
  furthestGenuine: SamplePair | null;
  /** Whether pairs were drawn at random because there were too many. */
  sampled: boolean;
}

/**
 * Measures the gallery's genuine and impostor distances and suggests a
 * threshold (see CalibrationBasis). People without samples are ignored.
 * Throws a RangeError for a ceiling outside the slider's range and a
 * DescriptorError for a sample that is not 128 finite numbers.
 */
export function calibrateGallery(
  people: readonly EnrolledPerson[],
  overrides: Partial<CalibrationOptions> = {},
): GalleryCalibration {
  const options = { ...DEFAULT_CALIBRATION_OPTIONS, ...overrides };
  const { ceiling } = options;
  if (!(ceiling >= THRESHOLD_RANGE.min && ceiling <= THRESHOLD_RANGE.max)) {
    throw new RangeError(
      `Expected a ceiling from ${THRESHOLD_RANGE.min} to ` +
        `${THRESHOLD_RANGE.max} but got ${ceiling}.`,
    );
  }
  const maxPairs = Math.max(1, Math.floor(options.maxPairs));
  const enrolled = people.filter((p) => p.descriptors.length > 0);
  for (const person of enrolled) {
    person.descriptors.forEach((d, i) =>
      assertDescriptor(d, `Sample ${i} of person ${person.id}`),
    );
  }

  const genuine = measureGenuine(enrolled, maxPairs);
  const impostor = measureImpostor(enrolled, maxPairs);
  const g = genuine.pairs.map((p) => p.distance).sort((a, b) => a - b);
  const m = impostor.pairs.map((p) => p.distance).sort((a, b) => a - b);
  const { threshold, basis } = suggest(g, m, ceiling);

  return {
    genuine: summarise(g),
    impostor: summarise(m),
    suggestedThreshold: threshold,
    basis,
    genuineAccepted:
      threshold === null ? NaN : shareAtMost(g, threshold, g.length),
    impostorAccepted:
      threshold === null ? NaN : shareAtMost(m, threshold, m.length),
    closestImpostors: extreme(impostor.pairs, (a, b) => a < b),
    furthestGenuine: extreme(genuine.pairs, (a, b) => a > b),
    sampled: genuine.sampled || impostor.sampled,
  };
}

/** The threshold rule of CalibrationBasis, on sorted distances. */
function suggest(
  genuine: readonly number[],
  impostor: readonly number[],
  ceiling: number,
): { threshold: number | null; basis: CalibrationBasis } {
  const inRange = (t: number) =>
    Math.min(ceiling, Math.max(THRESHOLD_RANGE.min, round3(t)));
  if (genuine.length === 0) return { threshold: null, basis: 'too-few' };
  if (impostor.length === 0) {
    // One person: accept their own spread, but no more than the ceiling.
    const spread = genuine[genuine.length - 1]!;
    return {
      threshold: inRange(spread),
      basis: spread > ceiling ? 'ceiling' : 'genuine-only',
    };
  }

  const { threshold, separated } = fewestErrors(genuine, impostor);
  if (threshold > ceiling) return { threshold: ceiling, basis: 'ceiling' };

  return {
    threshold: inRange(threshold),
    basis: separated ? 'gap' : 'overlap',
  };
}

/**
 * The cut between sorted genuine and impostor distances that misjudges the
 * fewest pairs, each side weighted equally (a side with few pairs is not
 * drowned by one with many); the middle of the first best gap.
 */
function fewestErrors(
  genuine: readonly number[],
  impostor: readonly number[],
): { threshold: number; separated: boolean } {
  const all = [
    ...genuine.map((d) => ({ d, same: true })),
    ...impostor.map((d) => ({ d, same: false })),
  ].sort((a, b) => a.d - b.d);
  const wg = 1 / genuine.length;
  const wm = 1 / impostor.length;

  // Accepting the first i: errors are genuine after i plus impostors before.
  let errors = 1;
  let best = errors;
  let bestAccepted = 0;
  let i = 0;
  while (i < all.length) {
    const d = all[i]!.d;
    while (i < all.length && all[i]!.d === d) {
      errors += all[i]!.same ? -wg : wm;
      i += 1;
    }
    if (errors < best - 1e-12) {
      best = errors;
      bestAccepted = i;
    }
  }
  const below = all[bestAccepted - 1]?.d ?? 0;
  const above = all[bestAccepted]?.d ?? below;

  return { threshold: (below + above) / 2, separated: best < 1e-9 };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Share of sorted `values` at most `t`, out of `n`; NaN when n is 0. */
function shareAtMost(values: readonly number[], t: number, n: number): number {
  let count = 0;
  while (count < values.length && values[count]! <= t) count += 1;

  return count / n;
}

function summarise(sorted: readonly number[]): DistanceSummary {
  const q = (p: number): number => {
    if (sorted.length === 0) return NaN;
    const at = p * (sorted.length - 1);
    const lo = Math.floor(at);
    const hi = Math.ceil(at);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
  };

  return {
    n: sorted.length,
    min: q(0),
    p05: q(0.05),
    median: q(0.5),
    p95: q(0.95),
    max: q(1),
  };
}

function extreme(
  pairs: readonly SamplePair[],
  better: (a: number, b: number) => boolean,
): SamplePair | null {
  let found: SamplePair | null = null;
  for (const pair of pairs) {
    if (!found || better(pair.distance, found.distance)) found = pair;
  }

  return found;
}

/** Every pair of one person's samples, or a random draw of maxPairs. */
function measureGenuine(
  people: readonly EnrolledPerson[],
  maxPairs: number,
): { pairs: SamplePair[]; sampled: boolean } {
  const total = people.reduce((sum, p) => {
    const n = p.descriptors.length;
    return sum + (n * (n - 1)) / 2;
  }, 0);
  const pairs: SamplePair[] = [];
  const pair = (p: EnrolledPerson, i: number, j: number): SamplePair => ({
    a: p.id,
    aSample: i,
    b: p.id,
    bSample: j,
    distance: distance(p.descriptors[i]!, p.descriptors[j]!),
  });

  if (total <= maxPairs) {
    for (const p of people) {
      for (let i = 0; i < p.descriptors.length; i++) {
        for (let j = i + 1; j < p.descriptors.length; j++) {
          pairs.push(pair(p, i, j));
        }
      }
    }
    return { pairs, sampled: false };
  }

  // Draw people in proportion to their pairs, then two of their samples.
  const withPairs = people.filter((p) => p.descriptors.length > 1);
  const weights = withPairs.map((p) => {
    const n = p.descriptors.length;
    return (n * (n - 1)) / 2;
  });
  const random = seededRandom(0x5eed);
  for (let t = 0; t < maxPairs; t++) {
    const p = withPairs[pickWeighted(weights, total, random)]!;
    const n = p.descriptors.length;
    const i = Math.floor(random() * n);
    const j = (i + 1 + Math.floor(random() * (n - 1))) % n;
    pairs.push(pair(p, Math.min(i, j), Math.max(i, j)));
  }

  return { pairs, sampled: true };
}

/** Every pair of samples of two people, or a random draw of maxPairs. */
function measureImpostor(
  people: readonly EnrolledPerson[],
  maxPairs: number,
): { pairs: SamplePair[]; sampled: boolean } {
  const rows: { person: EnrolledPerson; sample: number }[] = [];
  for (const person of people) {
    person.descriptors.forEach((_, sample) => rows.push({ person, sample }));
  }
  const sameSides = people.reduce((sum, p) => {
    const n = p.descriptors.length;
    return sum + (n * (n - 1)) / 2;
  }, 0);
  const total = (rows.length * (rows.length - 1)) / 2 - sameSides;
  const pairs: SamplePair[] = [];
  const pair = (x: (typeof rows)[number], y: (typeof rows)[number]) => ({
    a: x.person.id,
    aSample: x.sample,
    b: y.person.id,
    bSample: y.sample,
    distance: distance(
      x.person.descriptors[x.sample]!,
      y.person.descriptors[y.sample]!,
    ),
  });

  if (total <= maxPairs) {
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++) {
        if (rows[i]!.person !== rows[j]!.person) {
          pairs.push(pair(rows[i]!, rows[j]!));
        }
      }
    }
    return { pairs, sampled: false };
  }

  // Two random rows of different people: each such pair is equally likely.
  const random = seededRandom(0xfa11);
  while (pairs.length < maxPairs) {
    const x = rows[Math.floor(random() * rows.length)]!;
    const y = rows[Math.floor(random() * rows.length)]!;
    if (x.person !== y.person) pairs.push(pair(x, y));
  }

  return { pairs, sampled: true };
}

function pickWeighted(
  weights: readonly number[],
  total: number,
  random: () => number,
): number {
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }

  return weights.length - 1;
}

/** mulberry32: a small fixed-seed generator, so results repeat. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function distance(a: Descriptor, b: Descriptor): number {
  let sum = 0;
  for (let i = 0; i < DESCRIPTOR_LENGTH; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    sum += d * d;
  }

  return Math.sqrt(sum);
}
