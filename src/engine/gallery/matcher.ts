/**
 * Recognition against the enrolled gallery. Every sample's descriptor sits in
 * one flat Float32Array (row after row of 128 values), so a query is one pass
 * over contiguous memory; person ids and names live apart, reached through a
 * parallel row-to-person index. DOM-free and model-free: descriptors come in
 * as plain numbers.
 *
 * Rows are unordered: removing a sample moves the last row into its place, so
 * callers name a sample by its person and its position among that person's
 * samples (in the order they were added), never by row.
 */
import { KERNEL_BLOCK, KernelRows } from './kernelRows';
import { DESCRIPTOR_LENGTH } from './types';

/** Candidates reported per match: the closest people, best first. */
export const MATCH_CANDIDATES = 3;

/** A descriptor as it comes: from the model, storage or an imported file. */
export type Descriptor = ArrayLike<number>;

/**
 * How a person's distance to a query is measured (Euclidean, as face-api):
 * `nearest` is the closest of their samples, `mean` the mean over their
 * samples (what face-api's FaceMatcher does), `centroid` the distance to
 * their mean descriptor.
 */
export type MatchStrategy = 'nearest' | 'mean' | 'centroid';

/** Per-query matching settings; see DEFAULT_MATCH_OPTIONS. */
export interface MatchOptions {
  /** How a person's distance is measured. Defaults to 'centroid'. */
  strategy: MatchStrategy;
  /** Largest distance still called a match, 0.30..0.80. Defaults to 0.42. */
  threshold: number;
  /**
   * The two closest people must be at least this far apart, else the face is
   * Unknown as ambiguous; 0..0.5. Defaults to 0.03.
   */
  margin: number;
}

/**
 * Centroid, threshold 0.42, margin 0.03: chosen by `npm run eval` on
 * ../shared/data/faces (README, "Accuracy"). With three photos enrolled per
 * person, the most people named right (81.6% of 250 photos) while no
 * stranger's photo (0 of 291) got a name; centroid also ranks best (98.8%).
 */
export const DEFAULT_MATCH_OPTIONS: Readonly<MatchOptions> = {
  strategy: 'centroid',
  threshold: 0.42,
  margin: 0.03,
};

/** The threshold slider's range. */
export const THRESHOLD_RANGE = { min: 0.3, max: 0.8 } as const;

const MARGIN_RANGE = { min: 0, max: 0.5 } as const;

const STRATEGIES: readonly MatchStrategy[] = ['nearest', 'mean', 'centroid'];

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * Fills in defaults and brings threshold and margin into range, so settings
 * from a slider, storage or a message can be used as they come.
 */
export function normalizeMatchOptions(input: unknown): MatchOptions {
  const raw = (
    typeof input === 'object' && input !== null ? input : {}
  ) as Record<string, unknown>;
  const d = DEFAULT_MATCH_OPTIONS;

  return {
    strategy: STRATEGIES.includes(raw.strategy as MatchStrategy)
      ? (raw.strategy as MatchStrategy)
      : d.strategy,
    threshold: clamp(
      numberOr(raw.threshold, d.threshold),
      THRESHOLD_RANGE.min,
      THRESHOLD_RANGE.max,
    ),
    margin: clamp(
      numberOr(raw.margin, d.margin),
      MARGIN_RANGE.min,
      MARGIN_RANGE.max,
    ),
  };
}

/** One of the closest people to a query. */
export interface MatchCandidate {
  personId: string;
  name: string;
  /** The person's distance under the strategy used. */
  distance: number;
  /** Which of the person's samples (0: first added) is nearest the query. */
  sampleIndex: number;
}

/**
 * Why a face is Unknown: nobody enrolled, the closest person is further than
 * the threshold, or the two closest people are within the margin.
 */
export type UnknownReason = 'empty' | 'threshold' | 'ambiguous';

/** The answer to a query; `candidates` are the closest people, best first. */
export type MatchResult =
  | {
      kind: 'known';
      person: MatchCandidate;
      candidates: MatchCandidate[];
    }
  | {
      kind: 'unknown';
      reason: UnknownReason;
      candidates: MatchCandidate[];
    };

/** A person with their samples, as a gallery is built from storage. */
export interface EnrolledPerson {
  id: string;
  name: string;
  descriptors: readonly Descriptor[];
}

