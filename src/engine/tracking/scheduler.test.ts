import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_OPTIONS } from '../options';
import { Track } from './faceTracker';
import { Scheduler } from './scheduler';

const ALL_ON = DEFAULT_ANALYSIS_OPTIONS;

function track(id: number): Track {
  return new Track(id, { x: 0, y: 0, width: 100, height: 100 }, 0.9, 0);
}

describe('Scheduler.detectionDue', () => {
  it('detects on the first frame, with nothing followed, and on the cadence', () => {
    const scheduler = new Scheduler({ detectEveryMs: 500 });
    expect(scheduler.detectionDue(0, 2)).toBe(true);
    scheduler.detected(0);
    expect(scheduler.detectionDue(33, 2)).toBe(false);
    expect(scheduler.detectionDue(33, 0)).toBe(true);
    expect(scheduler.detectionDue(499, 2)).toBe(false);
    expect(scheduler.detectionDue(500, 2)).toBe(true);
  });

  it('detects on the next frame when asked', () => {
    const scheduler = new Scheduler();
    scheduler.detected(0);
    scheduler.requestDetection();
    expect(scheduler.detectionDue(33, 2)).toBe(true);
    scheduler.detected(33);
    expect(scheduler.detectionDue(66, 2)).toBe(false);
  });

  it('detects on every frame in detect mode', () => {
    const scheduler = new Scheduler({ mode: 'detect' });
    scheduler.detected(0);
    expect(scheduler.detectionDue(33, 3)).toBe(true);
  });
});

describe('Scheduler.plan', () => {
  it('runs every enabled network on a new face at once, whatever the budget', () => {
    const scheduler = new Scheduler({ describeBudgetMs: 1 });
    const tasks = scheduler.plan(0, [track(1), track(2)], ALL_ON);
    expect(tasks).toHaveLength(6);
  });

  it('leaves out networks that are switched off', () => {
    const scheduler = new Scheduler();
    const tasks = scheduler.plan(0, [track(1)], {
      ...ALL_ON,
      ageGender: false,
      expressions: false,
    });
    expect(tasks.map((t) => t.stage)).toEqual(['descriptor']);
  });

  it('runs a network again on its cadence, most overdue first, within the budget', () => {
    const scheduler = new Scheduler({
      describeBudgetMs: 12,
      expressionsEveryMs: 250,
      descriptorEveryMs: 1000,
      ageGenderEveryMs: 2000,
    });
    const a = track(1);
    const b = track(2);
    for (const t of [a, b]) {
      t.lastRun.descriptor = 0;
      t.lastRun.ageGender = 0;
      t.lastRun.expressions = 0;
    }
    expect(scheduler.plan(100, [a, b], ALL_ON)).toEqual([]);
    // At 300 ms both faces' expressions are due; the budget fits one
    // (10 ms each by default), and the first run always goes.
    b.lastRun.expressions = -100;
    const tasks = scheduler.plan(300, [a, b], ALL_ON);
    expect(tasks).toEqual([{ track: b, stage: 'expressions' }]);
  });

  it('always runs one due task even when it costs more than the budget', () => {
    const scheduler = new Scheduler({ describeBudgetMs: 5 });
    const a = track(1);
    a.lastRun.descriptor = 0;
    a.lastRun.ageGender = 0;
    a.lastRun.expressions = 0;
    const tasks = scheduler.plan(5000, [a], ALL_ON);
    expect(tasks).toHaveLength(1);
  });

  it('asks for a descriptor again when the face changed size a lot', () => {
    const scheduler = new Scheduler({ descriptorEveryMs: 10_000 });
    const a = track(1);
    a.lastRun.descriptor = 0;
    a.lastRun.ageGender = 0;
    a.lastRun.expressions = 0;
    a.widthAtDescriptor = 60;
    const tasks = scheduler.plan(100, [a], {
      ...ALL_ON,
      expressions: false,
      ageGender: false,
    });
    expect(tasks).toEqual([{ track: a, stage: 'descriptor' }]);
  });

  it('plans every network on every face in detect mode', () => {
    const scheduler = new Scheduler({ mode: 'detect' });
    const a = track(1);
    a.lastRun.descriptor = 0;
    expect(scheduler.plan(10, [a, track(2)], ALL_ON)).toHaveLength(6);
  });

  it('learns costs from measured runs', () => {
    const scheduler = new Scheduler();
    for (let i = 0; i < 50; i++) scheduler.costs.record('descriptor', 90, 3);
    expect(scheduler.costs.of('descriptor')).toBeCloseTo(30, 0);
    scheduler.costs.record('descriptor', 10, 0);
    expect(scheduler.costs.of('descriptor')).toBeCloseTo(30, 0);
  });
});
