/**
 * Importing people into the gallery, in two steps: planImport says what an
 * import will do without changing anything, so the user can confirm it, and
 * applyImport builds the new gallery, which the caller stores in one
 * transaction. An import only adds: existing people keep every sample, their
 * names and their ids.
 */
import type { Person, Sample } from './types';

/** Samples that will join a person already in the gallery. */
export interface PlannedMerge {
  personId: string;
  samples: Sample[];
}

/** What an import will do, in numbers for a confirmation message. */
export interface ImportCounts {
  /** People new to the gallery. */
  peopleAdded: number;
  /** People already in the gallery who gain samples. */
  peopleMerged: number;
  /** Samples added in all, to new and to existing people. */
  samplesAdded: number;
  /** Of samplesAdded, those joining people already in the gallery. */
  samplesMerged: number;
  /** Samples left out: already in the gallery, or repeated in the file. */
  samplesSkipped: number;
}

/** What an import will do; applyImport carries it out. */
export interface ImportPlan {
  /** New people, as they will be stored (ids made unique). */
  add: Person[];
  merge: PlannedMerge[];
  counts: ImportCounts;
  /** ISO time of planning; merged people get it as updatedAt. */
  plannedAt: string;
}

/** Test seams for planImport. */
export interface PlanOptions {
  /** Makes an id where an incoming one is taken. Defaults to a random UUID. */
  newId?: () => string;
  /** Defaults to now. */
  now?: string;
}

/**
 * The key under which two names are the same person: Unicode-normalised,
 * trimmed, inner spaces collapsed, lower case.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Plans adding `incoming` to `existing` without changing either. A person
 * whose name matches an existing one (see nameKey) joins them; others are
 * added, and incoming people sharing a name become one. A sample is skipped
 * when its person already has its id, or when its descriptor is already
 * anywhere in the gallery (the same face under two names would make every
 * match ambiguous). A new person left with no samples that way is not added.
 */
export function planImport(
  existing: readonly Person[],
  incoming: readonly Person[],
  options: PlanOptions = {},
): ImportPlan {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const plannedAt = options.now ?? new Date().toISOString();

  // What the gallery holds now.
  const byName = new Map<string, Person>();
  const personIds = new Set<string>();
  const sampleIds = new Set<string>();
  const descriptors = new DescriptorSet();
  for (const person of existing) {
    if (!byName.has(nameKey(person.name))) {
      byName.set(nameKey(person.name), person);
    }
    personIds.add(person.id);
    for (const sample of person.samples) {
      sampleIds.add(sample.id);
      descriptors.add(sample.descriptor);
    }
  }

  const merges = new Map<string, Sample[]>();
  const additions = new Map<string, { person: Person; offered: number }>();
  let skipped = 0;

  for (const person of incoming) {
    const key = nameKey(person.name);
    const target = byName.get(key);

    // Where this person's samples go, and which ids are already there.
    let destination: Sample[];
    let idsThere: ReadonlySet<string>;
    if (target) {
      destination = merges.get(target.id) ?? [];
      merges.set(target.id, destination);
      idsThere = new Set(target.samples.map((sample) => sample.id));
    } else {
      const addition = additions.get(key) ?? {
        person: {
          ...person,
          id: unusedId(person.id, personIds, newId),
          samples: [],
        },
        offered: 0,
      };
      additions.set(key, addition);
      addition.offered += person.samples.length;
      destination = addition.person.samples;
      idsThere = new Set();
    }

    for (const sample of person.samples) {
      if (idsThere.has(sample.id) || descriptors.has(sample.descriptor)) {
        skipped++;
        continue;
      }
      const id = unusedId(sample.id, sampleIds, newId);
      descriptors.add(sample.descriptor);
      destination.push(id === sample.id ? sample : { ...sample, id });
    }
  }

  // A new person with samples all skipped is already here under another
  // name; one that came with no samples is kept, as the file had it.
  const add = [...additions.values()]
    .filter(({ person, offered }) => person.samples.length > 0 || offered === 0)
    .map(({ person }) => person);
  const merge = [...merges]
    .filter(([, samples]) => samples.length > 0)
    .map(([personId, samples]) => ({ personId, samples }));

  const samplesMerged = count(merge);
  const counts: ImportCounts = {
    peopleAdded: add.length,
    peopleMerged: merge.length,
    samplesAdded: count(add) + samplesMerged,
    samplesMerged,
    samplesSkipped: skipped,
  };

  return { add, merge, counts, plannedAt };
}

