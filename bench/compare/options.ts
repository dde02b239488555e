/**
 * The command line of `npm run bench` and `npm run bench:models`, checked
 * once, with every default in one place.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTENDERS } from './contenders';
import type { Contender } from './contenders';

/** Parts of a full run that --skip can leave out. */
export const PARTS = ['models', 'matcher'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  /** Seconds measured per run. Defaults to 20. */
  seconds: number;
  /** Rounds of app, original, human. Defaults to 3. */
  rounds: number;
  /** Seconds from the first result to the measured window. Defaults to 3. */
  settleSeconds: number;
  /** A .mjpeg or .y4m camera clip; null: the generated sample clip. */
  clip: string | null;
  /** Where the JSON goes; null: not written. */
  out: string | null;
  /** Contenders run, in the order of each round. */
  contenders: Contender[];
  /** Whether --only was given: a quick run of one contender, nothing else. */
  only: boolean;
  /** Minutes of soak (app alone, instead of the comparison); 0: no soak. */
  soakMinutes: number;
  skip: Part[];
  /** Timed runs per model in the per-model timings. Defaults to 10. */
  modelRuns: number;
  /** Gallery sizes for the matcher, as bench:matcher's --sizes takes them. */
  matcherSizes: string;
}

export const USAGE = `Visage benchmark: the app against the original approach and Human.

  npm run bench -- [options]

  --seconds N        seconds measured per run (default 20)
  --rounds N         rounds of app, original, human (default 3)
  --settle N         seconds from the first result to the measured window
                     (default 3)
  --clip PATH        camera clip, .mjpeg or .y4m (default: generated from
                     face-api's sample1.jpg, 640x480, 30 fps, 3 faces)
  --out FILE         write the results as JSON
  --only NAME        app, original or human: that contender's runs only,
                     no per-model timings and no matcher (a quick run)
  --soak MINUTES     the app alone for MINUTES, tensors and heap each minute
                     (instead of the comparison)
  --skip LIST        leave out parts of a full run: models, matcher
  --model-runs N     timed runs per model (default 10)
  --matcher-sizes L  gallery sizes (default 1000,10000,100000,1000000)
  --help             this text`;

function positive(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  const ok = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (!ok || value <= 0) {
    throw new Error(
      `--${name} must be a positive ${integer ? 'whole ' : ''}number, ` +
        `not "${text}".`,
    );
  }

  return value;
}

/** Reads argv; throws with the option's name when a value is wrong. */
export function parseBenchOptions(
  argv: readonly string[],
): BenchOptions | null {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
      settle: { type: 'string', default: '3' },
      clip: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      soak: { type: 'string' },
      skip: { type: 'string', default: '' },
      'model-runs': { type: 'string', default: '10' },
      'matcher-sizes': { type: 'string', default: '1000,10000,100000,1000000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;

  const only = values.only;
  if (only !== undefined && !(CONTENDERS as readonly string[]).includes(only)) {
    throw new Error(`--only must be app, original or human, not "${only}".`);
  }
  const skip = values.skip.split(',').filter(Boolean);
  const unknown = skip.filter(
    (part) => !(PARTS as readonly string[]).includes(part),
  );
  if (unknown.length > 0) {
    throw new Error(
      `--skip takes ${PARTS.join(', ')}; "${unknown.join(',')}" is not one.`,
    );
  }
  if (!/^\d+(,\d+)*$/.test(values['matcher-sizes'])) {
    throw new Error(
      `--matcher-sizes must be sizes separated by commas, not ` +
        `"${values['matcher-sizes']}".`,
    );
  }

  // Chromium reads the clip from its own working folder: an absolute path.
  const clip = values.clip === undefined ? null : resolve(values.clip);
  if (clip !== null && !/\.(mjpeg|y4m)$/i.test(clip)) {
    throw new Error(`--clip must be a .mjpeg or .y4m file, not "${clip}".`);
  }
  if (clip !== null && !existsSync(clip)) {
    throw new Error(`--clip: there is no file at "${clip}".`);
  }

  return {
    seconds: positive('seconds', values.seconds, false),
    rounds: positive('rounds', values.rounds, true),
    settleSeconds:
      values.settle === '0' ? 0 : positive('settle', values.settle, false),
    clip,
    out: values.out ?? null,
    contenders: only === undefined ? [...CONTENDERS] : [only as Contender],
    only: only !== undefined,
    soakMinutes:
      values.soak === undefined ? 0 : positive('soak', values.soak, false),
    skip: skip as Part[],
    modelRuns: positive('model-runs', values['model-runs'], true),
    matcherSizes: values['matcher-sizes'],
  };
}
