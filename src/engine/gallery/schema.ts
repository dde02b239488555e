/**
 * The gallery file: what export writes and import reads. Reading checks the
 * whole file before returning anything and refuses it whole at the first
 * problem, with a message that names where in the file the problem is. It
 * also reads the JSON that face-api's FaceMatcher and LabeledFaceDescriptors
 * write, which is what users of the original app have.
 *
 * A file may come from anyone, so the reader assumes it is hostile: its size
 * and nesting are checked before JSON.parse sees it, keys that could reach an
 * object's prototype are refused, and only fresh objects built field by field
 * leave this module.
 */
import type { Person, Sample, SampleQuality } from './types';
import { DESCRIPTOR_LENGTH, RECOGNITION_MODEL } from './types';

/** The `format` every Visage gallery file declares. */
export const GALLERY_FORMAT = 'visage-gallery';
/** The file version this code writes and the newest it reads. */
export const GALLERY_VERSION = 1;

/** A sample as a gallery file holds it. */
export interface SampleJson {
  id: string;
  createdAt: string;
  descriptor: number[];
  quality?: SampleQuality;
  thumbnail?: string;
}

/** A person as a gallery file holds them. */
export interface PersonJson {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  samples: SampleJson[];
}

/** A Visage gallery file, version 1. */
export interface GalleryFile {
  format: typeof GALLERY_FORMAT;
  version: typeof GALLERY_VERSION;
  model: typeof RECOGNITION_MODEL;
  descriptorLength: typeof DESCRIPTOR_LENGTH;
  exportedAt: string;
  people: PersonJson[];
}

/** Bounds that keep a broken or hostile file from exhausting the app. */
export interface GalleryLimits {
  /** Characters of text, checked before parsing. Defaults to 50 MiB. */
  maxChars: number;
  /** Nesting of arrays and objects. Defaults to 16 (a gallery file nests 6). */
  maxDepth: number;
  /** People in one file. Defaults to 10,000. */
  maxPeople: number;
  /** Samples of one person. Defaults to 1,000. */
  maxSamplesPerPerson: number;
  /** Characters of a name. Defaults to 200. */
  maxNameLength: number;
  /** Characters of an id. Defaults to 128. */
  maxIdLength: number;
  /** Characters of one thumbnail data URL. Defaults to 256 KiB. */
  maxThumbnailChars: number;
}

/** The limits parseGalleryFile applies unless told otherwise. */
export const GALLERY_LIMITS: Readonly<GalleryLimits> = {
  maxChars: 50 * 1024 * 1024,
  maxDepth: 16,
  maxPeople: 10_000,
  maxSamplesPerPerson: 1_000,
  maxNameLength: 200,
  maxIdLength: 128,
  maxThumbnailChars: 256 * 1024,
};

/** How serializeGallery writes the file. */
export interface SerializeOptions {
  /** Write each sample's thumbnail. Defaults to true. */
  thumbnails?: boolean;
  /** The time written as exportedAt. Defaults to now. */
  exportedAt?: string;
}

/**
 * The gallery as a version 1 file. Descriptors are written with 9
 * significant digits, enough to read back the same 32-bit floats.
 * Throws if a descriptor could not be read back (wrong length, not finite).
 */
export function serializeGallery(
  people: readonly Person[],
  options: SerializeOptions = {},
): string {
  const thumbnails = options.thumbnails ?? true;
  const file: GalleryFile = {
    format: GALLERY_FORMAT,
    version: GALLERY_VERSION,
    model: RECOGNITION_MODEL,
    descriptorLength: DESCRIPTOR_LENGTH,
    exportedAt: options.exportedAt ?? new Date().toISOString(),
    people: people.map((person, i) => ({
      id: person.id,
      name: person.name,
      createdAt: person.createdAt,
      updatedAt: person.updatedAt,
      samples: person.samples.map((sample, j) =>
        sampleToJson(sample, `people[${i}].samples[${j}]`, thumbnails),
      ),
    })),
  };

  return JSON.stringify(file);
}