/** Refusal of a descriptor: `code` says which check failed. */
export class DescriptorError extends Error {
  override readonly name = 'DescriptorError';

  constructor(
    readonly code: 'wrong-length' | 'not-finite',
    message: string,
  ) {
    super(message);
  }
}

/** Throws a DescriptorError unless `value` has 128 finite numbers. */
export function assertDescriptor(value: Descriptor, what = 'Descriptor'): void {
  const length: unknown = (value as { length?: unknown } | null)?.length;
  if (length !== DESCRIPTOR_LENGTH) {
    const got =
      typeof length === 'number' ? `${length} values` : describeValue(value);
    throw new DescriptorError(
      'wrong-length',
      `${what} has ${got}, expected ${DESCRIPTOR_LENGTH} numbers (face-api's ` +
        'recognition net): was it made by another model?',
    );
  }
  for (let i = 0; i < DESCRIPTOR_LENGTH; i++) {
    const x = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new DescriptorError(
        'not-finite',
        `${what} value ${i} is ${String(x)}, expected a finite number.`,
      );
    }
  }
}

function describeValue(value: unknown): string {
  return `no values (${value === null ? 'null' : typeof value})`;
}

/**
 * How queries run: `auto` uses the WebAssembly SIMD kernel where the runtime
 * has it (see kernelRows.ts), else plain JS; `js` always plain JS. Both give
 * the same results, to the last bit.
 */
export type MatcherKernel = 'auto' | 'js';

/** Options fixed when a matcher is made. */
export interface GalleryMatcherOptions {
  /** Samples room is made for before the first growth. Defaults to 1024. */
  initialCapacity?: number;
  /** Which way queries run. Defaults to 'auto'. */
  kernel?: MatcherKernel;
}

/** Squared Euclidean distance between row `offset` of `rows` and `query`. */
function squaredDistance(
  rows: Float32Array,
  offset: number,
  query: Float64Array,
): number {
  // Four running sums, eight values a step (DESCRIPTOR_LENGTH is a multiple
  // of 8): independent additions overlap in the CPU, about a third faster
  // than one running sum in V8.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let j = 0; j < DESCRIPTOR_LENGTH; j += 8) {
    const p = offset + j;
    let x = rows[p]! - query[j]!;
    a += x * x;
    x = rows[p + 1]! - query[j + 1]!;
    b += x * x;
    x = rows[p + 2]! - query[j + 2]!;
    c += x * x;
    x = rows[p + 3]! - query[j + 3]!;
    d += x * x;
    x = rows[p + 4]! - query[j + 4]!;
    a += x * x;
    x = rows[p + 5]! - query[j + 5]!;
    b += x * x;
    x = rows[p + 6]! - query[j + 6]!;
    c += x * x;
    x = rows[p + 7]! - query[j + 7]!;
    d += x * x;
  }
  return a + b + c + d;
}

/**
 * The enrolled samples and the people they belong to, matched by one pass.
 *
 * With the WebAssembly kernel, the pass reads an int8 copy of every row and
 * gets a lower bound on its distance; only rows whose bound could still reach
 * the best few people are measured, exactly as the plain JS pass measures
 * them, so both ways give the same answer.
 */
export class GalleryMatcher {
  // Per sample row: the descriptor and the person slot it belongs to.
  private vectors: Float32Array;
  private personOfRow: Int32Array;
  private rowCount = 0;

  // Per person slot, dense 0..personCount-1.
  private personIds: string[] = [];
  private names: string[] = [];
  /** Rows of each person, in the order the samples were added. */
  private rowsOf: number[][] = [];
  private slotOf = new Map<string, number>();

  // Centroids, made on the first centroid query and kept fresh after.
  private centroids: Float32Array | null = null;
  private centroidStale: Uint8Array;

  // The int8 copies of rows and centroids the kernel reads; null when
  // queries run in plain JS.
  private rowKernel: KernelRows | null;
  private centroidKernel: KernelRows | null = null;

  // Scratch reused by every query, so a query allocates only its result.
  private readonly query = new Float64Array(DESCRIPTOR_LENGTH);
  private readonly sum = new Float64Array(DESCRIPTOR_LENGTH);
  private personScore: Float64Array;
  private personBestD2: Float64Array;
  private personBestRow: Int32Array;
  private personLowerBound: Float64Array;

