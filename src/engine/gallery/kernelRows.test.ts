import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KERNEL_BLOCK, KernelRows, kernelAvailable } from './kernelRows';

const VALUES = 128;

/** mulberry32: a seeded source, so failures repeat. */
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

/** `count` random unit vectors, row after row. */
function unitRows(count: number, random: () => number): Float32Array {
  const rows = new Float32Array(count * VALUES);
  for (let r = 0; r < count; r++) {
    let norm = 0;
    for (let j = 0; j < VALUES; j++) {
      const x = random() - 0.5;
      rows[r * VALUES + j] = x;
      norm += x * x;
    }
    for (let j = 0; j < VALUES; j++) rows[r * VALUES + j]! /= Math.sqrt(norm);
  }
  return rows;
}

/** The squared distance as the JS pass computes it, in f64. */
function squaredDistance(
  rows: Float32Array,
  row: number,
  query: Float64Array,
): number {
  let sum = 0;
  for (let j = 0; j < VALUES; j++) {
    sum += (rows[row * VALUES + j]! - query[j]!) ** 2;
  }
  return sum;
}

function store(capacity: number): KernelRows {
  const kernel = KernelRows.create(capacity);
  if (!kernel) throw new Error('expected WebAssembly SIMD in Node 20');
  return kernel;
}

/** Every row's bound, over as many kernel calls as it takes. */
function allBounds(kernel: KernelRows, count: number): number[] {
  const out: number[] = [];
  for (let from = 0; from < count; from += KERNEL_BLOCK) {
    const size = Math.min(KERNEL_BLOCK, count - from);
    out.push(...kernel.lowerBounds(from, size).subarray(0, size));
  }
  return out;
}

describe('KernelRows', () => {
  it('runs in Node 20', () => {
    expect(kernelAvailable()).toBe(true);
  });

  it('bounds every distance from below, closely for unit vectors', () => {
    const random = prng(7);
    const count = 2 * KERNEL_BLOCK + 5;
    const rows = unitRows(count, random);
    const kernel = store(count);
    for (let r = 0; r < count; r++) kernel.write(r, rows, r * VALUES);

    for (const noise of [0, 0.05, 0.5]) {
      const at = Math.floor(random() * count) * VALUES;
      const query = Float64Array.from(
        rows.subarray(at, at + VALUES),
        (x) => x + noise * (random() - 0.5),
      );
      expect(kernel.setQuery(query)).toBe(true);
      allBounds(kernel, count).forEach((bound, r) => {
        const d2 = squaredDistance(rows, r, query);
        expect(bound).toBeLessThanOrEqual(d2);
        // About 0.008 below on average: tight enough to skip most rows.
        expect(d2 - bound).toBeLessThan(0.05);
      });
    }
  });

  it('bounds every distance from below, whatever the values', () => {
    // Rows of any size (subnormal f32 to past 2^60, where rows are always
    // measured), any f32 bits, and queries far, near, or equal to a row.
    const scales = [1e-300, 1e-40, 1e-6, 1, 1e6, 1e18, 1e30, 1e150];
    const scaled = fc
      .tuple(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
          minLength: VALUES,
          maxLength: VALUES,
        }),
        fc.constantFrom(...scales),
      )
      .map(([values, scale]) => values.map((x) => x * scale));
    const row = fc.oneof(
      scaled.map((values) => Float32Array.from(values)),
      fc.float32Array({
        minLength: VALUES,
        maxLength: VALUES,
        noNaN: true,
        noDefaultInfinity: true,
      }),
    );
    const rowsAndQuery = fc.tuple(
      fc.array(row, { minLength: 1, maxLength: 4 }),
      scaled,
      fc.constantFrom(0, 1e-9, 1e-4, 1),
    );
    fc.assert(
      fc.property(rowsAndQuery, ([r, noise, mix]) => {
        const rows = new Float32Array(r.length * VALUES);
        r.forEach((values, i) => rows.set(values, i * VALUES));
        const kernel = store(r.length);
        r.forEach((_, i) => kernel.write(i, rows, i * VALUES));
        // The first row plus `mix` of the noise vector: 0 is the row itself.
        const q = Float64Array.from(r[0]!, (x, j) => x + mix * noise[j]!);
        if (!kernel.setQuery(q)) return;
        allBounds(kernel, r.length).forEach((bound, i) => {
          expect(bound).toBeLessThanOrEqual(squaredDistance(rows, i, q));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a query too large for the bound', () => {
    const kernel = store(1);
    expect(kernel.setQuery(new Float64Array(VALUES).fill(1e300))).toBe(false);
    expect(kernel.setQuery(new Float64Array(VALUES).fill(1e3))).toBe(true);
  });

  it('keeps its rows through memory.grow and moves rows whole', () => {
    const random = prng(11);
    const rows = unitRows(600, random);
    const query = Float64Array.from(rows.subarray(0, VALUES), (x) => x / 2);
    const kernel = store(1);
    const before = kernel.memoryBytes;
    kernel.write(0, rows, 0);
    kernel.setQuery(query);
    const first = allBounds(kernel, 1)[0];

    // One record page and then some: the memory grows and the views follow.
    expect(kernel.reserve(600)).toBe(true);
    expect(kernel.capacity).toBe(600);
    expect(kernel.memoryBytes).toBeGreaterThan(before);
    for (let r = 1; r < 600; r++) kernel.write(r, rows, r * VALUES);
    kernel.setQuery(query);
    const bounds = allBounds(kernel, 600);
    expect(bounds[0]).toBe(first);

    kernel.move(599, 3);
    expect(allBounds(kernel, 600)[3]).toBe(bounds[599]);
  });

  it('stops at 4 GiB of WebAssembly memory', () => {
    expect(KernelRows.maxRows).toBeGreaterThan(29_000_000);
    expect(KernelRows.create(KernelRows.maxRows + 1)).toBeNull();
    expect(store(1).reserve(KernelRows.maxRows + 1)).toBe(false);
  });
});
