import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImportCounts, ImportPlan } from './importPlan';
import {
  applyImport,
  ImportPlanError,
  nameKey,
  planImport,
  summarizeImportPlan,
} from './importPlan';
import type { Person, Sample } from './types';
import { DESCRIPTOR_LENGTH } from './types';

const THEN = '2024-01-01T00:00:00.000Z';
const NOW = '2024-06-01T00:00:00.000Z';

function descriptorOf(seed: number): Float32Array {
  return Float32Array.from({ length: DESCRIPTOR_LENGTH }, (_, i) =>
    Math.sin(seed * 1000 + i),
  );
}

/** A sample; its descriptor is fixed by `seed`. */
function sample(id: string, seed: number): Sample {
  return { id, descriptor: descriptorOf(seed), createdAt: THEN };
}

function person(id: string, name: string, samples: Sample[] = []): Person {
  return { id, name, samples, createdAt: THEN, updatedAt: THEN };
}

function counter(): () => string {
  let n = 0;

  return () => `new-${++n}`;
}

function plan(existing: Person[], incoming: Person[]): ImportPlan {
  return planImport(existing, incoming, { newId: counter(), now: NOW });
}

/** A gallery as lines: "id name: sample ids". */
function lines(people: readonly Person[]): string[] {
  return people.map(({ id, name, samples }) =>
    `${id} ${name}: ${samples.map((s) => s.id).join(' ')}`.trimEnd(),
  );
}

function counts(
  peopleAdded: number,
  peopleMerged: number,
  samplesAdded: number,
  samplesMerged: number,
  samplesSkipped: number,
): ImportCounts {
  return {
    peopleAdded,
    peopleMerged,
    samplesAdded,
    samplesMerged,
    samplesSkipped,
  };
}

const ann = () => person('pA', 'Ann', [sample('a1', 1)]);

