/**
 * The gallery as the UI sees it: everyone enrolled, as a signal, kept in
 * IndexedDB so it survives a reload. Every change is one readwrite
 * transaction that reads the records it changes inside that transaction, so
 * two tabs editing at once never overwrite each other's work; a
 * BroadcastChannel then tells the other tabs to re-read. Where storage is
 * missing or fails, the gallery carries on in memory and `storage` says why.
 */
import { signal } from '@preact/signals';
import type { ReadonlySignal, Signal } from '@preact/signals';
import type { ImportPlan } from '../../engine/gallery/importPlan';
import {
  applyImport as applyImportPlan,
  ImportPlanError,
  nameKey,
  planImport,
} from '../../engine/gallery/importPlan';
import type { Person, Sample, SampleQuality } from '../../engine/gallery/types';
import { DESCRIPTOR_LENGTH } from '../../engine/gallery/types';
import { logger } from '../log';

const log = logger('gallery');

/** The IndexedDB database the gallery lives in, unless told otherwise. */
export const DATABASE_NAME = 'visage';
/** The database version this code creates and reads. */
export const DATABASE_VERSION = 1;
/** The object store holding one record per person, keyed by `id`. */
export const PEOPLE_STORE = 'people';
/** The BroadcastChannel on which tabs say the gallery changed. */
export const CHANNEL_NAME = 'visage-gallery';
/** The longest name, in UTF-16 code units (an input's `maxlength`). */
export const MAX_NAME_LENGTH = 100;

/** Where the gallery is kept. */
export type StorageState =
  | { kind: 'loading' }
  | { kind: 'persistent' }
  /**
   * Storage failed or is unavailable: changes live only until the page
   * closes. `reason` is a sentence for the user.
   */
  | { kind: 'memory'; reason: string };

/** A face to enrol; the store gives it an id and a time. */
export interface NewSample {
  descriptor: Float32Array;
  thumbnail?: string;
  quality?: SampleQuality;
}

/** Why a GalleryError was thrown, for a UI that offers a way out. */
export type GalleryErrorCode =
  /** The name is blank or too long. */
  | 'invalid-name'
  /** Another person has the name; `otherPersonId` says who. */
  | 'name-taken'
  /** The person is not in the gallery (another tab may have removed them). */
  | 'not-found'
  /** addSamples got no samples, or one whose descriptor is not usable. */
  | 'invalid-samples'
  /** merge was asked to merge a person into themselves. */
  | 'same-person';

/**
 * A change the gallery refused; its message is a sentence for the user.
 * Nothing changed when one is thrown.
 */
export class GalleryError extends Error {
  override readonly name = 'GalleryError';

  constructor(
    message: string,
    readonly code: GalleryErrorCode,
    /** For 'name-taken': the person who has the name already. */
    readonly otherPersonId?: string,
  ) {
    super(message);
  }
}

/** The part of a BroadcastChannel the store uses. */
export interface GalleryChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/** The message a tab posts after it changed the stored gallery. */
export interface GalleryChangedMessage {
  type: 'changed';
}

/** Test seams and settings for GalleryStore.open. */
export interface GalleryStoreOptions {
  /**
   * Where to store the gallery. Defaults to `globalThis.indexedDB`; null
   * (or none there, as in some private windows) keeps it in memory.
   */
  indexedDB?: IDBFactory | null;
  /**
   * Tells other tabs about changes and hears theirs. Defaults to a
   * BroadcastChannel named CHANNEL_NAME where there is one; null for none.
   * The store closes it.
   */
  channel?: GalleryChannel | null;
  /** The time now as ISO 8601. Defaults to the clock. */
  now?: () => string;
  /** Makes person and sample ids. Defaults to crypto.randomUUID(). */
  newId?: () => string;
  /** Defaults to DATABASE_NAME. */
  databaseName?: string;
  /**
   * How long opening the database may take before the gallery stays in
   * memory instead (some browsers never answer). Defaults to 10,000 ms.
   */
  openTimeoutMs?: number;
}

/** A person and their place in the gallery's order. */
interface Entry {
  person: Person;
  /** Creation order: a new person gets one more than the highest. */
  order: number;
}

