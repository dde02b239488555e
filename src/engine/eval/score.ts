/**
 * From analysed photos and their labels to the evaluation's figures:
 * detection, verification, identification, age, gender and expressions,
 * each with the number of photos or pairs behind it, and with detection
 * failures counted apart from recognition errors. Pure: no model runs here.
 */
import { calibrateGallery } from '../gallery/calibrate';
import type { MatchOptions, MatchStrategy } from '../gallery/matcher';
import { DEFAULT_MATCH_OPTIONS } from '../gallery/matcher';
import type { Expression } from '../types';
import { EXPRESSIONS } from '../types';
import type { FaceRecord, ImageRecord, SetLabels } from './analyze';
import type {
  IdentificationRun,
  IdentitySample,
  NamerFactory,
  OpenSetRates,
  ProbeOutcome,
} from './identification';
import {
  compareText,
  openSetAt,
  rank1,
  runIdentification,
  splitForIdentification,
  STRATEGIES,
} from './identification';
import type { ManifestEntry } from './manifest';
import type { BandError, CrossValidation, ScoredPair } from './metrics';
import {
  accuracyAt,
  confusionMatrix,
  crossValidateThreshold,
  maeByBand,
  meanAbsoluteError,
  rocAuc,
  tarAtFar,
} from './metrics';

/** Settings of the scoring; see DEFAULT_SCORE_OPTIONS. */
export interface ScoreOptions {
  /** The app's matching settings, measured as they are. */
  match: MatchOptions;
  /** Folds of the threshold's cross-validation. Defaults to 10. */
  folds: number;
  /** Photos enrolled per person, each k measured. Defaults to [1, 3]. */
  ks: readonly number[];
  /** k the headline identification figures are for. Defaults to 3. */
  headlineK: number;
  /** Every this-many-th person is left out of the gallery. Defaults to 5. */
  leaveOutEvery: number;
  /** Thresholds the open-set sweep tries. */
  sweep: readonly number[];
  /** Extra namers to identify with (face-api's FaceMatcher). */
  namers: Record<string, NamerFactory>;
}

export const DEFAULT_SCORE_OPTIONS: Readonly<ScoreOptions> = {
  match: DEFAULT_MATCH_OPTIONS,
  folds: 10,
  ks: [1, 3],
  headlineK: 3,
  leaveOutEvery: 5,
  sweep: [0.35, 0.4, 0.42, 0.44, 0.46, 0.48, 0.5, 0.55, 0.6, 0.65],
  namers: {},
};

// ---------------------------------------------------------------------------
// Report shape

/** Detection counts over a group of photos with plain face counts. */
export interface DetectionCounts {
  /** Faces expected. */
  n: number;
  /** Photos counted (faces_expected a plain number). */
  images: number;
  /** Share of expected faces found (by count, capped per photo). */
  recall: number;
  /** Detections past the expected count, per photo. */
  falsePositivesPerImage: number;
  /** The same two by the plain detection pass (no padding, no retry). */
  plainRecall: number;
  plainFalsePositivesPerImage: number;
}

export interface DetectionReport extends DetectionCounts {
  /** Photos expected to show no face, and faces found on them. */
  negatives: { n: number; falseDetections: number };
  /** Single-face photos (any faces_expected of 1): found a face at all. */
  singleFace: { n: number; found: number; plainFound: number };
  /** Small crops not measured here (the whole photo is the face). */
  wholeImageCrops: number;
  bySet: Record<string, DetectionCounts>;
}

export interface VerificationReport {
  /** Pairs with a face found in both photos, which every figure uses. */
  n: number;
  /** Folds of the threshold's cross-validation. */
  folds: number;
  /** Pairs listed, and pairs where a photo had no face found. */
  pairs: number;
  detectionFailures: number;
  genuine: number;
  impostor: number;
  defaultThreshold: number;
  accuracyAtDefault: number;
  /** Mean of the 10 folds' thresholds, each the best on the other nine. */
  bestThreshold: number;
  /** Mean of the folds' accuracies at their thresholds, and its spread. */
  accuracyAtBest: number;
  accuracyAtBestStd: number;
  auc: number;
  /** True accepts at 1% and 0.1% false accepts (see resolved). */
  tarAtFar1: number | null;
  tarAtFar01: number | null;
  /** Whether there are enough impostor pairs for each rate to mean much. */
  resolved: { far1: boolean; far01: boolean };
  /** The thresholds those rates need: pairs closer than it are accepted. */
  thresholdAtFar1: number | null;
  thresholdAtFar01: number | null;
  /** Counting a missed face as a rejected pair: what a user would see. */
  accuracyAtDefaultWithFailures: number;
  /** Same figures over every pair of labelled single-face photos. */
  allPairs: Omit<
    VerificationReport,
    'allPairs' | 'bySet' | 'pairs' | 'detectionFailures' | 'hardest'
  > | null;
  bySet: Record<string, { n: number; accuracyAtDefault: number }>;
  /** The pairs misjudged at the best threshold, worst first (at most 12). */
  hardest: { fileA: string; fileB: string; same: boolean; distance: number }[];
}

