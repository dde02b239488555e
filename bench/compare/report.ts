/**
 * The benchmark's figures: medians over rounds, ratios between contenders,
 * and the tables printed at the end of a run.
 */
import { median, pairedRatios } from '../../src/engine/bench/stats';
import type { LabelStability } from '../../src/engine/bench/stability';
import type { BrowserModelTimes } from './browserModels';
import type { Contender, LiveRun } from './contenders';
import type { ModelTime } from './modelTimes';
import type { SoakSample } from './soak';

/** A run that did not finish, and why. */
export interface FailedRun {
  contender: Contender;
  round: number;
  error: string;
}

/** A contender over all its rounds: medians, and every run as measured. */
export interface ContenderSummary {
  fps: number;
  latencyP50Ms: number;
  latencyP90Ms: number;
  longTasksPerMin: number;
  longTaskMsPerMin: number;
  facesPerFrame: number;
  tensorsStart: number;
  tensorsEnd: number;
  coldStartMs: number;
  modelsReadyMs: number;
  cameraToFirstResultMs: number;
  namedFaces?: number;
  /** The app's label changes, summed over rounds (age spread: the widest). */
  labels?: LabelStability;
  /** The last run's account of itself (backend, threads, versions). */
  info: Record<string, string | number | boolean>;
  rounds: LiveRun[];
  failures: FailedRun[];
}

export function summarize(
  runs: readonly LiveRun[],
  failures: readonly FailedRun[],
): ContenderSummary {
  const of = (pick: (run: LiveRun) => number) => median(runs.map(pick));
  const named = runs.map((run) => run.namedFaces ?? NaN);
  const summary: ContenderSummary = {
    fps: of((run) => run.fps),
    latencyP50Ms: of((run) => run.latencyP50Ms),
    latencyP90Ms: of((run) => run.latencyP90Ms),
    longTasksPerMin: of((run) => run.longTasksPerMin),
    longTaskMsPerMin: of((run) => run.longTaskMsPerMin),
    facesPerFrame: of((run) => run.facesPerFrame),
    tensorsStart: of((run) => run.tensorsStart),
    tensorsEnd: of((run) => run.tensorsEnd),
    coldStartMs: of((run) => run.coldStart.totalMs),
    modelsReadyMs: of((run) => run.coldStart.modelsReadyMs),
    cameraToFirstResultMs: of((run) => run.coldStart.cameraToFirstResultMs),
    info: runs.at(-1)?.info ?? {},
    rounds: [...runs],
    failures: [...failures],
  };
  if (named.some((value) => !Number.isNaN(value))) {
    summary.namedFaces = median(named);
  }
  const labels = runs.flatMap((run) => (run.labels ? [run.labels] : []));
  if (labels.length > 0) {
    const sum = (pick: (l: LabelStability) => number) =>
      labels.reduce((total, l) => total + pick(l), 0);
    summary.labels = {
      tracks: sum((l) => l.tracks),
      sightings: sum((l) => l.sightings),
      nameChanges: sum((l) => l.nameChanges),
      genderChanges: sum((l) => l.genderChanges),
      ageSpreadYears: Math.max(...labels.map((l) => l.ageSpreadYears)),
    };
  }

  return summary;
}

/**
 * fps of a over b for every round both finished, and their median. Rounds
 * are paired by number, so drift of a busy machine hits both sides alike.
 */
export function fpsRatio(
  a: readonly LiveRun[],
  b: readonly LiveRun[],
  rounds: number,
): { median: number; perRound: number[] } {
  const byRound = (runs: readonly LiveRun[]) =>
    Array.from(
      { length: rounds },
      (_, i) => runs.find((run) => run.round === i + 1)?.fps ?? NaN,
    );

  return pairedRatios(byRound(a), byRound(b));
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value)
    ? '-'
    : value.toFixed(digits);
}

function times(value: number | undefined): string {
  return value === undefined || Number.isNaN(value)
    ? '-'
    : `${value.toFixed(2)}x`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }

  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export interface LiveTableInput {
  contenders: Partial<Record<Contender, ContenderSummary>>;
  ratio: { fpsVsOriginal?: number; fpsVsHuman?: number };
}