/** A person as the 'people' store holds them. */
interface PersonRecord extends Person {
  /** nameKey(name), indexed, to find a person by name in a transaction. */
  nameKey: string;
  /** Entry.order, indexed, to number a new person in a transaction. */
  order: number;
}

/**
 * What a change may do to the gallery. The same change code runs against
 * IndexedDB inside one transaction or against the people in memory.
 */
interface PeopleAccess {
  get(id: string): Promise<Entry | undefined>;
  findByName(key: string): Promise<Entry | undefined>;
  /** Everyone readable, in order. */
  all(): Promise<Entry[]>;
  /** The order for a new person. */
  nextOrder(): Promise<number>;
  put(entry: Entry): void;
  remove(id: string): void;
  clear(): void;
}

/** A change's writes, applied to memory once they are stored. */
type Write =
  | { kind: 'put'; entry: Entry }
  | { kind: 'remove'; id: string }
  | { kind: 'clear' };

/** A change to the gallery; throws GalleryError before any write. */
type Change<R> = (access: PeopleAccess) => Promise<R>;

/** Everything about the store that tests may replace. */
interface Seams {
  now: () => string;
  newId: () => string;
}

const NOT_KEPT = 'will not be kept after the page closes';

/** Sentences for StorageState.reason, one per way storage can fail. */
const REASONS = {
  unavailable:
    'This browser offers no storage for the gallery here (private ' +
    `browsing can do this), so the gallery ${NOT_KEPT}.`,
  blocked:
    'Another Visage tab is holding the gallery storage, so the gallery ' +
    `${NOT_KEPT}. Close other Visage tabs and reload this page.`,
  newerVersion:
    'A newer version of Visage has upgraded the gallery storage, so the ' +
    `gallery here ${NOT_KEPT}. Reload the page.`,
  timeout: (ms: number) =>
    `The gallery storage did not open within ${formatWait(ms)}, so the ` +
    `gallery ${NOT_KEPT}.`,
  openFailed: (error: unknown) =>
    `The browser would not open the gallery storage (${errorName(error)}), ` +
    `so the gallery ${NOT_KEPT}.`,
  readFailed: (error: unknown) =>
    `Reading the gallery storage failed (${errorName(error)}), so changes ` +
    `${NOT_KEPT}.`,
  versionChange:
    'Another tab is upgrading or deleting the gallery storage, so changes ' +
    `here ${NOT_KEPT}. Reload the page.`,
  closedByBrowser:
    'The browser closed the gallery storage (site data may have been ' +
    `cleared), so changes from now on ${NOT_KEPT}.`,
  quota:
    "The browser's storage for this site is full (quota exceeded), so " +
    `changes from now on ${NOT_KEPT}. Export the gallery to keep them.`,
  writeFailed: (error: unknown) =>
    `Saving the gallery failed (${errorName(error)}), so changes from now ` +
    `on ${NOT_KEPT}. Export the gallery to keep them.`,
};

/**
 * The enrolled people, stored in IndexedDB where the browser allows and in
 * memory where it does not. Changes run one at a time, in call order.
 */
export class GalleryStore {
  /** Everyone, in creation order. Treat as read-only: changes replace it. */
  readonly people: ReadonlySignal<readonly Person[]>;
  /** Where the gallery is kept; never 'loading' once open() resolved. */
  readonly storage: ReadonlySignal<StorageState>;

  private readonly peopleSignal = signal<readonly Person[]>([]);
  private readonly storageSignal: Signal<StorageState>;
  private entries: ReadonlyMap<string, Entry> = new Map();
  private db: IDBDatabase | null;
  private channel: GalleryChannel | null;
  private readonly seams: Seams;
  /** The last queued task; the next one waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /**
   * Opens the database and loads everyone; never throws: on failure storage
   * is memory with a reason.
   */
  static async open(options: GalleryStoreOptions = {}): Promise<GalleryStore> {
    const seams: Seams = {
      now: options.now ?? (() => new Date().toISOString()),
      newId: options.newId ?? (() => crypto.randomUUID()),
    };
    const inMemory = (reason: string): GalleryStore => {
      log.warn(`keeping the gallery in memory: ${reason}`);
      options.channel?.close();

      return new GalleryStore(seams, null, null, [], reason);
    };

    const factory =
      options.indexedDB === undefined ? defaultIndexedDB() : options.indexedDB;
    if (!factory) return inMemory(REASONS.unavailable);

    const opened = await openDatabase(
      factory,
      options.databaseName ?? DATABASE_NAME,
      options.openTimeoutMs ?? 10_000,
    );
    if ('reason' in opened) return inMemory(opened.reason);

    let entries: Entry[];
    try {
      entries = await transact(opened.db, 'readonly', readEveryone);
    } catch (error) {
      opened.db.close();

      return inMemory(REASONS.readFailed(error));
    }
    const channel =
      options.channel === undefined ? defaultChannel() : options.channel;

    return new GalleryStore(seams, opened.db, channel, entries, null);
  }