  /** An empty gallery. */
  constructor(options: GalleryMatcherOptions = {}) {
    const capacity = Math.max(1, Math.floor(options.initialCapacity ?? 1024));
    this.vectors = new Float32Array(capacity * DESCRIPTOR_LENGTH);
    this.personOfRow = new Int32Array(capacity);
    this.rowKernel =
      options.kernel === 'js' ? null : KernelRows.create(capacity);
    this.centroidStale = new Uint8Array(16);
    this.personScore = new Float64Array(16);
    this.personBestD2 = new Float64Array(16);
    this.personBestRow = new Int32Array(16);
    this.personLowerBound = new Float64Array(16);
  }

  /**
   * A gallery holding these people, sized to fit without growing. A person id
   * listed twice gets the samples of both entries and the later name.
   */
  static fromPeople(
    people: readonly EnrolledPerson[],
    options: GalleryMatcherOptions = {},
  ): GalleryMatcher {
    const total = people.reduce((sum, p) => sum + p.descriptors.length, 0);
    const matcher = new GalleryMatcher({
      ...options,
      initialCapacity: Math.max(total, options.initialCapacity ?? 1),
    });
    for (const person of people) {
      matcher.addSamples(person.id, person.name, person.descriptors);
    }
    return matcher;
  }

  /** Samples enrolled, over all people. */
  get sampleCount(): number {
    return this.rowCount;
  }

  /** People enrolled, including any left with no samples. */
  get personCount(): number {
    return this.personIds.length;
  }

  /** Samples the flat array holds before it next doubles. */
  get capacity(): number {
    return this.personOfRow.length;
  }

  /**
   * How queries run now: `wasm-simd` through the kernel, or `js`, asked for
   * or because the runtime lacks WebAssembly SIMD.
   */
  get kernel(): 'wasm-simd' | 'js' {
    return this.rowKernel ? 'wasm-simd' : 'js';
  }

  /** Bytes held for the kernel's int8 rows and centroids (0 in plain JS). */
  get kernelMemoryBytes(): number {
    return (
      (this.rowKernel?.memoryBytes ?? 0) +
      (this.centroidKernel?.memoryBytes ?? 0)
    );
  }

  /** Whether this person id is enrolled. */
  hasPerson(personId: string): boolean {
    return this.slotOf.has(personId);
  }

  /** How many samples a person has; 0 for an unknown id. */
  sampleCountOf(personId: string): number {
    const slot = this.slotOf.get(personId);

    return slot === undefined ? 0 : (this.rowsOf[slot]?.length ?? 0);
  }

  /**
   * Adds samples to a person, enrolling them if new; `name` replaces the
   * person's name. Checks every descriptor first and adds none if any is
   * refused (DescriptorError).
   */
  addSamples(
    personId: string,
    name: string,
    descriptors: readonly Descriptor[],
  ): void {
    descriptors.forEach((d, i) => assertDescriptor(d, `Sample ${i}`));

    let slot = this.slotOf.get(personId);
    if (slot === undefined) slot = this.addPerson(personId);
    this.names[slot] = name;
    if (descriptors.length === 0) return;

    this.reserve(this.rowCount + descriptors.length);
    const rows = this.rowsOf[slot]!;
    for (const descriptor of descriptors) {
      const row = this.rowCount++;
      this.vectors.set(descriptor, row * DESCRIPTOR_LENGTH);
      this.rowKernel?.write(row, this.vectors, row * DESCRIPTOR_LENGTH);
      this.personOfRow[row] = slot;
      rows.push(row);
    }
    this.centroidStale[slot] = 1;
  }

  /**
   * Removes a person's sample by its position among their samples; later
   * samples move up one. The person stays, even with no samples left. Returns
   * false when there is no such person or sample.
   */
  removeSample(personId: string, sampleIndex: number): boolean {
    const slot = this.slotOf.get(personId);
    const rows = slot === undefined ? undefined : this.rowsOf[slot];
    const row = rows?.[sampleIndex];
    if (slot === undefined || !rows || row === undefined) return false;

    rows.splice(sampleIndex, 1);
    this.removeRow(row);
    this.centroidStale[slot] = 1;
    return true;
  }

