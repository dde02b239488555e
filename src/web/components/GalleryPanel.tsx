/**
 * The gallery: everyone enrolled, with their samples, and the ways to
 * manage them (rename, merge, delete, remove a sample, delete everything,
 * export, import). Every destructive step asks first, inline; every
 * failure is shown where it happened; nothing here logs a name or a
 * descriptor.
 */
import { useSignal } from '@preact/signals';
import type { RefObject } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ImportPlan } from '../../engine/gallery/importPlan';
import {
  ImportPlanError,
  summarizeImportPlan,
} from '../../engine/gallery/importPlan';
import type { GallerySource } from '../../engine/gallery/schema';
import {
  parseGalleryFile,
  serializeGallery,
} from '../../engine/gallery/schema';
import type { Person, Sample } from '../../engine/gallery/types';
import type { GalleryStore, StorageState } from '../gallery/store';
import { GalleryError, MAX_NAME_LENGTH } from '../gallery/store';
import {
  deleteAllQuestion,
  deletePersonQuestion,
  downloadText,
  errorText,
  exportFileName,
  plural,
  qualityText,
  readFileText,
  samplesText,
  sourceText,
} from '../galleryFile';
import { Checkbox, Panel } from './fields';

/** How an operation ended; the error is shown, never swallowed. */
type Outcome = { ok: true } | { ok: false; error: unknown };

/** What every part of the panel shares. */
interface PanelContext {
  gallery: GalleryStore;
  /** True while an operation runs; every action is disabled meanwhile. */
  busy: boolean;
  /** Runs one operation at a time, marking the panel busy. */
  run: (operation: () => Promise<void>) => Promise<Outcome>;
  /** Shows `text` in the panel's status line; `focus` moves focus there. */
  announce: (text: string, focus?: boolean) => void;
}

export function GalleryPanel({ gallery }: { gallery: GalleryStore }) {
  const people = gallery.people.value;
  const storage = gallery.storage.value;
  const busy = useSignal(false);
  const notice = useSignal('');
  const statusRef = useRef<HTMLParagraphElement>(null);
  const focusLater = useFocusLater();

  const run = async (operation: () => Promise<void>): Promise<Outcome> => {
    if (busy.peek()) {
      return {
        ok: false,
        error: new Error('Another change is still running; try again.'),
      };
    }
    busy.value = true;
    notice.value = '';
    try {
      await operation();

      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    } finally {
      busy.value = false;
    }
  };
  const context: PanelContext = {
    gallery,
    busy: busy.value,
    run,
    announce: (text, focus = false) => {
      notice.value = text;
      if (focus) focusLater(() => statusRef.current);
    },
  };

  return (
    <Panel title="Gallery">
      <div class="gallery">
        <StorageLine storage={storage} />
        {storage.kind !== 'loading' && people.length === 0 && (
          <p class="muted">Nobody enrolled yet</p>
        )}
        <ul aria-label="People" class="gallery-people">
          {people.map((person) => (
            <PersonRow
              key={person.id}
              person={person}
              others={people.filter((other) => other.id !== person.id)}
              context={context}
            />
          ))}
        </ul>

        <DeleteAll people={people} context={context} />
        <ExportControls people={people} context={context} />
        <ImportControls context={context} />

        {/* Always in the page, so that a change of its text is announced. */}
        <p role="status" class="gallery-status" tabIndex={-1} ref={statusRef}>
          {notice.value}
        </p>
      </div>
    </Panel>
  );
}

function StorageLine({ storage }: { storage: StorageState }) {
  switch (storage.kind) {
    case 'loading':
      return <p class="muted">Opening the gallery…</p>;
    case 'persistent':
      return (
        <p class="muted">
          Saved in this browser only; nothing is sent anywhere.
        </p>
      );
    case 'memory':
      return (
        <p role="alert" class="error">
          {storage.reason}
        </p>
      );
  }
}

/** What a person's row shows besides their samples. */
type RowMode = 'view' | 'rename' | 'merge' | 'delete';

