/**
 * The labelled-photo layout the evaluation reads (the one of
 * ../shared/data/faces): per set folder a manifest.csv with the columns
 * file, identity, faces_expected, age, gender, expression, label_source
 * (others are ignored), and optionally a pairs.csv with file_a, file_b,
 * same_person. Labels are free text written by people, so every reader
 * here takes what it can use and says what it could not.
 */
import type { Expression, Gender } from '../types';
import { EXPRESSIONS } from '../types';
import { parseCsvTable } from './csv';

/** A manifest or pairs file that cannot be used at all. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** One usable row of a manifest.csv. */
export interface ManifestEntry {
  /** Line of the row in the file (1-based). */
  line: number;
  /** Path relative to the set folder, with forward slashes. */
  file: string;
  /** People in the photo, left to right; empty when none is named. */
  identities: string[];
  /** Faces in the photo when written as a plain whole number, else null. */
  facesExpected: number | null;
  /**
   * Whether the photo shows one face to analyse: faces_expected is 1, or
   * starts with 1 and a note ("1 (centred; other faces may appear at
   * edges)"), in which case the face nearest the middle is the one meant.
   */
  singleFace: boolean;
  /** Age in years when written as a plain number, else null. */
  age: number | null;
  gender: Gender | null;
  /** The one expression class the label names, else null. */
  expression: Expression | null;
  labelSource: string;
}

/** A row left out, and why. */
export interface SkippedRow {
  line: number;
  file: string;
  reason: string;
}

/** Label values present but not usable, counted per column. */
export interface IgnoredLabels {
  facesExpected: number;
  age: number;
  gender: number;
  expression: number;
}

export interface ParsedManifest {
  entries: ManifestEntry[];
  skipped: SkippedRow[];
  ignored: IgnoredLabels;
}

/** File types the evaluation decodes (sharp's still-image formats). */
const IMAGE_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
];

/** Whether a manifest path names a still image the evaluation can decode. */
export function isImagePath(file: string): boolean {
  const lower = file.toLowerCase();

  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * A manifest path made safe and uniform: forward slashes, no leading "./",
 * or null when it is absolute or climbs out of the set folder.
 */
export function normalizeSetPath(raw: string): string | null {
  const parts = raw.trim().replace(/\\/g, '/').split('/');
  if (parts[0] === '' || /^[a-z]:$/i.test(parts[0] ?? '')) return null;
  const kept: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null;
    kept.push(part);
  }

  return kept.length > 0 ? kept.join('/') : null;
}

/**
 * faces_expected as a count: a plain whole number, or null (blank, "many",
 * "1-2 (varies)", "1 (centred...)"). `single` says whether the photo shows
 * one face to analyse: "1" alone or "1" followed by a note in words.
 */
export function parseFacesExpected(raw: string): {
  count: number | null;
  single: boolean;
} {
  const text = raw.trim();
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    return { count, single: count === 1 };
  }

  return { count: null, single: /^1(\s*\(|\s+[a-z])/i.test(text) };
}

/** Age in years from a plain number ("34", "34.5"); null otherwise. */
export function parseAge(raw: string): number | null {
  const text = raw.trim();
  if (!/^\d{1,3}(\.\d+)?$/.test(text)) return null;
  const age = Number(text);

  return age <= 130 ? age : null;
}

const GENDER_WORDS: Record<string, Gender> = {
  male: 'male',
  m: 'male',
  man: 'male',
  female: 'female',
  f: 'female',
  woman: 'female',
};

/** male or female from the usual words, any case; null otherwise. */
export function parseGender(raw: string): Gender | null {
  return GENDER_WORDS[raw.trim().toLowerCase()] ?? null;
}

/** Other names datasets give face-api's classes (FER-2013's among them). */
const EXPRESSION_SYNONYMS: Record<string, Expression> = {
  happiness: 'happy',
  sadness: 'sad',
  anger: 'angry',
  fear: 'fearful',
  disgust: 'disgusted',
  surprise: 'surprised',
};

/**
 * The expression a label names: face-api's class names (or the nouns
 * FER-2013 uses), ignoring a note in parentheses and words that are not a
 * class ("surprised/playful (tongue out)" is surprised). A label naming two
 * classes ("sad/angry") is `ambiguous`, and has no expression.
 */
export function parseExpression(raw: string): {
  expression: Expression | null;
  ambiguous: boolean;
} {
  const words = raw
    .replace(/\([^)]*\)?/g, ' ')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w !== '');
  const named = new Set<Expression>();
  for (const word of words) {
    if ((EXPRESSIONS as readonly string[]).includes(word)) {
      named.add(word as Expression);
    } else if (word in EXPRESSION_SYNONYMS) {
      named.add(EXPRESSION_SYNONYMS[word]!);
    }
  }
  const [only] = named;

  return named.size === 1 && only
    ? { expression: only, ambiguous: false }
    : { expression: null, ambiguous: named.size > 1 };
}

