import {
  forceCloseDatabase,
  IDBDatabase,
  IDBFactory,
  IDBObjectStore,
} from 'fake-indexeddb';
import type { MockInstance } from 'vitest';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ImportPlanError } from '../../engine/gallery/importPlan';
import type { Person } from '../../engine/gallery/types';
import { DESCRIPTOR_LENGTH } from '../../engine/gallery/types';
import type {
  GalleryChannel,
  GalleryErrorCode,
  GalleryStoreOptions,
  NewSample,
} from './store';
import {
  GalleryError,
  GalleryStore,
  MAX_NAME_LENGTH,
  PEOPLE_STORE,
} from './store';

const NOT_KEPT = /will not be kept after the page closes/;

let tick = 0;
let opened: GalleryStore[] = [];
/** console.warn, where the store's logger writes its warnings. */
let warn: MockInstance<typeof console.warn>;

beforeEach(() => {
  tick = 0;
  opened = [];
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  for (const store of opened) store.close();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A clock a second apart per call, and ids that start with `prefix`. */
function seams(prefix: string): Pick<GalleryStoreOptions, 'now' | 'newId'> {
  let id = 0;

  return {
    now: () => new Date(Date.UTC(2024, 0, 1) + ++tick * 1000).toISOString(),
    newId: () => `${prefix}${++id}`,
  };
}

async function openStore(
  indexedDB: IDBFactory | null,
  options: GalleryStoreOptions = {},
): Promise<GalleryStore> {
  const store = await GalleryStore.open({
    indexedDB,
    channel: null,
    ...seams(`id${opened.length}-`),
    ...options,
  });
  opened.push(store);

  return store;
}

function descriptor(seed: number): Float32Array {
  return Float32Array.from({ length: DESCRIPTOR_LENGTH }, (_, i) =>
    Math.sin(seed * 31 + i),
  );
}

function newSample(seed: number): NewSample {
  return {
    descriptor: descriptor(seed),
    thumbnail: `data:image/jpeg;base64,${seed}`,
    quality: {
      score: 0.9,
      sizePx: 120,
      sharpness: 8,
      yaw: 1,
      pitch: 2,
      roll: 3,
    },
  };
}

/** A person as an imported file gives them. */
function filePerson(id: string, name: string, seeds: number[]): Person {
  return {
    id,
    name,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-01-01T00:00:00.000Z',
    samples: seeds.map((seed) => ({
      id: `${id}-s${seed}`,
      descriptor: descriptor(seed),
      createdAt: '2020-01-01T00:00:00.000Z',
    })),
  };
}

/** Each person as "name:samples", in order. */
function summary(store: GalleryStore): string[] {
  return store.people.value.map((p) => `${p.name}:${p.samples.length}`);
}

function person(store: GalleryStore, id: string): Person {
  const found = store.people.value.find((p) => p.id === id);
  if (!found) throw new Error(`no person ${id}`);

  return found;
}

interface Seeded {
  ann: string;
  bob: string;
}

/** Ann with two samples, then Bob with one. */
async function seed(store: GalleryStore): Promise<Seeded> {
  const ann = await store.addSamples('Ann', [newSample(1), newSample(2)]);
  const bob = await store.addSamples('Bob', [newSample(3)]);

  return { ann, bob };
}

const SEEDED = ['Ann:2', 'Bob:1'];

const modes = [
  { mode: 'persistent', factory: () => new IDBFactory() },
  { mode: 'memory', factory: () => null },
] as const;

/** Every change, with the gallery it leaves after seed(). */
const operations: {
  name: string;
  run: (store: GalleryStore, ids: Seeded) => Promise<unknown>;
  expected: string[];
}[] = [
  {
    name: 'addSamples for a new name',
    run: (store) => store.addSamples('Cy', [newSample(4)]),
    expected: ['Ann:2', 'Bob:1', 'Cy:1'],
  },
  {
    name: 'addSamples for a name already there',
    run: (store) => store.addSamples('  aNN ', [newSample(4)]),
    expected: ['Ann:3', 'Bob:1'],
  },
  {
    name: 'rename',
    run: (store, { bob }) => store.rename(bob, ' Rob '),
    expected: ['Ann:2', 'Rob:1'],
  },
  {
    name: 'merge',
    run: (store, { ann, bob }) => store.merge(bob, ann),
    expected: ['Ann:3'],
  },
  {
    name: 'removeSample',
    run: (store, { ann }) =>
      store.removeSample(ann, person(store, ann).samples[0]?.id ?? ''),
    expected: ['Ann:1', 'Bob:1'],
  },
  {
    name: 'removeSample of the last sample',
    run: (store, { bob }) =>
      store.removeSample(bob, person(store, bob).samples[0]?.id ?? ''),
    expected: ['Ann:2'],
  },
  {
    name: 'deletePerson',
    run: (store, { ann }) => store.deletePerson(ann),
    expected: ['Bob:1'],
  },
  {
    name: 'deleteAll',
    run: (store) => store.deleteAll(),
    expected: [],
  },
  {
    name: 'applyImport',
    run: (store) =>
      store.applyImport(
        store.planImport([
          filePerson('f1', 'Dee', [10, 11]),
          filePerson('f2', 'ann', [12]),
        ]),
      ),
    expected: ['Ann:3', 'Bob:1', 'Dee:2'],
  },
];

/** Calls the store must refuse, each with the code it refuses with. */
const refusals: {
  name: string;
  run: (store: GalleryStore, ids: Seeded) => Promise<unknown>;
  code: GalleryErrorCode;
}[] = [
  {
    name: 'a blank name',
    run: (store) => store.addSamples(' \t', [newSample(4)]),
    code: 'invalid-name',
  },
  {
    name: 'a name too long',
    run: (store) =>
      store.addSamples('x'.repeat(MAX_NAME_LENGTH + 1), [newSample(4)]),
    code: 'invalid-name',
  },
  {
    name: 'no samples',
    run: (store) => store.addSamples('Cy', []),
    code: 'invalid-samples',
  },
  {
    name: 'a descriptor of the wrong length',
    run: (store) =>
      store.addSamples('Ann', [
        newSample(4),
        { descriptor: new Float32Array(5) },
      ]),
    code: 'invalid-samples',
  },
  {
    name: 'a descriptor that is not finite',
    run: (store) =>
      store.addSamples('Ann', [
        { descriptor: descriptor(4).fill(Number.NaN, 3, 4) },
      ]),
    code: 'invalid-samples',
  },
  {
    name: 'renaming to a blank name',
    run: (store, { ann }) => store.rename(ann, ''),
    code: 'invalid-name',
  },
  {
    name: "renaming to another person's name",
    run: (store, { ann }) => store.rename(ann, 'BOB'),
    code: 'name-taken',
  },
  {
    name: 'renaming someone who is gone',
    run: (store) => store.rename('nobody', 'Cy'),
    code: 'not-found',
  },
  {
    name: 'merging a person into themselves',
    run: (store, { ann }) => store.merge(ann, ann),
    code: 'same-person',
  },
  {
    name: 'merging from someone who is gone',
    run: (store, { ann }) => store.merge('nobody', ann),
    code: 'not-found',
  },
  {
    name: 'merging into someone who is gone',
    run: (store, { ann }) => store.merge(ann, 'nobody'),
    code: 'not-found',
  },
];

describe.each(modes)('GalleryStore, $mode', ({ mode, factory }) => {
  test('says where the gallery is kept', async () => {
    const store = await openStore(factory());
    const storage = store.storage.value;

    expect(storage.kind).toBe(mode);
    if (storage.kind === 'memory') expect(storage.reason).toMatch(NOT_KEPT);
  });

  test.each(operations)('$name', async ({ run, expected }) => {
    const indexedDB = factory();
    const store = await openStore(indexedDB);
    const ids = await seed(store);
    expect(summary(store)).toEqual(SEEDED);

    await run(store, ids);

    expect(summary(store)).toEqual(expected);
    if (indexedDB) {
      const reopened = await openStore(indexedDB);
      expect(reopened.people.value).toEqual(store.people.value);
    }
  });

  test.each(refusals)('refuses $name and changes nothing', async (refusal) => {
    const indexedDB = factory();
    const store = await openStore(indexedDB);
    const ids = await seed(store);
    const before = store.people.value;

    const error = await refusal.run(store, ids).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GalleryError);
    expect((error as GalleryError).code).toBe(refusal.code);
    expect(store.people.value).toBe(before);
    expect(store.storage.value.kind).toBe(mode);
    if (indexedDB) {
      expect((await openStore(indexedDB)).people.value).toEqual(before);
    }
  });

  test('addSamples builds people with times, ids and copies', async () => {
    const store = await openStore(factory());
    const input = newSample(1);
    const id = await store.addSamples('  Ann Lee ', [input]);
    input.descriptor.fill(0);

    const [ann] = store.people.value;
    expect(ann).toEqual({
      id,
      name: 'Ann Lee',
      createdAt: '2024-01-01T00:00:01.000Z',
      updatedAt: '2024-01-01T00:00:01.000Z',
      samples: [
        {
          id: expect.any(String),
          descriptor: descriptor(1),
          thumbnail: 'data:image/jpeg;base64,1',
          quality: newSample(1).quality,
          createdAt: '2024-01-01T00:00:01.000Z',
        },
      ],
    });

    // Joining keeps the name as first written and the creation time.
    expect(
      await store.addSamples('ann  lee', [{ descriptor: descriptor(2) }]),
    ).toBe(id);
    const joined = person(store, id);
    expect(joined.name).toBe('Ann Lee');
    expect(joined.createdAt).toBe('2024-01-01T00:00:01.000Z');
    expect(joined.updatedAt).toBe('2024-01-01T00:00:02.000Z');
    expect(joined.samples[1]).not.toHaveProperty('thumbnail');
  });

  test('people stay in creation order', async () => {
    const indexedDB = factory();
    const store = await openStore(indexedDB);
    await store.addSamples('Zoe', [newSample(1)]);
    const ann = await store.addSamples('Ann', [newSample(2)]);
    await store.addSamples('Mia', [newSample(3)]);
    await store.rename(ann, 'Abe');
    await store.addSamples('zoe', [newSample(4)]);

    expect(summary(store)).toEqual(['Zoe:2', 'Abe:1', 'Mia:1']);
    if (indexedDB) {
      expect(summary(await openStore(indexedDB))).toEqual(summary(store));
    }
  });

  test('rename may change only the case of a name', async () => {
    const store = await openStore(factory());
    const { ann } = await seed(store);
    await store.rename(ann, 'ANN');

    expect(summary(store)).toEqual(['ANN:2', 'Bob:1']);
  });

  test('a name clash says who has the name and suggests Merge', async () => {
    const store = await openStore(factory());
    const { ann, bob } = await seed(store);
    const error = await store.rename(ann, 'bob').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'name-taken', otherPersonId: bob });
    expect((error as Error).message).toMatch(/Merge/);
  });

  test('merge puts into’s samples first and keeps its name', async () => {
    const store = await openStore(factory());
    const { ann, bob } = await seed(store);
    const bobSample = person(store, bob).samples[0];
    await store.merge(ann, bob);

    expect(summary(store)).toEqual(['Bob:3']);
    expect(person(store, bob).samples[0]).toEqual(bobSample);
  });

  test('removing what is already gone changes nothing', async () => {
    const store = await openStore(factory());
    const { ann } = await seed(store);
    const before = store.people.value;
    await store.removeSample(ann, 'no-such-sample');
    await store.removeSample('nobody', 'no-such-sample');
    await store.deletePerson('nobody');

    expect(store.people.value).toEqual(before);
  });

  test('planImport changes nothing', async () => {
    const store = await openStore(factory());
    await seed(store);
    const before = store.people.value;
    const plan = store.planImport([filePerson('f1', 'Dee', [10])]);

    expect(plan.counts).toMatchObject({ peopleAdded: 1, samplesAdded: 1 });
    expect(store.people.value).toBe(before);
  });

  test('a stale import plan is refused whole', async () => {
    const store = await openStore(factory());
    const { ann } = await seed(store);
    const plan = store.planImport([
      filePerson('f1', 'Dee', [10]),
      filePerson('f2', 'Ann', [11]),
    ]);
    await store.deletePerson(ann);
    const before = store.people.value;

    await expect(store.applyImport(plan)).rejects.toThrow(ImportPlanError);
    expect(store.people.value).toBe(before);
  });

  test('an import plan is stale once a name it adds is taken', async () => {
    const store = await openStore(factory());
    await seed(store);
    const plan = store.planImport([filePerson('f1', 'Dee', [10])]);
    await store.addSamples('dee', [newSample(20)]);

    await expect(store.applyImport(plan)).rejects.toThrow(ImportPlanError);
    expect(summary(store)).toEqual([...SEEDED, 'dee:1']);
  });

  test('changes run in call order', async () => {
    const store = await openStore(factory());
    const ids = await Promise.all([
      store.addSamples('Ann', [newSample(1)]),
      store.addSamples('ann', [newSample(2)]),
      store.addSamples('Bob', [newSample(3)]),
    ]);

    expect(ids[1]).toBe(ids[0]);
    expect(summary(store)).toEqual(['Ann:2', 'Bob:1']);
  });

  test('a closed store refuses changes', async () => {
    const store = await openStore(factory());
    store.close();

    await expect(store.addSamples('Ann', [newSample(1)])).rejects.toThrow(
      /closed/,
    );
  });
});

