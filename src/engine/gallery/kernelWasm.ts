/**
 * The matcher's WebAssembly kernel, as bytes assembled here so no toolchain is
 * needed: a small encoder for the few instructions it uses, and the kernel,
 * which for one query gives a lower bound on the squared distance to each of
 * many int8 rows (kernelRows.ts says why the bound holds) with 128-bit SIMD:
 * 16 values a load, 8 products a dot-product instruction. Small modules
 * compile synchronously, in Node and in a worker.
 *
 * Binary format (WebAssembly core spec 1.0 section 5, SIMD opcodes from the
 * fixed-width SIMD proposal, in every engine since 2021):
 *
 * - numbers: unsigned LEB128 (7 bits a byte, low first, the high bit set on
 *   every byte but the last) for counts, sizes, indices and offsets; signed
 *   LEB128 (the same, sign-extended from the last byte's bit 6) for
 *   `i32.const`.
 * - module: `\0asm`, version 1 (4 bytes little-endian), then sections in id
 *   order, each `id, size, contents`; a vector is `count, items`.
 * - types (id 1): `0x60, params, results`; value types i32 0x7f, f64 0x7c,
 *   v128 0x7b. imports (id 2): module name, field name, kind 0x02 (memory),
 *   limits `0x00, min` in 64 KiB pages. functions (id 3): a type index
 *   each. exports (id 7): name, kind 0x00 (function), index. code (id 10):
 *   per function its byte size, locals as `count, type` runs, the body, and
 *   `end` (0x0b).
 * - instructions: one opcode byte and immediates; SIMD ones are the prefix
 *   0xfd and an unsigned LEB128 opcode. Loads and stores carry a memarg:
 *   log2 of the alignment, then a constant offset added to the address.
 */

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`expected an integer in 0..2^32-1, got ${value}`);
  }
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return bytes;
}

/** Signed LEB128 of an integer in the i32 range. */
export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
    throw new RangeError(`expected an integer in the i32 range, got ${value}`);
  }
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    // Done when the rest is all sign and bit 6 of this byte agrees with it.
    const done =
      (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

/** A name: its UTF-8 length, then its bytes. */
function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb128(bytes.length), ...bytes];
}

/** A vector: its item count, then the items. */
function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function section(id: number, contents: readonly number[]): number[] {
  return [id, ...unsignedLeb128(contents.length), ...contents];
}

/** Value types. */
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

/** A memarg: log2 of the alignment, then the constant offset. */
const memarg = (align: number, offset: number) => [
  align,
  ...unsignedLeb128(offset),
];

/** A SIMD instruction: the 0xfd prefix and its LEB128 opcode. */
const simd = (opcode: number) => [0xfd, ...unsignedLeb128(opcode)];

/** The instructions the kernel uses, each as its bytes. */
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...unsignedLeb128(depth)],
  localGet: (index: number) => [0x20, ...unsignedLeb128(index)],
  localSet: (index: number) => [0x21, ...unsignedLeb128(index)],
  localTee: (index: number) => [0x22, ...unsignedLeb128(index)],
  f32Load: (offset: number) => [0x2a, ...memarg(2, offset)],
  f64Store: (offset: number) => [0x39, ...memarg(3, offset)],
  i32Const: (value: number) => [0x41, ...signedLeb128(value)],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64ConvertI32S: [0xb7],
  f64PromoteF32: [0xbb],
  v128Load: (offset: number) => [...simd(0x00), ...memarg(4, offset)],
  i32x4ExtractLane: (lane: number) => [...simd(0x1b), lane],
  i16x8ExtendLowI8x16S: simd(0x87),
  i16x8ExtendHighI8x16S: simd(0x88),
  i32x4Add: simd(0xae),
  i32x4DotI16x8S: simd(0xba),
} as const;

/** Values per row: face-api's descriptor length. */
export const KERNEL_VALUES = 128;

/**
 * Bytes of one row record: 128 int8 values, then four f32: the row's squared
 * norm rounded down, its scale, its norm plus its rounding error rounded up,
 * and its rounding error rounded up (see kernelRows.ts).
 */
export const KERNEL_RECORD_BYTES = 144;

/** Byte offsets of the f32 fields after a record's values. */
export const KERNEL_FIELDS = {
  squaredNorm: 128,
  scale: 132,
  normBound: 136,
  errorBound: 140,
} as const;

/** Name of the kernel's export. */
export const KERNEL_EXPORT = 'lowerBounds';

