/**
 * The evaluation's arithmetic, on plain numbers: verification by distance
 * (ROC, its area, true accepts at a false-accept rate, the best threshold
 * and its k-fold cross-validation), confusion matrices, mean absolute error
 * by band, and confidence intervals for shares. Distances are face-api's
 * Euclidean descriptor distances: smaller is more alike, and a pair is
 * accepted as the same person when its distance is at most the threshold,
 * as the gallery matcher decides.
 */

/** A pair of faces: their distance, and whether they are one person. */
export interface ScoredPair {
  distance: number;
  same: boolean;
}

/** Share of pairs decided right at `threshold`; NaN for no pairs. */
export function accuracyAt(
  pairs: readonly ScoredPair[],
  threshold: number,
): number {
  let right = 0;
  for (const { distance, same } of pairs) {
    if (distance <= threshold === same) right += 1;
  }

  return right / pairs.length;
}

/**
 * The threshold that decides most pairs right, and that accuracy. Every
 * cut between two neighbouring distances is tried (and accepting none);
 * the threshold is the middle of the first best gap, so it sits as far
 * from the pairs on either side as they allow. NaN for no pairs.
 */
export function bestThreshold(pairs: readonly ScoredPair[]): {
  threshold: number;
  accuracy: number;
} {
  const n = pairs.length;
  if (n === 0) return { threshold: NaN, accuracy: NaN };
  const sorted = [...pairs].sort((a, b) => a.distance - b.distance);

  // Accepting the first i pairs: right = same ones among them + different
  // ones after them. Start with none accepted.
  let right = sorted.filter((p) => !p.same).length;
  let best = right;
  let bestAccepted = 0;
  let i = 0;
  while (i < n) {
    // Pairs at one distance are accepted together.
    const d = sorted[i]!.distance;
    while (i < n && sorted[i]!.distance === d) {
      right += sorted[i]!.same ? 1 : -1;
      i += 1;
    }
    if (right > best) {
      best = right;
      bestAccepted = i;
    }
  }
  const below = sorted[bestAccepted - 1]?.distance;
  const above = sorted[bestAccepted]?.distance;
  const threshold =
    below === undefined
      ? (above ?? 0) / 2
      : above === undefined
        ? below
        : (below + above) / 2;

  return { threshold, accuracy: best / n };
}

/**
 * Fold of each item for k-fold cross-validation, stratified: items of each
 * label are dealt round the folds in the order given, so every fold holds
 * about the same share of each label.
 */
export function stratifiedFolds(
  labels: readonly boolean[],
  folds: number,
): number[] {
  const next = { true: 0, false: 0 };

  return labels.map((label) => {
    const key = label ? 'true' : 'false';
    const fold = next[key] % folds;
    next[key] += 1;
    return fold;
  });
}

/** One fold of a cross-validation. */
export interface FoldResult {
  /** Best threshold on the other folds. */
  threshold: number;
  /** Accuracy of that threshold on this fold. */
  accuracy: number;
  /** Pairs in this fold. */
  n: number;
}

/** What k-fold cross-validation of the threshold found. */
export interface CrossValidation {
  /** Mean of the folds' accuracies (as LFW reports it). */
  accuracy: number;
  /** Standard deviation of the folds' accuracies. */
  accuracyStd: number;
  /** Mean of the thresholds chosen on the training folds. */
  threshold: number;
  folds: FoldResult[];
}

/**
 * k-fold cross-validation of the threshold: for each fold, the best
 * threshold on the others (bestThreshold) is measured on it. Folds are
 * stratified (stratifiedFolds); folds left empty (fewer pairs than k) are
 * not counted. Null with fewer than two pairs.
 */