  private constructor(
    seams: Seams,
    db: IDBDatabase | null,
    channel: GalleryChannel | null,
    entries: readonly Entry[],
    memoryReason: string | null,
  ) {
    this.seams = seams;
    this.db = db;
    this.channel = channel;
    this.people = this.peopleSignal;
    this.storageSignal = signal<StorageState>(
      memoryReason === null
        ? { kind: 'persistent' }
        : { kind: 'memory', reason: memoryReason },
    );
    this.storage = this.storageSignal;
    this.setEntries(new Map(entries.map((e) => [e.person.id, e])));

    if (db) {
      db.onversionchange = () => this.useMemory(REASONS.versionChange);
      db.onclose = () => this.useMemory(REASONS.closedByBrowser);
    }
    if (channel) {
      channel.onmessage = (event) => {
        if (isChangedMessage(event.data)) void this.reload();
      };
    }
  }

  /**
   * Adds samples to the person whose name matches (see nameKey), or to a
   * new person with that name, trimmed; returns the person's id.
   * GalleryError for a blank name, one over MAX_NAME_LENGTH, no samples, or
   * a descriptor that is not DESCRIPTOR_LENGTH finite numbers.
   */
  async addSamples(
    name: string,
    samples: readonly NewSample[],
  ): Promise<string> {
    const trimmed = checkName(name);
    checkSamples(samples);

    return this.change(async (access) => {
      const time = this.seams.now();
      const added = samples.map((sample) => this.makeSample(sample, time));

      const existing = await access.findByName(nameKey(trimmed));
      if (existing) {
        const { person } = existing;
        access.put({
          ...existing,
          person: {
            ...person,
            samples: [...person.samples, ...added],
            updatedAt: time,
          },
        });

        return person.id;
      }

      // An id from a test seam could repeat; a random UUID never will.
      let id = this.seams.newId();
      while (await access.get(id)) id = this.seams.newId();
      access.put({
        order: await access.nextOrder(),
        person: {
          id,
          name: trimmed,
          samples: added,
          createdAt: time,
          updatedAt: time,
        },
      });

      return id;
    });
  }

  /**
   * Renames a person. GalleryError if the name is blank or too long, the
   * person is gone, or another person has that name (code 'name-taken',
   * with their id: the UI can offer Merge).
   */
  async rename(personId: string, name: string): Promise<void> {
    const trimmed = checkName(name);

    return this.change(async (access) => {
      const entry = await access.get(personId);
      if (!entry) throw notFound();

      const other = await access.findByName(nameKey(trimmed));
      if (other && other.person.id !== personId) {
        throw new GalleryError(
          `Someone in the gallery is already called “${other.person.name}”. ` +
            'To put the two together, use Merge instead.',
          'name-taken',
          other.person.id,
        );
      }
      if (entry.person.name === trimmed) return;

      access.put({
        ...entry,
        person: { ...entry.person, name: trimmed, updatedAt: this.seams.now() },
      });
    });
  }

  /**
   * All of from's samples move to into, after into's own; from is deleted
   * and into keeps its name and place. GalleryError if either is gone or
   * they are the same person.
   */
  async merge(fromId: string, intoId: string): Promise<void> {
    if (fromId === intoId) {
      throw new GalleryError(
        'Choose two different people to merge.',
        'same-person',
      );
    }

    return this.change(async (access) => {
      const from = await access.get(fromId);
      const into = await access.get(intoId);
      if (!from || !into) throw notFound();

      access.put({
        ...into,
        person: {
          ...into.person,
          samples: [...into.person.samples, ...from.person.samples],
          updatedAt: this.seams.now(),
        },
      });
      access.remove(fromId);
    });
  }