/** Identification figures for one k. */
export interface IdentificationK {
  k: number;
  people: IdentificationRun['counts'];
  /** Closed set: the closest person is the right one. */
  rank1: { n: number } & Record<MatchStrategy, number>;
  /** At the app's threshold and margin, per strategy. */
  atDefault: Record<MatchStrategy, OpenSetRates>;
  /** Each extra namer (faceMatcher: face-api's FaceMatcher at 0.6). */
  namers: IdentificationRun['namers'];
}

export interface IdentificationReport {
  k: number;
  /** Rank-1 with k photos enrolled: n probes; FaceMatcher at 0.6 named. */
  rank1: { n: number } & Record<MatchStrategy | 'faceMatcher', number>;
  /** Strangers given a name, nearest at the app's threshold; n strangers. */
  falseAcceptRate: number;
  n: number;
  /** Strangers given a name by each strategy and by FaceMatcher. */
  falseAcceptRates: Record<MatchStrategy | 'faceMatcher', number>;
  byK: IdentificationK[];
  /** At k: identified and false-accept rates over thresholds. */
  sweep: Record<MatchStrategy, OpenSetRates[]>;
  bySet: Record<string, IdentificationK[]>;
}

export interface CalibrationReport {
  /** Per set with a gallery at k: what calibrateGallery suggests. */
  bySet: Record<
    string,
    {
      genuineMedian: number;
      impostorMin: number;
      /** Unbounded (ceiling 0.8) and as the app would offer it. */
      suggestedUnbounded: number | null;
      suggested: number | null;
      basis: string;
      /** Naming at the suggestion (nearest, the app's margin). */
      atSuggested: OpenSetRates | null;
    }
  >;
}

export interface AgeReport {
  n: number;
  mae: number;
  /** Photos with an age label but no face found. */
  detectionFailures: number;
  byBand: BandError[];
  bySet: Record<string, { n: number; mae: number }>;
}

export interface GenderReport {
  n: number;
  accuracy: number;
  detectionFailures: number;
  bySet: Record<string, { n: number; accuracy: number }>;
}

export interface ExpressionReport {
  n: number;
  accuracy: number;
  detectionFailures: number;
  classes: readonly Expression[];
  /** Rows: labelled class; columns: predicted class. */
  confusion: number[][];
  perClass: Record<Expression, { n: number; recall: number }>;
  /** Crops where the whole photo was the face, and the rest. */
  wholeImage: { n: number; accuracy: number };
  detected: { n: number; accuracy: number };
  bySet: Record<string, { n: number; accuracy: number; wholeImage: boolean }>;
}

/** Everything one evaluation measured. */
export interface EvaluationScores {
  detection: DetectionReport;
  verification: VerificationReport | null;
  identification: IdentificationReport | null;
  calibration: CalibrationReport;
  age: AgeReport;
  gender: GenderReport;
  expression: ExpressionReport;
}

// ---------------------------------------------------------------------------

/** Labels and analysis of one photo. */
interface Labelled {
  set: string;
  entry: ManifestEntry;
  record: ImageRecord;
}

/**
 * The face a single-face photo is about: among faces at least half as big
 * as the biggest, the one whose centre is nearest the photo's (LFW photos
 * are centred on their person; others may show at the edges).
 */
export function primaryFace(record: ImageRecord): FaceRecord | null {
  const sizes = record.faces.map((f) => Math.min(f.box.width, f.box.height));
  const biggest = Math.max(0, ...sizes);
  let best: FaceRecord | null = null;
  let bestOff = Infinity;
  record.faces.forEach((face, i) => {
    if (sizes[i]! < biggest / 2) return;
    const dx = face.box.x + face.box.width / 2 - record.width / 2;
    const dy = face.box.y + face.box.height / 2 - record.height / 2;
    const off = Math.hypot(dx, dy);
    if (off < bestOff) {
      best = face;
      bestOff = off;
    }
  });

  return best;
}