function PersonRow(props: {
  person: Person;
  others: readonly Person[];
  context: PanelContext;
}) {
  const { person, others, context } = props;
  const { gallery, busy, run, announce } = context;
  const { name } = person;
  const count = person.samples.length;

  const mode = useSignal<RowMode>('view');
  const error = useSignal<string | null>(null);
  /** After a 'name-taken' rename: who has the name, to offer Merge. */
  const takenBy = useSignal<string | null>(null);
  const draft = useSignal('');
  const target = useSignal('');
  const focusLater = useFocusLater();

  const renameButton = useRef<HTMLButtonElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const mergeSelect = useRef<HTMLSelectElement>(null);
  const cancelDelete = useRef<HTMLButtonElement>(null);
  const samplesList = useRef<HTMLOListElement>(null);
  const samplesSummary = useRef<HTMLElement>(null);

  const inputId = useId();
  const selectId = useId();
  const questionId = useId();

  const switchTo = (next: RowMode, focus: RefObject<HTMLElement>) => {
    mode.value = next;
    error.value = null;
    takenBy.value = null;
    focusLater(() => focus.current);
  };
  const startRename = () => {
    draft.value = name;
    switchTo('rename', nameInput);
  };
  const startMerge = (into?: string) => {
    target.value = into ?? others[0]?.id ?? '';
    switchTo('merge', mergeSelect);
  };

  const saveRename = async () => {
    const wanted = draft.value.trim();
    if (wanted === name) {
      switchTo('view', renameButton);
      return;
    }

    const outcome = await run(() => gallery.rename(person.id, wanted));
    if (outcome.ok) {
      switchTo('view', renameButton);
      announce(`Renamed ${name} to ${wanted}.`);
    } else {
      error.value = errorText(outcome.error);
      takenBy.value =
        outcome.error instanceof GalleryError &&
        outcome.error.code === 'name-taken'
          ? (outcome.error.otherPersonId ?? null)
          : null;
      focusLater(() => nameInput.current);
    }
  };

  const into = others.find((other) => other.id === target.value) ?? others[0];
  const saveMerge = async () => {
    if (!into) return;

    const outcome = await run(() => gallery.merge(person.id, into.id));
    if (outcome.ok) {
      announce(`Merged ${name} into ${into.name}.`, true);
    } else {
      error.value = errorText(outcome.error);
      focusLater(() => mergeSelect.current);
    }
  };

  const confirmDelete = async () => {
    const outcome = await run(() => gallery.deletePerson(person.id));
    if (outcome.ok) {
      announce(`Deleted ${name} and ${samplesText(count)}.`, true);
    } else {
      error.value = errorText(outcome.error);
      focusLater(() => cancelDelete.current);
    }
  };

  const removeSample = async (sample: Sample, index: number) => {
    error.value = null;
    const outcome = await run(() => gallery.removeSample(person.id, sample.id));
    if (!outcome.ok) {
      error.value = errorText(outcome.error);
      return;
    }

    if (count === 1) {
      announce(
        `Removed the only sample of ${name}, so ${name} is no longer in ` +
          'the gallery.',
        true,
      );
      return;
    }
    announce(`Removed sample ${index + 1} of ${name}.`);
    // The next sample's button, or the last one's if this was the last.
    focusLater(() => {
      const buttons = samplesList.current?.querySelectorAll('button');
      if (!buttons || buttons.length === 0) return samplesSummary.current;

      return buttons[Math.min(index, buttons.length - 1)] ?? null;
    });
  };

  const thumbnail = person.samples[0]?.thumbnail;

  return (
    <li aria-label={name} class="gallery-person">
      <div class="gallery-person-head">
        <Thumbnail src={thumbnail} label={null} />
        <div class="gallery-person-text">
          <span class="gallery-name">{name}</span>
          <span class="muted">{samplesText(count)}</span>
        </div>
      </div>

      {mode.value === 'view' && (
        <div class="gallery-actions">
          <button
            type="button"
            ref={renameButton}
            aria-label={`Rename ${name}`}
            disabled={busy}
            onClick={startRename}
          >
            Rename
          </button>
          <button
            type="button"
            ref={mergeButton}
            aria-label={`Merge ${name}`}
            disabled={busy || others.length === 0}
            title={
              others.length === 0 ? 'Nobody else to merge with' : undefined
            }
            onClick={() => startMerge()}
          >
            Merge
          </button>
          <button
            type="button"
            ref={deleteButton}
            aria-label={`Delete ${name}`}
            class="gallery-danger"
            disabled={busy}
            onClick={() => switchTo('delete', cancelDelete)}
          >
            Delete
          </button>
        </div>
      )}

      {mode.value === 'rename' && (
        <form
          class="gallery-inline"
          onSubmit={(event) => {
            event.preventDefault();
            void saveRename();
          }}
        >
          <div class="field">
            <label for={inputId}>New name for {name}</label>
            <input
              id={inputId}
              ref={nameInput}
              type="text"
              autoComplete="off"
              spellcheck={false}
              maxLength={MAX_NAME_LENGTH}
              value={draft.value}
              disabled={busy}
              onInput={(event) => (draft.value = event.currentTarget.value)}
              onFocus={(event) => event.currentTarget.select()}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  switchTo('view', renameButton);
                }
              }}
            />
          </div>
          <div class="gallery-actions">
            <button type="submit" disabled={busy}>
              Save
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => switchTo('view', renameButton)}
            >
              Cancel
            </button>
          </div>
        </form>
      )}

      {mode.value === 'merge' && (
        <form
          class="gallery-inline"
          onSubmit={(event) => {
            event.preventDefault();
            void saveMerge();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              switchTo('view', mergeButton);
            }
          }}
        >
          {into ? (
            <div class="field">
              <label for={selectId}>Merge {name} into</label>
              <select
                id={selectId}
                ref={mergeSelect}
                value={into.id}
                disabled={busy}
                onChange={(event) => (target.value = event.currentTarget.value)}
              >
                {others.map((other) => (
                  <option key={other.id} value={other.id}>
                    {other.name}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <p class="muted">Nobody else is in the gallery to merge with.</p>
          )}
          {into && (
            <p class="muted">
              {name}’s {samplesText(count)} will join {into.name}, and {name}{' '}
              will be removed.
            </p>
          )}
          <div class="gallery-actions">
            {into && (
              <button type="submit" disabled={busy}>
                Merge
              </button>
            )}
            <button
              type="button"
              disabled={busy}
              onClick={() => switchTo('view', mergeButton)}
            >
              Cancel
            </button>
          </div>
        </form>
      )}

      {mode.value === 'delete' && (
        <div class="gallery-confirm">
          <p id={questionId}>{deletePersonQuestion(name, count)}</p>
          <div class="gallery-actions">
            <button
              type="button"
              class="gallery-danger"
              aria-label={`Confirm delete ${name}`}
              aria-describedby={questionId}
              disabled={busy}
              onClick={() => void confirmDelete()}
            >
              Delete
            </button>
            <button
              type="button"
              ref={cancelDelete}
              aria-describedby={questionId}
              disabled={busy}
              onClick={() => switchTo('view', deleteButton)}
            >
              Cancel
            </button>
          </div>
        </div>
      )}

      {error.value !== null && (
        <div class="gallery-row-error">
          <p role="alert" class="error">
            {error.value}
          </p>
          {mode.value === 'rename' &&
            takenBy.value !== null &&
            others.some((other) => other.id === takenBy.value) && (
              <button
                type="button"
                disabled={busy}
                onClick={() => startMerge(takenBy.value ?? undefined)}
              >
                Merge instead
              </button>
            )}
        </div>
      )}

      <details class="gallery-samples">
        <summary ref={samplesSummary}>Samples</summary>
        <ol ref={samplesList}>
          {person.samples.map((sample, index) => (
            <li key={sample.id}>
              <Thumbnail
                src={sample.thumbnail}
                label={`Sample ${index + 1} of ${name}`}
              />
              <span class="gallery-sample-text">
                <time dateTime={sample.createdAt}>
                  {new Date(sample.createdAt).toLocaleDateString()}
                </time>
                {sample.quality && (
                  <span class="muted">{qualityText(sample.quality)}</span>
                )}
              </span>
              <button
                type="button"
                aria-label={`Remove sample ${index + 1} of ${name}`}
                disabled={busy}
                onClick={() => void removeSample(sample, index)}
              >
                Remove sample
              </button>
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}

/**
 * A face crop, 48 px. `label` null makes it decorative; a sample without
 * a thumbnail (exported without them) shows a blank tile of the same name.
 */
function Thumbnail(props: { src: string | undefined; label: string | null }) {
  const { src, label } = props;
  if (src !== undefined) {
    return (
      <img
        class="gallery-thumb"
        src={src}
        alt={label ?? ''}
        width={48}
        height={48}
        decoding="async"
      />
    );
  }

  return label === null ? (
    <span class="gallery-thumb gallery-thumb-none" aria-hidden="true" />
  ) : (
    <span
      class="gallery-thumb gallery-thumb-none"
      role="img"
      aria-label={label}
    />
  );
}

function DeleteAll(props: {
  people: readonly Person[];
  context: PanelContext;
}) {
  const { people, context } = props;
  const { gallery, busy, run, announce } = context;
  const asking = useSignal(false);
  const error = useSignal<string | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const questionId = useId();
  const focusLater = useFocusLater();

  const samples = people.reduce((n, person) => n + person.samples.length, 0);
  const close = () => {
    asking.value = false;
    error.value = null;
    focusLater(() => trigger.current);
  };
  const confirm = async () => {
    error.value = null;
    const outcome = await run(() => gallery.deleteAll());
    if (outcome.ok) {
      asking.value = false;
      announce('Deleted everyone from the gallery.', true);
    } else {
      error.value = `Could not delete everything: ${errorText(outcome.error)}`;
      focusLater(() => cancel.current);
    }
  };

  return (
    <div class="gallery-delete-all">
      {asking.value ? (
        <div class="gallery-confirm">
          <p id={questionId}>{deleteAllQuestion(people.length, samples)}</p>
          <div class="gallery-actions">
            <button
              type="button"
              class="gallery-danger"
              aria-label="Confirm delete everything"
              aria-describedby={questionId}
              disabled={busy}
              onClick={() => void confirm()}
            >
              Delete everything
            </button>
            <button
              type="button"
              ref={cancel}
              aria-describedby={questionId}
              disabled={busy}
              onClick={close}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          ref={trigger}
          class="gallery-danger"
          disabled={busy || people.length === 0}
          onClick={() => {
            asking.value = true;
            error.value = null;
            focusLater(() => cancel.current);
          }}
        >
          Delete everything
        </button>
      )}
      {error.value !== null && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </div>
  );
}

function ExportControls(props: {
  people: readonly Person[];
  context: PanelContext;
}) {
  const { people, context } = props;
  const thumbnails = useSignal(true);
  const error = useSignal<string | null>(null);

  const exportGallery = () => {
    error.value = null;
    try {
      const fileName = exportFileName(new Date());
      const text = serializeGallery(people, { thumbnails: thumbnails.value });
      downloadText(text, fileName);
      const samples = people.reduce((n, p) => n + p.samples.length, 0);
      context.announce(
        `Exported ${plural(people.length, 'person', 'people')} ` +
          `(${samplesText(samples)}) to ${fileName}.`,
      );
    } catch (caught) {
      error.value = `Could not export the gallery: ${errorText(caught)}`;
    }
  };

  return (
    <div class="gallery-transfer">
      <h3>Export</h3>
      <Checkbox
        label="Include thumbnails"
        checked={thumbnails.value}
        onChange={(checked) => (thumbnails.value = checked)}
      />
      <button
        type="button"
        disabled={context.busy || people.length === 0}
        onClick={exportGallery}
      >
        Export gallery
      </button>
      <p class="muted gallery-note">
        The file holds face descriptors that identify the people in it: keep it
        safe, and share it only with their consent.
      </p>
      {error.value !== null && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </div>
  );
}

/** A read and planned import, waiting for Apply. */
interface PendingImport {
  fileName: string;
  source: GallerySource;
  people: Person[];
  plan: ImportPlan;
}

function ImportControls({ context }: { context: PanelContext }) {
  const { gallery, busy, run, announce } = context;
  const pending = useSignal<PendingImport | null>(null);
  const error = useSignal<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const preview = useRef<HTMLDivElement>(null);
  const inputId = useId();
  const focusLater = useFocusLater();

  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;

    error.value = null;
    pending.value = null;
    const outcome = await run(async () => {
      const text = await readFileText(file);
      const parsed = parseGalleryFile(text);
      if (!parsed.ok) throw new Error(parsed.error);

      const plan = gallery.planImport(parsed.people);
      pending.value = {
        fileName: file.name,
        source: parsed.source,
        people: parsed.people,
        plan,
      };
    });
    // Choosing the same file again must still start an import.
    input.value = '';

    if (outcome.ok) {
      focusLater(() => preview.current);
    } else {
      error.value = `Could not import ${file.name}: ${errorText(outcome.error)}`;
      focusLater(() => fileInput.current);
    }
  };

  const apply = async (chosen: PendingImport) => {
    error.value = null;
    const outcome = await run(() => gallery.applyImport(chosen.plan));
    if (outcome.ok) {
      pending.value = null;
      announce(
        `Imported from ${chosen.fileName}: ${summarizeImportPlan(chosen.plan)}`,
        true,
      );
      return;
    }

    let message = `Could not import ${chosen.fileName}: ${errorText(outcome.error)}`;
    if (outcome.error instanceof ImportPlanError) {
      // The gallery changed since the preview: show the import as it
      // would be now, for the user to check and apply again.
      try {
        pending.value = { ...chosen, plan: gallery.planImport(chosen.people) };
        message += ' The preview below is now up to date.';
      } catch (caught) {
        pending.value = null;
        message += ` Planning it again failed too: ${errorText(caught)}`;
      }
    }
    error.value = message;
    focusLater(() => preview.current ?? fileInput.current);
  };

  const close = () => {
    pending.value = null;
    error.value = null;
    focusLater(() => fileInput.current);
  };

  const chosen = pending.value;
  const nothingToAdd =
    chosen !== null &&
    chosen.plan.add.length === 0 &&
    chosen.plan.merge.length === 0;

  return (
    <div class="gallery-transfer">
      <h3>Import</h3>
      <div class="field">
        <label for={inputId}>Import gallery</label>
        <input
          id={inputId}
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          disabled={busy}
          onChange={(event) => void choose(event.currentTarget)}
        />
      </div>

      {chosen !== null && (
        <div
          role="group"
          aria-label="Import preview"
          class="gallery-confirm"
          tabIndex={-1}
          ref={preview}
        >
          <p>{summarizeImportPlan(chosen.plan)}</p>
          <p class="muted">
            From {sourceText(chosen.source)}: {chosen.fileName}.
            {nothingToAdd ? ' Nothing will be added.' : ''}
          </p>
          <div class="gallery-actions">
            {nothingToAdd ? (
              <button type="button" disabled={busy} onClick={close}>
                Close
              </button>
            ) : (
              <>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void apply(chosen)}
                >
                  Apply import
                </button>
                <button type="button" disabled={busy} onClick={close}>
                  Cancel
                </button>
              </>
            )}
          </div>
        </div>
      )}

      {error.value !== null && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </div>
  );
}

/**
 * Moves focus to an element once it is in the page and enabled: after the
 * next render, or the first later one where it can take focus (a button
 * disabled while an operation runs is focused when the operation ends).
 */
function useFocusLater(): (target: () => HTMLElement | null) => void {
  const pending = useRef<(() => HTMLElement | null) | null>(null);
  const [, setRequests] = useState(0);

  useEffect(() => {
    const target = pending.current?.();
    if (!target || (target as { disabled?: boolean }).disabled) return;
    target.focus();
    pending.current = null;
  });

  return (target) => {
    pending.current = target;
    setRequests((n) => n + 1);
  };
}
