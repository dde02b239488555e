/**
 * Analysis rate over a sliding time window, from result timestamps.
 */

/** Default window: long enough to be steady, short enough to follow changes. */
export const FPS_WINDOW_MS = 2000;

/** Counts results in the last `windowMs` and reports their rate. */
export class RateWindow {
  readonly #windowMs: number;
  readonly #times: number[] = [];

  constructor(windowMs: number = FPS_WINDOW_MS) {
    this.#windowMs = windowMs;
  }

  /** Records one result at `timestampMs` (performance.now() time). */
  add(timestampMs: number): void {
    this.#times.push(timestampMs);
    this.#drop(timestampMs);
  }

  /**
   * Results per second at `nowMs`: intervals between the results in the
   * window over the time they span; 0 with fewer than two results.
   */
  rate(nowMs: number): number {
    this.#drop(nowMs);
    const first = this.#times[0];
    const last = this.#times.at(-1);
    if (first === undefined || last === undefined || last <= first) return 0;

    return ((this.#times.length - 1) * 1000) / (last - first);
  }

  clear(): void {
    this.#times.length = 0;
  }

  #drop(nowMs: number): void {
    const oldest = nowMs - this.#windowMs;
    let stale = 0;
    while (stale < this.#times.length && this.#times[stale]! < oldest) stale++;
    if (stale > 0) this.#times.splice(0, stale);
  }
}