/** The id if it is free, else a new one; either is then marked taken. */
function unusedId(id: string, taken: Set<string>, newId: () => string): string {
  let free = id;
  while (taken.has(free)) free = newId();
  taken.add(free);

  return free;
}

function count(groups: readonly { samples: readonly Sample[] }[]): number {
  return groups.reduce((total, group) => total + group.samples.length, 0);
}

/** The gallery no longer fits a plan made earlier: plan again. */
export class ImportPlanError extends Error {
  override readonly name = 'ImportPlanError';
  readonly code = 'stale';
}

/**
 * The gallery after the import: a new array, `existing` and `plan`
 * untouched. People keep their order; new people come last. Throws
 * ImportPlanError if the gallery changed in a way the plan did not expect
 * (a person it merges into is gone, or an id it adds is now taken).
 */
export function applyImport(
  existing: readonly Person[],
  plan: ImportPlan,
): Person[] {
  checkPlanFits(existing, plan);

  const merges = new Map(plan.merge.map((m) => [m.personId, m.samples]));
  const people = existing.map((person) => {
    const samples = merges.get(person.id);
    if (!samples) return person;

    return {
      ...person,
      samples: [...person.samples, ...samples],
      updatedAt: plan.plannedAt,
    };
  });
  const added = plan.add.map((person) => ({
    ...person,
    samples: [...person.samples],
  }));

  return [...people, ...added];
}

function checkPlanFits(existing: readonly Person[], plan: ImportPlan): void {
  const personIds = new Set(existing.map((person) => person.id));
  const sampleIds = new Set(
    existing.flatMap((person) => person.samples.map((sample) => sample.id)),
  );
  const stale = (why: string): never => {
    throw new ImportPlanError(
      `The gallery changed after this import was planned (${why}); ` +
        'plan the import again.',
    );
  };

  for (const { personId, samples } of plan.merge) {
    if (!personIds.has(personId)) stale(`person ${personId} is gone`);
    if (samples.some((sample) => sampleIds.has(sample.id))) {
      stale(`a sample id for person ${personId} is now taken`);
    }
  }
  for (const person of plan.add) {
    if (personIds.has(person.id)) stale(`person id ${person.id} is now taken`);
    if (person.samples.some((sample) => sampleIds.has(sample.id))) {
      stale(`a sample id for new person ${person.id} is now taken`);
    }
  }
}

/** The plan in one sentence, for the confirmation before applying it. */
export function summarizeImportPlan(plan: ImportPlan): string {
  const { peopleAdded, peopleMerged, samplesAdded, samplesMerged } =
    plan.counts;
  const skipped = plan.counts.samplesSkipped;

  const changes: string[] = [];
  if (peopleAdded > 0) {
    changes.push(
      `${plural(peopleAdded, 'new person', 'new people')} ` +
        `(${plural(samplesAdded - samplesMerged, 'sample', 'samples')})`,
    );
  }
  if (peopleMerged > 0) {
    changes.push(
      `${plural(samplesMerged, 'sample', 'samples')} for ` +
        `${plural(peopleMerged, 'person', 'people')} already in the gallery`,
    );
  }
  const skips =
    skipped > 0
      ? `${plural(skipped, 'sample', 'samples')} already in the gallery ` +
        `will be skipped`
      : '';

  if (changes.length === 0) {
    return skipped > 0
      ? `Nothing new to import: ${skips}.`
      : 'Nothing to import: the file holds no people.';
  }

  return `Import ${changes.join(' and ')}${skips ? `; ${skips}` : ''}.`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Descriptors seen so far, found by their exact values: a hash of the
 * float bits narrows the search to a bucket, then values are compared.
 */
class DescriptorSet {
  private readonly buckets = new Map<number, Float32Array[]>();

  has(descriptor: Float32Array): boolean {
    const bucket = this.buckets.get(hashDescriptor(descriptor));

    return bucket?.some((other) => sameValues(other, descriptor)) ?? false;
  }

  add(descriptor: Float32Array): void {
    const hash = hashDescriptor(descriptor);
    const bucket = this.buckets.get(hash);
    if (bucket) bucket.push(descriptor);
    else this.buckets.set(hash, [descriptor]);
  }
}

/** FNV-1a over the float bits; 0 and -0 hash alike, as they compare equal. */
function hashDescriptor(descriptor: Float32Array): number {
  const bits = new Uint32Array(
    descriptor.buffer,
    descriptor.byteOffset,
    descriptor.length,
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < descriptor.length; i++) {
    const word = descriptor[i] === 0 ? 0 : (bits[i] ?? 0);
    hash = Math.imul(hash ^ word, 0x01000193);
  }

  return hash >>> 0;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }

  return true;
}