function sampleToJson(
  sample: Sample,
  path: string,
  thumbnails: boolean,
): SampleJson {
  const { descriptor } = sample;
  if (descriptor.length !== DESCRIPTOR_LENGTH) {
    throw new Error(
      `${path}.descriptor has ${descriptor.length} numbers; ` +
        `expected ${DESCRIPTOR_LENGTH}, so it cannot be exported.`,
    );
  }
  if (!descriptor.every(Number.isFinite)) {
    throw new Error(
      `${path}.descriptor holds a value that is not a finite number, ` +
        'so it cannot be exported.',
    );
  }

  const json: SampleJson = {
    id: sample.id,
    createdAt: sample.createdAt,
    descriptor: Array.from(descriptor, (value) => Number(value.toPrecision(9))),
  };
  if (sample.quality) json.quality = copyQuality(sample.quality);
  if (thumbnails && sample.thumbnail !== undefined) {
    json.thumbnail = sample.thumbnail;
  }

  return json;
}

function copyQuality(quality: SampleQuality): SampleQuality {
  const { score, sizePx, sharpness, yaw, pitch, roll } = quality;

  return { score, sizePx, sharpness, yaw, pitch, roll };
}

/** Where a file came from: a Visage export or face-api's toJSON(). */
export type GallerySource = 'visage' | 'face-api';

/** What reading a gallery file gives: all of it, or why none of it. */
export type ParseResult =
  | { ok: true; people: Person[]; source: GallerySource }
  | { ok: false; error: string };

/** Test seams and limits for parseGalleryFile. */
export interface ParseOptions {
  /** Makes ids for face-api people and samples. Defaults to a random UUID. */
  newId?: () => string;
  /** createdAt of face-api people and samples. Defaults to now. */
  now?: string;
  /** Overrides of GALLERY_LIMITS. */
  limits?: Partial<GalleryLimits>;
}

/**
 * Reads a gallery file's text: a Visage export (version 1) or face-api
 * JSON (FaceMatcher, LabeledFaceDescriptors or an array of those). Never
 * throws: a file with any problem is refused whole.
 */
export function parseGalleryFile(
  text: string,
  options: ParseOptions = {},
): ParseResult {
  const limits = { ...GALLERY_LIMITS, ...options.limits };

  try {
    const document = readJson(text, limits);
    refuseHostileKeys(document);

    return readDocument(document, {
      limits,
      newId: options.newId ?? (() => crypto.randomUUID()),
      now: options.now ?? new Date().toISOString(),
    });
  } catch (error) {
    if (error instanceof FileProblem) {
      return { ok: false, error: error.message };
    }

    // Not a problem this reader knows (for example out of memory): still
    // refuse the file rather than break the caller.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `The file could not be read (${reason}).` };
  }
}

/** A problem with the file; its message is shown to the person importing. */
class FileProblem extends Error {
  override readonly name = 'FileProblem';
}

function fail(message: string): never {
  throw new FileProblem(message);
}

interface ReadContext {
  limits: GalleryLimits;
  newId: () => string;
  now: string;
}

type JsonObject = Record<string, unknown>;

const NOT_A_GALLERY =
  'expected a Visage gallery export ({ "format": "visage-gallery", ... }) ' +
  "or face-api's FaceMatcher or LabeledFaceDescriptors JSON.";

// Step 1: bound the text, then let JSON.parse build it.

function readJson(text: unknown, limits: GalleryLimits): unknown {
  if (typeof text !== 'string') {
    fail(`The file's contents are ${describe(text)}; expected text.`);
  }
  if (text.length > limits.maxChars) {
    fail(
      `The file is ${megabytes(text.length)} MB; gallery files over ` +
        `${megabytes(limits.maxChars)} MB are refused.`,
    );
  }

  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    fail(`The file is empty; ${NOT_A_GALLERY}`);
  }
  checkNesting(body, limits.maxDepth);

  try {
    return JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(
      `The file is not valid JSON (${reason}); it may be truncated, ` +
        'or not a gallery file.',
    );
  }
}

