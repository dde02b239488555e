/**
 * How fast is recognition against a large gallery? Enrols random unit
 * vectors (5 samples a person, seeded so runs repeat), then times queries
 * against our GalleryMatcher in each strategy, both ways it runs (the
 * WebAssembly SIMD kernel, and plain JS), and against face-api's own
 * FaceMatcher on the same data, and prints milliseconds per query (median,
 * 90th percentile), build time and memory.
 *
 *   npm run bench:matcher -- [--sizes 1000,10000,100000,1000000]
 *                            [--queries 50] [--seed 1]
 *                            [--kernels wasm-simd,js] [--no-face-api]
 *
 * The kernel's answers are compared with plain JS's, query by query: they
 * must be the same to the last bit.
 *
 * Queries are enrolled samples with noise added (distance about 0.35), so
 * most have a true match. FaceMatcher runs only where one query is expected
 * to take under FACE_API_QUERY_BUDGET_MS, judged from the size before (or at
 * the first size, from one query), and within FACE_API_SIZE_BUDGET_MS a size.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { GalleryMatcher } from '../src/engine/gallery/matcher';
import type {
  EnrolledPerson,
  MatchStrategy,
  MatcherKernel,
} from '../src/engine/gallery/matcher';
import { DESCRIPTOR_LENGTH } from '../src/engine/gallery/types';

const SAMPLES_PER_PERSON = 5;
const FACE_API_QUERY_BUDGET_MS = 2000;
/** Most time FaceMatcher's queries may take at one size. */
const FACE_API_SIZE_BUDGET_MS = 15_000;
const THRESHOLD = 0.55;
const WARMUP_QUERIES = 3;

/** The part of face-api this bench uses. */
interface FaceApi {
  LabeledFaceDescriptors: new (
    label: string,
    descriptors: Float32Array[],
  ) => unknown;
  FaceMatcher: new (
    inputs: unknown[],
    distanceThreshold: number,
  ) => {
    findBestMatch(query: Float32Array): { label: string; distance: number };
  };
}

function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

// Node hides gc() unless started with --expose-gc; npm scripts cannot pass
// it through tsx portably, so switch it on from inside.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Bytes the JS heap and memory outside it hold (array buffers and
 * WebAssembly memories: `arrayBuffers` alone leaves the latter out), after a
 * full collection.
 */