  /**
   * Removes one sample; a person left with no samples is deleted. A person
   * or sample already gone is not an error: there is nothing to remove.
   */
  async removeSample(personId: string, sampleId: string): Promise<void> {
    return this.change(async (access) => {
      const entry = await access.get(personId);
      if (!entry) return;

      const samples = entry.person.samples.filter((s) => s.id !== sampleId);
      if (samples.length === entry.person.samples.length) return;

      if (samples.length === 0) {
        access.remove(personId);
      } else {
        access.put({
          ...entry,
          person: { ...entry.person, samples, updatedAt: this.seams.now() },
        });
      }
    });
  }

  /** Deletes a person and their samples; one already gone is no error. */
  async deletePerson(personId: string): Promise<void> {
    return this.change(async (access) => {
      if (await access.get(personId)) access.remove(personId);
    });
  }

  /** Deletes everyone, including stored records that could not be read. */
  async deleteAll(): Promise<void> {
    return this.change(async (access) => access.clear());
  }

  /** planImport against the current people (pure; no change). */
  planImport(incoming: readonly Person[]): ImportPlan {
    return planImport(this.peopleSignal.peek(), incoming, {
      newId: this.seams.newId,
      now: this.seams.now(),
    });
  }

  /**
   * Applies the plan in ONE IndexedDB transaction (re-reading current
   * records inside it, so a stale plan throws ImportPlanError and nothing
   * changes). A plan is stale too when a name it adds has been taken since.
   */
  async applyImport(plan: ImportPlan): Promise<void> {
    return this.change(async (access) => {
      const before = await access.all();
      const people = applyImportPlan(
        before.map((entry) => entry.person),
        plan,
      );

      const names = new Set(before.map((entry) => nameKey(entry.person.name)));
      if (plan.add.some((person) => names.has(nameKey(person.name)))) {
        throw new ImportPlanError(
          'The gallery changed after this import was planned (a name it ' +
            'adds is now taken); plan the import again.',
        );
      }

      // Merged people keep their place; new people come last.
      const byId = new Map(before.map((entry) => [entry.person.id, entry]));
      let order = await access.nextOrder();
      for (const person of people) {
        const entry = byId.get(person.id);
        if (!entry) access.put({ person, order: order++ });
        else if (entry.person !== person) access.put({ ...entry, person });
      }
    });
  }

  /**
   * Re-reads from the database (used when another tab changed it). Does
   * nothing in memory, where this page holds the only copy.
   */
  async reload(): Promise<void> {
    return this.enqueue(async () => {
      const db = this.db;
      if (this.closed || !db) return;

      try {
        const entries = await transact(db, 'readonly', readEveryone);
        this.setEntries(new Map(entries.map((e) => [e.person.id, e])));
      } catch (error) {
        this.useMemory(REASONS.readFailed(error));
      }
    });
  }

  /** Closes the database and the channel; later changes throw. */
  close(): void {
    this.closed = true;
    this.release();
  }

  /**
   * Runs a change in one transaction and then in memory; where the
   * transaction fails for a reason other than the change's own checks,
   * storage becomes memory and the change is made there instead.
   */
  private change<R>(change: Change<R>): Promise<R> {
    return this.enqueue(async () => {
      if (this.closed) throw new Error('The gallery store is closed.');

      const db = this.db;
      if (db) {
        try {
          const writes: Write[] = [];
          const result = await transact(db, 'readwrite', (store) =>
            change(recording(databaseAccess(store), writes)),
          );
          this.applyWrites(writes);
          if (writes.length > 0) this.announce();

          return result;
        } catch (error) {
          if (error instanceof GalleryError) throw error;
          if (error instanceof ImportPlanError) throw error;
          this.useMemory(writeFailureReason(error));
        }
      }

      const writes: Write[] = [];
      const result = await change(
        recording(memoryAccess(this.entries), writes),
      );
      this.applyWrites(writes);

      return result;
    });
  }