export function crossValidateThreshold(
  pairs: readonly ScoredPair[],
  folds = 10,
): CrossValidation | null {
  if (pairs.length < 2) return null;
  const k = Math.max(2, Math.min(Math.floor(folds), pairs.length));
  const foldOf = stratifiedFolds(
    pairs.map((p) => p.same),
    k,
  );
  const results: FoldResult[] = [];
  for (let fold = 0; fold < k; fold++) {
    const test = pairs.filter((_, i) => foldOf[i] === fold);
    const train = pairs.filter((_, i) => foldOf[i] !== fold);
    if (test.length === 0 || train.length === 0) continue;
    const { threshold } = bestThreshold(train);
    results.push({
      threshold,
      accuracy: accuracyAt(test, threshold),
      n: test.length,
    });
  }
  const accuracies = results.map((r) => r.accuracy);

  return {
    accuracy: mean(accuracies),
    accuracyStd: standardDeviation(accuracies),
    threshold: mean(results.map((r) => r.threshold)),
    folds: results,
  };
}

/**
 * Area under the ROC curve: the chance that a random different-person pair
 * is further apart than a random same-person pair, ties counting half
 * (Mann-Whitney). 1 is perfect, 0.5 is chance; NaN when a side is empty.
 */
export function rocAuc(
  genuine: readonly number[],
  impostor: readonly number[],
): number {
  const g = genuine.length;
  const m = impostor.length;
  if (g === 0 || m === 0) return NaN;
  const all = [
    ...genuine.map((d) => ({ d, impostor: false })),
    ...impostor.map((d) => ({ d, impostor: true })),
  ].sort((a, b) => a.d - b.d);

  // Ranks from 1, ties sharing their average rank.
  let impostorRanks = 0;
  let i = 0;
  while (i < all.length) {
    let j = i;
    while (j < all.length && all[j]!.d === all[i]!.d) j += 1;
    const rank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (all[t]!.impostor) impostorRanks += rank;
    i = j;
  }

  return (impostorRanks - (m * (m + 1)) / 2) / (g * m);
}

/** A point of the ROC curve: accepting pairs at most `threshold` apart. */
export interface RocPoint {
  threshold: number;
  /** Share of different-person pairs accepted. */
  far: number;
  /** Share of same-person pairs accepted. */
  tar: number;
}

/**
 * The ROC curve: one point per distinct distance, from accepting nothing
 * (threshold -Infinity) to accepting everything. Empty when a side is.
 */
export function rocCurve(
  genuine: readonly number[],
  impostor: readonly number[],
): RocPoint[] {
  if (genuine.length === 0 || impostor.length === 0) return [];
  const g = [...genuine].sort((a, b) => a - b);
  const m = [...impostor].sort((a, b) => a - b);
  const thresholds = [...new Set([...g, ...m])].sort((a, b) => a - b);
  const points: RocPoint[] = [{ threshold: -Infinity, far: 0, tar: 0 }];
  let gi = 0;
  let mi = 0;
  for (const t of thresholds) {
    while (gi < g.length && g[gi]! <= t) gi += 1;
    while (mi < m.length && m[mi]! <= t) mi += 1;
    points.push({ threshold: t, far: mi / m.length, tar: gi / g.length });
  }

  return points;
}

/** True accepts at a false-accept rate; see tarAtFar. */
export interface TarAtFar {
  /** The false-accept rate asked for. */
  far: number;
  /** Share of same-person pairs accepted. */
  tar: number;
  /** Pairs strictly closer than this are accepted. */
  threshold: number;
  /** Different-person pairs accepted at that threshold. */
  falseAccepts: number;
  /**
   * Whether there are enough different-person pairs for the rate to mean
   * anything (at least 1/far); otherwise it is "no false accept at all".
   */
  resolved: boolean;
}

/**
 * The share of same-person pairs accepted by the loosest threshold that
 * accepts at most `far` of the different-person pairs. Null when a side is
 * empty.
 */