describe('planImport and applyImport', () => {
  it.each<[string, Person[], Person[], string[], ImportCounts]>([
    [
      'add a new person',
      [ann()],
      [person('pB', 'Bo', [sample('b1', 2)])],
      ['pA Ann: a1', 'pB Bo: b1'],
      counts(1, 0, 1, 0, 0),
    ],
    [
      'merge by name, whatever its case and spaces',
      [ann()],
      [person('pX', '  aNN ', [sample('a2', 2)])],
      ['pA Ann: a1 a2'],
      counts(0, 1, 1, 1, 0),
    ],
    [
      'skip a sample the person already has by id',
      [ann()],
      [person('pX', 'Ann', [sample('a1', 9)])],
      ['pA Ann: a1'],
      counts(0, 0, 0, 0, 1),
    ],
    [
      'skip a sample the person already has by descriptor',
      [ann()],
      [person('pX', 'Ann', [sample('z', 1)])],
      ['pA Ann: a1'],
      counts(0, 0, 0, 0, 1),
    ],
    [
      'skip a descriptor already under another name, and so the person',
      [ann()],
      [person('pR', 'Anne', [sample('z', 1)])],
      ['pA Ann: a1'],
      counts(0, 0, 0, 0, 1),
    ],
    [
      'give a new person a new id when theirs is taken',
      [ann()],
      [person('pA', 'Bo', [sample('b1', 2)])],
      ['pA Ann: a1', 'new-1 Bo: b1'],
      counts(1, 0, 1, 0, 0),
    ],
    [
      "give a sample a new id when another person's sample has it",
      [ann()],
      [person('pB', 'Bo', [sample('a1', 2)])],
      ['pA Ann: a1', 'pB Bo: new-1'],
      counts(1, 0, 1, 0, 0),
    ],
    [
      'join incoming people who share a name',
      [ann()],
      [
        person('pB', 'Bo', [sample('b1', 2)]),
        person('pC', 'bo', [sample('b2', 3)]),
      ],
      ['pA Ann: a1', 'pB Bo: b1 b2'],
      counts(1, 0, 2, 0, 0),
    ],
    [
      'skip a descriptor repeated in the file',
      [],
      [
        person('pB', 'Bo', [sample('b1', 5)]),
        person('pC', 'Cy', [sample('c1', 5)]),
      ],
      ['pB Bo: b1'],
      counts(1, 0, 1, 0, 1),
    ],
    [
      'keep a new person who came without samples',
      [ann()],
      [person('pD', 'Dee')],
      ['pA Ann: a1', 'pD Dee:'],
      counts(1, 0, 0, 0, 0),
    ],
    [
      'change nothing for a known person without samples',
      [ann()],
      [person('pX', 'ann')],
      ['pA Ann: a1'],
      counts(0, 0, 0, 0, 0),
    ],
    [
      'merge into the first of two people with the same name',
      [ann(), person('pA2', 'ANN', [sample('a9', 9)])],
      [person('pX', 'Ann', [sample('a2', 2)])],
      ['pA Ann: a1 a2', 'pA2 ANN: a9'],
      counts(0, 1, 1, 1, 0),
    ],
    [
      'import into an empty gallery',
      [],
      [person('pA', 'Ann', [sample('a1', 1), sample('a2', 2)])],
      ['pA Ann: a1 a2'],
      counts(1, 0, 2, 0, 0),
    ],
  ])('%s', (_name, existing, incoming, gallery, expectedCounts) => {
    const planned = plan(existing, incoming);

    expect(planned.counts).toEqual(expectedCounts);
    expect(lines(applyImport(existing, planned))).toEqual(gallery);
  });

  it('marks merged people as updated and leaves the others as they were', () => {
    const bo = person('pB', 'Bo', [sample('b1', 2)]);
    const existing = [ann(), bo];
    const result = applyImport(
      existing,
      plan(existing, [person('pX', 'Ann', [sample('a2', 2.5)])]),
    );

    expect(result[0]).toMatchObject({ createdAt: THEN, updatedAt: NOW });
    expect(result[1]).toBe(bo);
  });

  it('changes neither the gallery nor the plan', () => {
    const existing = [ann(), person('pB', 'Bo', [sample('b1', 2)])];
    const incoming = [
      person('pX', 'Ann', [sample('a2', 3)]),
      person('pC', 'Cy', [sample('c1', 4)]),
    ];
    const before = structuredClone(existing);
    const planned = plan(existing, incoming);
    const plannedBefore = structuredClone(planned);
    deepFreeze(existing);
    deepFreeze(planned);

    const result = applyImport(existing, planned);

    expect(result).not.toBe(existing);
    expect(existing).toEqual(before);
    expect(planned).toEqual(plannedBefore);
    expect(lines(result)).toEqual(['pA Ann: a1 a2', 'pB Bo: b1', 'pC Cy: c1']);
  });

  it('refuses a plan the gallery has outgrown', () => {
    const existing = [ann()];
    const merging = plan(existing, [person('pX', 'Ann', [sample('a2', 2)])]);
    const adding = plan(existing, [person('pB', 'Bo', [sample('b1', 2)])]);

    expect(() => applyImport([], merging)).toThrow(ImportPlanError);
    expect(() => applyImport([], merging)).toThrow(
      'The gallery changed after this import was planned (person pA is ' +
        'gone); plan the import again.',
    );
    expect(() =>
      applyImport([...existing, person('pB', 'Bob')], adding),
    ).toThrow(/person id pB is now taken/);
    expect(() =>
      applyImport([person('pA', 'Ann', [sample('a2', 7)])], merging),
    ).toThrow(/a sample id for person pA is now taken/);
  });
});

describe('nameKey', () => {
  it.each([
    ['Ann', 'ann'],
    ['  Ann  Lee ', 'ann lee'],
    ['ANN\tLEE', 'ann lee'],
    ['Zoe\u0308', 'zoë'],
  ])('%j is %j', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });
});

