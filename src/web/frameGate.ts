/**
 * Keeps at most one frame in flight to the worker. A frame that comes while
 * one is being analysed is dropped by the caller, never queued: queuing
 * would make overlays lag further behind the picture with every frame.
 */

export class FrameGate {
  #nextId = 1;
  #inFlight: number | null = null;

  /** Whether a frame is being analysed now. */
  get busy(): boolean {
    return this.#inFlight !== null;
  }

  /** The id most recently handed out; 0 before the first. */
  get lastId(): number {
    return this.#nextId - 1;
  }

  /** The id for a new frame, or null when one is already in flight. */
  tryAcquire(): number | null {
    if (this.#inFlight !== null) return null;
    this.#inFlight = this.#nextId++;

    return this.#inFlight;
  }

  /**
   * Frees the gate when `frameId` is the frame in flight. Answers to frames
   * of an earlier worker (after a restart) are ignored.
   */
  release(frameId: number): boolean {
    if (this.#inFlight !== frameId) return false;
    this.#inFlight = null;

    return true;
  }

  /** Forgets the frame in flight, e.g. when the worker is replaced. */
  reset(): void {
    this.#inFlight = null;
  }
}
