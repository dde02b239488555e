import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../node/runtime';
import type { ParseResult } from './schema';
import { GALLERY_LIMITS, parseGalleryFile, serializeGallery } from './schema';
import type { Person, Sample } from './types';
import { DESCRIPTOR_LENGTH, RECOGNITION_MODEL } from './types';

const NOW = '2024-05-01T12:00:00.000Z';
const JPEG = 'data:image/jpeg;base64,/9j/4AAQSkZJRg==';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';

/** Ids new-1, new-2... so face-api imports are predictable. */
function counter(): () => string {
  let n = 0;

  return () => `new-${++n}`;
}

function parse(text: string): ParseResult {
  return parseGalleryFile(text, { newId: counter(), now: NOW });
}

/** 128 float32 values, different for each seed. */
/** One pattern from several, so that long expected messages wrap. */
function joined(...parts: RegExp[]): RegExp {
  return new RegExp(parts.map((part) => part.source).join(''));
}

function descriptorOf(seed: number): number[] {
  return Array.from({ length: DESCRIPTOR_LENGTH }, (_, i) =>
    Math.fround(Math.sin(seed * 1000 + i) / 4),
  );
}

const QUALITY = {
  score: 0.93,
  sizePx: 142,
  sharpness: 37.5,
  yaw: 4.5,
  pitch: -3,
  roll: 1.25,
};

/** A valid version 1 file: two people, three samples. */
function visageDocument() {
  return {
    format: 'visage-gallery',
    version: 1,
    model: RECOGNITION_MODEL,
    descriptorLength: DESCRIPTOR_LENGTH,
    exportedAt: NOW,
    people: [
      {
        id: 'p1',
        name: 'Ann Lee',
        createdAt: NOW,
        updatedAt: NOW,
        samples: [
          {
            id: 's1',
            createdAt: NOW,
            descriptor: descriptorOf(1),
            thumbnail: JPEG,
            quality: { ...QUALITY },
          },
          { id: 's2', createdAt: NOW, descriptor: descriptorOf(2) },
        ],
      },
      {
        id: 'p2',
        name: 'Bo',
        createdAt: NOW,
        updatedAt: '2024-05-02T08:30:00Z',
        samples: [
          {
            id: 's3',
            createdAt: NOW,
            descriptor: descriptorOf(3),
            thumbnail: PNG,
          },
        ],
      },
    ],
  };
}

const VISAGE_PEOPLE: Person[] = [
  {
    id: 'p1',
    name: 'Ann Lee',
    createdAt: NOW,
    updatedAt: NOW,
    samples: [
      {
        id: 's1',
        createdAt: NOW,
        descriptor: Float32Array.from(descriptorOf(1)),
        thumbnail: JPEG,
        quality: QUALITY,
      },
      {
        id: 's2',
        createdAt: NOW,
        descriptor: Float32Array.from(descriptorOf(2)),
      },
    ],
  },
  {
    id: 'p2',
    name: 'Bo',
    createdAt: NOW,
    updatedAt: '2024-05-02T08:30:00Z',
    samples: [
      {
        id: 's3',
        createdAt: NOW,
        descriptor: Float32Array.from(descriptorOf(3)),
        thumbnail: PNG,
      },
    ],
  },
];

type Key = string | number;
const REMOVE = Symbol('remove');
const RAW = '"@@raw@@"';

/**
 * The valid document with the value at `path` replaced (or removed), as
 * text. `raw` is JSON text put there verbatim, for what JSON.stringify
 * cannot write (1e400, a "__proto__" key).
 */
function edited(
  path: readonly Key[],
  value: unknown,
  document: unknown = visageDocument(),
): string {
  let node = document as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  const last = path[path.length - 1] as Key;
  if (value === REMOVE) delete node[last];
  else node[last] = value;

  return JSON.stringify(document);
}

function editedRaw(path: readonly Key[], raw: string): string {
  return edited(path, JSON.parse(RAW)).replace(RAW, raw);
}

const faceapi = createNodeRuntime().faceapi;