describe('GalleryStore in two tabs', () => {
  test('changes in one tab do not undo changes in another', async () => {
    const indexedDB = new IDBFactory();
    const a = await openStore(indexedDB, seams('a'));
    const b = await openStore(indexedDB, seams('b'));

    // b has not seen Ann, yet its change joins her stored record.
    const ann = await a.addSamples('Ann', [newSample(1)]);
    expect(await b.addSamples('ANN', [newSample(2)])).toBe(ann);
    await b.addSamples('Bob', [newSample(3)]);

    // a renames Ann from its stale copy: b's sample survives.
    await a.rename(ann, 'Anne');
    await a.reload();
    await b.reload();

    expect(summary(a)).toEqual(['Anne:2', 'Bob:1']);
    expect(b.people.value).toEqual(a.people.value);
  });

  test('changes made at once in two tabs all land', async () => {
    const indexedDB = new IDBFactory();
    const a = await openStore(indexedDB, seams('a'));
    const b = await openStore(indexedDB, seams('b'));

    await Promise.all([
      a.addSamples('Ann', [newSample(1)]),
      b.addSamples('ann', [newSample(2)]),
      a.addSamples('Bob', [newSample(3)]),
      b.addSamples('Cy', [newSample(4)]),
    ]);
    await a.reload();

    expect(summary(a).sort()).toEqual(['Ann:2', 'Bob:1', 'Cy:1']);
  });

  test('a tab hears of changes and re-reads', async () => {
    const indexedDB = new IDBFactory();
    const [channelA, channelB] = channelPair();
    const a = await openStore(indexedDB, { channel: channelA });
    const b = await openStore(indexedDB, { channel: channelB });

    const ann = await a.addSamples('Ann', [newSample(1)]);
    await vi.waitFor(() => expect(summary(b)).toEqual(['Ann:1']));
    await b.rename(ann, 'Anne');
    await vi.waitFor(() => expect(summary(a)).toEqual(['Anne:1']));

    expect(channelA.sent).toEqual([{ type: 'changed' }]);
    expect(channelB.sent).toEqual([{ type: 'changed' }]);
  });

  test('refused and empty changes are not announced', async () => {
    const [channel] = channelPair();
    const store = await openStore(new IDBFactory(), { channel });
    await store.addSamples('', [newSample(1)]).catch(() => undefined);
    await store.removeSample('nobody', 'nothing');

    expect(channel.sent).toEqual([]);
  });

  test('close closes the channel', async () => {
    const [channel] = channelPair();
    const store = await openStore(new IDBFactory(), { channel });
    store.close();

    expect(channel.closed).toBe(true);
  });
});