  /** Removes a person and all their samples; false when not enrolled. */
  removePerson(personId: string): boolean {
    const slot = this.slotOf.get(personId);
    if (slot === undefined) return false;

    // Highest rows first: the last row is then never one of this person's
    // remaining rows, so moving it into a hole touches another person only.
    const rows = [...this.rowsOf[slot]!].sort((a, b) => b - a);
    for (const row of rows) this.removeRow(row);

    // Keep slots dense: the last person moves into the freed slot.
    const last = this.personIds.length - 1;
    if (slot !== last) this.moveSlot(last, slot);
    this.personIds.pop();
    this.names.pop();
    this.rowsOf.pop();
    this.slotOf.delete(personId);
    return true;
  }

  /** Forgets every person and sample; the capacity stays. */
  clear(): void {
    this.rowCount = 0;
    this.personIds = [];
    this.names = [];
    this.rowsOf = [];
    this.slotOf.clear();
  }

  /**
   * The closest person to `query`, or Unknown with its reason, plus the
   * closest people as candidates. Refuses a bad query (DescriptorError).
   * Options not given take DEFAULT_MATCH_OPTIONS; out-of-range ones are
   * brought into range.
   */
  match(query: Descriptor, options: Partial<MatchOptions> = {}): MatchResult {
    assertDescriptor(query, 'Query descriptor');
    const { strategy, threshold, margin } = normalizeMatchOptions(options);
    if (this.rowCount === 0) {
      return { kind: 'unknown', reason: 'empty', candidates: [] };
    }
    this.query.set(query);

    // Score every person (smaller is closer), then keep the closest few.
    if (strategy === 'centroid') this.scoreCentroids();
    else this.scoreSamples(strategy === 'mean');
    const candidates = this.closestPeople(strategy);

    const best = candidates[0];
    const second = candidates[1];
    if (!best) return { kind: 'unknown', reason: 'empty', candidates };
    if (best.distance > threshold) {
      return { kind: 'unknown', reason: 'threshold', candidates };
    }
    if (second && second.distance - best.distance < margin) {
      return { kind: 'unknown', reason: 'ambiguous', candidates };
    }
    return { kind: 'known', person: best, candidates };
  }

  /**
   * One pass over every row: per person the closest row (squared distance),
   * and with `mean` the sum of distances into personScore.
   */
  private scoreSamples(mean: boolean): void {
    const kernel = this.rowKernel;
    if (kernel?.setQuery(this.query)) {
      if (mean) this.scoreMeansByKernel(kernel);
      else this.scoreNearestByKernel(kernel);
      return;
    }

    const people = this.personIds.length;
    const bestD2 = this.personBestD2;
    const bestRow = this.personBestRow;
    const score = this.personScore;
    bestD2.fill(Infinity, 0, people);
    bestRow.fill(-1, 0, people);
    score.fill(0, 0, people);

    const vectors = this.vectors;
    const personOfRow = this.personOfRow;
    const query = this.query;
    const rowCount = this.rowCount;
    for (let row = 0; row < rowCount; row++) {
      const d2 = squaredDistance(vectors, row * DESCRIPTOR_LENGTH, query);
      const slot = personOfRow[row]!;
      if (d2 < bestD2[slot]!) {
        bestD2[slot] = d2;
        bestRow[slot] = row;
      }
      // The mean is over distances, not squares: a root per sample here.
      if (mean) score[slot] = score[slot]! + Math.sqrt(d2);
    }

    for (let slot = 0; slot < people; slot++) {
      const count = this.rowsOf[slot]!.length;
      score[slot] = mean ? score[slot]! / count : Math.sqrt(bestD2[slot]!);
    }
  }

  /**
   * The nearest strategy through the kernel: the same personScore and
   * personBestRow as the JS pass for every person who can be among the
   * closest, Infinity for the rest.
   */
  private scoreNearestByKernel(kernel: KernelRows): void {
    const people = this.personIds.length;
    this.scanByKernel(kernel, this.vectors, this.rowCount, this.personOfRow);
    for (let slot = 0; slot < people; slot++) {
      this.personScore[slot] = Math.sqrt(this.personBestD2[slot]!);
    }
  }