/** Splits an identity cell on ';' into names, dropping empty ones. */
export function parseIdentities(raw: string): string[] {
  return raw
    .split(';')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Reads a manifest.csv. Rows whose file is blank, unsafe or not a still
 * image, and repeats of a file, are skipped with the reason; label values
 * that cannot be used are dropped and counted. Throws a ManifestError when
 * there is no `file` column, and a CsvError for an unclosed quote.
 */
export function parseManifest(text: string): ParsedManifest {
  const table = parseCsvTable(text);
  if (!table.columns.includes('file')) {
    throw new ManifestError(
      'manifest.csv has no "file" column; expected a header row with file, ' +
        'identity, faces_expected, age, gender, expression, label_source.',
    );
  }
  const entries: ManifestEntry[] = [];
  const skipped: SkippedRow[] = [];
  const ignored: IgnoredLabels = {
    facesExpected: 0,
    age: 0,
    gender: 0,
    expression: 0,
  };
  const seen = new Set<string>();

  for (const { line, values } of table.rows) {
    const rawFile = (values.file ?? '').trim();
    const file = normalizeSetPath(rawFile);
    const skip = (reason: string) =>
      skipped.push({ line, file: rawFile, reason });
    if (rawFile === '') {
      skip('no file named');
      continue;
    }
    if (file === null) {
      skip('path is absolute or leaves the set folder');
      continue;
    }
    if (!isImagePath(file)) {
      skip('not a still image');
      continue;
    }
    if (seen.has(file)) {
      skip('file listed again');
      continue;
    }
    seen.add(file);

    const faces = parseFacesExpected(values.faces_expected ?? '');
    const age = parseAge(values.age ?? '');
    const gender = parseGender(values.gender ?? '');
    const expression = parseExpression(values.expression ?? '');
    const present = (column: string) => (values[column] ?? '').trim() !== '';
    if (present('faces_expected') && faces.count === null) {
      ignored.facesExpected += 1;
    }
    if (present('age') && age === null) ignored.age += 1;
    if (present('gender') && gender === null) ignored.gender += 1;
    if (present('expression') && expression.expression === null) {
      ignored.expression += 1;
    }

    entries.push({
      line,
      file,
      identities: parseIdentities(values.identity ?? ''),
      facesExpected: faces.count,
      singleFace: faces.single,
      age,
      gender,
      expression: expression.expression,
      labelSource: (values.label_source ?? '').trim(),
    });
  }

  return { entries, skipped, ignored };
}

/** One row of a pairs.csv. */
export interface LabelledPair {
  line: number;
  fileA: string;
  fileB: string;
  /** Whether both photos show the same person. */
  same: boolean;
}

const SAME_WORDS: Record<string, boolean> = {
  '1': true,
  true: true,
  yes: true,
  y: true,
  same: true,
  '0': false,
  false: false,
  no: false,
  n: false,
  different: false,
};

/**
 * Reads a pairs.csv (file_a, file_b, same_person: 1/0, true/false or
 * yes/no). Rows with a missing or unsafe file or an unreadable same_person
 * are skipped with the reason. Throws a ManifestError when a column is
 * missing.
 */
export function parsePairs(text: string): {
  pairs: LabelledPair[];
  skipped: SkippedRow[];
} {
  const table = parseCsvTable(text);
  const missing = ['file_a', 'file_b', 'same_person'].filter(
    (name) => !table.columns.includes(name),
  );
  if (missing.length > 0) {
    throw new ManifestError(
      `pairs.csv has no ${missing.map((m) => `"${m}"`).join(', ')} ` +
        'column; expected a header row with file_a, file_b, same_person.',
    );
  }
  const pairs: LabelledPair[] = [];
  const skipped: SkippedRow[] = [];
  for (const { line, values } of table.rows) {
    const rawA = (values.file_a ?? '').trim();
    const rawB = (values.file_b ?? '').trim();
    const fileA = normalizeSetPath(rawA);
    const fileB = normalizeSetPath(rawB);
    const same = SAME_WORDS[(values.same_person ?? '').trim().toLowerCase()];
    const where = `${rawA} / ${rawB}`;
    if (!fileA || !fileB) {
      skipped.push({
        line,
        file: where,
        reason: 'a file is missing or unsafe',
      });
    } else if (!isImagePath(fileA) || !isImagePath(fileB)) {
      skipped.push({ line, file: where, reason: 'not a still image' });
    } else if (same === undefined) {
      skipped.push({
        line,
        file: where,
        reason: `same_person is "${values.same_person ?? ''}", not 1 or 0`,
      });
    } else {
      pairs.push({ line, fileA, fileB, same });
    }
  }

  return { pairs, skipped };
}