/** Scores an evaluation: labels of every set and what the analysis found. */
export function scoreEvaluation(
  sets: readonly SetLabels[],
  records: readonly ImageRecord[],
  overrides: Partial<ScoreOptions> = {},
): EvaluationScores {
  const options = { ...DEFAULT_SCORE_OPTIONS, ...overrides };
  const byKey = new Map(records.map((r) => [`${r.set}\n${r.file}`, r]));
  const recordOf = (set: string, file: string) => byKey.get(`${set}\n${file}`);
  const labelled: Labelled[] = [];
  for (const set of sets) {
    for (const entry of set.manifest.entries) {
      const record = recordOf(set.name, entry.file);
      // Unreadable photos have no labels to score.
      if (record && record.error === undefined) {
        labelled.push({ set: set.name, entry, record });
      }
    }
  }

  return {
    detection: scoreDetection(labelled),
    verification: scoreVerification(sets, labelled, recordOf, options),
    identification: scoreIdentification(sets, labelled, options),
    calibration: scoreCalibration(sets, labelled, options),
    age: scoreAge(labelled),
    gender: scoreGender(labelled),
    expression: scoreExpression(labelled),
  };
}

// ---------------------------------------------------------------------------
// Detection

function tallyDetection(items: readonly Labelled[]): DetectionCounts {
  let images = 0;
  let expected = 0;
  let found = 0;
  let extra = 0;
  let plainFound = 0;
  let plainExtra = 0;
  for (const { entry, record } of items) {
    const e = entry.facesExpected;
    if (e === null || record.wholeImage) continue;
    images += 1;
    expected += e;
    found += Math.min(record.faces.length, e);
    extra += Math.max(0, record.faces.length - e);
    plainFound += Math.min(record.plainFaces, e);
    plainExtra += Math.max(0, record.plainFaces - e);
  }

  return {
    n: expected,
    images,
    recall: found / expected,
    falsePositivesPerImage: extra / images,
    plainRecall: plainFound / expected,
    plainFalsePositivesPerImage: plainExtra / images,
  };
}

function scoreDetection(items: readonly Labelled[]): DetectionReport {
  const negatives = items.filter(
    (i) => i.entry.facesExpected === 0 && !i.record.wholeImage,
  );
  const single = items.filter(
    (i) => i.entry.singleFace && !i.record.wholeImage,
  );
  const bySet: Record<string, DetectionCounts> = {};
  for (const set of distinct(items.map((i) => i.set))) {
    const counts = tallyDetection(items.filter((i) => i.set === set));
    if (counts.images > 0) bySet[set] = counts;
  }

  return {
    ...tallyDetection(items),
    negatives: {
      n: negatives.length,
      falseDetections: sum(negatives.map((i) => i.record.faces.length)),
    },
    singleFace: {
      n: single.length,
      found: single.filter((i) => i.record.faces.length > 0).length,
      plainFound: single.filter((i) => i.record.plainFaces > 0).length,
    },
    wholeImageCrops: items.filter((i) => i.record.wholeImage).length,
    bySet,
  };
}

// ---------------------------------------------------------------------------
// Verification

function descriptorDistance(a: Float32Array, b: Float32Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - (b[i] ?? 0);
    total += d * d;
  }

  return Math.sqrt(total);
}

type VerificationFigures = NonNullable<VerificationReport['allPairs']>;

function verificationFigures(
  scored: readonly ScoredPair[],
  options: ScoreOptions,
): VerificationFigures {
  const genuine = scored.filter((p) => p.same).map((p) => p.distance);
  const impostor = scored.filter((p) => !p.same).map((p) => p.distance);
  const cv: CrossValidation | null = crossValidateThreshold(
    scored,
    options.folds,
  );
  const far1 = tarAtFar(genuine, impostor, 0.01);
  const far01 = tarAtFar(genuine, impostor, 0.001);

  return {
    n: scored.length,
    folds: cv?.folds.length ?? 0,
    genuine: genuine.length,
    impostor: impostor.length,
    defaultThreshold: options.match.threshold,
    accuracyAtDefault: accuracyAt(scored, options.match.threshold),
    bestThreshold: cv?.threshold ?? NaN,
    accuracyAtBest: cv?.accuracy ?? NaN,
    accuracyAtBestStd: cv?.accuracyStd ?? NaN,
    auc: rocAuc(genuine, impostor),
    tarAtFar1: far1?.tar ?? null,
    tarAtFar01: far01?.tar ?? null,
    resolved: {
      far1: far1?.resolved ?? false,
      far01: far01?.resolved ?? false,
    },
    thresholdAtFar1: far1?.threshold ?? null,
    thresholdAtFar01: far01?.threshold ?? null,
    accuracyAtDefaultWithFailures: accuracyAt(scored, options.match.threshold),
  };
}

