import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  KERNEL_EXPORT,
  KERNEL_FIELDS,
  KERNEL_RECORD_BYTES,
  KERNEL_VALUES,
  kernelBytes,
  signedLeb128,
  unsignedLeb128,
} from './kernelWasm';
import type { KernelFunction } from './kernelWasm';

/** Reads back a LEB128 number, as an engine would. */
function decodeLeb128(bytes: readonly number[], signed: boolean): number {
  let value = 0;
  let shift = 0;
  for (const byte of bytes) {
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) {
      return signed && byte & 0x40 ? value - 2 ** shift : value;
    }
  }
  throw new Error('LEB128 without a last byte');
}

describe('LEB128', () => {
  it.each<[number, number[]]>([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [624485, [0xe5, 0x8e, 0x26]],
    [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('unsigned %i is %j', (value, bytes) => {
    expect(unsignedLeb128(value)).toEqual(bytes);
  });

  it.each<[number, number[]]>([
    [0, [0x00]],
    [-1, [0x7f]],
    [63, [0x3f]],
    [64, [0xc0, 0x00]],
    [-64, [0x40]],
    [-65, [0xbf, 0x7f]],
    [-123456, [0xc0, 0xbb, 0x78]],
    [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('signed %i is %j', (value, bytes) => {
    expect(signedLeb128(value)).toEqual(bytes);
  });

  it('reads back every value it writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (value) => {
        expect(decodeLeb128(unsignedLeb128(value), false)).toBe(value);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        expect(decodeLeb128(signedLeb128(v), true)).toBe(v);
      }),
    );
  });

  it.each<[string, () => number[]]>([
    ['a negative unsigned', () => unsignedLeb128(-1)],
    ['a fraction', () => unsignedLeb128(1.5)],
    ['an unsigned past 32 bits', () => unsignedLeb128(2 ** 32)],
    ['a signed past 32 bits', () => signedLeb128(2 ** 31)],
  ])('refuses %s', (_, encode) => {
    expect(encode).toThrow(RangeError);
  });
});

describe('kernel module', () => {
  const bytes = kernelBytes();

  it('is a valid module: header, one memory import, one export', () => {
    expect([...bytes.subarray(0, 8)]).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
    expect(WebAssembly.Module.exports(module)).toEqual([
      { name: KERNEL_EXPORT, kind: 'function' },
    ]);
    // Small enough for a synchronous compile on any browser's main thread.
    expect(bytes.length).toBeLessThan(4096);
  });

  it('computes the documented bound, to the last bit', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      env: { memory },
    });
    const run = instance.exports[KERNEL_EXPORT] as KernelFunction;
    const buffer = memory.buffer;
    const [query, rows, out] = [0, 1024, 512];

    // Query and rows at the ends of their ranges, and a seeded mix.
    const int16 = new Int16Array(buffer, query, KERNEL_VALUES);
    const int8 = new Int8Array(buffer);
    const float32 = new Float32Array(buffer);
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 48271) >>> 0) % 2147483647);
    const records: { k: number[]; fields: number[] }[] = [
      { k: new Array<number>(128).fill(127), fields: [2, 0.5, 1.5, 0.25] },
      { k: new Array<number>(128).fill(-127), fields: [0, 1e-3, 0, 0] },
      {
        k: Array.from({ length: 128 }, () => (next() % 255) - 127),
        fields: [1.25, 3e-3, 1.125, 7e-4],
      },
    ];
    for (let j = 0; j < KERNEL_VALUES; j++) {
      int16[j] = j % 2 ? 32767 : (next() % 65535) - 32767;
    }
    records.forEach(({ k, fields }, r) => {
      const at = rows + r * KERNEL_RECORD_BYTES;
      k.forEach((value, j) => (int8[at + j] = value));
      const names = Object.values(KERNEL_FIELDS);
      fields.forEach((value, i) => (float32[(at + names[i]!) / 4] = value));
    });
    const outs = new Float64Array(buffer, out, 4);
    outs.fill(-1);

    const [base, dotScale, normWeight, errorWeight] = [0.75, 3e-5, 0.5, 2];
    run(query, rows, 3, out, base, dotScale, normWeight, errorWeight);

    records.forEach(({ k, fields }, r) => {
      const [squaredNorm, scale, normBound, errorBound] = fields.map((x) =>
        Math.fround(x),
      ) as [number, number, number, number];
      const dot = k.reduce((sum, value, j) => sum + value * int16[j]!, 0);
      const want =
        squaredNorm +
        base -
        scale * dot * dotScale -
        normBound * normWeight -
        errorBound * errorWeight;
      expect(outs[r]).toBe(want);
    });
    // Only `count` results are written.
    expect(outs[3]).toBe(-1);

    outs.fill(-1);
    run(query, rows, 0, out, base, dotScale, normWeight, errorWeight);
    expect([...outs]).toEqual([-1, -1, -1, -1]);
  });
});