describe('GalleryStore when storage is unavailable', () => {
  test.each([
    { name: 'indexedDB is null', options: { indexedDB: null } },
    { name: 'the browser has no indexedDB', options: {} },
  ])('$name: memory, with a reason', async ({ options }) => {
    vi.stubGlobal('indexedDB', undefined);
    const [channel] = channelPair();
    const store = await GalleryStore.open({ ...options, channel });
    opened.push(store);

    expect(store.storage.value).toEqual({
      kind: 'memory',
      reason: expect.stringMatching(/private browsing/),
    });
    expect(store.storage.value).toMatchObject({ reason: NOT_KEPT });
    expect(channel.closed).toBe(true);
  });

  test.each([
    {
      name: 'open throws',
      open: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      reason: /would not open the gallery storage \(SecurityError\)/,
    },
    {
      name: 'open fails',
      open: () =>
        fakeOpenRequest((request) => {
          request.error = new DOMException('no', 'InvalidStateError');
          request.onerror?.(new Event('error'));
        }),
      reason: /would not open the gallery storage \(InvalidStateError\)/,
    },
    {
      name: 'open is blocked',
      open: () =>
        fakeOpenRequest((request) => request.onblocked?.(new Event('blocked'))),
      reason: /Another Visage tab/,
    },
    {
      name: 'open never answers',
      open: () => fakeOpenRequest(() => undefined),
      reason: /did not open within/,
    },
  ])('$name: memory, with a reason', async ({ open, reason }) => {
    const indexedDB = { open } as unknown as IDBFactory;
    const store = await openStore(indexedDB, { openTimeoutMs: 20 });

    expect(store.storage.value).toMatchObject({ kind: 'memory', reason });
    expect(store.storage.value).toMatchObject({ reason: NOT_KEPT });
    await store.addSamples('Ann', [newSample(1)]);
    expect(summary(store)).toEqual(['Ann:1']);
  });

  test('a database opened after being blocked is closed', async () => {
    const close = vi.fn();
    const indexedDB = {
      open: () =>
        fakeOpenRequest((request) => {
          request.onblocked?.(new Event('blocked'));
          request.result = { close } as unknown as IDBDatabase;
          request.onsuccess?.(new Event('success'));
        }),
    } as unknown as IDBFactory;
    await openStore(indexedDB);

    expect(close).toHaveBeenCalled();
  });

  test('a database upgraded by a newer version: memory', async () => {
    const indexedDB = new IDBFactory();
    await new Promise((resolve) => {
      const request = indexedDB.open('visage', 2);
      request.onsuccess = () => resolve(request.result.close());
    });
    const store = await openStore(indexedDB);

    expect(store.storage.value).toMatchObject({
      kind: 'memory',
      reason: /newer version of Visage/,
    });
  });

  test('a database that cannot be read: memory', async () => {
    vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(() => {
      throw new DOMException('broken', 'UnknownError');
    });
    const store = await openStore(new IDBFactory());

    expect(store.storage.value).toMatchObject({
      kind: 'memory',
      reason: /Reading the gallery storage failed \(UnknownError\)/,
    });
  });
});