function scoreVerification(
  sets: readonly SetLabels[],
  items: readonly Labelled[],
  recordOf: (set: string, file: string) => ImageRecord | undefined,
  options: ScoreOptions,
): VerificationReport | null {
  const scored: (ScoredPair & { fileA: string; fileB: string })[] = [];
  const bySet: VerificationReport['bySet'] = {};
  let listed = 0;
  let failures = 0;
  // A failure rejects the pair: right for different people only.
  let failuresRight = 0;
  for (const set of sets) {
    const setPairs: ScoredPair[] = [];
    for (const pair of set.pairs?.pairs ?? []) {
      listed += 1;
      const a = descriptorOf(recordOf(set.name, pair.fileA));
      const b = descriptorOf(recordOf(set.name, pair.fileB));
      if (!a || !b) {
        failures += 1;
        if (!pair.same) failuresRight += 1;
        continue;
      }
      const item = {
        distance: descriptorDistance(a, b),
        same: pair.same,
        fileA: `${set.name}/${pair.fileA}`,
        fileB: `${set.name}/${pair.fileB}`,
      };
      scored.push(item);
      setPairs.push(item);
    }
    if (setPairs.length > 0) {
      bySet[set.name] = {
        n: setPairs.length,
        accuracyAtDefault: accuracyAt(setPairs, options.match.threshold),
      };
    }
  }
  const allPairs = everyPair(items);
  if (listed === 0 && allPairs.length === 0) return null;

  const figures = verificationFigures(scored, options);
  const right = scored.filter(
    (p) => p.distance <= options.match.threshold === p.same,
  ).length;
  const threshold = figures.bestThreshold;
  const hardest = scored
    .filter((p) => p.distance <= threshold !== p.same)
    .sort(
      (a, b) =>
        Math.abs(b.distance - threshold) - Math.abs(a.distance - threshold),
    )
    .slice(0, 12)
    .map(({ fileA, fileB, same, distance }) => ({
      fileA,
      fileB,
      same,
      distance,
    }));

  return {
    ...figures,
    pairs: listed,
    detectionFailures: failures,
    accuracyAtDefaultWithFailures: (right + failuresRight) / listed,
    allPairs:
      allPairs.length > 0 ? verificationFigures(allPairs, options) : null,
    bySet,
    hardest,
  };
}

/** The descriptor of a photo's primary face, if one was found. */
function descriptorOf(record: ImageRecord | undefined): Float32Array | null {
  if (!record || record.error !== undefined) return null;

  return primaryFace(record)?.descriptor ?? null;
}

/**
 * Every pair of single-face photos of named people within each set: same
 * person or not by the identity column.
 */
function everyPair(items: readonly Labelled[]): ScoredPair[] {
  const pairs: ScoredPair[] = [];
  for (const set of distinct(items.map((i) => i.set))) {
    const photos = items
      .filter((i) => i.set === set && isIdentityPhoto(i.entry))
      .map((i) => ({
        identity: i.entry.identities[0]!,
        descriptor: descriptorOf(i.record),
      }))
      .filter((p): p is { identity: string; descriptor: Float32Array } =>
        Boolean(p.descriptor),
      );
    for (let i = 0; i < photos.length; i++) {
      for (let j = i + 1; j < photos.length; j++) {
        const a = photos[i]!;
        const b = photos[j]!;
        pairs.push({
          distance: descriptorDistance(a.descriptor, b.descriptor),
          same: a.identity === b.identity,
        });
      }
    }
  }

  return pairs;
}

function isIdentityPhoto(entry: ManifestEntry): boolean {
  return entry.singleFace && entry.identities.length === 1;
}

// ---------------------------------------------------------------------------
// Identification

function identitySamples(
  items: readonly Labelled[],
  set: string,
): IdentitySample[] {
  return items
    .filter((i) => i.set === set && isIdentityPhoto(i.entry))
    .map((i) => ({
      identity: i.entry.identities[0]!,
      file: i.entry.file,
      descriptor: descriptorOf(i.record),
    }));
}