/** The kernel's export: see kernelBytes. */
export type KernelFunction = (
  query: number,
  rows: number,
  count: number,
  out: number,
  base: number,
  dotScale: number,
  normWeight: number,
  errorWeight: number,
) => void;

/**
 * The kernel module's bytes. It imports its memory as `env.memory` and
 * exports `lowerBounds(query, rows, count, out, base, dotScale, normWeight,
 * errorWeight)`. For each of `count` records from byte address `rows` on it
 * takes the dot product of the record's 128 int8 values with the 128 int16 at
 * `query`, exactly in i32, and stores as f64 from `out` on
 *
 *   squaredNorm + base - scale * dot * dotScale
 *     - normBound * normWeight - errorBound * errorWeight
 *
 * `rows` and `query` must be 16-aligned, `out` 8-aligned.
 *
 * Each record is 8 steps of 16 values: load 16 int8, widen the low and high
 * halves to int16 (i16x8.extend_*_i8x16_s), multiply each with 8 query values
 * and add neighbouring products (i32x4.dot_i16x8_s), and add into two running
 * i32x4 sums; then the 8 lanes are added and the rest is scalar f64.
 */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  // Parameters, then locals.
  const [query, rows, count, out] = [0, 1, 2, 3];
  const [base, dotScale, normWeight, errorWeight] = [4, 5, 6, 7];
  const [end, low, high, values] = [8, 9, 10, 11];

  const dot: number[] = [];
  for (let step = 0; step < KERNEL_VALUES / 16; step++) {
    dot.push(...op.localGet(rows), ...op.v128Load(step * 16));
    dot.push(...op.localSet(values));
    for (const [half, sum, extend] of [
      [0, low, op.i16x8ExtendLowI8x16S],
      [1, high, op.i16x8ExtendHighI8x16S],
    ] as const) {
      dot.push(
        ...op.localGet(values),
        ...extend,
        ...op.localGet(query),
        ...op.v128Load(step * 32 + half * 16),
        ...op.i32x4DotI16x8S,
      );
      if (step > 0) dot.push(...op.localGet(sum), ...op.i32x4Add);
      dot.push(...op.localSet(sum));
    }
  }
  // The 8 lanes of both sums, as one i32 (exact: |dot| < 2^30).
  dot.push(...op.localGet(low), ...op.localGet(high), ...op.i32x4Add);
  dot.push(...op.localTee(low), ...op.i32x4ExtractLane(0));
  for (const lane of [1, 2, 3]) {
    dot.push(...op.localGet(low), ...op.i32x4ExtractLane(lane), ...op.i32Add);
  }

  const field = (offset: number) => [
    ...op.localGet(rows),
    ...op.f32Load(offset),
    ...op.f64PromoteF32,
  ];
  const bound = [
    ...op.localGet(out),
    ...field(KERNEL_FIELDS.squaredNorm),
    ...op.localGet(base),
    ...op.f64Add,
    ...field(KERNEL_FIELDS.scale),
    ...dot,
    ...op.f64ConvertI32S,
    ...op.f64Mul,
    ...op.localGet(dotScale),
    ...op.f64Mul,
    ...op.f64Sub,
    ...field(KERNEL_FIELDS.normBound),
    ...op.localGet(normWeight),
    ...op.f64Mul,
    ...op.f64Sub,
    ...field(KERNEL_FIELDS.errorBound),
    ...op.localGet(errorWeight),
    ...op.f64Mul,
    ...op.f64Sub,
    ...op.f64Store(0),
  ];

  const body = [
    // if (count == 0) return; end = out + count * 8
    ...op.block,
    ...op.localGet(count),
    ...op.i32Eqz,
    ...op.brIf(0),
    ...op.localGet(out),
    ...op.localGet(count),
    ...op.i32Const(8),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.localSet(end),
    // do { one record; rows += 144; out += 8 } while (out < end)
    ...op.loop,
    ...bound,
    ...op.localGet(rows),
    ...op.i32Const(KERNEL_RECORD_BYTES),
    ...op.i32Add,
    ...op.localSet(rows),
    ...op.localGet(out),
    ...op.i32Const(8),
    ...op.i32Add,
    ...op.localTee(out),
    ...op.localGet(end),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  const code = [
    ...vector([
      [1, I32],
      [3, V128],
    ]),
    ...body,
    ...op.end,
  ];

  const params = [I32, I32, I32, I32, F64, F64, F64, F64].map((t) => [t]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d],
    ...[0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(params), ...vector([])]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 1]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name(KERNEL_EXPORT), 0x00, 0]])),
    ...section(10, vector([[...unsignedLeb128(code.length), ...code]])),
  ]);
}
