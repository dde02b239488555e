/**
 * The gallery panel's file work and wording, kept apart from the component
 * so it can be tested without a page: the export's file name, saving text
 * as a download, reading an imported file with a size limit, and the
 * sentences the panel shows.
 */
import type { GallerySource } from '../engine/gallery/schema';
import type { SampleQuality } from '../engine/gallery/types';

/** Files larger than this are refused before any of them is read. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** "visage-gallery-2024-05-01.json", dated in the local time zone. */
export function exportFileName(date: Date): string {
  const year = String(date.getFullYear()).padStart(4, '0');
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');

  return `visage-gallery-${year}-${month}-${day}.json`;
}

/** What downloadText needs from the page; tests pass fakes. */
export interface DownloadEnv {
  document: Pick<Document, 'createElement' | 'body'>;
  createObjectURL: (blob: Blob) => string;
  revokeObjectURL: (url: string) => void;
  /** Runs `task` later. Defaults to setTimeout(task, 0). */
  defer?: (task: () => void) => void;
}

function pageEnv(): DownloadEnv {
  return {
    document,
    createObjectURL: (blob) => URL.createObjectURL(blob),
    revokeObjectURL: (url) => URL.revokeObjectURL(url),
  };
}

/**
 * Saves `text` as a file called `fileName` through a temporary
 * `<a download>`. The object URL is revoked once the click has been
 * handled: some browsers start the download only after the click returns.
 */
export function downloadText(
  text: string,
  fileName: string,
  type = 'application/json',
  env: DownloadEnv = pageEnv(),
): void {
  const url = env.createObjectURL(new Blob([text], { type }));
  const defer = env.defer ?? ((task) => void setTimeout(task, 0));

  try {
    const link = env.document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.hidden = true;
    env.document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    env.revokeObjectURL(url);
    throw error;
  }
  defer(() => env.revokeObjectURL(url));
}

/** A file refused for its size; the message is for the user. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
}

/**
 * The text of `file`, or FileTooLargeError when it is over `maxBytes`
 * (checked before reading, so a huge file is never loaded).
 */
export async function readFileText(
  file: Blob,
  maxBytes = MAX_IMPORT_BYTES,
): Promise<string> {
  if (file.size > maxBytes) {
    throw new FileTooLargeError(
      `The file is ${mebibytes(file.size)} MiB; gallery files over ` +
        `${mebibytes(maxBytes)} MiB are refused.`,
    );
  }

  return file.text();
}

function mebibytes(bytes: number): string {
  const value = bytes / (1024 * 1024);

  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

// Wording.

/** "1 sample", "3 samples". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 sample", "3 samples". */
export function samplesText(n: number): string {
  return plural(n, 'sample', 'samples');
}

/** "score 0.93 · 142 px": detector confidence and face size. */
export function qualityText(quality: SampleQuality): string {
  return `score ${quality.score.toFixed(2)} · ${Math.round(quality.sizePx)} px`;
}

/** "Delete Ann and 3 samples?" */
export function deletePersonQuestion(name: string, samples: number): string {
  return `Delete ${name} and ${samplesText(samples)}?`;
}

/** "Delete all 2 people and 5 samples? This cannot be undone." */
export function deleteAllQuestion(people: number, samples: number): string {
  return (
    `Delete all ${plural(people, 'person', 'people')} and ` +
    `${samplesText(samples)}? This cannot be undone.`
  );
}

/** Where an imported file came from, for the import preview. */
export function sourceText(source: GallerySource): string {
  return source === 'visage' ? 'a Visage export' : 'face-api JSON';
}

/** A caught error as a sentence for the user. */
export function errorText(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;

  return String(error);
}