  /**
   * Per person the closest of rows 0..count-1 of `vectors` (squared distance,
   * into personBestD2 and personBestRow), for every person who can be among
   * the MATCH_CANDIDATES closest; the others keep Infinity. A row is measured,
   * exactly as the JS pass does, only when the kernel's lower bound on its
   * distance is within the distance of the third-closest person so far: any
   * other row is further than three people already are. Row i belongs to
   * person `personOfRow[i]`, or to person i when that is null (centroids).
   */
  private scanByKernel(
    kernel: KernelRows,
    vectors: Float32Array,
    count: number,
    personOfRow: Int32Array | null,
  ): void {
    const people = this.personIds.length;
    const bestD2 = this.personBestD2;
    const bestRow = this.personBestRow;
    bestD2.fill(Infinity, 0, people);
    bestRow.fill(-1, 0, people);

    const query = this.query;
    const closest: number[] = [];
    let cut = Infinity;
    for (let from = 0; from < count; from += KERNEL_BLOCK) {
      const size = Math.min(KERNEL_BLOCK, count - from);
      const bounds = kernel.lowerBounds(from, size);
      for (let i = 0; i < size; i++) {
        // Not `bounds[i] <= cut`: a NaN bound, were there one, is measured.
        if (bounds[i]! > cut) continue;
        const row = from + i;
        const slot = personOfRow ? personOfRow[row]! : row;
        // Only a centroid can belong to a person with no samples.
        if (this.rowsOf[slot]!.length === 0) continue;
        const d2 = squaredDistance(vectors, row * DESCRIPTOR_LENGTH, query);
        // Rows come in order, so ties keep the first row, as in JS.
        if (!(d2 < bestD2[slot]!)) continue;
        bestD2[slot] = d2;
        bestRow[slot] = row;
        cut = this.keepClosest(closest, slot);
      }
    }
  }

  /**
   * Keeps `closest` the (up to MATCH_CANDIDATES) people with the smallest
   * personBestD2 after `slot`'s fell, closest first, and returns the last
   * one's: no other person's final distance can matter past it.
   */
  private keepClosest(closest: number[], slot: number): number {
    const bestD2 = this.personBestD2;
    const at = closest.indexOf(slot);
    if (at >= 0) closest.splice(at, 1);
    let i = closest.length;
    while (i > 0 && bestD2[slot]! < bestD2[closest[i - 1]!]!) i--;
    closest.splice(i, 0, slot);
    if (closest.length > MATCH_CANDIDATES) closest.pop();

    return closest.length === MATCH_CANDIDATES
      ? bestD2[closest[MATCH_CANDIDATES - 1]!]!
      : Infinity;
  }

  /**
   * The mean strategy through the kernel. The kernel's bounds give each
   * person a lower bound on their mean; the people with the smallest bounds
   * are measured exactly, and the largest of their means is then a distance
   * three people are within: everyone whose bound is within it is measured
   * too, the rest get Infinity.
   */
  private scoreMeansByKernel(kernel: KernelRows): void {
    const people = this.personIds.length;
    const lower = this.personLowerBound;
    const personOfRow = this.personOfRow;
    lower.fill(0, 0, people);

    // Summed in row order like the JS pass, so each sum of rounded roots of
    // bounds stays at or below the JS pass's sum of roots of distances.
    for (let from = 0; from < this.rowCount; from += KERNEL_BLOCK) {
      const size = Math.min(KERNEL_BLOCK, this.rowCount - from);
      const bounds = kernel.lowerBounds(from, size);
      for (let i = 0; i < size; i++) {
        const bound = bounds[i]!;
        const slot = personOfRow[from + i]!;
        lower[slot] = lower[slot]! + Math.sqrt(bound > 0 ? bound : 0);
      }
    }
    for (let slot = 0; slot < people; slot++) {
      // No samples: 0/0, NaN, which never qualifies.
      lower[slot] = lower[slot]! / this.rowsOf[slot]!.length;
    }

    const score = this.personScore;
    score.fill(Infinity, 0, people);
    this.personBestRow.fill(-1, 0, people);
    let cut = -Infinity;
    for (const slot of this.smallestLowerBounds(people)) {
      cut = Math.max(cut, this.measureMean(slot));
    }
    if (cut === -Infinity) return;
    for (let slot = 0; slot < people; slot++) {
      if (lower[slot]! <= cut && this.personBestRow[slot] === -1) {
        this.measureMean(slot);
      }
    }
  }