function megabytes(chars: number): string {
  return (chars / (1024 * 1024)).toFixed(1);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Counts bracket depth outside strings before JSON.parse runs, so a file of
 * a hundred thousand `[` is refused instead of exhausting the stack of
 * JSON.parse or of any later walk.
 */
function checkNesting(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;

  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > maxDepth) {
        fail(
          `The file nests arrays and objects more than ${maxDepth} deep ` +
            `(at character ${i + 1}); a gallery file nests 6 deep, so this ` +
            'is not one.',
        );
      }
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    }
  }
}

// Step 2: refuse keys that could reach a prototype, anywhere in the file.

const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON.parse itself makes `__proto__` an own property, but code that later
 * copies or merges the object could still be misled; such a key has no place
 * in a gallery file, so the file is refused.
 */
function refuseHostileKeys(root: unknown): void {
  const pending: [unknown, string][] = [[root, '']];

  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item === 'object' && item !== null) {
          pending.push([item, at(path, i)]);
        }
      });
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) {
        if (HOSTILE_KEYS.has(key)) {
          fail(
            `${where(path)} has a key "${key}"; keys named __proto__, ` +
              'constructor or prototype are refused because they can ' +
              "change how the app's objects behave.",
          );
        }
        pending.push([value[key], at(path, key)]);
      }
    }
  }
}

// Step 3: recognise the format and read it field by field.

function readDocument(document: unknown, context: ReadContext): ParseResult {
  if (Array.isArray(document)) {
    return faceApiPeople(readLabeledList(document, '', context), context);
  }
  if (!isObject(document)) {
    fail(`The file holds ${describe(document)}; ${NOT_A_GALLERY}`);
  }

  if (Object.hasOwn(document, 'format')) {
    return {
      ok: true,
      people: readVisageFile(document, context.limits),
      source: 'visage',
    };
  }
  if (Object.hasOwn(document, 'labeledDescriptors')) {
    return faceApiPeople(readFaceMatcher(document, context), context);
  }
  if (
    Object.hasOwn(document, 'label') ||
    Object.hasOwn(document, 'descriptors')
  ) {
    return faceApiPeople([readLabeled(document, '', context)], context);
  }

  fail(
    `The file holds an object without any of their fields; ${NOT_A_GALLERY}`,
  );
}

const FILE_KEYS = [
  'format',
  'version',
  'model',
  'descriptorLength',
  'exportedAt',
  'people',
];
const PERSON_KEYS = ['id', 'name', 'createdAt', 'updatedAt', 'samples'];
const SAMPLE_KEYS = ['id', 'createdAt', 'descriptor', 'quality', 'thumbnail'];
const QUALITY_KEYS = ['score', 'sizePx', 'sharpness', 'yaw', 'pitch', 'roll'];

/** Where in the file each id was first seen, to name both of a duplicate. */
interface SeenIds {
  people: Map<string, string>;
  samples: Map<string, string>;
}

