import { describe, expect, test } from 'vitest';
import { FrameGate } from './frameGate';

describe('FrameGate', () => {
  test('lets one frame through and drops the rest until it is answered', () => {
    const gate = new FrameGate();
    const first = gate.tryAcquire();

    expect(first).toBe(1);
    expect(gate.busy).toBe(true);
    expect(gate.tryAcquire()).toBeNull();
    expect(gate.tryAcquire()).toBeNull();

    expect(gate.release(first!)).toBe(true);
    expect(gate.busy).toBe(false);
    expect(gate.tryAcquire()).toBe(2);
  });

  test('ignores answers for frames that are not in flight', () => {
    const gate = new FrameGate();
    const id = gate.tryAcquire()!;

    expect(gate.release(id + 1)).toBe(false);
    expect(gate.busy).toBe(true);
    expect(gate.release(id)).toBe(true);
    expect(gate.release(id)).toBe(false);
  });

  test('reset frees the slot; ids keep counting up', () => {
    const gate = new FrameGate();
    const old = gate.tryAcquire()!;
    gate.reset();

    expect(gate.busy).toBe(false);
    const next = gate.tryAcquire()!;
    expect(next).toBeGreaterThan(old);
    // A late answer from before the reset frees nothing.
    expect(gate.release(old)).toBe(false);
    expect(gate.lastId).toBe(next);
  });
});