  /**
   * The MATCH_CANDIDATES people with the smallest personLowerBound (people
   * with no samples have NaN and never count), or all of them if fewer.
   */
  private smallestLowerBounds(people: number): number[] {
    const lower = this.personLowerBound;
    const smallest: number[] = [];
    for (let slot = 0; slot < people; slot++) {
      const bound = lower[slot]!;
      if (!(bound < Infinity)) continue;
      if (
        smallest.length === MATCH_CANDIDATES &&
        bound >= lower[smallest.at(-1)!]!
      ) {
        continue;
      }
      let at = smallest.length;
      while (at > 0 && bound < lower[smallest[at - 1]!]!) at--;
      smallest.splice(at, 0, slot);
      if (smallest.length > MATCH_CANDIDATES) smallest.pop();
    }
    return smallest;
  }

  /**
   * A person's mean distance and closest row, as the JS pass computes them
   * (rows in order), into personScore, personBestD2 and personBestRow.
   */
  private measureMean(slot: number): number {
    const rows = [...this.rowsOf[slot]!].sort((a, b) => a - b);
    let sum = 0;
    let bestD2 = Infinity;
    let bestRow = -1;
    for (const row of rows) {
      const d2 = squaredDistance(
        this.vectors,
        row * DESCRIPTOR_LENGTH,
        this.query,
      );
      if (d2 < bestD2) {
        bestD2 = d2;
        bestRow = row;
      }
      sum += Math.sqrt(d2);
    }
    this.personBestD2[slot] = bestD2;
    this.personBestRow[slot] = bestRow;
    this.personScore[slot] = sum / rows.length;
    return this.personScore[slot]!;
  }

  /** One pass over the centroids: each person's distance into personScore. */
  private scoreCentroids(): void {
    const centroids = this.freshCentroids();
    const query = this.query;
    const score = this.personScore;
    const kernel = this.centroidKernel;
    if (kernel?.setQuery(query)) {
      const people = this.personIds.length;
      this.scanByKernel(kernel, centroids, people, null);
      for (let slot = 0; slot < people; slot++) {
        score[slot] = Math.sqrt(this.personBestD2[slot]!);
      }
      return;
    }

    for (let slot = 0; slot < this.personIds.length; slot++) {
      score[slot] =
        this.rowsOf[slot]!.length === 0
          ? Infinity
          : Math.sqrt(
              squaredDistance(centroids, slot * DESCRIPTOR_LENGTH, query),
            );
    }
  }

  /** The people with the smallest personScore, best first, ties by slot. */
  private closestPeople(strategy: MatchStrategy): MatchCandidate[] {
    const top: number[] = [];
    const score = this.personScore;
    for (let slot = 0; slot < this.personIds.length; slot++) {
      const s = score[slot]!;
      // NaN (no samples, mean 0/0) and Infinity never qualify.
      if (!(s < Infinity)) continue;
      if (top.length === MATCH_CANDIDATES && s >= score[top.at(-1)!]!) {
        continue;
      }
      let at = top.length;
      while (at > 0 && s < score[top[at - 1]!]!) at--;
      top.splice(at, 0, slot);
      if (top.length > MATCH_CANDIDATES) top.pop();
    }

    return top.map((slot) => {
      const rows = this.rowsOf[slot]!;
      const row =
        strategy === 'centroid'
          ? this.closestRow(rows)
          : this.personBestRow[slot]!;
      return {
        personId: this.personIds[slot]!,
        name: this.names[slot]!,
        distance: score[slot]!,
        sampleIndex: rows.indexOf(row),
      };
    });
  }

  /** The row among `rows` closest to the current query. */
  private closestRow(rows: readonly number[]): number {
    let best = -1;
    let bestD2 = Infinity;
    for (const row of rows) {
      const d2 = squaredDistance(
        this.vectors,
        row * DESCRIPTOR_LENGTH,
        this.query,
      );
      if (d2 < bestD2) {
        bestD2 = d2;
        best = row;
      }
    }
    return best;
  }

