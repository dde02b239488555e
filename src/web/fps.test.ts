import { describe, expect, test } from 'vitest';
import { RateWindow } from './fps';

describe('RateWindow', () => {
  test('is 0 with fewer than two results', () => {
    const rates = new RateWindow(2000);
    expect(rates.rate(0)).toBe(0);
    rates.add(100);
    expect(rates.rate(100)).toBe(0);
  });

  test('measures a steady rate', () => {
    const rates = new RateWindow(2000);
    for (let t = 0; t <= 1000; t += 250) rates.add(t);

    expect(rates.rate(1000)).toBeCloseTo(4);
  });

  test('forgets results older than the window', () => {
    const rates = new RateWindow(2000);
    // Fast at first, then slow: only the recent, slow part should count.
    for (let t = 0; t < 1000; t += 100) rates.add(t);
    for (let t = 1000; t <= 5000; t += 500) rates.add(t);

    expect(rates.rate(5000)).toBeCloseTo(2);
  });

  test('falls to 0 when results stop', () => {
    const rates = new RateWindow(2000);
    rates.add(0);
    rates.add(500);

    expect(rates.rate(600)).toBeCloseTo(2);
    expect(rates.rate(3000)).toBe(0);
  });

  test('clear starts over', () => {
    const rates = new RateWindow(2000);
    rates.add(0);
    rates.add(100);
    rates.clear();

    expect(rates.rate(100)).toBe(0);
  });
});