describe('summarizeImportPlan', () => {
  it.each<[ImportCounts, string]>([
    [counts(0, 0, 0, 0, 0), 'Nothing to import: the file holds no people.'],
    [
      counts(0, 0, 0, 0, 3),
      'Nothing new to import: 3 samples already in the gallery will be skipped.',
    ],
    [counts(1, 0, 1, 0, 0), 'Import 1 new person (1 sample).'],
    [
      counts(2, 1, 7, 3, 1),
      'Import 2 new people (4 samples) and 3 samples for 1 person already ' +
        'in the gallery; 1 sample already in the gallery will be skipped.',
    ],
    [
      counts(0, 2, 2, 2, 0),
      'Import 2 samples for 2 people already in the gallery.',
    ],
  ])('%j', (planCounts, sentence) => {
    const planned = { add: [], merge: [], counts: planCounts, plannedAt: NOW };

    expect(summarizeImportPlan(planned)).toBe(sentence);
  });
});

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  if (ArrayBuffer.isView(value)) return; // typed arrays cannot be frozen
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

// Small pools, so names, ids and descriptors collide often.
const NAMES = ['Ann', 'ann ', 'Bo', ' BO', 'Cy', 'Dee'];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** A valid gallery: unique person and sample ids. */
const galleryArb: fc.Arbitrary<Person[]> = fc
  .array(
    fc.record({
      name: fc.constantFrom(...NAMES),
      seeds: fc.array(fc.constantFrom(...SEEDS), { maxLength: 3 }),
    }),
    { maxLength: 4 },
  )
  .map((people) =>
    people.map(({ name, seeds }, i) =>
      person(
        `p${i}`,
        name,
        seeds.map((seed, j) => sample(`p${i}s${j}`, seed)),
      ),
    ),
  );

/** What a file might bring: ids that may clash with the gallery's. */
const incomingArb: fc.Arbitrary<Person[]> = fc
  .array(
    fc.record({
      id: fc.constantFrom('p0', 'p1', 'p2', 'x', 'y'),
      name: fc.constantFrom(...NAMES),
      samples: fc.array(
        fc.record({
          id: fc.constantFrom('p0s0', 'p1s0', 'p1s1', 'x', 'y', 'z'),
          seed: fc.constantFrom(...SEEDS, 9, 10),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 4 },
  )
  .map((people) =>
    people.map(({ id, name, samples }) =>
      person(
        id,
        name,
        samples.map(({ id: sampleId, seed }) => sample(sampleId, seed)),
      ),
    ),
  );

function sampleCount(people: readonly Person[]): number {
  return people.reduce((total, p) => total + p.samples.length, 0);
}

describe('importing, for any gallery and file', () => {
  it('keeps every existing person and sample, and only adds', () => {
    fc.assert(
      fc.property(galleryArb, incomingArb, (existing, incoming) => {
        const before = structuredClone(existing);
        const planned = plan(existing, incoming);
        const result = applyImport(existing, planned);

        expect(existing).toEqual(before);
        existing.forEach((was, i) => {
          const now = result[i];
          expect(now?.id).toBe(was.id);
          expect(now?.name).toBe(was.name);
          expect(now?.createdAt).toBe(was.createdAt);
          expect(now?.samples.slice(0, was.samples.length)).toEqual(
            was.samples,
          );
        });

        const { samplesAdded, samplesSkipped } = planned.counts;
        expect(sampleCount(result)).toBe(sampleCount(existing) + samplesAdded);
        expect(sampleCount(incoming)).toBe(samplesAdded + samplesSkipped);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves every id unique', () => {
    fc.assert(
      fc.property(galleryArb, incomingArb, (existing, incoming) => {
        const result = applyImport(existing, plan(existing, incoming));
        const sampleIds = result.flatMap((p) => p.samples.map((s) => s.id));

        expect(new Set(result.map((p) => p.id)).size).toBe(result.length);
        expect(new Set(sampleIds).size).toBe(sampleIds.length);
      }),
      { numRuns: 500 },
    );
  });

  it('adds nothing when the same file is imported again', () => {
    fc.assert(
      fc.property(galleryArb, incomingArb, (existing, incoming) => {
        const once = applyImport(existing, plan(existing, incoming));
        const again = plan(once, incoming);

        expect(again.add).toEqual([]);
        expect(again.merge).toEqual([]);
        expect(again.counts.samplesAdded).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});