function labeled(label: string, seeds: number[]) {
  return new faceapi.LabeledFaceDescriptors(
    label,
    seeds.map((seed) => Float32Array.from(descriptorOf(seed))),
  );
}

/** What face-api JSON of `labels` reads as, with ids from counter(). */
function faceApiPeople(labels: [string, number[]][]): Person[] {
  const newId = counter();

  return labels.map(([name, seeds]) => ({
    id: newId(),
    name,
    samples: seeds.map((seed) => ({
      id: newId(),
      descriptor: Float32Array.from(descriptorOf(seed)),
      createdAt: NOW,
    })),
    createdAt: NOW,
    updatedAt: NOW,
  }));
}

describe('parseGalleryFile accepts', () => {
  const matcher = new faceapi.FaceMatcher(
    [labeled('Ann Lee', [1, 2]), labeled('Bo', [3])],
    0.55,
  );

  it.each<[string, string, Person[], 'visage' | 'face-api']>([
    [
      'a Visage file',
      JSON.stringify(visageDocument()),
      VISAGE_PEOPLE,
      'visage',
    ],
    [
      'a Visage file saved with a byte order mark',
      '\ufeff' + JSON.stringify(visageDocument()),
      VISAGE_PEOPLE,
      'visage',
    ],
    ['a Visage file with no people', edited(['people'], []), [], 'visage'],
    [
      'a name full of brackets and quotes',
      edited(
        ['people'],
        [{ ...visageDocument().people[1], name: '[{"['.repeat(40) }],
      ),
      [{ ...(VISAGE_PEOPLE[1] as Person), name: '[{"['.repeat(40) }],
      'visage',
    ],
    [
      "face-api's FaceMatcher.toJSON()",
      JSON.stringify(matcher.toJSON()),
      faceApiPeople([
        ['Ann Lee', [1, 2]],
        ['Bo', [3]],
      ]),
      'face-api',
    ],
    [
      "face-api's LabeledFaceDescriptors.toJSON()",
      JSON.stringify(labeled('Ann Lee', [1, 2]).toJSON()),
      faceApiPeople([['Ann Lee', [1, 2]]]),
      'face-api',
    ],
    [
      'an array of LabeledFaceDescriptors JSON',
      JSON.stringify([labeled('Ann Lee', [1]), labeled('Bo', [])]),
      faceApiPeople([
        ['Ann Lee', [1]],
        ['Bo', []],
      ]),
      'face-api',
    ],
  ])('%s', (_name, text, people, source) => {
    expect(parse(text)).toEqual({ ok: true, people, source });
  });

  it('reads back what face-api itself reads back', () => {
    const json = matcher.toJSON();
    const again = faceapi.FaceMatcher.fromJSON(json);
    const result = parse(JSON.stringify(json));

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.people.map((person) => person.name)).toEqual(
      again.labeledDescriptors.map((ld) => ld.label),
    );
    expect(
      result.people.flatMap((p) => p.samples.map((s) => s.descriptor)),
    ).toEqual(again.labeledDescriptors.flatMap((ld) => ld.descriptors));
  });
});

const at17 = ['people', 0, 'samples', 0, 'descriptor', 17];

