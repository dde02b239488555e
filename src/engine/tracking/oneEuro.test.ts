import { describe, expect, it } from 'vitest';
import { OneEuroFilter, OneEuroVector } from './oneEuro';

/** A deterministic pseudo-random jitter in [-amplitude, amplitude]. */
function jitter(i: number, amplitude: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;

  return (x - Math.floor(x) - 0.5) * 2 * amplitude;
}

function spread(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;

  return Math.sqrt(
    values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length,
  );
}

describe('OneEuroFilter', () => {
  it('passes the first value through', () => {
    expect(new OneEuroFilter().filter(42, 0)).toBe(42);
  });

  it('removes most of the jitter of a still value', () => {
    const filter = new OneEuroFilter();
    const raw: number[] = [];
    const out: number[] = [];
    for (let i = 0; i < 300; i++) {
      const value = 100 + jitter(i, 2);
      raw.push(value);
      out.push(filter.filter(value, i * 33));
    }
    expect(spread(out.slice(30))).toBeLessThan(spread(raw.slice(30)) / 3);
  });

  it('follows a fast move with little lag', () => {
    const filter = new OneEuroFilter();
    let value = 0;
    // 300 px/s for one second at 30 fps.
    for (let i = 0; i <= 30; i++) {
      value = filter.filter(i * 10, i * 33);
    }
    expect(300 - value).toBeLessThan(20);
  });

  it('lags less than a fixed low-pass with the same stillness', () => {
    const filter = new OneEuroFilter();
    let ema = 0;
    let value = 0;
    for (let i = 0; i <= 30; i++) {
      value = filter.filter(i * 10, i * 33);
      ema = i === 0 ? 0 : ema + 0.2 * (i * 10 - ema);
    }
    expect(300 - value).toBeLessThan(300 - ema);
  });

  it('ignores a repeated timestamp', () => {
    const filter = new OneEuroFilter();
    filter.filter(10, 100);
    expect(filter.filter(50, 100)).toBe(10);
    expect(Number.isFinite(filter.filter(12, 133))).toBe(true);
  });

  it('starts over after reset', () => {
    const filter = new OneEuroFilter();
    filter.filter(10, 0);
    filter.filter(12, 33);
    filter.reset();
    expect(filter.filter(99, 0)).toBe(99);
  });
});

describe('OneEuroVector', () => {
  it('filters each value on its own', () => {
    const vector = new OneEuroVector(2);
    expect(vector.filter([1, 2], 0)).toEqual([1, 2]);
    const next = vector.filter([1, 50], 33);
    expect(next[0]).toBe(1);
    expect(next[1]).toBeGreaterThan(2);
  });

  it('refuses a list of another length', () => {
    expect(() => new OneEuroVector(2).filter([1], 0)).toThrow('Expected 2');
  });
});
