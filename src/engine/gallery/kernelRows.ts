/**
 * Gallery rows as the WebAssembly kernel (kernelWasm.ts) reads them: each
 * 128-value descriptor quantised to int8 with a scale of its own, 144 bytes a
 * row in a WebAssembly memory that grows with the gallery, and the kernel call
 * that gives, for one query, a lower bound on every row's squared distance.
 *
 * The bound is what keeps matching exact: it is never above the distance the
 * plain JS pass computes from the Float32 row, so a row whose bound is past
 * the best distances found so far can be skipped, and every row that could
 * matter is measured again exactly, in JS. Int8 rows are a quarter of the
 * Float32 bytes, and one query over a large gallery is bound by how fast the
 * rows come from memory.
 *
 * Why the bound holds, for a row r (Float32 values, as reals) and a query q
 * (Float64): r = s·k + e with int8 k, f32 scale s, and |e| its rounding
 * error; q = t·m + f with int16 m. Then
 *
 *   |r - q|² = |r|² + |q|² - 2 r·q,  r·q = s·t·(k·m) + (s·k)·f + e·q,
 *
 * so |r - q|² ≥ |r|² + |q|² - 2·s·t·(k·m) - 2(|r| + |e|)·|f| - 2|e|·|q|.
 * k·m is exact in i32; |r|² is stored rounded down, |r| + |e| and |e| rounded
 * up; every norm is then shrunk or grown by 2^-30 of itself, far more than the
 * rounding of the f64 arithmetic here and in the kernel (about 2^-50) and the
 * rounding of the JS pass's own distance (about 2^-47 of it).
 */
import {
  KERNEL_EXPORT,
  KERNEL_FIELDS,
  KERNEL_RECORD_BYTES,
  KERNEL_VALUES,
  kernelBytes,
} from './kernelWasm';
import type { KernelFunction } from './kernelWasm';

// Local copies: an imported binding can compile to a getter call per use
// (tsx, vitest), which costs more than the work in the loops below.
const VALUES = KERNEL_VALUES;
const RECORD_BYTES = KERNEL_RECORD_BYTES;
const FIELDS = KERNEL_FIELDS;

/** Rows a kernel call covers: one block of bounds stays in the L1 cache. */
export const KERNEL_BLOCK = 4096;

const PAGE_BYTES = 65536;
/** WebAssembly's limit: 65536 pages, 4 GiB. */
const MAX_PAGES = 65536;

// Memory layout: the int16 query, the f64 bounds of one block, and from the
// second page on, the row records.
const QUERY_OFFSET = 0;
const BOUNDS_OFFSET = VALUES * 2;
const ROWS_OFFSET = PAGE_BYTES;

/** Rows with a value past this are always measured: f32 norms overflow. */
const LARGEST_VALUE = 2 ** 60;
/** Queries with a squared norm beyond this go the plain JS way. */
const LARGEST_QUERY_SQUARED_NORM = 2 ** 1000;

const SHRINK = 1 - 2 ** -30;
const GROW = 1 + 2 ** -30;

/** The compiled kernel, or null where WebAssembly or its SIMD is missing. */
const KERNEL_MODULE = compileKernel();

function compileKernel(): WebAssembly.Module | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = kernelBytes();
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

/**
 * `x` rounded to a nearby integer in -limit..limit. Any integer keeps the
 * bound true (the error is measured after); this one is near and quick: the
 * clamp, then a truncation of a positive number, which is a floor, with no
 * branch on the sign and an int32 result V8 keeps unboxed.
 */
function clampRound(x: number, limit: number): number {
  const y = x > limit ? limit : x < -limit ? -limit : x;
  return ((y + limit + 1.5) | 0) - limit - 1;
}

/** Whether this runtime runs the kernel (WebAssembly with 128-bit SIMD). */
export function kernelAvailable(): boolean {
  return KERNEL_MODULE !== null;
}

/**
 * Int8 rows in a WebAssembly memory and the kernel over them; `create` says
 * null where the runtime lacks WebAssembly SIMD.
 */
