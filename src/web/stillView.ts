/**
 * Still pictures on the view canvas: a photo the person chose or dropped,
 * or a camera snapshot taken for enrolment. While one is shown, the live
 * view pauses (no frames drawn or analysed) and the canvas, the faces panel
 * and face selection all refer to the still's faces.
 */
import { batch, signal } from '@preact/signals';
import type { PhotoFace } from '../engine/analyzer';
import { photoAnalysisOptions } from '../engine/options';
import type { PhotoResult } from '../worker/protocol';
import { logger } from './log';
import { decodePhoto } from './photoFile';
import type { SettingsStore } from './settingsStore';
import type { WorkerClient } from './workerClient';

const log = logger('still');

export type StillKind = 'photo' | 'snapshot';

/** A still picture and what is known about it so far. */
export interface Still {
  kind: StillKind;
  /** The file name, or "Camera snapshot". */
  label: string;
  bitmap: ImageBitmap;
  /** Drawn mirrored: snapshots follow the Mirror setting, photos never. */
  mirror: boolean;
  /** Null while the worker analyses it. */
  photo: PhotoResult | null;
  /** Why analysis failed, as a sentence. */
  error: string | null;
  /** A photo's own size, when it was scaled down to be shown. */
  scaledFrom?: { width: number; height: number };
}

export class StillController {
  readonly still = signal<Still | null>(null);
  /**
   * Why the last file chosen or dropped for the view could not be opened
   * (see openFile); cleared by the next one that opens.
   */
  readonly fileProblem = signal<string | null>(null);
  readonly #client: WorkerClient;
  readonly #store: SettingsStore;
  /** Bumped by every show and close, so a slow analysis cannot win late. */
  #generation = 0;
  /** Bumped by every openFile, so only the latest one reports. */
  #opening = 0;

  constructor(client: WorkerClient, store: SettingsStore) {
    this.#client = client;
    this.#store = store;
  }

  /** The faces of the still on show, once analysed. */
  get faces(): readonly PhotoFace[] {
    return this.still.peek()?.photo?.faces ?? [];
  }

  /**
   * Decodes and analyses a photo file and shows it. Throws the reason when
   * the file cannot be decoded (nothing changes then); an analysis failure
   * is shown on the still and returned in it.
   */
  async showFile(file: File): Promise<Still> {
    const photo = await decodePhoto(file);
    const { bitmap } = photo;
    const scaled =
      bitmap.width !== photo.width || bitmap.height !== photo.height;

    return this.showBitmap(bitmap, 'photo', file.name, false, {
      ...(scaled && {
        scaledFrom: { width: photo.width, height: photo.height },
      }),
    });
  }

  /**
   * showFile for a file chosen or dropped for the view: a file that cannot
   * be opened sets fileProblem, and the picture on show stays as it was.
   */
  async openFile(file: File): Promise<void> {
    const opening = ++this.#opening;
    this.fileProblem.value = null;
    try {
      await this.showFile(file);
    } catch (error) {
      // A file chosen since then has the say.
      if (opening === this.#opening) this.fileProblem.value = messageOf(error);
    }
  }

  /** Shows a picture (taking ownership of `bitmap`) and analyses it. */
  async showBitmap(
    bitmap: ImageBitmap,
    kind: StillKind,
    label: string,
    mirror: boolean,
    extra: Pick<Still, 'scaledFrom'> = {},
  ): Promise<Still> {
    const generation = this.#replace({
      kind,
      label,
      bitmap,
      mirror,
      photo: null,
      error: null,
      ...extra,
    });
    const { analysis, match } = this.#store.settings.peek();
    // A chosen photo runs the photo detector; a camera snapshot keeps the
    // live one, which found the faces the user sees.
    const options =
      kind === 'photo' ? photoAnalysisOptions(analysis) : analysis;
    let copy: ImageBitmap;
    try {
      copy = await createImageBitmap(bitmap);
    } catch (error) {
      return this.#settle(generation, { error: messageOf(error) });
    }
    try {
      const photo = await this.#client.analyzePhoto(copy, options, match);

      return this.#settle(generation, { photo });
    } catch (error) {
      log.warn('photo analysis failed');

      return this.#settle(generation, { error: messageOf(error) });
    }
  }

  /** Matches the still's faces again (threshold or gallery changed). */
  async rematch(): Promise<void> {
    const still = this.still.peek();
    const photo = still?.photo;
    if (!still || !photo) return;
    const generation = this.#generation;
    const faces = photo.faces.filter((face) => face.descriptor);
    if (faces.length === 0) return;
    try {
      const recognitions = await this.#client.rematch(
        faces.map((face) => face.descriptor as Float32Array),
        this.#store.settings.peek().match,
      );
      if (generation !== this.#generation) return;
      const byId = new Map(faces.map((face, i) => [face.id, recognitions[i]]));
      const updated: PhotoFace[] = photo.faces.map((face) => {
        const recognition = byId.get(face.id);
        if (!recognition) return face;
        const {
          personId: _p,
          unknownReason: _u,
          candidates: _c,
          ...rest
        } = face;
        return { ...rest, ...recognition };
      });
      this.still.value = { ...still, photo: { ...photo, faces: updated } };
    } catch (error) {
      log.warn('re-matching the photo failed', messageOf(error));
    }
  }

  /** Goes back to the live view. */
  close(): void {
    this.#replace(null);
  }

  #replace(next: Still | null): number {
    const generation = ++this.#generation;
    const previous = this.still.peek();
    batch(() => {
      this.still.value = next;
    });
    if (previous && previous.bitmap !== next?.bitmap) previous.bitmap.close();

    return generation;
  }

  #settle(
    generation: number,
    outcome: { photo: PhotoResult } | { error: string },
  ): Still {
    const current = this.still.peek();
    if (generation !== this.#generation || current === null) {
      throw new Error('Another picture replaced this one.');
    }
    const next: Still =
      'photo' in outcome
        ? { ...current, photo: outcome.photo, error: null }
        : { ...current, error: outcome.error };
    this.still.value = next;

    return next;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