function readVisageFile(file: JsonObject, limits: GalleryLimits): Person[] {
  const { format, version, model, descriptorLength } = file;
  if (format !== GALLERY_FORMAT) {
    const what = typeof format === 'string' ? quote(format) : describe(format);
    fail(`format is ${what}; expected "${GALLERY_FORMAT}".`);
  }
  if (typeof version === 'number' && Number.isInteger(version)) {
    if (version > GALLERY_VERSION) {
      fail(
        `This gallery file is version ${version}, written by a newer ` +
          `Visage; this one reads version ${GALLERY_VERSION}. Update Visage ` +
          'to import it.',
      );
    }
  }
  if (version !== GALLERY_VERSION) {
    fail(`version is ${describe(version)}; expected ${GALLERY_VERSION}.`);
  }
  if (typeof model !== 'string') {
    fail(`model is ${describe(model)}; expected "${RECOGNITION_MODEL}".`);
  }
  if (model !== RECOGNITION_MODEL) {
    fail(
      `This gallery was made with the model ${quote(model)}, not ` +
        `${RECOGNITION_MODEL}: its descriptors cannot be compared with ` +
        "this app's. Enrol these people again here instead.",
    );
  }
  if (descriptorLength !== DESCRIPTOR_LENGTH) {
    fail(
      `descriptorLength is ${describe(descriptorLength)}, but ` +
        `${RECOGNITION_MODEL} descriptors have ${DESCRIPTOR_LENGTH} ` +
        'numbers; the file was made with another model or was edited.',
    );
  }
  onlyKeys(file, '', FILE_KEYS);
  readTime(file.exportedAt, 'exportedAt');

  const people = readArray(file.people, 'people', limits.maxPeople, 'people');
  const seen: SeenIds = { people: new Map(), samples: new Map() };

  return people.map((person, i) =>
    readPerson(person, `people[${i}]`, limits, seen),
  );
}

function readPerson(
  value: unknown,
  path: string,
  limits: GalleryLimits,
  seen: SeenIds,
): Person {
  const person = readObject(value, path, 'a person');
  onlyKeys(person, path, PERSON_KEYS);

  const id = readId(person.id, at(path, 'id'), limits, seen.people);
  const name = readName(person.name, at(path, 'name'), limits);
  const createdAt = readTime(person.createdAt, at(path, 'createdAt'));
  const updatedAt = readTime(person.updatedAt, at(path, 'updatedAt'));
  const samples = readArray(
    person.samples,
    at(path, 'samples'),
    limits.maxSamplesPerPerson,
    'samples',
  ).map((sample, i) =>
    readSample(sample, at(at(path, 'samples'), i), limits, seen),
  );

  return { id, name, samples, createdAt, updatedAt };
}

function readSample(
  value: unknown,
  path: string,
  limits: GalleryLimits,
  seen: SeenIds,
): Sample {
  const json = readObject(value, path, 'a sample');
  onlyKeys(json, path, SAMPLE_KEYS);

  const sample: Sample = {
    id: readId(json.id, at(path, 'id'), limits, seen.samples),
    descriptor: readDescriptor(json.descriptor, at(path, 'descriptor')),
    createdAt: readTime(json.createdAt, at(path, 'createdAt')),
  };
  if (Object.hasOwn(json, 'thumbnail')) {
    sample.thumbnail = readThumbnail(
      json.thumbnail,
      at(path, 'thumbnail'),
      limits,
    );
  }
  if (Object.hasOwn(json, 'quality')) {
    sample.quality = readQuality(json.quality, at(path, 'quality'));
  }

  return sample;
}

function readQuality(value: unknown, path: string): SampleQuality {
  const json = readObject(value, path, 'the sample quality');
  onlyKeys(json, path, QUALITY_KEYS);

  const number = (key: string): number => {
    const field = json[key];
    if (typeof field !== 'number' || !Number.isFinite(field)) {
      fail(`${at(path, key)} is ${describe(field)}; expected a finite number.`);
    }
    return field;
  };

  return {
    score: number('score'),
    sizePx: number('sizePx'),
    sharpness: number('sharpness'),
    yaw: number('yaw'),
    pitch: number('pitch'),
    roll: number('roll'),
  };
}

// face-api's JSON: FaceMatcher.toJSON() is { distanceThreshold,
// labeledDescriptors: [...] }, LabeledFaceDescriptors.toJSON() is
// { label, descriptors: number[][] }. Fields face-api does not write are
// ignored, as face-api's own fromJSON ignores them.

interface Labeled {
  label: string;
  descriptors: Float32Array[];
}