  /** Runs `task` after every task queued before it, failed or not. */
  private enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);

    return run;
  }

  private applyWrites(writes: readonly Write[]): void {
    const entries = new Map(this.entries);
    for (const write of writes) {
      if (write.kind === 'put') entries.set(write.entry.person.id, write.entry);
      else if (write.kind === 'remove') entries.delete(write.id);
      else entries.clear();
    }
    this.setEntries(entries);
  }

  private setEntries(entries: ReadonlyMap<string, Entry>): void {
    this.entries = entries;
    this.peopleSignal.value = [...entries.values()]
      .sort(byOrder)
      .map((entry) => entry.person);
  }

  private announce(): void {
    const message: GalleryChangedMessage = { type: 'changed' };
    try {
      this.channel?.postMessage(message);
    } catch (error) {
      log.warn('could not tell other tabs about a change', errorName(error));
    }
  }

  /** From now on the gallery lives in memory only; IndexedDB is let go. */
  private useMemory(reason: string): void {
    if (this.storageSignal.peek().kind === 'memory') return;

    // Reasons name errors by kind only, never a person.
    log.warn(`keeping the gallery in memory: ${reason}`);
    this.storageSignal.value = { kind: 'memory', reason };
    this.release();
  }

  private release(): void {
    if (this.db) {
      this.db.onversionchange = null;
      this.db.onclose = null;
      this.db.close();
      this.db = null;
    }
    if (this.channel) {
      this.channel.onmessage = null;
      this.channel.close();
      this.channel = null;
    }
  }

  private makeSample(input: NewSample, createdAt: string): Sample {
    const sample: Sample = {
      id: this.seams.newId(),
      descriptor: input.descriptor.slice(),
      createdAt,
    };
    if (input.thumbnail !== undefined) sample.thumbnail = input.thumbnail;
    if (input.quality !== undefined) sample.quality = { ...input.quality };

    return sample;
  }
}

/** The trimmed name, or GalleryError. */
function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') {
    throw new GalleryError('Enter a name.', 'invalid-name');
  }
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new GalleryError(
      `A name can be at most ${MAX_NAME_LENGTH} characters; this one has ` +
        `${trimmed.length}.`,
      'invalid-name',
    );
  }

  return trimmed;
}

function checkSamples(samples: readonly NewSample[]): void {
  if (samples.length === 0) {
    throw new GalleryError(
      'There is no face sample to add: capture a face first.',
      'invalid-samples',
    );
  }
  for (const { descriptor } of samples) {
    if (!isDescriptor(descriptor)) {
      throw new GalleryError(
        'A face sample could not be used: its descriptor is not ' +
          `${DESCRIPTOR_LENGTH} finite numbers. Capture the face again.`,
        'invalid-samples',
      );
    }
  }
}

function isDescriptor(value: unknown): value is Float32Array {
  return (
    value instanceof Float32Array &&
    value.length === DESCRIPTOR_LENGTH &&
    value.every(Number.isFinite)
  );
}

function notFound(): GalleryError {
  return new GalleryError(
    'That person is no longer in the gallery (another tab may have ' +
      'removed them).',
    'not-found',
  );
}

function byOrder(a: Entry, b: Entry): number {
  if (a.order !== b.order) return a.order - b.order;

  return a.person.id < b.person.id ? -1 : a.person.id > b.person.id ? 1 : 0;
}

function isChangedMessage(data: unknown): data is GalleryChangedMessage {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === 'changed'
  );
}