function memoryInUse(): number {
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal values by Box-Muller, from a uniform source. */
function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** Fills `out` at `offset` with a direction uniform on the unit sphere. */
function unitVector(
  normal: () => number,
  out: Float32Array,
  offset: number,
): void {
  let norm = 0;
  for (let j = 0; j < DESCRIPTOR_LENGTH; j++) {
    const value = normal();
    out[offset + j] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let j = 0; j < DESCRIPTOR_LENGTH; j++) out[offset + j]! *= scale;
}

interface Data {
  /** Every sample, row after row; person p owns rows 5p..5p+4. */
  samples: Float32Array;
  people: EnrolledPerson[];
  queries: Float32Array[];
}

function makeData(size: number, queryCount: number, seed: number): Data {
  const random = prng(seed * 1_000_003 + size);
  const normal = gaussian(random);
  const samples = new Float32Array(size * DESCRIPTOR_LENGTH);
  for (let row = 0; row < size; row++) {
    unitVector(normal, samples, row * DESCRIPTOR_LENGTH);
  }

  const people: EnrolledPerson[] = [];
  for (let first = 0; first < size; first += SAMPLES_PER_PERSON) {
    const descriptors = [];
    const last = Math.min(size, first + SAMPLES_PER_PERSON);
    for (let row = first; row < last; row++) {
      const at = row * DESCRIPTOR_LENGTH;
      descriptors.push(samples.subarray(at, at + DESCRIPTOR_LENGTH));
    }
    const id = `p${people.length}`;
    people.push({ id, name: id, descriptors });
  }

  // A random sample plus noise of length about 0.35.
  const queries = [];
  const noise = new Float32Array(DESCRIPTOR_LENGTH);
  for (let q = 0; q < WARMUP_QUERIES + queryCount; q++) {
    const row = Math.floor(random() * size);
    unitVector(normal, noise, 0);
    const query = samples.slice(
      row * DESCRIPTOR_LENGTH,
      (row + 1) * DESCRIPTOR_LENGTH,
    );
    for (let j = 0; j < DESCRIPTOR_LENGTH; j++) {
      query[j]! += 0.35 * noise[j]!;
    }
    queries.push(query);
  }
  return { samples, people, queries };
}

interface Timing {
  median: number;
  p90: number;
}

/** Times `run` on each query after a few untimed warm-up queries. */
function timeQueries(
  queries: readonly Float32Array[],
  run: (query: Float32Array) => void,
): Timing {
  const ms: number[] = [];
  queries.forEach((query, i) => {
    const start = performance.now();
    run(query);
    if (i >= WARMUP_QUERIES) ms.push(performance.now() - start);
  });
  ms.sort((a, b) => a - b);
  const at = (share: number) =>
    ms[Math.min(ms.length - 1, Math.ceil(share * ms.length) - 1)] ?? NaN;

  return { median: at(0.5), p90: at(0.9) };
}

interface Row {
  size: number;
  matcher: string;
  buildMs?: number;
  memoryMb?: number;
  timing?: Timing;
  queries?: number;
  note?: string;
}

const MB = 1024 * 1024;

/** The way a matcher runs, as the bench names it and as the option says. */
const KERNELS: Record<string, MatcherKernel> = {
  'wasm-simd': 'auto',
  js: 'js',
};

const STRATEGIES: MatchStrategy[] = ['nearest', 'mean', 'centroid'];

interface OursResult {
  rows: Row[];
  /** The mean strategy's best distance per query. */
  meanBest: number[];
  /** Every answer, per strategy, as JSON: to compare the two ways. */
  answers: Map<MatchStrategy, string[]>;
}

/** Our rows for one way of running. */
function benchOurs(
  data: Data,
  queryCount: number,
  kernelName: string,
): OursResult {
  const size = data.samples.length / DESCRIPTOR_LENGTH;
  const before = memoryInUse();
  const start = performance.now();
  const matcher = GalleryMatcher.fromPeople(data.people, {
    kernel: KERNELS[kernelName]!,
  });
  const buildMs = performance.now() - start;
  const memoryMb = (memoryInUse() - before) / MB;
  if (matcher.kernel !== kernelName) {
    throw new Error(
      `asked for the ${kernelName} matcher, got ${matcher.kernel}: ` +
        'does this runtime have WebAssembly SIMD?',
    );
  }

  const rows: Row[] = [];
  const answers = new Map<MatchStrategy, string[]>();
  for (const strategy of STRATEGIES) {
    const beforeQueries = memoryInUse();
    const options = { strategy, threshold: THRESHOLD };
    const mine: string[] = [];
    const timing = timeQueries(data.queries, (query) => {
      mine.push(JSON.stringify(matcher.match(query, options)));
    });
    answers.set(strategy, mine);
    const row: Row = {
      size,
      matcher: `${kernelName} ${strategy}`,
      timing,
      queries: queryCount,
    };
    if (strategy === 'nearest') {
      Object.assign(row, { buildMs, memoryMb });
      const kernelMb = matcher.kernelMemoryBytes / MB;
      if (kernelMb > 0) {
        row.note = `memory: ${kernelMb.toFixed(1)} MB of it int8 rows`;
      }
    }
    if (strategy === 'centroid') {
      // Centroids are made on the first centroid query, counted here.
      row.memoryMb = (memoryInUse() - beforeQueries) / MB;
      row.note = 'memory: centroids, made on first use';
    }
    rows.push(row);
  }

  // FaceMatcher computes what the mean strategy does: their answers agree.
  const meanBest = data.queries.map(
    (query) =>
      matcher.match(query, { strategy: 'mean' }).candidates[0]?.distance ?? NaN,
  );
  return { rows, meanBest, answers };
}

/** How many of the kernel's answers are plain JS's, to the last bit. */
function agreement(a: OursResult, b: OursResult): string {
  let same = 0;
  let all = 0;
  for (const [strategy, mine] of a.answers) {
    const theirs = b.answers.get(strategy) ?? [];
    mine.forEach((answer, i) => {
      all++;
      if (answer === theirs[i]) same++;
    });
  }
  return `wasm-simd answers = js on ${same}/${all} queries`;
}

function benchFaceApi(
  faceapi: FaceApi,
  data: Data,
  queryCount: number,
  meanBest: readonly number[],
): Row {
  const size = data.samples.length / DESCRIPTOR_LENGTH;
  const before = memoryInUse();
  const start = performance.now();
  // One Float32Array per sample, as face-api's users hold them.
  const labeled = data.people.map(
    (person) =>
      new faceapi.LabeledFaceDescriptors(
        person.id,
        person.descriptors.map((d) => Float32Array.from(d)),
      ),
  );
  const matcher = new faceapi.FaceMatcher(labeled, THRESHOLD);
  const buildMs = performance.now() - start;
  const memoryMb = (memoryInUse() - before) / MB;

  // One query first, timed: it says how many more the budget allows.
  const row: Row = { size, matcher: 'face-api FaceMatcher', buildMs, memoryMb };
  const probeStart = performance.now();
  matcher.findBestMatch(data.queries[0]!);
  const probeMs = performance.now() - probeStart;
  if (probeMs > FACE_API_QUERY_BUDGET_MS) {
    const budget = FACE_API_QUERY_BUDGET_MS / 1000;
    return {
      ...row,
      timing: { median: probeMs, p90: probeMs },
      queries: 1,
      note: `stopped after one query: over the ${budget} s budget`,
    };
  }
  const affordable = Math.floor(FACE_API_SIZE_BUDGET_MS / probeMs);
  const count = Math.max(3, Math.min(queryCount, affordable));
  const queries = data.queries.slice(0, WARMUP_QUERIES + count);
  const answers: { distance: number }[] = [];
  const timing = timeQueries(queries, (query) => {
    answers.push(matcher.findBestMatch(query));
  });

  // FaceMatcher reports the best mean distance even when it says unknown.
  const agree = answers.filter(
    (answer, i) => Math.abs(answer.distance - (meanBest[i] ?? NaN)) < 1e-9,
  ).length;

  return {
    ...row,
    timing,
    queries: count,
    note: `best distance = ours mean on ${agree}/${answers.length} queries`,
  };
}

function formatRow(row: Row): string {
  const cell = (value: number | undefined, digits: number, width: number) =>
    (value === undefined ? '' : value.toFixed(digits)).padStart(width);

  return [
    String(row.size).padStart(9),
    row.matcher.padEnd(22),
    cell(row.buildMs, 0, 9),
    cell(row.memoryMb, 1, 9),
    cell(row.timing?.median, 2, 10),
    cell(row.timing?.p90, 2, 10),
    String(row.queries ?? '').padStart(7),
    `  ${row.note ?? ''}`,
  ].join(' ');
}

const USAGE = `Times GalleryMatcher queries on random unit vectors.

  npm run bench:matcher -- [options]

  --sizes LIST      gallery sizes, default 1000,10000,100000,1000000
  --queries N       timed queries a size and strategy, default 50
  --seed N          data seed, default 1
  --kernels LIST    wasm-simd, js or both (default), timed in that order
  --no-face-api     skip face-api's FaceMatcher
  --help            this text`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.info(USAGE);
    return;
  }
  const sizes = argValue('--sizes', '1000,10000,100000,1000000')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const queryCount = Math.max(1, Number(argValue('--queries', '50')) || 50);
  const seed = Number(argValue('--seed', '1')) || 1;
  const kernels = argValue('--kernels', 'wasm-simd,js').split(',');
  const unknown = kernels.filter((name) => !(name in KERNELS));
  if (unknown.length > 0) {
    throw new Error(
      `--kernels ${unknown.join(',')}: expected wasm-simd, js or both`,
    );
  }
  const withFaceApi = !process.argv.includes('--no-face-api');

  const require = createRequire(import.meta.url);
  const faceapi =
    require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;

  // Other work on the machine slows every row alike: the load says how much.
  const cpus = os.cpus();
  const load = os.loadavg()[0] ?? 0;
  console.info(
    `Node ${process.version}, ${cpus[0]?.model ?? 'CPU'} x${cpus.length} ` +
      `(load ${load.toFixed(1)}); ` +
      `${queryCount} queries a size, ${SAMPLES_PER_PERSON} samples a ` +
      `person, threshold ${THRESHOLD}, seed ${seed}`,
  );
  console.info(
    [
      'samples'.padStart(9),
      'matcher'.padEnd(22),
      'build ms'.padStart(9),
      'memory MB'.padStart(9),
      'median ms'.padStart(10),
      'p90 ms'.padStart(10),
      'queries'.padStart(7),
    ].join(' '),
  );

  // FaceMatcher's cost grows with the gallery: project the next size's
  // query time from the last one measured and skip it past the budget.
  let faceApiMsPerSample: number | undefined;
  for (const size of sizes) {
    const data = makeData(size, queryCount, seed);
    const results = kernels.map((name) => {
      const result = benchOurs(data, queryCount, name);
      for (const row of result.rows) console.info(formatRow(row));
      return result;
    });
    const [first, second] = results;
    if (first && second) {
      console.info(`${' '.repeat(10)}${agreement(first, second)}`);
    }
    if (!withFaceApi || !first) continue;

    const projectedMs =
      faceApiMsPerSample === undefined ? 0 : faceApiMsPerSample * size;
    if (projectedMs > FACE_API_QUERY_BUDGET_MS) {
      console.info(
        formatRow({
          size,
          matcher: 'face-api FaceMatcher',
          note:
            `skipped: a query would take about ` +
            `${(projectedMs / 1000).toFixed(1)} s, over the ` +
            `${FACE_API_QUERY_BUDGET_MS / 1000} s budget`,
        }),
      );
    } else {
      const row = benchFaceApi(faceapi, data, queryCount, first.meanBest);
      faceApiMsPerSample = (row.timing?.median ?? 0) / size;
      console.info(formatRow(row));
    }
  }
  console.info(
    'memory: heapUsed + external (array buffers, WebAssembly memory) growth ' +
      "while building; face-api's includes its own Float32Array per sample.",
  );
}

await main();
