/**
 * Per-frame analysis options: what to detect and which stages to run. Kept
 * apart from load-time settings (backend, model source) in ./config.ts.
 */

export type DetectorKind = 'tiny' | 'ssd';

/**
 * How the live view finds faces frame to frame: 'follow' runs the detector
 * on a cadence and follows each face by its landmarks in between, with the
 * description networks scheduled per face; 'detect' runs everything on
 * every frame.
 */
export type TrackingMode = 'follow' | 'detect';

export interface AnalysisOptions {
  /**
   * Which face detector runs on camera frames (the live view and camera
   * snapshots). Defaults to 'tiny' (README: Choosing the default detector).
   */
  detector: DetectorKind;
  /**
   * Which detector runs first on photos the user chooses, before the
   * padded retries. Defaults to 'ssd': on the evaluation photos it found
   * more faces with fewer false ones (README: Choosing the default
   * detector), and a photo is analysed once, so its cost matters less.
   */
  photoDetector: DetectorKind;
  /** Tiny Face Detector input size, 128..608 in steps of 32. Defaults to 512. */
  tinyInputSize: number;
  /** Tiny Face Detector score threshold, 0.05..0.95. Defaults to 0.3. */
  tinyScoreThreshold: number;
  /** SSD MobileNet v1 minimum confidence, 0.05..0.95. Defaults to 0.5. */
  ssdMinConfidence: number;
  /** Most faces analysed per frame, highest scores first. Defaults to 10. */
  maxFaces: number;
  /** Return 68-point landmarks. Defaults to true. */
  landmarks: boolean;
  /** Run the expression net. Defaults to true. */
  expressions: boolean;
  /** Run the age and gender net. Defaults to true. */
  ageGender: boolean;
  /** Compute 128-d descriptors for recognition. Defaults to true. */
  recognition: boolean;
  /** Weight of the newest age in the moving average, 0.01..1. Defaults to 0.2. */
  ageSmoothing: number;
  /** Live view scheduling (see TrackingMode). Defaults to 'follow'. */
  tracking: TrackingMode;
}

/** Tiny Face Detector input sizes the net accepts: 128 to 608 by 32. */
export const TINY_INPUT_SIZES: readonly number[] = Array.from(
  { length: (608 - 128) / 32 + 1 },
  (_, i) => 128 + i * 32,
);

export const DEFAULT_ANALYSIS_OPTIONS: Readonly<AnalysisOptions> = {
  detector: 'tiny',
  photoDetector: 'ssd',
  tinyInputSize: 512,
  tinyScoreThreshold: 0.3,
  ssdMinConfidence: 0.5,
  maxFaces: 10,
  landmarks: true,
  expressions: true,
  ageGender: true,
  recognition: true,
  ageSmoothing: 0.2,
  tracking: 'follow',
};

function detectorOr(value: unknown, fallback: DetectorKind): DetectorKind {
  return value === 'tiny' || value === 'ssd' ? value : fallback;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/**
 * Fills in defaults and brings every field into its valid range, so options
 * from storage or a message can be used as they come. Unknown fields drop.
 */
export function normalizeAnalysisOptions(input: unknown): AnalysisOptions {
  const raw = (
    typeof input === 'object' && input !== null ? input : {}
  ) as Record<string, unknown>;
  const d = DEFAULT_ANALYSIS_OPTIONS;
  const size = numberOr(raw.tinyInputSize, d.tinyInputSize);

  return {
    detector: detectorOr(raw.detector, d.detector),
    photoDetector: detectorOr(raw.photoDetector, d.photoDetector),
    tinyInputSize: clamp(Math.round(size / 32) * 32, 128, 608),
    tinyScoreThreshold: clamp(
      numberOr(raw.tinyScoreThreshold, d.tinyScoreThreshold),
      0.05,
      0.95,
    ),
    ssdMinConfidence: clamp(
      numberOr(raw.ssdMinConfidence, d.ssdMinConfidence),
      0.05,
      0.95,
    ),
    maxFaces: clamp(Math.round(numberOr(raw.maxFaces, d.maxFaces)), 1, 50),
    landmarks: booleanOr(raw.landmarks, d.landmarks),
    expressions: booleanOr(raw.expressions, d.expressions),
    ageGender: booleanOr(raw.ageGender, d.ageGender),
    recognition: booleanOr(raw.recognition, d.recognition),
    ageSmoothing: clamp(numberOr(raw.ageSmoothing, d.ageSmoothing), 0.01, 1),
    tracking:
      raw.tracking === 'follow' || raw.tracking === 'detect'
        ? raw.tracking
        : d.tracking,
  };
}

/**
 * The options a chosen photo is analysed with: the photo detector in place
 * of the live one, everything else as set.
 */
export function photoAnalysisOptions(
  options: Readonly<AnalysisOptions>,
): AnalysisOptions {
  return { ...options, detector: options.photoDetector };
}