/** An error's name (QuotaExceededError, ...): never its message or data. */
function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error) {
    const { name } = error as { name: unknown };
    if (typeof name === 'string' && name !== '') return name;
  }

  return 'unknown error';
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} seconds`;
}

function writeFailureReason(error: unknown): string {
  const name = errorName(error);
  const quota = name === 'QuotaExceededError' || /QUOTA/.test(name);

  return quota ? REASONS.quota : REASONS.writeFailed(error);
}

function defaultIndexedDB(): IDBFactory | null {
  try {
    return globalThis.indexedDB ?? null;
  } catch {
    // Some browsers throw on access when storage is blocked.
    return null;
  }
}

function defaultChannel(): GalleryChannel | null {
  if (typeof BroadcastChannel !== 'function') return null;

  return new BroadcastChannel(CHANNEL_NAME);
}

/** Opens the database, creating its store and indexes on first use. */
function openDatabase(
  factory: IDBFactory,
  name: string,
  timeoutMs: number,
): Promise<{ db: IDBDatabase } | { reason: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) settle({ reason: REASONS.timeout(timeoutMs) });
    }, timeoutMs);
    const settle = (outcome: { db: IDBDatabase } | { reason: string }) => {
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };

    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, DATABASE_VERSION);
    } catch (error) {
      settle({ reason: REASONS.openFailed(error) });

      return;
    }

    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(PEOPLE_STORE)) {
        const store = db.createObjectStore(PEOPLE_STORE, { keyPath: 'id' });
        store.createIndex('nameKey', 'nameKey');
        store.createIndex('order', 'order');
      }
    };
    request.onsuccess = () => {
      // Too late (blocked or timed out): the page already uses memory.
      if (settled) request.result.close();
      else settle({ db: request.result });
    };
    request.onerror = () => {
      if (settled) return;
      const { error } = request;
      settle({
        reason:
          error?.name === 'VersionError'
            ? REASONS.newerVersion
            : REASONS.openFailed(error),
      });
    };
    request.onblocked = () => {
      if (!settled) settle({ reason: REASONS.blocked });
    };
  });
}

/**
 * Runs `body` in one transaction and resolves once it has committed. If the
 * body throws, the transaction is aborted and its error is the result;
 * otherwise an abort (a failed write, quota) rejects with the cause.
 */
function transact<R>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => Promise<R>,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const transaction = db.transaction(PEOPLE_STORE, mode);
    let outcome: { value: R } | { error: unknown } | undefined;

    transaction.oncomplete = () => {
      if (outcome && 'value' in outcome) resolve(outcome.value);
      else reject(outcome?.error ?? new Error('Transaction ended early.'));
    };
    transaction.onabort = () => {
      if (outcome && 'error' in outcome) reject(outcome.error);
      else reject(transaction.error ?? abortError());
    };

    body(transaction.objectStore(PEOPLE_STORE)).then(
      (value) => {
        outcome = { value };
      },
      (error: unknown) => {
        outcome = { error };
        try {
          transaction.abort();
        } catch {
          // Already finished: oncomplete or onabort reports it.
        }
      },
    );
  });
}

function abortError(): Error {
  return new DOMException('The transaction was aborted.', 'AbortError');
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? abortError());
  });
}

/** The gallery's people as one transaction's store sees them. */
function databaseAccess(store: IDBObjectStore): PeopleAccess {
  return {
    async get(id) {
      const entry = readRecord(await request(store.get(id)));

      return typeof entry === 'string' ? undefined : entry;
    },
    async findByName(key) {
      const records = await request(store.index('nameKey').getAll(key));

      return records.map(readRecord).find(isEntry);
    },
    all: () => readEveryone(store),
    nextOrder: () =>
      new Promise((resolve, reject) => {
        // The highest order first; a broken record's non-number is skipped.
        const req = store.index('order').openKeyCursor(null, 'prev');
        req.onsuccess = () => {
          const cursor = req.result;
          if (!cursor) resolve(0);
          else if (Number.isFinite(cursor.key)) {
            resolve(Math.floor(cursor.key as number) + 1);
          } else cursor.continue();
        };
        req.onerror = () => reject(req.error ?? abortError());
      }),
    put: (entry) => void store.put(toRecord(entry)),
    remove: (id) => void store.delete(id),
    clear: () => void store.clear(),
  };
}

/** Every readable person in order; broken records are skipped and logged. */
async function readEveryone(store: IDBObjectStore): Promise<Entry[]> {
  const entries: Entry[] = [];
  const problems: string[] = [];
  for (const record of await request(store.getAll())) {
    const entry = readRecord(record);
    if (typeof entry === 'string') problems.push(entry);
    else entries.push(entry);
  }
  if (problems.length > 0) {
    log.warn(
      `skipped ${problems.length} stored ${
        problems.length === 1 ? 'person' : 'people'
      } that could not be read: ${problems.join('; ')}`,
    );
  }

  return entries.sort(byOrder);
}

function toRecord({ person, order }: Entry): PersonRecord {
  return {
    id: person.id,
    name: person.name,
    samples: person.samples.map(copySample),
    createdAt: person.createdAt,
    updatedAt: person.updatedAt,
    nameKey: nameKey(person.name),
    order,
  };
}

/** Only a sample's own fields, so nothing unclonable reaches the store. */
function copySample(sample: Sample): Sample {
  const copy: Sample = {
    id: sample.id,
    descriptor: sample.descriptor,
    createdAt: sample.createdAt,
  };
  if (sample.thumbnail !== undefined) copy.thumbnail = sample.thumbnail;
  if (sample.quality !== undefined) copy.quality = copyQuality(sample.quality);

  return copy;
}

function copyQuality(quality: SampleQuality): SampleQuality {
  const { score, sizePx, sharpness, yaw, pitch, roll } = quality;

  return { score, sizePx, sharpness, yaw, pitch, roll };
}

const QUALITY_KEYS = [
  'score',
  'sizePx',
  'sharpness',
  'yaw',
  'pitch',
  'roll',
] as const;

/**
 * A stored record as an Entry, or what is wrong with it. The problem names
 * fields and positions only, never a name or a number of a descriptor.
 */
function readRecord(value: unknown): Entry | string {
  if (!isObject(value)) return 'a record is not an object';
  const { id, name, createdAt, updatedAt, order, samples } = value;
  if (typeof id !== 'string' || id === '') return 'a record has no id';
  if (typeof name !== 'string') return 'a record has no name';
  if (typeof createdAt !== 'string' || typeof updatedAt !== 'string') {
    return 'a record has no createdAt or updatedAt';
  }
  if (typeof order !== 'number' || !Number.isFinite(order)) {
    return 'a record has no order';
  }
  if (!Array.isArray(samples)) return 'a record has no samples';

  const read: Sample[] = [];
  for (const [i, sample] of samples.entries()) {
    const at = `samples[${i}]`;
    if (!isObject(sample)) return `a record's ${at} is not an object`;
    if (typeof sample.id !== 'string' || typeof sample.createdAt !== 'string') {
      return `a record's ${at} has no id or createdAt`;
    }
    if (!isDescriptor(sample.descriptor)) {
      return (
        `a record's ${at}.descriptor is not ${DESCRIPTOR_LENGTH} finite ` +
        'numbers in a Float32Array'
      );
    }
    const copy: Sample = {
      id: sample.id,
      descriptor: sample.descriptor,
      createdAt: sample.createdAt,
    };
    if (sample.thumbnail !== undefined) {
      if (typeof sample.thumbnail !== 'string') {
        return `a record's ${at}.thumbnail is not text`;
      }
      copy.thumbnail = sample.thumbnail;
    }
    if (sample.quality !== undefined) {
      const quality = sample.quality;
      if (
        !isObject(quality) ||
        !QUALITY_KEYS.every((key) => typeof quality[key] === 'number')
      ) {
        return `a record's ${at}.quality is not six numbers`;
      }
      copy.quality = copyQuality(quality as unknown as SampleQuality);
    }
    read.push(copy);
  }

  return {
    order,
    person: {
      id,
      name,
      samples: read,
      createdAt,
      updatedAt,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntry(entry: Entry | string): entry is Entry {
  return typeof entry !== 'string';
}

/**
 * The people in memory, read as they were when the change began; writes
 * are only recorded, and applied once the whole change has succeeded.
 */
function memoryAccess(entries: ReadonlyMap<string, Entry>): PeopleAccess {
  const inOrder = () => [...entries.values()].sort(byOrder);

  return {
    get: async (id) => entries.get(id),
    findByName: async (key) =>
      inOrder().find((entry) => nameKey(entry.person.name) === key),
    all: async () => inOrder(),
    nextOrder: async () =>
      [...entries.values()].reduce((max, e) => Math.max(max, e.order), -1) + 1,
    put: () => undefined,
    remove: () => undefined,
    clear: () => undefined,
  };
}

/** `access`, with every write also noted in `writes`. */
function recording(access: PeopleAccess, writes: Write[]): PeopleAccess {
  return {
    ...access,
    put(entry) {
      access.put(entry);
      writes.push({ kind: 'put', entry });
    },
    remove(id) {
      access.remove(id);
      writes.push({ kind: 'remove', id });
    },
    clear() {
      access.clear();
      writes.push({ kind: 'clear' });
    },
  };
}