export function tarAtFar(
  genuine: readonly number[],
  impostor: readonly number[],
  far: number,
): TarAtFar | null {
  if (genuine.length === 0 || impostor.length === 0) return null;
  const m = [...impostor].sort((a, b) => a - b);
  // Different-person pairs allowed in; a tiny slack absorbs rounding.
  const allowed = Math.floor(far * m.length + 1e-9);
  const threshold = allowed < m.length ? m[allowed]! : Infinity;
  const tar = genuine.filter((d) => d < threshold).length / genuine.length;

  return {
    far,
    tar,
    threshold,
    falseAccepts: m.filter((d) => d < threshold).length,
    resolved: m.length * far >= 1,
  };
}

/** Counts of true class (rows) against predicted class (columns). */
export interface ConfusionMatrix<C extends string> {
  classes: readonly C[];
  /** matrix[t][p]: items of class classes[t] predicted as classes[p]. */
  matrix: number[][];
  n: number;
  accuracy: number;
  /** Per true class: its items and the share predicted right. */
  perClass: Record<C, { n: number; recall: number }>;
}

/**
 * A confusion matrix over `classes`; items whose truth or prediction is
 * not among them are not counted.
 */
export function confusionMatrix<C extends string>(
  classes: readonly C[],
  items: readonly { truth: C; predicted: C }[],
): ConfusionMatrix<C> {
  const index = new Map(classes.map((c, i) => [c, i]));
  const matrix = classes.map(() => classes.map(() => 0));
  let n = 0;
  let right = 0;
  for (const { truth, predicted } of items) {
    const t = index.get(truth);
    const p = index.get(predicted);
    if (t === undefined || p === undefined) continue;
    matrix[t]![p]! += 1;
    n += 1;
    if (t === p) right += 1;
  }
  const perClass = Object.fromEntries(
    classes.map((c, t) => {
      const row = matrix[t]!;
      const count = row.reduce((sum, v) => sum + v, 0);
      return [c, { n: count, recall: row[t]! / count }];
    }),
  ) as Record<C, { n: number; recall: number }>;

  return { classes, matrix, n, accuracy: right / n, perClass };
}

/** A true and a predicted number, such as an age. */
export interface Estimate {
  truth: number;
  predicted: number;
}

/** Mean absolute error; NaN for no items. */
export function meanAbsoluteError(items: readonly Estimate[]): number {
  return mean(items.map((e) => Math.abs(e.predicted - e.truth)));
}

/** Lower bounds of the age bands: 0-9, 10-19, ... 60-69, 70 and over. */
export const AGE_BANDS: readonly number[] = [0, 10, 20, 30, 40, 50, 60, 70];

/** Error within one band of true values. */
export interface BandError {
  /** "0-9", "10-19", ... "70+". */
  band: string;
  n: number;
  mae: number;
  /** Mean of predicted minus true: positive when guesses run high. */
  bias: number;
}

/**
 * Mean absolute error (and bias) per band of true values; `bands` are the
 * bands' lower bounds, ascending, the last one open-ended. Bands with no
 * items are listed with n 0 and NaN errors; values below the first bound
 * are not counted.
 */
export function maeByBand(
  items: readonly Estimate[],
  bands: readonly number[] = AGE_BANDS,
): BandError[] {
  return bands.map((low, i) => {
    const high = bands[i + 1];
    const inBand = items.filter(
      (e) => e.truth >= low && (high === undefined || e.truth < high),
    );
    return {
      band: high === undefined ? `${low}+` : `${low}-${high - 1}`,
      n: inBand.length,
      mae: meanAbsoluteError(inBand),
      bias: mean(inBand.map((e) => e.predicted - e.truth)),
    };
  });
}

/**
 * Wilson score interval for a share of `successes` in `n` (95% by default):
 * what the true rate could be given so few trials. [NaN, NaN] for n 0.
 */
export function shareInterval(
  successes: number,
  n: number,
  z = 1.96,
): [number, number] {
  if (n === 0) return [NaN, NaN];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half =
    (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);

  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** The q-quantile (0..1) of sorted numbers, interpolating; NaN if empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);

  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;

  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Population standard deviation; NaN for no values. */
export function standardDeviation(values: readonly number[]): number {
  const m = mean(values);

  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}