export class KernelRows {
  private readonly memory: WebAssembly.Memory;
  private readonly run: KernelFunction;
  private bytes: Uint8Array;
  private int8: Int8Array;
  private float32: Float32Array;
  private int16: Int16Array;
  private bounds: Float64Array;
  private rows: number;
  // Scratch for rounding an f32 one step down or up through its bits.
  private readonly f32 = new Float32Array(1);
  private readonly f32Bits = new Int32Array(this.f32.buffer);

  // The current query's terms of the bound; see setQuery.
  private base = 0;
  private dotScale = 0;
  private normWeight = 0;
  private errorWeight = 0;

  private constructor(module: WebAssembly.Module, capacity: number) {
    this.rows = capacity;
    // No declared maximum: reserve() keeps to MAX_PAGES, and a 32-bit
    // browser might refuse to reserve 4 GiB up front.
    this.memory = new WebAssembly.Memory({
      initial: KernelRows.pagesFor(capacity),
    });
    const instance = new WebAssembly.Instance(module, {
      env: { memory: this.memory },
    });
    this.run = instance.exports[KERNEL_EXPORT] as KernelFunction;
    [this.bytes, this.int8, this.float32, this.int16, this.bounds] =
      this.views();
  }

  /**
   * Room for `capacity` rows; null without WebAssembly SIMD, past 4 GiB, or
   * when the runtime refuses the memory.
   */
  static create(capacity: number): KernelRows | null {
    if (!KERNEL_MODULE || KernelRows.pagesFor(capacity) > MAX_PAGES) {
      return null;
    }
    try {
      return new KernelRows(KERNEL_MODULE, capacity);
    } catch {
      return null;
    }
  }

  /** Most rows that fit in WebAssembly's 4 GiB. */
  static readonly maxRows = Math.floor(
    ((MAX_PAGES - 1) * PAGE_BYTES) / RECORD_BYTES,
  );

  private static pagesFor(capacity: number): number {
    return 1 + Math.ceil((capacity * RECORD_BYTES) / PAGE_BYTES);
  }

  /** Rows there is room for. */
  get capacity(): number {
    return this.rows;
  }