function readFaceMatcher(matcher: JsonObject, context: ReadContext): Labeled[] {
  const threshold = matcher.distanceThreshold;
  if (
    threshold !== undefined &&
    (typeof threshold !== 'number' || !Number.isFinite(threshold))
  ) {
    fail(
      `distanceThreshold is ${describe(threshold)}; expected a finite ` +
        'number, as face-api writes it.',
    );
  }

  return readLabeledList(
    matcher.labeledDescriptors,
    'labeledDescriptors',
    context,
  );
}

function readLabeledList(
  value: unknown,
  path: string,
  context: ReadContext,
): Labeled[] {
  return readArray(
    value,
    path,
    context.limits.maxPeople,
    'labelled descriptors',
  ).map((item, i) => readLabeled(item, at(path, i), context));
}

function readLabeled(
  value: unknown,
  path: string,
  context: ReadContext,
): Labeled {
  const labeled = readObject(
    value,
    path,
    "face-api's labelled descriptors ({ label, descriptors })",
  );
  const label = readName(labeled.label, at(path, 'label'), context.limits);
  const descriptors = readArray(
    labeled.descriptors,
    at(path, 'descriptors'),
    context.limits.maxSamplesPerPerson,
    'descriptors',
  ).map((descriptor, i) =>
    readDescriptor(descriptor, at(at(path, 'descriptors'), i)),
  );

  return { label, descriptors };
}

/** One person per label, each descriptor a sample; ids are new. */
function faceApiPeople(
  labeled: readonly Labeled[],
  context: ReadContext,
): ParseResult {
  const { newId, now } = context;
  const people = labeled.map(({ label, descriptors }) => ({
    id: newId(),
    name: label,
    samples: descriptors.map((descriptor) => ({
      id: newId(),
      descriptor,
      createdAt: now,
    })),
    createdAt: now,
    updatedAt: now,
  }));

  return { ok: true, people, source: 'face-api' };
}

// Field readers: each returns the value typed or fails naming the path.

function readObject(value: unknown, path: string, what: string): JsonObject {
  if (!isObject(value))
    fail(`${where(path)} is ${describe(value)}; expected ${what}.`);

  return value;
}

function readArray(
  value: unknown,
  path: string,
  max: number,
  what: string,
): unknown[] {
  if (!Array.isArray(value)) {
    fail(`${where(path)} is ${describe(value)}; expected an array of ${what}.`);
  }
  if (value.length > max) {
    fail(
      `${where(path)} holds ${value.length} ${what}; at most ${max} are ` +
        'accepted in one file.',
    );
  }

  return value;
}

function onlyKeys(
  object: JsonObject,
  path: string,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      fail(
        `${where(path)} has the unknown field ${quote(key)}; version ` +
          `${GALLERY_VERSION} holds only ${allowed.join(', ')} there. ` +
          'Remove it, or export the file again from Visage.',
      );
    }
  }
}

// Printable ASCII without spaces: what Visage writes (UUIDs), and safe to
// use as a storage key.
const ID_PATTERN = /^[\x21-\x7e]+$/;

function readId(
  value: unknown,
  path: string,
  limits: GalleryLimits,
  seen: Map<string, string>,
): string {
  if (typeof value !== 'string') {
    fail(`${path} is ${describe(value)}; expected an id string.`);
  }
  if (value.length > limits.maxIdLength || !ID_PATTERN.test(value)) {
    fail(
      `${path} is not a valid id; ids are 1 to ${limits.maxIdLength} ` +
        'printable ASCII characters without spaces.',
    );
  }

  const first = seen.get(value);
  if (first !== undefined) {
    fail(
      `${path} ${quote(value)} is also the id of ${first}; ids must be ` +
        'unique within a file.',
    );
  }
  seen.set(value, path.replace(/\.id$/, ''));

  return value;
}

// Control characters and lone surrogates: invisible, or broken text.
const BAD_NAME_CHARACTER = /[\p{Cc}\p{Cs}]/u;