function summariseRun(
  run: IdentificationRun,
  options: ScoreOptions,
): IdentificationK {
  const { threshold, margin } = options.match;
  const rank1Of = (s: MatchStrategy) => rank1(run.outcomes[s]);
  const atDefault = {} as Record<MatchStrategy, OpenSetRates>;
  for (const s of STRATEGIES) {
    atDefault[s] = openSetAt(run.outcomes[s], threshold, margin);
  }

  return {
    k: run.k,
    people: run.counts,
    rank1: {
      n: rank1Of('nearest').n,
      nearest: ratio(rank1Of('nearest')),
      mean: ratio(rank1Of('mean')),
      centroid: ratio(rank1Of('centroid')),
    },
    atDefault,
    namers: run.namers,
  };
}

function ratio({ correct, n }: { correct: number; n: number }): number {
  return correct / n;
}

function scoreIdentification(
  sets: readonly SetLabels[],
  items: readonly Labelled[],
  options: ScoreOptions,
): IdentificationReport | null {
  const bySet: Record<string, IdentificationK[]> = {};
  const pooled = new Map<number, IdentificationRun[]>();
  for (const set of sets) {
    const samples = identitySamples(items, set.name);
    for (const k of options.ks) {
      const run = runIdentification(samples, {
        k,
        leaveOutEvery: options.leaveOutEvery,
        namers: options.namers,
      });
      const probes = run.outcomes.nearest.length;
      if (run.counts.enrolled === 0 || probes === 0) continue;
      (bySet[set.name] ??= []).push(summariseRun(run, options));
      pooled.set(k, [...(pooled.get(k) ?? []), run]);
    }
  }
  const byK = options.ks
    .filter((k) => pooled.has(k))
    .map((k) => summariseRun(mergeRuns(k, pooled.get(k)!), options));
  const headline = byK.find((r) => r.k === options.headlineK) ?? byK.at(-1);
  if (!headline) return null;
  const merged = mergeRuns(headline.k, pooled.get(headline.k)!);
  const fm = headline.namers.faceMatcher;
  const sweep = {} as Record<MatchStrategy, OpenSetRates[]>;
  for (const s of STRATEGIES) {
    sweep[s] = options.sweep.map((t) =>
      openSetAt(merged.outcomes[s], t, options.match.margin),
    );
  }
  const far = (r: OpenSetRates) => r.falseAccepts / r.strangers;

  return {
    k: headline.k,
    rank1: {
      ...headline.rank1,
      faceMatcher: fm ? fm.identified / fm.probes : NaN,
    },
    falseAcceptRate: far(headline.atDefault.nearest),
    n: headline.atDefault.nearest.strangers,
    falseAcceptRates: {
      nearest: far(headline.atDefault.nearest),
      mean: far(headline.atDefault.mean),
      centroid: far(headline.atDefault.centroid),
      faceMatcher: fm ? fm.falseAccepts / fm.strangers : NaN,
    },
    byK,
    sweep,
    bySet,
  };
}

/** Several sets' runs for one k as one (each set its own gallery). */
function mergeRuns(
  k: number,
  runs: readonly IdentificationRun[],
): IdentificationRun {
  const counts = { ...runs[0]!.counts };
  for (const key of Object.keys(counts) as (keyof typeof counts)[]) {
    counts[key] = sum(runs.map((r) => r.counts[key]));
  }
  const outcomes = {} as Record<MatchStrategy, ProbeOutcome[]>;
  for (const s of STRATEGIES) outcomes[s] = runs.flatMap((r) => r.outcomes[s]);
  const namers: IdentificationRun['namers'] = {};
  for (const run of runs) {
    for (const [name, tally] of Object.entries(run.namers)) {
      const into = (namers[name] ??= {
        identified: 0,
        probes: 0,
        misidentified: 0,
        falseAccepts: 0,
        strangers: 0,
      });
      for (const key of Object.keys(tally) as (keyof typeof tally)[]) {
        into[key] += tally[key];
      }
    }
  }

  return { k, counts, outcomes, namers };
}

// ---------------------------------------------------------------------------
// Calibration

