/**
 * One evaluation run: read every set's labels, analyse every photo with the
 * app's pipeline, score it. `npm run eval` (eval/run.ts) calls this with a
 * file-system source; the end-to-end test with a folder it builds.
 */
import type { DetectorKind } from '../options';
import { DEFAULT_ANALYSIS_OPTIONS } from '../options';
import type { Runtime } from '../runtime';
import { tfOf } from '../runtime';
import type {
  AnalyseOptions,
  EvalSource,
  ImageRecord,
  RecognitionCrop,
} from './analyze';
import {
  analyseSets,
  appAnalysisOptions,
  faceMatcherNamer,
  readSets,
} from './analyze';
import { primaryFace, scoreEvaluation } from './score';
import type { EvaluationScores, ScoreOptions } from './score';

/** Settings of runEvaluation. */
export interface EvaluationOptions {
  /**
   * The photo detector (AnalysisOptions.photoDetector). Defaults to the
   * app's, 'ssd'.
   */
  detector: DetectorKind;
  /** See AnalyseOptions.wholeImageBelowPx. Defaults to 64. */
  wholeImageBelowPx: number;
  /** See AnalyseOptions.recognitionCrop. Defaults to 'app'. */
  recognitionCrop: RecognitionCrop;
  /** Scoring settings; defaults as DEFAULT_SCORE_OPTIONS, plus FaceMatcher. */
  score?: Partial<ScoreOptions>;
  onProgress?: AnalyseOptions['onProgress'];
  /**
   * Photos analysed before (a report's `records`): scored again without
   * running a model, to try scoring settings.
   */
  records?: ImageRecord[];
  /** Keep every photo's analysis in the report's `records`. */
  keepRecords?: boolean;
}

/** A photo the analysis could not use, and why. */
export interface EvalProblem {
  set: string;
  file: string;
  reason: string;
}

/** What runEvaluation returns and eval/run.ts writes as JSON. */
export interface EvaluationReport extends EvaluationScores {
  meta: {
    detector: DetectorKind;
    /** The app's analysis options the photos went through. */
    analysis: ReturnType<typeof appAnalysisOptions>;
    wholeImageBelowPx: number;
    /** 'app' unless the dlib-box experiment ran. */
    recognitionCrop: RecognitionCrop;
    sets: {
      name: string;
      /** Photos analysed, and rows of its files left out with reasons. */
      photos: number;
      skippedRows: { line: number; file: string; reason: string }[];
      /** Label values present but not usable, per column. */
      ignoredLabels: Record<string, number>;
      errors: string[];
    }[];
    photos: number;
    /** Mean milliseconds of analysis per photo. */
    msPerPhoto: number;
    /** Tensors left after the run that were not there before (0: none). */
    tensorsLeaked: number;
    startedAt: string;
    seconds: number;
  };
  /**
   * Unreadable photos, and single-face photos in which no face was found
   * (detection failures, apart from recognition errors).
   */
  problems: EvalProblem[];
  /** Every photo's analysis, when keepRecords was set. */
  records?: ImageRecord[];
}

/**
 * Reads, analyses and scores every set `source` holds (with `records`, only
 * reads and scores).
 */
export async function runEvaluation(
  runtime: Runtime,
  source: EvalSource,
  overrides: Partial<EvaluationOptions> = {},
): Promise<EvaluationReport> {
  const options: EvaluationOptions = {
    detector: DEFAULT_ANALYSIS_OPTIONS.photoDetector,
    wholeImageBelowPx: 64,
    recognitionCrop: 'app',
    ...overrides,
  };
  const startedAt = new Date();
  const tf = tfOf(runtime);
  const tensorsBefore = tf.memory().numTensors;

  const sets = await readSets(source);
  const analyseOptions: AnalyseOptions = {
    detector: options.detector,
    wholeImageBelowPx: options.wholeImageBelowPx,
    recognitionCrop: options.recognitionCrop,
  };
  if (options.onProgress) analyseOptions.onProgress = options.onProgress;
  const records =
    options.records ??
    (await analyseSets(runtime, source, sets, analyseOptions));
  const scores = scoreEvaluation(sets, records, {
    namers: { faceMatcher: faceMatcherNamer(runtime, 0.6) },
    ...options.score,
  });

  const photosOf = (set: string) => records.filter((r) => r.set === set);

  const report: EvaluationReport = {
    meta: {
      detector: options.detector,
      analysis: appAnalysisOptions(options.detector),
      wholeImageBelowPx: options.wholeImageBelowPx,
      recognitionCrop: options.recognitionCrop,
      sets: sets.map((set) => ({
        name: set.name,
        photos: photosOf(set.name).length,
        skippedRows: [
          ...set.manifest.skipped,
          ...(set.pairs?.skipped ?? []).map((row) => ({
            ...row,
            reason: `pairs.csv: ${row.reason}`,
          })),
        ],
        ignoredLabels: { ...set.manifest.ignored },
        errors: set.errors,
      })),
      photos: records.length,
      msPerPhoto:
        records.reduce((total, r) => total + r.ms, 0) /
        Math.max(1, records.length),
      tensorsLeaked: tf.memory().numTensors - tensorsBefore,
      startedAt: startedAt.toISOString(),
      seconds: (Date.now() - startedAt.getTime()) / 1000,
    },
    ...scores,
    problems: problemsOf(sets, records),
  };
  if (options.keepRecords) report.records = records;

  return report;
}

function problemsOf(
  sets: Awaited<ReturnType<typeof readSets>>,
  records: readonly ImageRecord[],
): EvalProblem[] {
  const single = new Set(
    sets.flatMap((set) =>
      set.manifest.entries
        .filter((e) => e.singleFace)
        .map((e) => `${set.name}\n${e.file}`),
    ),
  );
  const problems: EvalProblem[] = [];
  for (const r of records) {
    if (r.error !== undefined) {
      problems.push({ set: r.set, file: r.file, reason: r.error });
    } else if (single.has(`${r.set}\n${r.file}`) && !primaryFace(r)) {
      problems.push({ set: r.set, file: r.file, reason: 'no face found' });
    }
  }

  return problems;
}