describe('GalleryStore when a write fails', () => {
  const failures = [
    {
      name: 'quota',
      fail: throwing(new DOMException('full', 'QuotaExceededError')),
      reason: /full \(quota exceeded\)/,
    },
    {
      name: 'another error',
      fail: throwing(new DOMException('disk', 'UnknownError')),
      reason: /Saving the gallery failed \(UnknownError\)/,
    },
    { name: 'an abort', fail: aborting, reason: /Saving the gallery failed/ },
  ];

  test.each(failures)(
    '$name: the change lands in memory, the stored gallery stays',
    async ({ fail, reason }) => {
      const indexedDB = new IDBFactory();
      const [channel] = channelPair();
      const store = await openStore(indexedDB, { channel });
      await seed(store);
      const stored = store.people.value;

      const restore = fail();
      await store.addSamples('Ann', [newSample(4)]);
      restore();

      expect(summary(store)).toEqual(['Ann:3', 'Bob:1']);
      expect(store.storage.value).toMatchObject({ kind: 'memory', reason });
      expect(store.storage.value).toMatchObject({ reason: NOT_KEPT });
      expect((await openStore(indexedDB)).people.value).toEqual(stored);
      expect(channel.closed).toBe(true);
      expect(channel.sent).toHaveLength(2);
      expect(JSON.stringify(warn.mock.calls)).not.toMatch(/Ann|Bob/);

      // From now on IndexedDB is left alone.
      const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
      await store.addSamples('Cy', [newSample(5)]);
      await store.reload();
      expect(transaction).not.toHaveBeenCalled();
      expect(summary(store)).toEqual(['Ann:3', 'Bob:1', 'Cy:1']);
    },
  );

  test.each(operations)(
    '$name: made in memory as it would be in storage',
    async ({ run, expected }) => {
      const indexedDB = new IDBFactory();
      const store = await openStore(indexedDB);
      const ids = await seed(store);

      const restore = failEveryWrite();
      await run(store, ids);
      restore();

      expect(summary(store)).toEqual(expected);
      expect(store.storage.value.kind).toBe('memory');
      expect(summary(await openStore(indexedDB))).toEqual(SEEDED);
    },
  );
});