describe('parseGalleryFile refuses', () => {
  const valid = JSON.stringify(visageDocument());

  it.each<[string, string, string | RegExp]>([
    // Not a gallery at all.
    ['text that is not JSON', 'hello', /^The file is not valid JSON \(.+\)/],
    ['truncated JSON', valid.slice(0, 900), /not valid JSON .*truncated/],
    ['an empty file', '', /^The file is empty/],
    ['only spaces', '  \n ', /^The file is empty/],
    ['a number', '42', /^The file holds 42; expected a Visage gallery/],
    ['null', 'null', /^The file holds null/],
    ['a string', '"Ann"', /^The file holds a string/],
    ['an unrelated object', '{"a":1}', /holds an object without any/],

    // The Visage header.
    [
      'another format',
      edited(['format'], 'other'),
      'format is "other"; expected "visage-gallery".',
    ],
    [
      'a newer version',
      edited(['version'], 2),
      /version 2, written by a newer Visage/,
    ],
    [
      'a version as text',
      edited(['version'], '1'),
      'version is a string; expected 1.',
    ],
    [
      'a missing version',
      edited(['version'], REMOVE),
      'version is missing; expected 1.',
    ],
    [
      'another model',
      edited(['model'], 'human/faceres'),
      'This gallery was made with the model "human/faceres", not ' +
        'face-api/faceRecognitionNet: its descriptors cannot be compared ' +
        "with this app's. Enrol these people again here instead.",
    ],
    ['a model that is not text', edited(['model'], 7), /^model is 7/],
    [
      'another descriptor length',
      edited(['descriptorLength'], 512),
      /^descriptorLength is 512, but .* have 128/,
    ],
    [
      'an unknown top-level field',
      edited(['extra'], 1),
      /^The file has the unknown field "extra"; version 1 holds only format, /,
    ],
    [
      'a bad exportedAt',
      edited(['exportedAt'], 'yesterday'),
      /^exportedAt is a string; expected an ISO 8601 time/,
    ],

    // People.
    [
      'people as an object',
      edited(['people'], {}),
      'people is an object; expected an array of people.',
    ],
    [
      'a person as a string',
      edited(['people', 1], 'Bo'),
      'people[1] is a string; expected a person.',
    ],
    [
      'a missing name',
      edited(['people', 0, 'name'], REMOVE),
      'people[0].name is missing; expected the name as a string.',
    ],
    [
      'a name as a number',
      edited(['people', 0, 'name'], 5),
      /^people\[0\]\.name is 5;/,
    ],
    [
      'a blank name',
      edited(['people', 0, 'name'], '  '),
      'people[0].name is empty; every person needs a name.',
    ],
    [
      'a name too long',
      edited(['people', 0, 'name'], 'a'.repeat(201)),
      /^people\[0\]\.name is 201 characters long; names are at most 200/,
    ],
    [
      'a name with a control character',
      edited(['people', 0, 'name'], 'Ann\u0007'),
      /^people\[0\]\.name holds a control character/,
    ],
    [
      'a name with a lone surrogate',
      edited(['people', 0, 'name'], 'Ann\ud800'),
      /control character or broken text/,
    ],
    [
      'a missing person id',
      edited(['people', 0, 'id'], REMOVE),
      /^people\[0\]\.id is missing; expected an id string/,
    ],
    [
      'an id with a space',
      edited(['people', 0, 'id'], 'p 1'),
      /^people\[0\]\.id is not a valid id/,
    ],
    [
      'a bad updatedAt',
      edited(['people', 1, 'updatedAt'], 1714560000000),
      /^people\[1\]\.updatedAt is 1714560000000; expected an ISO 8601/,
    ],
    [
      'an unknown person field',
      edited(['people', 1, 'age'], 30),
      /^people\[1\] has the unknown field "age"/,
    ],
    [
      'samples as null',
      edited(['people', 0, 'samples'], null),
      'people[0].samples is null; expected an array of samples.',
    ],
    [
      'duplicate person ids',
      edited(['people', 1, 'id'], 'p1'),
      'people[1].id "p1" is also the id of people[0]; ids must be unique within a file.',
    ],

    // Samples.
    [
      'a sample as an array',
      edited(['people', 0, 'samples', 1], [1, 2]),
      'people[0].samples[1] is an array; expected a sample.',
    ],
    [
      'duplicate sample ids',
      edited(['people', 1, 'samples', 0, 'id'], 's1'),
      'people[1].samples[0].id "s1" is also the id of people[0].samples[0]; ' +
        'ids must be unique within a file.',
    ],
    [
      'a bad sample time',
      edited(['people', 0, 'samples', 1, 'createdAt'], '2024-13-45'),
      /^people\[0\]\.samples\[1\]\.createdAt is a string; expected an ISO 8601/,
    ],
    [
      'an unknown sample field',
      edited(['people', 0, 'samples', 1, 'image'], 'x'),
      /samples\[1\] has the unknown field "image"/,
    ],
    [
      'a quality value as text',
      edited(['people', 0, 'samples', 0, 'quality', 'yaw'], '4'),
      'people[0].samples[0].quality.yaw is a string; expected a finite number.',
    ],
    [
      'a quality value missing',
      edited(['people', 0, 'samples', 0, 'quality', 'roll'], REMOVE),
      /quality\.roll is missing/,
    ],
    [
      'a quality as an array',
      edited(['people', 0, 'samples', 0, 'quality'], []),
      /quality is an array; expected the sample quality/,
    ],

    // Descriptors.
    [
      'a descriptor value "NaN"',
      edited(at17, 'NaN'),
      'people[0].samples[0].descriptor[17] is a string; descriptors must be finite numbers.',
    ],
    [
      'a descriptor value null',
      edited(at17, null),
      'people[0].samples[0].descriptor[17] is null; descriptors must be finite numbers.',
    ],
    [
      'a descriptor value 1e400',
      editedRaw(at17, '1e400'),
      joined(
        /^people\[0\]\.samples\[0\]\.descriptor\[17\] is Infinity .*; /,
        /descriptors must be finite numbers\.$/,
      ),
    ],
    [
      'a descriptor value -1e400',
      editedRaw(at17, '-1e400'),
      /descriptor\[17\] is -Infinity/,
    ],
    [
      'a descriptor value over 32-bit range',
      editedRaw(at17, '1e39'),
      'people[0].samples[0].descriptor[17] is 1e+39, too large for a 32-bit float; ' +
        'descriptors must be finite numbers.',
    ],
    [
      'a descriptor value as an object',
      edited(at17, {}),
      /descriptor\[17\] is an object/,
    ],
    [
      'a short descriptor',
      edited(
        ['people', 0, 'samples', 1, 'descriptor'],
        descriptorOf(2).slice(1),
      ),
      joined(
        /^people\[0\]\.samples\[1\]\.descriptor has 127 numbers, /,
        /but face-api\/faceRecognitionNet descriptors have 128/,
      ),
    ],
    [
      'a descriptor as a string',
      edited(['people', 0, 'samples', 1, 'descriptor'], '0.1,0.2'),
      /descriptor is a string; expected an array of 128 numbers/,
    ],

    // Thumbnails.
    [
      'an SVG thumbnail',
      edited(
        ['people', 0, 'samples', 0, 'thumbnail'],
        'data:image/svg+xml;base64,PHN2Zz4=',
      ),
      joined(
        /thumbnail is not a JPEG or PNG data URL; thumbnails must start with /,
        /data:image\/jpeg;base64, or data:image\/png;base64,/,
      ),
    ],
    [
      'a script URL as thumbnail',
      edited(['people', 0, 'samples', 0, 'thumbnail'], 'javascript:alert(1)'),
      /not a JPEG or PNG data URL/,
    ],
    [
      'a thumbnail with bad base64',
      edited(
        ['people', 0, 'samples', 0, 'thumbnail'],
        'data:image/jpeg;base64,/9j/<b>',
      ),
      /thumbnail is not valid base64/,
    ],
    [
      'a PNG labelled JPEG',
      edited(
        ['people', 0, 'samples', 0, 'thumbnail'],
        PNG.replace('png', 'jpeg'),
      ),
      /thumbnail is labelled JPEG but its data is not a JPEG/,
    ],
    [
      'a thumbnail over the size cap',
      edited(
        ['people', 0, 'samples', 0, 'thumbnail'],
        JPEG + 'A'.repeat(GALLERY_LIMITS.maxThumbnailChars),
      ),
      /thumbnails over 262144 are refused/,
    ],
    [
      'a null thumbnail',
      edited(['people', 0, 'samples', 0, 'thumbnail'], null),
      /thumbnail is null; expected a JPEG or PNG data URL, or no thumbnail field/,
    ],

    // face-api JSON.
    [
      'labeledDescriptors as a string',
      '{"labeledDescriptors":"x"}',
      'labeledDescriptors is a string; expected an array of labelled descriptors.',
    ],
    [
      'a distanceThreshold as text',
      JSON.stringify({ distanceThreshold: '0.6', labeledDescriptors: [] }),
      /^distanceThreshold is a string/,
    ],
    [
      'a label as a number',
      JSON.stringify({ label: 3, descriptors: [] }),
      'label is 3; expected the name as a string.',
    ],
    [
      'an empty label',
      JSON.stringify([{ label: '', descriptors: [] }]),
      '[0].label is empty; every person needs a name.',
    ],
    [
      'an array item that is not labelled',
      JSON.stringify([{ label: 'a', descriptors: [] }, 'b']),
      /^\[1\] is a string; expected face-api's labelled descriptors/,
    ],
    [
      'descriptors of another model',
      JSON.stringify({
        labeledDescriptors: [
          { label: 'a', descriptors: [new Array(512).fill(0)] },
        ],
      }),
      joined(
        /^labeledDescriptors\[0\]\.descriptors\[0\] has 512 numbers, /,
        /but face-api\/faceRecognitionNet descriptors have 128: /,
        /the file was made with another model/,
      ),
    ],
    [
      'a face-api descriptor value null',
      JSON.stringify({
        label: 'a',
        descriptors: [
          [...descriptorOf(1).slice(0, 5), null, ...descriptorOf(1).slice(6)],
        ],
      }),
      'descriptors[0][5] is null; descriptors must be finite numbers.',
    ],
  ])('%s', (_name, text, message) => {
    const result = parse(text);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    if (typeof message === 'string') expect(result.error).toBe(message);
    else expect(result.error).toMatch(message);
  });
});

