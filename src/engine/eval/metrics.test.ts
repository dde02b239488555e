import { describe, expect, it } from 'vitest';
import type { ScoredPair } from './metrics';
import {
  accuracyAt,
  AGE_BANDS,
  bestThreshold,
  confusionMatrix,
  crossValidateThreshold,
  maeByBand,
  mean,
  meanAbsoluteError,
  quantile,
  rocAuc,
  rocCurve,
  shareInterval,
  standardDeviation,
  stratifiedFolds,
  tarAtFar,
} from './metrics';

const same = (...distances: number[]): ScoredPair[] =>
  distances.map((distance) => ({ distance, same: true }));
const different = (...distances: number[]): ScoredPair[] =>
  distances.map((distance) => ({ distance, same: false }));

describe('accuracy and the best threshold', () => {
  it('accepts a pair at exactly the threshold, as the matcher does', () => {
    const pairs = [...same(0.3, 0.5), ...different(0.5, 0.7)];

    expect(accuracyAt(pairs, 0.5)).toBe(0.75);
    expect(accuracyAt(pairs, 0.49)).toBe(0.75);
    expect(accuracyAt(pairs, 0.6)).toBe(0.75);
    expect(accuracyAt(pairs, 0.2)).toBe(0.5);
    expect(accuracyAt([], 0.5)).toBeNaN();
  });

  it('puts the threshold in the middle of the gap that separates', () => {
    const pairs = [...same(0.2, 0.3, 0.4), ...different(0.6, 0.8)];

    expect(bestThreshold(pairs)).toEqual({ threshold: 0.5, accuracy: 1 });
  });

  it('finds the fewest errors when the sides overlap, first gap on a tie', () => {
    // Up to 0.45: 4 same accepted, 2 different rejected (0.42 misjudged);
    // up to 0.7 is as good (6 of 8), and comes later.
    const pairs = [
      ...same(0.3, 0.4, 0.44, 0.45, 0.7),
      ...different(0.42, 0.6, 0.9),
    ];
    const best = bestThreshold(pairs);

    expect(best.accuracy).toBe(6 / 8);
    expect(best.threshold).toBeCloseTo((0.45 + 0.6) / 2);
  });

  it('takes pairs at one distance together', () => {
    const pairs = [...same(0.5, 0.5), ...different(0.5)];

    expect(bestThreshold(pairs)).toEqual({ threshold: 0.5, accuracy: 2 / 3 });
  });

  it('accepts nothing when every pair is different', () => {
    expect(bestThreshold(different(0.4, 0.6))).toEqual({
      threshold: 0.2,
      accuracy: 1,
    });
    expect(bestThreshold([]).threshold).toBeNaN();
  });
});

describe('k-fold cross-validation', () => {
  it('deals each label round the folds in turn', () => {
    expect(
      stratifiedFolds([true, true, false, true, false, false, true], 3),
    ).toEqual([0, 1, 0, 2, 1, 2, 0]);
  });

  it('is perfect on separable pairs, with every fold used', () => {
    const pairs = [
      ...same(...Array.from({ length: 20 }, (_, i) => 0.2 + i * 0.01)),
      ...different(...Array.from({ length: 20 }, (_, i) => 0.6 + i * 0.01)),
    ];
    const cv = crossValidateThreshold(pairs, 10)!;

    expect(cv.folds).toHaveLength(10);
    expect(cv.folds.every((f) => f.n === 4)).toBe(true);
    expect(cv.accuracy).toBe(1);
    expect(cv.accuracyStd).toBe(0);
    expect(cv.threshold).toBeGreaterThan(0.39);
    expect(cv.threshold).toBeLessThan(0.6);
  });

  it('measures each fold with a threshold chosen without it', () => {
    // One same pair far out: the fold holding it cannot see it in training,
    // so it misses that one pair; the other folds fit it or not, either way.
    const pairs = [
      ...same(0.1, 0.2, 0.3, 0.9),
      ...different(0.5, 0.6, 0.7, 0.8),
    ];
    const cv = crossValidateThreshold(pairs, 4)!;

    expect(cv.folds).toHaveLength(4);
    const holding = cv.folds[3]!;
    expect(holding.threshold).toBeLessThan(0.9);
    expect(holding.accuracy).toBe(0.5);
  });

  it('needs two pairs, and never more folds than pairs', () => {
    expect(crossValidateThreshold(same(0.3))).toBeNull();
    expect(
      crossValidateThreshold([...same(0.3), ...different(0.9)], 10),
    ).toEqual(expect.objectContaining({ folds: expect.any(Array) }));
    const cv = crossValidateThreshold([...same(0.3, 0.35), ...different(0.9)]);
    expect(cv?.folds.length).toBeLessThanOrEqual(3);
  });
});