function readName(value: unknown, path: string, limits: GalleryLimits): string {
  if (typeof value !== 'string') {
    fail(`${path} is ${describe(value)}; expected the name as a string.`);
  }
  if (value.trim() === '') {
    fail(`${path} is empty; every person needs a name.`);
  }
  if (value.length > limits.maxNameLength) {
    fail(
      `${path} is ${value.length} characters long; names are at most ` +
        `${limits.maxNameLength}.`,
    );
  }
  if (BAD_NAME_CHARACTER.test(value)) {
    fail(`${path} holds a control character or broken text; fix the name.`);
  }

  return value;
}

const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function readTime(value: unknown, path: string): string {
  if (
    typeof value !== 'string' ||
    !ISO_TIME.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    fail(
      `${path} is ${describe(value)}; expected an ISO 8601 time such as ` +
        '2024-05-01T12:00:00.000Z.',
    );
  }

  return value;
}

function readDescriptor(value: unknown, path: string): Float32Array {
  if (!Array.isArray(value)) {
    fail(
      `${path} is ${describe(value)}; expected an array of ` +
        `${DESCRIPTOR_LENGTH} numbers.`,
    );
  }
  if (value.length !== DESCRIPTOR_LENGTH) {
    fail(
      `${path} has ${value.length} numbers, but ${RECOGNITION_MODEL} ` +
        `descriptors have ${DESCRIPTOR_LENGTH}: the file was made with ` +
        'another model, or was edited.',
    );
  }

  value.forEach((number: unknown, i) => {
    if (typeof number !== 'number') {
      fail(
        `${at(path, i)} is ${describe(number)}; descriptors must be finite ` +
          'numbers.',
      );
    }
    if (!Number.isFinite(Math.fround(number))) {
      const what = Number.isFinite(number)
        ? `${number}, too large for a 32-bit float`
        : describe(number);
      fail(`${at(path, i)} is ${what}; descriptors must be finite numbers.`);
    }
  });

  return Float32Array.from(value as number[]);
}

const THUMBNAIL_TYPES = [
  // The base64 of each format's first bytes, so the data matches its label.
  { prefix: 'data:image/jpeg;base64,', magic: '/9j/', format: 'JPEG' },
  { prefix: 'data:image/png;base64,', magic: 'iVBORw0KGgo', format: 'PNG' },
];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readThumbnail(
  value: unknown,
  path: string,
  limits: GalleryLimits,
): string {
  if (typeof value !== 'string') {
    fail(
      `${path} is ${describe(value)}; expected a JPEG or PNG data URL, ` +
        'or no thumbnail field.',
    );
  }
  if (value.length > limits.maxThumbnailChars) {
    fail(
      `${path} is ${value.length} characters; thumbnails over ` +
        `${limits.maxThumbnailChars} are refused.`,
    );
  }

  const type = THUMBNAIL_TYPES.find(({ prefix }) => value.startsWith(prefix));
  if (!type) {
    fail(
      `${path} is not a JPEG or PNG data URL; thumbnails must start with ` +
        THUMBNAIL_TYPES.map(({ prefix }) => prefix).join(' or ') +
        '.',
    );
  }

  const data = value.slice(type.prefix.length);
  if (data.length % 4 !== 0 || !BASE64.test(data)) {
    fail(`${path} is not valid base64 after its ${quote(type.prefix)}.`);
  }
  if (!data.startsWith(type.magic)) {
    fail(
      `${path} is labelled ${type.format} but its data is not a ` +
        `${type.format}.`,
    );
  }

  return value;
}

// Messages.

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path of a member: `people[3]`, `people[3].name`, `[0].label`. */
function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;

  return path === '' ? key : `${path}.${key}`;
}

function where(path: string): string {
  return path === '' ? 'The file' : path;
}

/** A file's string, quoted and cut short for a message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** What a value is, for "X is ___; expected Y". */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';

  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : 'a string';
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) {
        return `${value} (a number too large, such as 1e400)`;
      }
      return String(value);
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