describe('GalleryStore and the database going away', () => {
  test('another tab deleting the database closes ours', async () => {
    const indexedDB = new IDBFactory();
    const store = await openStore(indexedDB);
    await seed(store);

    await new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase('visage');
      request.onsuccess = resolve;
      request.onblocked = () => reject(new Error('blocked'));
    });

    expect(store.storage.value).toMatchObject({
      kind: 'memory',
      reason: /upgrading or deleting/,
    });
    await store.addSamples('Cy', [newSample(5)]);
    expect(summary(store)).toEqual([...SEEDED, 'Cy:1']);
  });

  test('the browser closing the database: memory', async () => {
    const indexedDB = new IDBFactory();
    const open = indexedDB.open.bind(indexedDB);
    let request: IDBOpenDBRequest | undefined;
    indexedDB.open = (...args) => (request = open(...args));
    const store = await openStore(indexedDB);

    forceCloseDatabase(request?.result as unknown as typeof IDBDatabase);

    expect(store.storage.value).toMatchObject({
      kind: 'memory',
      reason: /site data may have been cleared/,
    });
  });
});

describe('GalleryStore and broken records', () => {
  test('skips them with a warning that names no one', async () => {
    const indexedDB = new IDBFactory();
    const first = await openStore(indexedDB);
    await seed(first);
    first.close();

    const good = { ...first.people.value[0], nameKey: 'ann', order: 0 };
    const goodSample = good.samples?.[0];
    await putRaw(indexedDB, [
      { id: 'r1', name: 'Secret One', nameKey: 'secret one', order: 5 },
      {
        ...good,
        id: 'r2',
        name: 'Secret Two',
        nameKey: 'secret two',
        samples: [{ ...goodSample, descriptor: new Float32Array(5) }],
      },
      {
        ...good,
        id: 'r3',
        name: 'Secret Three',
        nameKey: 'secret three',
        samples: [{ ...goodSample, quality: { score: 'high' } }],
      },
      { ...good, id: 'r4', name: 42, nameKey: 'x', order: 'last' },
    ]);

    const store = await openStore(indexedDB);

    expect(summary(store)).toEqual(SEEDED);
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).toMatch(/skipped 4 stored people/);
    expect(logged).toMatch(/descriptor/);
    expect(logged).not.toMatch(/Secret|Ann|Bob/);

    // Changes carry on around them.
    await store.addSamples('Secret One', [newSample(6)]);
    expect(summary(store)).toEqual([...SEEDED, 'Secret One:1']);
    expect(summary(await openStore(indexedDB))).toEqual(summary(store));
    await store.deleteAll();
    expect(await countRaw(indexedDB)).toBe(0);
  });
});

