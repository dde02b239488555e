import { describe, expect, it } from 'vitest';
import { countMacs, gmacPerSecond, kernelMacs } from './macs';
import type { KernelShapes } from './macs';

describe('kernelMacs', () => {
  it.each<[string, KernelShapes, number]>([
    [
      '3x3 convolution, 3 to 16 channels, stride 2',
      {
        name: 'Conv2D',
        inputShapes: [
          [1, 224, 224, 3],
          [3, 3, 3, 16],
        ],
        outputShapes: [[1, 112, 112, 16]],
      },
      112 * 112 * 16 * 3 * 3 * 3,
    ],
    [
      'fused 1x1 convolution with bias, batch of 3',
      {
        name: 'FusedConv2D',
        inputShapes: [[3, 14, 14, 64], [1, 1, 64, 128], [128]],
        outputShapes: [[3, 14, 14, 128]],
      },
      3 * 14 * 14 * 128 * 64,
    ],
    [
      'depthwise 3x3 on 32 channels',
      {
        name: 'DepthwiseConv2dNative',
        inputShapes: [
          [1, 56, 56, 32],
          [3, 3, 32, 1],
        ],
        outputShapes: [[1, 56, 56, 32]],
      },
      56 * 56 * 32 * 9,
    ],
    [
      'fused depthwise with a channel multiplier of 2',
      {
        name: 'FusedDepthwiseConv2D',
        inputShapes: [
          [1, 10, 10, 8],
          [3, 3, 8, 2],
        ],
        outputShapes: [[1, 10, 10, 16]],
      },
      10 * 10 * 16 * 9,
    ],
    [
      'matrix product [1, 3, 256] x [1, 256, 7]',
      {
        name: 'BatchMatMul',
        inputShapes: [
          [1, 3, 256],
          [1, 256, 7],
        ],
        outputShapes: [[1, 3, 7]],
      },
      3 * 7 * 256,
    ],
    [
      'matrix product with a transposed',
      {
        name: '_FusedMatMul',
        inputShapes: [
          [1, 256, 3],
          [1, 256, 7],
        ],
        outputShapes: [[1, 3, 7]],
      },
      3 * 7 * 256,
    ],
    [
      'an element-wise kernel counts nothing',
      {
        name: 'Add',
        inputShapes: [[1, 10], [10]],
        outputShapes: [[1, 10]],
      },
      0,
    ],
  ])('%s', (_name, kernel, expected) => {
    expect(kernelMacs(kernel)).toBe(expected);
  });

  it('refuses a counted kernel without its filter shape', () => {
    expect(() =>
      kernelMacs({
        name: 'Conv2D',
        inputShapes: [[1, 8, 8, 3], null],
        outputShapes: [[1, 8, 8, 4]],
      }),
    ).toThrow(/Conv2D: expected input and output shapes/);
  });
});

describe('countMacs', () => {
  it('sums per kernel name and in total', () => {
    const conv: KernelShapes = {
      name: 'Conv2D',
      inputShapes: [
        [1, 4, 4, 2],
        [1, 1, 2, 3],
      ],
      outputShapes: [[1, 4, 4, 3]],
    };
    const result = countMacs([conv, conv, { ...conv, name: 'Relu' }]);
    expect(result.total).toBe(2 * 16 * 3 * 2);
    expect(result.byKernel).toEqual({ Conv2D: 192 });
  });
});

describe('gmacPerSecond', () => {
  it('is billions of MACs per second', () => {
    expect(gmacPerSecond(2e9, 1000)).toBe(2);
    expect(gmacPerSecond(5e8, 100)).toBe(5);
    expect(gmacPerSecond(1e9, 0)).toBeNaN();
  });
});