  /** Bytes of WebAssembly memory held. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Makes room for `capacity` rows, keeping those held. False when the
   * memory cannot grow that far (past 4 GiB, or refused by the runtime).
   */
  reserve(capacity: number): boolean {
    if (capacity <= this.rows) return true;
    const pages = KernelRows.pagesFor(capacity);
    if (pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages - this.memory.buffer.byteLength / PAGE_BYTES);
    } catch {
      return false;
    }
    // Growing detaches the old buffer: every view is made again.
    [this.bytes, this.int8, this.float32, this.int16, this.bounds] =
      this.views();
    this.rows = capacity;
    return true;
  }

  private views(): [
    Uint8Array,
    Int8Array,
    Float32Array,
    Int16Array,
    Float64Array,
  ] {
    const buffer = this.memory.buffer;
    return [
      new Uint8Array(buffer),
      new Int8Array(buffer),
      new Float32Array(buffer),
      new Int16Array(buffer, QUERY_OFFSET, VALUES),
      new Float64Array(buffer, BOUNDS_OFFSET, KERNEL_BLOCK),
    ];
  }

  /** Quantises the 128 values of `source` from `offset` into row `row`. */
  write(row: number, source: Float32Array, offset: number): void {
    const at = ROWS_OFFSET + row * RECORD_BYTES;
    // Math.max, not a branch: on random values a branch mispredicts, and
    // this loop then takes four times as long.
    let largest = 0;
    let squaredNorm = 0;
    for (let j = 0; j < VALUES; j++) {
      const x = source[offset + j]!;
      squaredNorm += x * x;
      largest = Math.max(largest, Math.abs(x));
    }

    // The f32 fields after the values, as indices into float32.
    const float32 = this.float32;
    const squaredNorm32 = (at + FIELDS.squaredNorm) / 4;
    if (!(largest <= LARGEST_VALUE)) {
      // A bound of minus infinity: the row is always measured exactly.
      this.int8.fill(0, at, at + VALUES);
      float32.fill(0, squaredNorm32, squaredNorm32 + 4);
      float32[squaredNorm32] = -Infinity;
      return;
    }

    // The error is measured against the stored scale and values, so the
    // rounding of the scale and the clamp to ±127 are both accounted for.
    const scale = Math.fround(largest / 127);
    const inverse = scale > 0 ? 1 / scale : 0;
    const int8 = this.int8;
    let squaredError = 0;
    for (let j = 0; j < VALUES; j++) {
      const x = source[offset + j]!;
      const k = clampRound(x * inverse, 127);
      int8[at + j] = k;
      const e = x - scale * k;
      squaredError += e * e;
    }
    const norm = Math.sqrt(squaredNorm);
    const error = Math.sqrt(squaredError) * GROW + 2 ** -45 * norm;
    float32[(at + FIELDS.squaredNorm) / 4] = this.f32Down(squaredNorm * SHRINK);
    float32[(at + FIELDS.scale) / 4] = scale;
    float32[(at + FIELDS.normBound) / 4] = this.f32Up(norm * GROW + error);
    float32[(at + FIELDS.errorBound) / 4] = this.f32Up(error);
  }

  /** The largest f32 not above `x` (x ≥ 0, finite). */
  private f32Down(x: number): number {
    this.f32[0] = x;
    if (this.f32[0]! > x) this.f32Bits[0]! -= 1;
    return this.f32[0]!;
  }

  /** The smallest f32 not below `x` (x ≥ 0, finite). */
  private f32Up(x: number): number {
    this.f32[0] = x;
    if (this.f32[0]! < x) this.f32Bits[0]! += 1;
    return this.f32[0]!;
  }

  /** Copies row `from` over row `to`. */
  move(from: number, to: number): void {
    this.bytes.copyWithin(
      ROWS_OFFSET + to * RECORD_BYTES,
      ROWS_OFFSET + from * RECORD_BYTES,
      ROWS_OFFSET + (from + 1) * RECORD_BYTES,
    );
  }

  /**
   * Quantises the query to int16 for the next lowerBounds calls. False when
   * its values are too large for the bound (the caller goes the JS way).
   */
  setQuery(query: Float64Array): boolean {
    let largest = 0;
    let squaredNorm = 0;
    for (let j = 0; j < VALUES; j++) {
      const x = query[j]!;
      squaredNorm += x * x;
      largest = Math.max(largest, Math.abs(x));
    }
    if (!(squaredNorm <= LARGEST_QUERY_SQUARED_NORM)) return false;

    // A scale so small its inverse overflows gives all zeros: still a bound.
    const scale = largest / 32767;
    const inverse = scale > 2 ** -1000 ? 1 / scale : 0;
    let squaredError = 0;
    for (let j = 0; j < VALUES; j++) {
      const x = query[j]!;
      const m = clampRound(x * inverse, 32767);
      this.int16[j] = m;
      const f = x - scale * m;
      squaredError += f * f;
    }
    const norm = Math.sqrt(squaredNorm);
    const error = Math.sqrt(squaredError) * GROW + 2 ** -45 * norm;
    this.base = squaredNorm * SHRINK;
    this.dotScale = 2 * scale;
    this.normWeight = 2 * error * GROW;
    this.errorWeight = 2 * norm * GROW;
    return true;
  }

  /**
   * Lower bounds on the squared distance from the query of setQuery to rows
   * `from` to `from + count - 1` (count at most KERNEL_BLOCK). The array is
   * the kernel's own, overwritten by the next call.
   */
  lowerBounds(from: number, count: number): Float64Array {
    this.run(
      QUERY_OFFSET,
      ROWS_OFFSET + from * RECORD_BYTES,
      count,
      BOUNDS_OFFSET,
      this.base,
      this.dotScale,
      this.normWeight,
      this.errorWeight,
    );
    return this.bounds;
  }
}
