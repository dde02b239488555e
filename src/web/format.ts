/**
 * Text for the panels, status line and canvas labels. Numbers are rounded
 * here so values that wobble a little do not make the text flicker.
 */
import type { BackendInfo, BackendName } from '../engine/config';
import type {
  Expression,
  ExpressionScores,
  StageTimings,
  TrackedFace,
  UnknownReason,
} from '../engine/types';
import { EXPRESSIONS } from '../engine/types';

export const BACKEND_LABELS: Record<BackendName, string> = {
  wasm: 'WASM',
  webgl: 'WebGL',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

/** A probability 0..1 as a whole percentage, e.g. "93%". */
export function percent(probability: number): string {
  return `${Math.round(probability * 100)}%`;
}

/**
 * "Backend: WASM (2 threads, SIMD)", saying what Auto measured or which
 * backends failed to start before this one.
 */
export function backendText(info: BackendInfo): string {
  const details: string[] = [];
  if (info.name === 'wasm') {
    if (info.threads !== undefined) {
      details.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
    }
    if (info.simd !== undefined) details.push(info.simd ? 'SIMD' : 'no SIMD');
  }
  const failed = info.fallbacks
    .map((f) => `${BACKEND_LABELS[f.name]}: ${f.reason}`)
    .join('; ');
  if (info.probeMs !== undefined) {
    const timed = Object.entries(info.probeMs)
      .map(
        ([name, ms]) =>
          `${BACKEND_LABELS[name as BackendName]} ${ms.toFixed(0)} ms`,
      )
      .join(', ');
    details.push(`Auto picked the fastest: ${timed}`);
    if (failed !== '') details.push(`did not start: ${failed}`);
  } else if (failed !== '') {
    details.push(`fell back from ${failed}`);
  }
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';

  return `Backend: ${BACKEND_LABELS[info.name]}${suffix}`;
}

/** "Analysis: 4.2 fps". */
export function fpsText(fps: number): string {
  return `Analysis: ${fps.toFixed(1)} fps`;
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(1) : Math.round(value).toString();
}

const STAGES: readonly [keyof StageTimings, string][] = [
  ['detectMs', 'detect'],
  ['landmarksMs', 'landmarks'],
  ['expressionsMs', 'expressions'],
  ['ageGenderMs', 'age/gender'],
  ['descriptorMs', 'descriptor'],
];

/**
 * "detect 80 ms · landmarks 10 ms · ...". Skipped stages (0 ms) are left
 * out; detection always runs, so it is always shown.
 */
export function timingsText(timings: StageTimings): string {
  return STAGES.filter(([key]) => key === 'detectMs' || timings[key] > 0)
    .map(([key, label]) => `${label} ${ms(timings[key])} ms`)
    .join(' · ');
}

/** The most likely expression and its probability. */
export function topExpression(scores: ExpressionScores): {
  expression: Expression;
  probability: number;
} {
  let best: Expression = EXPRESSIONS[0];
  for (const expression of EXPRESSIONS) {
    if (scores[expression] > scores[best]) best = expression;
  }

  return { expression: best, probability: scores[best] };
}

/** "happy (88%)". */
export function expressionText(scores: ExpressionScores): string {
  const top = topExpression(scores);

  return `${top.expression} (${percent(top.probability)})`;
}

/** The age to show: the smoothed one when there is one, in whole years. */
export function ageText(face: TrackedFace): string | null {
  const age = face.ageSmoothed ?? face.age;

  return age === undefined ? null : Math.round(age).toString();
}

/** "female (93%)". */
export function genderText(face: TrackedFace): string | null {
  if (face.gender === undefined) return null;
  const probability = face.genderProbability;

  return probability === undefined
    ? face.gender
    : `${face.gender} (${percent(probability)})`;
}

/** The name to show, or "Unknown" until the gallery knows the face. */
export function nameText(face: TrackedFace): string {
  return face.name ?? 'Unknown';
}

/** Why a face is Unknown, in a few words. */
export function unknownReasonText(reason: UnknownReason): string {
  switch (reason) {
    case 'empty':
      return 'nobody enrolled';
    case 'threshold':
      return 'nobody close enough';
    case 'ambiguous':
      return 'two people too alike to tell';
  }
}

/** A descriptor distance, "0.42". */
export function distanceText(distance: number): string {
  return distance.toFixed(2);
}

/** "1.2 MB", "340 kB" for model download sizes. */
export function bytesText(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;

  return `${Math.round(bytes / 1000)} kB`;
}
