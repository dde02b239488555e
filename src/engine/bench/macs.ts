/**
 * Multiply-accumulate counts from the kernels TensorFlow.js ran, as
 * `tf.profile()` lists them (kernel name, input and output shapes). Only
 * convolutions and matrix products are counted: they are nearly all of a
 * network's arithmetic, and their count follows from the shapes alone.
 * Element-wise work, pooling and resizing are left out, so a GMAC/s figure
 * made from these counts understates the work done, never overstates it.
 */

/** A kernel as `tf.profile()` reports it. */
export interface KernelShapes {
  name: string;
  /** In the kernel's input order: x then filter, or a then b. */
  inputShapes: readonly (readonly number[] | null)[];
  outputShapes: readonly (readonly number[] | null)[];
}

/** Kernels whose multiply-accumulates are counted. */
export const COUNTED_KERNELS: readonly string[] = [
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
  'BatchMatMul',
  '_FusedMatMul',
];

function size(shape: readonly number[] | null | undefined): number {
  return shape ? shape.reduce((product, dim) => product * dim, 1) : 0;
}

/**
 * Multiply-accumulates of one kernel run; 0 for kernels not counted.
 * - Conv2D: every output value sums kernel height x width x input channels
 *   products (filter [kh, kw, inC, outC]; NHWC; no groups in TensorFlow.js).
 * - Depthwise: every output value sums kernel height x width products
 *   (filter [kh, kw, inC, multiplier]).
 * - Matrix product: every output value sums k products, k being the side
 *   of `a` that is not the output's row count (`a` may come transposed).
 * Throws when a counted kernel lacks the shapes the count needs.
 */
export function kernelMacs(kernel: KernelShapes): number {
  const [x, filter] = kernel.inputShapes;
  const [out] = kernel.outputShapes;
  const need = (ok: boolean) => {
    if (!ok) {
      throw new Error(
        `${kernel.name}: expected input and output shapes, got inputs ` +
          `${JSON.stringify(kernel.inputShapes)} and outputs ` +
          `${JSON.stringify(kernel.outputShapes)}.`,
      );
    }
  };

  switch (kernel.name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      need(!!x && filter?.length === 4 && !!out);
      const [kh = 0, kw = 0, inChannels = 0] = filter ?? [];
      return size(out) * kh * kw * inChannels;
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      need(!!x && filter?.length === 4 && !!out);
      const [kh = 0, kw = 0] = filter ?? [];
      return size(out) * kh * kw;
    }
    case 'BatchMatMul':
    case '_FusedMatMul': {
      need(!!x && x.length >= 2 && !!out && out.length >= 2);
      const a = x ?? [];
      const rows = out?.at(-2) ?? 0;
      const [a0 = 0, a1 = 0] = a.slice(-2);
      const k = a1 === rows && a0 !== rows ? a0 : a1;
      return size(out) * k;
    }
    default:
      return 0;
  }
}

/** Total multiply-accumulates of a run and the share of each kernel. */
export function countMacs(kernels: readonly KernelShapes[]): {
  total: number;
  byKernel: Record<string, number>;
} {
  const byKernel: Record<string, number> = {};
  let total = 0;
  for (const kernel of kernels) {
    const macs = kernelMacs(kernel);
    if (macs === 0) continue;
    byKernel[kernel.name] = (byKernel[kernel.name] ?? 0) + macs;
    total += macs;
  }

  return { total, byKernel };
}

/** Billions of multiply-accumulates per second; NaN without a time. */
export function gmacPerSecond(macs: number, ms: number): number {
  if (!(ms > 0) || !Number.isFinite(macs)) return NaN;

  return macs / (ms * 1e6);
}