/** Two fake BroadcastChannels joined to each other. */
function channelPair(): [FakeChannel, FakeChannel] {
  const a = new FakeChannel();
  const b = new FakeChannel();
  a.other = b;
  b.other = a;

  return [a, b];
}

class FakeChannel implements GalleryChannel {
  other: FakeChannel | null = null;
  readonly sent: unknown[] = [];
  closed = false;
  onmessage: ((event: MessageEvent) => void) | null = null;

  postMessage(message: unknown): void {
    this.sent.push(message);
    setTimeout(() => {
      const other = this.other;
      if (other && !other.closed) {
        other.onmessage?.(new MessageEvent('message', { data: message }));
      }
    }, 0);
  }

  close(): void {
    this.closed = true;
  }
}

interface OpenRequestFake {
  result: IDBDatabase | undefined;
  error: DOMException | null;
  onsuccess: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  onblocked: ((event: Event) => void) | null;
  onupgradeneeded: ((event: Event) => void) | null;
}

/** An open request that does `act` a moment after it is made. */
function fakeOpenRequest(act: (request: OpenRequestFake) => void): unknown {
  const request: OpenRequestFake = {
    result: undefined,
    error: null,
    onsuccess: null,
    onerror: null,
    onblocked: null,
    onupgradeneeded: null,
  };
  setTimeout(() => act(request), 0);

  return request;
}

