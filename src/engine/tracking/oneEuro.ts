/**
 * The One Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass
 * filter whose cutoff rises with speed, so a still face stops jittering
 * while a moving one is followed without lag. Timestamps in milliseconds.
 */

/** Tuning of a One Euro filter; see DEFAULT_ONE_EURO. */
export interface OneEuroOptions {
  /** Cutoff (Hz) when still: lower removes more jitter. */
  minCutoff: number;
  /** How fast the cutoff rises with speed: higher lags less. */
  beta: number;
  /** Cutoff (Hz) for the speed estimate itself. */
  dCutoff: number;
}

/**
 * Tuned for face boxes and landmarks in pixels at camera rates: about a
 * pixel of jitter is removed, and movement of a face across the view is
 * followed within a frame or two.
 */
export const DEFAULT_ONE_EURO: Readonly<OneEuroOptions> = {
  minCutoff: 1,
  beta: 0.01,
  dCutoff: 1,
};

function smoothingFactor(cutoffHz: number, dtSeconds: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);

  return 1 / (1 + tau / dtSeconds);
}

/** Filters one value over time. */
export class OneEuroFilter {
  #value: number | null = null;
  #speed = 0;
  #lastMs = 0;

  constructor(private readonly options: OneEuroOptions = DEFAULT_ONE_EURO) {}

  /** The filtered value for `value` seen at `timeMs`. */
  filter(value: number, timeMs: number): number {
    const previous = this.#value;
    if (previous === null || timeMs <= this.#lastMs) {
      // First value, or time did not advance: nothing to smooth against.
      if (previous === null) this.#value = value;
      this.#lastMs = Math.max(this.#lastMs, timeMs);

      return this.#value ?? value;
    }
    const dt = (timeMs - this.#lastMs) / 1000;
    this.#lastMs = timeMs;

    const speed = (value - previous) / dt;
    const aSpeed = smoothingFactor(this.options.dCutoff, dt);
    this.#speed += aSpeed * (speed - this.#speed);

    const cutoff =
      this.options.minCutoff + this.options.beta * Math.abs(this.#speed);
    const a = smoothingFactor(cutoff, dt);
    this.#value = previous + a * (value - previous);

    return this.#value;
  }

  reset(): void {
    this.#value = null;
    this.#speed = 0;
    this.#lastMs = 0;
  }
}

/** Filters a fixed-length list of values (box edges, landmark x and y). */
export class OneEuroVector {
  readonly #filters: OneEuroFilter[];

  constructor(length: number, options: OneEuroOptions = DEFAULT_ONE_EURO) {
    this.#filters = Array.from({ length }, () => new OneEuroFilter(options));
  }

  get length(): number {
    return this.#filters.length;
  }

  /** Filters `values` (same length as the filter) seen at `timeMs`. */
  filter(values: readonly number[], timeMs: number): number[] {
    if (values.length !== this.#filters.length) {
      throw new Error(
        `Expected ${this.#filters.length} values but got ${values.length}.`,
      );
    }

    return values.map((value, i) => this.#filters[i]!.filter(value, timeMs));
  }
}