describe('ROC', () => {
  it('has an area of 1 when every impostor is further than every genuine', () => {
    expect(rocAuc([0.2, 0.3], [0.5, 0.9])).toBe(1);
  });

  it('has an area of 0 when every impostor is closer', () => {
    expect(rocAuc([0.5, 0.9], [0.2, 0.3])).toBe(0);
  });

  it('counts ties as half', () => {
    expect(rocAuc([0.5], [0.5])).toBe(0.5);
    // Pairs (g, i): (0.2,0.4) right, (0.2,0.6) right, (0.6,0.4) wrong,
    // (0.6,0.6) tie: 2.5 of 4.
    expect(rocAuc([0.2, 0.6], [0.4, 0.6])).toBe(0.625);
  });

  it('is NaN without one of the sides', () => {
    expect(rocAuc([], [0.5])).toBeNaN();
    expect(rocAuc([0.5], [])).toBeNaN();
  });

  it('draws the curve from nothing accepted to everything', () => {
    expect(rocCurve([0.2, 0.6], [0.4, 0.6])).toEqual([
      { threshold: -Infinity, far: 0, tar: 0 },
      { threshold: 0.2, far: 0, tar: 0.5 },
      { threshold: 0.4, far: 0.5, tar: 0.5 },
      { threshold: 0.6, far: 1, tar: 1 },
    ]);
    expect(rocCurve([], [1])).toEqual([]);
  });

  it('agrees with the trapezoid area under its own curve', () => {
    const genuine = [0.31, 0.42, 0.38, 0.55, 0.61, 0.29, 0.47];
    const impostor = [0.58, 0.72, 0.66, 0.49, 0.81, 0.55, 0.9, 0.62];
    const curve = rocCurve(genuine, impostor);
    let area = 0;
    for (let i = 1; i < curve.length; i++) {
      const a = curve[i - 1]!;
      const b = curve[i]!;
      area += ((b.far - a.far) * (a.tar + b.tar)) / 2;
    }

    expect(rocAuc(genuine, impostor)).toBeCloseTo(area, 12);
  });
});

describe('tarAtFar', () => {
  const genuine = [0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7];
  // 200 impostors from 0.40 upwards by 0.0025.
  const impostor = Array.from({ length: 200 }, (_, i) => 0.4 + i * 0.0025);

  it('allows the rate in false accepts and no more', () => {
    // 1% of 200 is 2: the threshold is the third-closest impostor.
    const at = tarAtFar(genuine, impostor, 0.01)!;

    expect(at.threshold).toBeCloseTo(0.405);
    expect(at.falseAccepts).toBe(2);
    expect(at.tar).toBe(0.4);
    expect(at.resolved).toBe(true);
  });

  it('means "no false accept at all" when there are too few impostors', () => {
    const at = tarAtFar(genuine, impostor, 0.001)!;

    expect(at.falseAccepts).toBe(0);
    expect(at.threshold).toBe(0.4);
    expect(at.tar).toBe(0.3);
    expect(at.resolved).toBe(false);
  });

  it('accepts every genuine pair when the rate allows every impostor', () => {
    expect(tarAtFar([0.9], [0.1], 1)?.tar).toBe(1);
    expect(tarAtFar([], [0.1], 0.01)).toBeNull();
  });
});

describe('confusionMatrix', () => {
  it('counts truth by prediction, skipping unknown classes', () => {
    const m = confusionMatrix(['a', 'b', 'c'] as const, [
      { truth: 'a', predicted: 'a' },
      { truth: 'a', predicted: 'b' },
      { truth: 'b', predicted: 'b' },
      { truth: 'c', predicted: 'a' },
      { truth: 'x' as 'a', predicted: 'a' },
    ]);

    expect(m.matrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(m.n).toBe(4);
    expect(m.accuracy).toBe(0.5);
    expect(m.perClass).toEqual({
      a: { n: 2, recall: 0.5 },
      b: { n: 1, recall: 1 },
      c: { n: 1, recall: 0 },
    });
  });

  it('has NaN rates and zero counts when empty', () => {
    const m = confusionMatrix(['a'] as const, []);

    expect(m.matrix).toEqual([[0]]);
    expect(m.accuracy).toBeNaN();
    expect(m.perClass.a.recall).toBeNaN();
  });
});

describe('age error', () => {
  it('averages absolute errors', () => {
    expect(
      meanAbsoluteError([
        { truth: 30, predicted: 35 },
        { truth: 40, predicted: 37 },
      ]),
    ).toBe(4);
    expect(meanAbsoluteError([])).toBeNaN();
  });

  it('splits error and bias by band of true age, the last open', () => {
    const bands = maeByBand([
      { truth: 1, predicted: 5 },
      { truth: 9, predicted: 7 },
      { truth: 10, predicted: 12 },
      { truth: 75, predicted: 60 },
      { truth: 92, predicted: 70 },
    ]);

    expect(bands.map((b) => b.band)).toEqual([
      '0-9',
      '10-19',
      '20-29',
      '30-39',
      '40-49',
      '50-59',
      '60-69',
      '70+',
    ]);
    expect(bands[0]).toEqual({ band: '0-9', n: 2, mae: 3, bias: 1 });
    expect(bands[1]).toEqual({ band: '10-19', n: 1, mae: 2, bias: 2 });
    expect(bands[2]).toMatchObject({ n: 0 });
    expect(bands[2]?.mae).toBeNaN();
    expect(bands[7]).toEqual({ band: '70+', n: 2, mae: 18.5, bias: -18.5 });
    expect(AGE_BANDS).toHaveLength(8);
  });

  it('takes any bands, dropping values below the first', () => {
    const bands = maeByBand(
      [
        { truth: 5, predicted: 6 },
        { truth: 25, predicted: 20 },
      ],
      [18, 65],
    );

    expect(bands).toEqual([
      { band: '18-64', n: 1, mae: 5, bias: -5 },
      { band: '65+', n: 0, mae: NaN, bias: NaN },
    ]);
  });
});

describe('small helpers', () => {
  it('gives the Wilson interval of a share', () => {
    const [lo, hi] = shareInterval(95, 100);

    expect(lo).toBeCloseTo(0.8883, 3);
    expect(hi).toBeCloseTo(0.9785, 3);
    expect(shareInterval(0, 10)[0]).toBe(0);
    expect(shareInterval(10, 10)[1]).toBe(1);
    expect(shareInterval(0, 0)[0]).toBeNaN();
  });

  it('interpolates quantiles and summarises', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
    expect(mean([1, 2, 3])).toBe(2);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });
});