function throwing(error: DOMException): () => () => void {
  return () => {
    const put = vi.spyOn(IDBObjectStore.prototype, 'put');
    put.mockImplementation(() => {
      throw error;
    });

    return () => put.mockRestore();
  };
}

/** Every put goes through, then its transaction aborts. */
function aborting(): () => void {
  const original = IDBObjectStore.prototype.put;
  const put = vi.spyOn(IDBObjectStore.prototype, 'put');
  put.mockImplementation(function (this: IDBObjectStore, value, key) {
    const request = original.call(this, value, key);
    this.transaction.abort();

    return request;
  });

  return () => put.mockRestore();
}

/** put, delete and clear all fail as a full disk does. */
function failEveryWrite(): () => void {
  const quota = () => {
    throw new DOMException('full', 'QuotaExceededError');
  };
  const spies = [
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(quota),
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(quota),
    vi.spyOn(IDBObjectStore.prototype, 'clear').mockImplementation(quota),
  ];

  return () => spies.forEach((spy) => spy.mockRestore());
}

function rawTransaction(
  indexedDB: IDBFactory,
  work: (store: IDBObjectStore) => IDBRequest | void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('visage');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const transaction = db.transaction(PEOPLE_STORE, 'readwrite');
      const request = work(transaction.objectStore(PEOPLE_STORE));
      transaction.oncomplete = () => {
        db.close();
        resolve(request?.result);
      };
      transaction.onabort = () => reject(transaction.error);
    };
  });
}

function putRaw(indexedDB: IDBFactory, records: unknown[]): Promise<unknown> {
  return rawTransaction(indexedDB, (store) => {
    for (const record of records) store.put(record);
  });
}

function countRaw(indexedDB: IDBFactory): Promise<unknown> {
  return rawTransaction(indexedDB, (store) => store.count());
}