/** The comparison: one column per contender, ratios app/original, app/human. */
export function liveTable(input: LiveTableInput): string {
  const names = (['app', 'original', 'human'] as const).filter(
    (name) => input.contenders[name] !== undefined,
  );
  const withRatios = names.includes('app') && names.length > 1;
  const header = ['', ...names];
  if (withRatios) header.push('app/original', 'app/human');
  const row = (
    label: string,
    cell: (summary: ContenderSummary) => string,
    ratios: [string, string] = ['', ''],
  ) => {
    const cells = [
      label,
      ...names.map((name) => {
        const summary = input.contenders[name];
        return summary ? cell(summary) : '-';
      }),
    ];
    if (withRatios) cells.push(...ratios);
    return cells;
  };

  return table([
    header,
    row('analysis fps (results drawn / s)', (s) => fixed(s.fps, 2), [
      times(input.ratio.fpsVsOriginal),
      times(input.ratio.fpsVsHuman),
    ]),
    row('latency p50 ms (capture to draw)', (s) => fixed(s.latencyP50Ms, 0)),
    row('latency p90 ms', (s) => fixed(s.latencyP90Ms, 0)),
    row('main-thread long tasks / min', (s) => fixed(s.longTasksPerMin, 1)),
    row('  blocked ms / min', (s) => fixed(s.longTaskMsPerMin, 0)),
    row('faces / frame', (s) => fixed(s.facesPerFrame, 2)),
    row('named faces / frame', (s) => fixed(s.namedFaces, 2)),
    row('name / gender changes (all rounds)', (s) =>
      s.labels
        ? `${s.labels.nameChanges} / ${s.labels.genderChanges} in ` +
          `${s.labels.tracks} tracks`
        : '-',
    ),
    row('widest age spread of a track, years', (s) =>
      s.labels ? String(s.labels.ageSpreadYears) : '-',
    ),
    row(
      'tensors start -> end',
      (s) => `${fixed(s.tensorsStart, 0)} -> ${fixed(s.tensorsEnd, 0)}`,
    ),
    row('cold start s (models + first result)', (s) =>
      fixed(s.coldStartMs / 1000, 2),
    ),
    row('  models loaded s', (s) => fixed(s.modelsReadyMs / 1000, 2)),
    row('  camera to first result s', (s) =>
      fixed(s.cameraToFirstResultMs / 1000, 2),
    ),
  ]);
}

/** One line per run, in the order they ran. */
export function roundLines(
  runs: readonly LiveRun[],
  failures: readonly FailedRun[],
): string {
  const all = [
    ...runs.map((run) => ({ round: run.round, line: runLine(run) })),
    ...failures.map((failure) => ({
      round: failure.round,
      line: `round ${failure.round} ${failure.contender}: FAILED: ${failure.error}`,
    })),
  ];

  return all
    .sort((a, b) => a.round - b.round)
    .map((entry) => entry.line)
    .join('\n');
}

export function runLine(run: LiveRun): string {
  return (
    `round ${run.round} ${run.contender.padEnd(8)} ` +
    `${fixed(run.fps, 2)} fps, p50 ${fixed(run.latencyP50Ms, 0)} ms, ` +
    `p90 ${fixed(run.latencyP90Ms, 0)} ms, ` +
    `${fixed(run.longTasksPerMin, 0)} long tasks/min, ` +
    `${fixed(run.facesPerFrame, 2)} faces, tensors ` +
    `${fixed(run.tensorsStart, 0)}->${fixed(run.tensorsEnd, 0)}, ` +
    `cold ${fixed(run.coldStart.totalMs / 1000, 2)} s`
  );
}

function describeBackend(backend: BrowserModelTimes['backend']): string {
  const threads = backend.threads === undefined ? '' : `${backend.threads} thr`;
  const simd = backend.simd ? ', SIMD' : '';

  return `${backend.name.toUpperCase()} ${threads}${simd}`.trim();
}

/** Per model: MACs, and ms and GMAC/s in Node and in the browser worker. */
export function modelsTable(
  node: { backend: BrowserModelTimes['backend']; times: ModelTime[] } | null,
  browser: BrowserModelTimes | null,
): string {
  const key = (time: ModelTime) => `${time.model}/${time.faces ?? '-'}`;
  const list = node?.times ?? browser?.times ?? [];
  const browserByKey = new Map(
    (browser?.times ?? []).map((time) => [key(time), time]),
  );
  const nodeByKey = new Map(
    (node?.times ?? []).map((time) => [key(time), time]),
  );
  const nodeLabel = node ? `Node (${describeBackend(node.backend)})` : 'Node';
  const browserLabel = browser
    ? `worker (${describeBackend(browser.backend)})`
    : 'worker';

  return table([
    [
      'model',
      'faces',
      'MMAC',
      `${nodeLabel} ms`,
      'GMAC/s',
      `${browserLabel} ms`,
      'GMAC/s',
    ],
    ...list.map((time) => {
      const inNode = nodeByKey.get(key(time));
      const inBrowser = browserByKey.get(key(time));
      return [
        time.model,
        time.faces === null ? 'frame' : String(time.faces),
        fixed(time.macs / 1e6, 0),
        fixed(inNode?.medianMs, 1),
        fixed(inNode?.gmacPerSecond, 2),
        fixed(inBrowser?.medianMs, 1),
        fixed(inBrowser?.gmacPerSecond, 2),
      ];
    }),
  ]);
}

/** The soak, one row a minute. */
export function soakTable(samples: readonly SoakSample[]): string {
  return table([
    [
      'minute',
      'results',
      'fps',
      'p90 ms',
      'tensors',
      'page heap MB',
      'worker heap MB',
    ],
    ...samples.map((sample) => [
      fixed(sample.minute, 1),
      String(sample.results),
      fixed(sample.fps, 2),
      fixed(sample.latencyP90Ms, 0),
      fixed(sample.tensors, 0),
      fixed(sample.pageHeapMb, 1),
      fixed(sample.workerHeapMb ?? NaN, 1),
    ]),
  ]);
}