describe('parseGalleryFile against hostile files', () => {
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype);

  it.each<[string, string, string | RegExp]>([
    [
      '__proto__ at the top',
      '{"__proto__":{"polluted":true}}',
      /^The file has a key "__proto__"; keys named __proto__, constructor or prototype are refused/,
    ],
    [
      'constructor.prototype',
      '{"constructor":{"prototype":{"polluted":true}}}',
      /^The file has a key "constructor"/,
    ],
    [
      '__proto__ in a person',
      editedRaw(['people', 1], '{"__proto__":{"polluted":true},"id":"p9"}'),
      /^people\[1\] has a key "__proto__"/,
    ],
    [
      'prototype in a sample',
      editedRaw(
        ['people', 0, 'samples', 0, 'quality'],
        '{"prototype":{"polluted":true}}',
      ),
      /^people\[0\]\.samples\[0\]\.quality has a key "prototype"/,
    ],
    [
      '__proto__ in face-api JSON',
      '[{"label":"a","descriptors":[],"__proto__":{"polluted":true}}]',
      /^\[0\] has a key "__proto__"/,
    ],
    [
      'a hundred thousand [',
      '['.repeat(100_000),
      /^The file nests arrays and objects more than 16 deep \(at character 17\)/,
    ],
    [
      'deep but balanced arrays',
      '['.repeat(100_000) + ']'.repeat(100_000),
      /more than 16 deep/,
    ],
    [
      'deep objects',
      '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
      /more than 16 deep/,
    ],
    [
      'too many people',
      edited(
        ['people'],
        Array.from({ length: 10_001 }, () => ({})),
      ),
      'people holds 10001 people; at most 10000 are accepted in one file.',
    ],
    [
      'too many samples',
      edited(
        ['people', 0, 'samples'],
        Array.from({ length: 1001 }, () => ({})),
      ),
      'people[0].samples holds 1001 samples; at most 1000 are accepted in one file.',
    ],
  ])('%s', (_name, text, message) => {
    const result = parse(text);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    if (typeof message === 'string') expect(result.error).toBe(message);
    else expect(result.error).toMatch(message);
  });

  it('refuses a file over the size limit before parsing it', () => {
    const text = ' '.repeat(GALLERY_LIMITS.maxChars + 1);
    const started = performance.now();

    expect(parse(text)).toEqual({
      ok: false,
      error: 'The file is 50.0 MB; gallery files over 50.0 MB are refused.',
    });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('leaves Object.prototype as it was', () => {
    parse('{"__proto__":{"polluted":true}}');
    parse('[{"label":"a","descriptors":[],"__proto__":{"polluted":1}}]');
    parse('{"constructor":{"prototype":{"polluted":true}}}');

    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(
      prototypeBefore,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** ok with people the app can use, or a refusal with a message. */
function checkResult(result: ParseResult): void {
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeGreaterThan(0);
    return;
  }

  const personIds = new Set<string>();
  const sampleIds = new Set<string>();
  for (const person of result.people) {
    expect(Object.getPrototypeOf(person)).toBe(Object.prototype);
    expect(typeof person.id).toBe('string');
    expect(personIds.has(person.id)).toBe(false);
    personIds.add(person.id);
    expect(typeof person.name).toBe('string');
    expect(person.name.trim()).not.toBe('');
    for (const sample of person.samples) {
      expect(sampleIds.has(sample.id)).toBe(false);
      sampleIds.add(sample.id);
      expect(sample.descriptor).toBeInstanceOf(Float32Array);
      expect(sample.descriptor).toHaveLength(DESCRIPTOR_LENGTH);
      expect(sample.descriptor.every(Number.isFinite)).toBe(true);
    }
  }
}

const isoTime = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2100-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());

/** -0 becomes 0 on the way through JSON, so generate 0 only. */
const noNegativeZero = (value: number): number => (value === 0 ? 0 : value);

const descriptorArb = fc
  .float32Array({
    minLength: DESCRIPTOR_LENGTH,
    maxLength: DESCRIPTOR_LENGTH,
    noNaN: true,
    noDefaultInfinity: true,
  })
  .map((descriptor) => descriptor.map(noNegativeZero));

const finite = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .map(noNegativeZero);

const sampleArb = fc.record(
  {
    id: fc.constant(''),
    createdAt: isoTime,
    descriptor: descriptorArb,
    thumbnail: fc.constantFrom(JPEG, PNG),
    quality: fc.record({
      score: finite,
      sizePx: finite,
      sharpness: finite,
      yaw: finite,
      pitch: finite,
      roll: finite,
    }),
  },
  { requiredKeys: ['id', 'createdAt', 'descriptor'] },
) as fc.Arbitrary<Sample>;

const nameArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter(
    (name) =>
      name.trim() !== '' && name.length <= 200 && !/[\p{Cc}\p{Cs}]/u.test(name),
  );

/** Valid people with unique ids (p0, p0s0...). */
const peopleArb: fc.Arbitrary<Person[]> = fc
  .array(
    fc.record({
      name: nameArb,
      createdAt: isoTime,
      updatedAt: isoTime,
      samples: fc.array(sampleArb, { maxLength: 3 }),
    }),
    { maxLength: 4 },
  )
  .map((people) =>
    people.map((person, i) => ({
      ...person,
      id: `p${i}`,
      samples: person.samples.map((sample, j) => ({
        ...sample,
        id: `p${i}s${j}`,
      })),
    })),
  );

/** Mostly `valid`, sometimes any JSON value in its place. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

const looseDescriptor = mostly(
  fc.oneof(
    descriptorArb.map((d) => Array.from(d)),
    fc.array(fc.oneof(fc.double(), fc.constant(null), fc.string()), {
      minLength: 127,
      maxLength: 129,
    }),
  ),
);

/** Documents shaped like gallery files with random parts broken. */
const nearlyValidArb = fc.oneof(
  fc.record({
    format: mostly(fc.constant('visage-gallery')),
    version: mostly(fc.constant(1)),
    model: mostly(fc.constant(RECOGNITION_MODEL)),
    descriptorLength: mostly(fc.constant(DESCRIPTOR_LENGTH)),
    exportedAt: mostly(isoTime),
    people: mostly(
      fc.array(
        mostly(
          fc.record({
            id: mostly(fc.constantFrom('a', 'b', 'c', 'd')),
            name: mostly(nameArb),
            createdAt: mostly(isoTime),
            updatedAt: mostly(isoTime),
            samples: mostly(
              fc.array(
                mostly(
                  fc.record(
                    {
                      id: mostly(fc.constantFrom('a', 'b', 'c', 'd', 'e')),
                      createdAt: mostly(isoTime),
                      descriptor: looseDescriptor,
                      thumbnail: mostly(fc.constantFrom(JPEG, PNG)),
                    },
                    { requiredKeys: ['id', 'createdAt', 'descriptor'] },
                  ),
                ),
                { maxLength: 3 },
              ),
            ),
          }),
        ),
        { maxLength: 3 },
      ),
    ),
  }),
  fc.record({
    distanceThreshold: mostly(fc.double()),
    labeledDescriptors: mostly(
      fc.array(
        mostly(
          fc.record({
            label: mostly(nameArb),
            descriptors: mostly(fc.array(looseDescriptor, { maxLength: 3 })),
          }),
        ),
        { maxLength: 3 },
      ),
    ),
  }),
);

describe('parseGalleryFile under fuzzing', () => {
  const valid = JSON.stringify(visageDocument());

  it('never throws on random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        checkResult(parse(JSON.stringify(value)));
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on random text', () => {
    const jsonish = fc.string({
      unit: fc.constantFrom(...'[]{}",:-+.eE0123456789truefalsn\\ '),
      maxLength: 80,
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), jsonish), (text) => {
        checkResult(parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on nearly valid documents, and accepts the valid ones', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearlyValidArb, (document) => {
        const result = parse(JSON.stringify(document));
        checkResult(result);
        if (result.ok) accepted++;
      }),
      { numRuns: 1000 },
    );

    // Both outcomes are exercised, not only refusals.
    expect(accepted).toBeGreaterThan(50);
    expect(accepted).toBeLessThan(950);
  });

  it('never throws on a valid file cut or corrupted anywhere', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length }),
        fc.nat({ max: 4 }),
        fc.string({ maxLength: 3 }),
        (start, deleted, inserted) => {
          const text =
            valid.slice(0, start) + inserted + valid.slice(start + deleted);
          checkResult(parse(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('serializeGallery', () => {
  it('writes the versioned header', () => {
    const text = serializeGallery([], { exportedAt: NOW });

    expect(JSON.parse(text)).toEqual({
      format: 'visage-gallery',
      version: 1,
      model: 'face-api/faceRecognitionNet',
      descriptorLength: 128,
      exportedAt: NOW,
      people: [],
    });
  });

  it('leaves thumbnails out when asked', () => {
    const text = serializeGallery(VISAGE_PEOPLE, { thumbnails: false });

    expect(text).not.toContain('data:image');
    expect(parse(text)).toMatchObject({ ok: true, source: 'visage' });
  });

  it('refuses to write a descriptor it could not read back', () => {
    const person = VISAGE_PEOPLE[0] as Person;
    const broken = {
      ...person,
      samples: [{ id: 'x', createdAt: NOW, descriptor: new Float32Array(3) }],
    };

    expect(() => serializeGallery([broken])).toThrow(
      'people[0].samples[0].descriptor has 3 numbers',
    );
  });

  it('round-trips any valid gallery exactly', () => {
    fc.assert(
      fc.property(peopleArb, fc.boolean(), (people, thumbnails) => {
        const result = parse(serializeGallery(people, { thumbnails }));
        const expected = thumbnails
          ? people
          : people.map((person) => ({
              ...person,
              samples: person.samples.map((sample) => {
                const { thumbnail: _thumbnail, ...rest } = sample;
                return rest;
              }),
            }));

        expect(result).toEqual({
          ok: true,
          people: expected,
          source: 'visage',
        });
      }),
      { numRuns: 200 },
    );
  });
});