function scoreCalibration(
  sets: readonly SetLabels[],
  items: readonly Labelled[],
  options: ScoreOptions,
): CalibrationReport {
  const report: CalibrationReport = { bySet: {} };
  for (const set of sets) {
    const samples = identitySamples(items, set.name);
    const run = runIdentification(samples, {
      k: options.headlineK,
      leaveOutEvery: options.leaveOutEvery,
    });
    if (run.counts.enrolled < 2) continue;
    // The gallery runIdentification enrolled: first k faces by file name.
    const { gallery } = splitForIdentification(samples, {
      k: options.headlineK,
      leaveOutEvery: options.leaveOutEvery,
    });
    const people = [...gallery].map(([name, descriptors]) => ({
      id: name,
      name,
      descriptors,
    }));
    const unbounded = calibrateGallery(people, { ceiling: 0.8 });
    const offered = calibrateGallery(people, {
      ceiling: options.match.threshold,
    });
    report.bySet[set.name] = {
      genuineMedian: unbounded.genuine.median,
      impostorMin: unbounded.impostor.min,
      suggestedUnbounded: unbounded.suggestedThreshold,
      suggested: offered.suggestedThreshold,
      basis: offered.basis,
      atSuggested:
        offered.suggestedThreshold === null
          ? null
          : openSetAt(
              run.outcomes.nearest,
              offered.suggestedThreshold,
              options.match.margin,
            ),
    };
  }

  return report;
}

// ---------------------------------------------------------------------------
// Age, gender, expressions

/** Single-face photos with a label, and the face found (null: none). */
function labelledFaces(
  items: readonly Labelled[],
  has: (entry: ManifestEntry) => boolean,
): { item: Labelled; face: FaceRecord | null }[] {
  return items
    .filter((i) => i.entry.singleFace && has(i.entry))
    .map((item) => ({ item, face: primaryFace(item.record) }));
}

function scoreAge(items: readonly Labelled[]): AgeReport {
  const found = labelledFaces(items, (e) => e.age !== null);
  const estimates = found.flatMap(({ item, face }) =>
    face?.age === undefined
      ? []
      : [{ set: item.set, truth: item.entry.age!, predicted: face.age }],
  );
  const bySet: AgeReport['bySet'] = {};
  for (const set of distinct(estimates.map((e) => e.set))) {
    const inSet = estimates.filter((e) => e.set === set);
    bySet[set] = { n: inSet.length, mae: meanAbsoluteError(inSet) };
  }

  return {
    n: estimates.length,
    mae: meanAbsoluteError(estimates),
    detectionFailures: found.length - estimates.length,
    byBand: maeByBand(estimates),
    bySet,
  };
}

function scoreGender(items: readonly Labelled[]): GenderReport {
  const found = labelledFaces(items, (e) => e.gender !== null);
  const judged = found.flatMap(({ item, face }) =>
    face?.gender === undefined
      ? []
      : [{ set: item.set, right: face.gender === item.entry.gender }],
  );
  const bySet: GenderReport['bySet'] = {};
  for (const set of distinct(judged.map((j) => j.set))) {
    const inSet = judged.filter((j) => j.set === set);
    bySet[set] = {
      n: inSet.length,
      accuracy: inSet.filter((j) => j.right).length / inSet.length,
    };
  }

  return {
    n: judged.length,
    accuracy: judged.filter((j) => j.right).length / judged.length,
    detectionFailures: found.length - judged.length,
    bySet,
  };
}

function scoreExpression(items: readonly Labelled[]): ExpressionReport {
  const found = labelledFaces(items, (e) => e.expression !== null);
  const judged = found.flatMap(({ item, face }) =>
    face?.expression === undefined
      ? []
      : [
          {
            set: item.set,
            wholeImage: item.record.wholeImage,
            truth: item.entry.expression!,
            predicted: face.expression,
          },
        ],
  );
  const matrix = confusionMatrix(EXPRESSIONS, judged);
  const accuracyOf = (list: typeof judged) => ({
    n: list.length,
    accuracy: list.filter((j) => j.truth === j.predicted).length / list.length,
  });
  const bySet: ExpressionReport['bySet'] = {};
  for (const set of distinct(judged.map((j) => j.set))) {
    const inSet = judged.filter((j) => j.set === set);
    bySet[set] = {
      ...accuracyOf(inSet),
      wholeImage: inSet.every((j) => j.wholeImage),
    };
  }

  return {
    n: matrix.n,
    accuracy: matrix.accuracy,
    detectionFailures: found.length - judged.length,
    classes: EXPRESSIONS,
    confusion: matrix.matrix,
    perClass: matrix.perClass,
    wholeImage: accuracyOf(judged.filter((j) => j.wholeImage)),
    detected: accuracyOf(judged.filter((j) => !j.wholeImage)),
    bySet,
  };
}

// ---------------------------------------------------------------------------

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareText);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}