  /** The centroid array with every stale person's mean recomputed. */
  private freshCentroids(): Float32Array {
    const people = this.personIds.length;
    if (!this.centroids) {
      const capacity = this.centroidStale.length;
      this.centroids = new Float32Array(capacity * DESCRIPTOR_LENGTH);
      this.centroidKernel = this.rowKernel && KernelRows.create(capacity);
      this.centroidStale.fill(1, 0, people);
    }

    const sum = this.sum;
    for (let slot = 0; slot < people; slot++) {
      if (!this.centroidStale[slot]) continue;
      const rows = this.rowsOf[slot]!;
      sum.fill(0);
      for (const row of rows) {
        const offset = row * DESCRIPTOR_LENGTH;
        for (let j = 0; j < DESCRIPTOR_LENGTH; j++) {
          sum[j] = sum[j]! + this.vectors[offset + j]!;
        }
      }
      const offset = slot * DESCRIPTOR_LENGTH;
      for (let j = 0; j < DESCRIPTOR_LENGTH; j++) {
        this.centroids[offset + j] = sum[j]! / Math.max(1, rows.length);
      }
      this.centroidKernel?.write(slot, this.centroids, offset);
      this.centroidStale[slot] = 0;
    }
    return this.centroids;
  }

  /** Enrols a person with no samples and returns their slot. */
  private addPerson(personId: string): number {
    const slot = this.personIds.length;
    if (slot === this.centroidStale.length) this.growPeople(slot * 2);
    this.personIds.push(personId);
    this.names.push('');
    this.rowsOf.push([]);
    this.slotOf.set(personId, slot);
    this.centroidStale[slot] = 1;
    return slot;
  }

  /** Moves person `from` into slot `to` (whose person is already gone). */
  private moveSlot(from: number, to: number): void {
    const rows = this.rowsOf[from]!;
    const personId = this.personIds[from]!;
    this.personIds[to] = personId;
    this.names[to] = this.names[from]!;
    this.rowsOf[to] = rows;
    this.slotOf.set(personId, to);
    for (const row of rows) this.personOfRow[row] = to;

    this.centroidStale[to] = this.centroidStale[from]!;
    this.centroids?.copyWithin(
      to * DESCRIPTOR_LENGTH,
      from * DESCRIPTOR_LENGTH,
      (from + 1) * DESCRIPTOR_LENGTH,
    );
    this.centroidKernel?.move(from, to);
  }

  /**
   * Frees `row` by moving the last row into it. The caller has already taken
   * `row` out of its person's list.
   */
  private removeRow(row: number): void {
    const last = --this.rowCount;
    if (row === last) return;

    this.vectors.copyWithin(
      row * DESCRIPTOR_LENGTH,
      last * DESCRIPTOR_LENGTH,
      (last + 1) * DESCRIPTOR_LENGTH,
    );
    this.rowKernel?.move(last, row);
    const slot = this.personOfRow[last]!;
    this.personOfRow[row] = slot;
    const rows = this.rowsOf[slot]!;
    rows[rows.indexOf(last)] = row;
  }

  /** Makes room for `samples` rows, doubling the capacity as needed. */
  private reserve(samples: number): void {
    let capacity = this.personOfRow.length;
    if (samples <= capacity) return;
    while (capacity < samples) capacity *= 2;

    const vectors = new Float32Array(capacity * DESCRIPTOR_LENGTH);
    vectors.set(this.vectors.subarray(0, this.rowCount * DESCRIPTOR_LENGTH));
    this.vectors = vectors;
    const personOfRow = new Int32Array(capacity);
    personOfRow.set(this.personOfRow.subarray(0, this.rowCount));
    this.personOfRow = personOfRow;
    // Past WebAssembly's 4 GiB (about 29.8M samples), plain JS from here on.
    if (this.rowKernel && !this.rowKernel.reserve(capacity)) {
      this.rowKernel = null;
      this.centroidKernel = null;
    }
  }

  /** Grows every per-person array to `capacity` slots. */
  private growPeople(capacity: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(
      old: T,
      make: (length: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.centroidStale = grow(this.centroidStale, (n) => new Uint8Array(n));
    this.personScore = grow(this.personScore, (n) => new Float64Array(n));
    this.personBestD2 = grow(this.personBestD2, (n) => new Float64Array(n));
    this.personBestRow = grow(this.personBestRow, (n) => new Int32Array(n));
    this.personLowerBound = grow(
      this.personLowerBound,
      (n) => new Float64Array(n),
    );
    if (this.centroids) {
      const centroids = new Float32Array(capacity * DESCRIPTOR_LENGTH);
      centroids.set(this.centroids);
      this.centroids = centroids;
    }
    if (this.centroidKernel && !this.centroidKernel.reserve(capacity)) {
      this.centroidKernel = null;
    }
  }
}
