/**
 * Enrolment as the person does it: from photos (one or many, a face picked
 * on the canvas when a photo has several), from a camera snapshot, or
 * guided, a few good samples collected while the person turns their head.
 * Every sample passes the quality gate, including the near-duplicate rule
 * against the person's samples already kept.
 */
import { batch, signal } from '@preact/signals';
import type { PhotoFace } from '../engine/analyzer';
import type { QualityResult } from '../engine/enrol/quality';
import { judge, nearestDistance } from '../engine/enrol/quality';
import { nameKey } from '../engine/gallery/importPlan';
import type { Person, SampleQuality } from '../engine/gallery/types';
import type { PhotoResult } from '../worker/protocol';
import type { CameraController } from './cameraController';
import type { GalleryStore, NewSample } from './gallery/store';
import { logger } from './log';
import type { StillController } from './stillView';

const log = logger('enrol');

/** One line of the enrolment log shown under the controls. */
export interface EnrolNote {
  id: number;
  level: 'added' | 'refused' | 'error' | 'info';
  text: string;
}

/** Guided enrolment's progress. */
export interface GuidedState {
  /** Samples kept so far, and how many are wanted. */
  kept: number;
  wanted: number;
  /** What the person should do now. */
  prompt: string;
  /** Why the last try was not kept, if it was not. */
  lastRefusal: string | null;
}

/** Samples guided enrolment collects. */
export const GUIDED_SAMPLES = 5;
/** Guided enrolment gives up after this long. */
export const GUIDED_TIMEOUT_MS = 45_000;
const GUIDED_PROMPTS = [
  'Look straight at the camera',
  'Turn your head slightly to the left',
  'Turn your head slightly to the right',
  'Tilt your head slightly up',
  'Tilt your head slightly down',
];

/** Most notes kept in the log; older ones drop off. */
const MAX_NOTES = 50;

/**
 * The gate's verdict on a face for this person: the worker measured size,
 * score, sharpness and pose; the duplicate rule is added here against
 * `kept`, the person's descriptors already enrolled.
 */
export function gateFor(
  face: PhotoFace,
  kept: readonly Float32Array[],
): QualityResult {
  if (!face.descriptor) {
    return {
      accepted: false,
      reasons: [
        {
          code: 'low-score',
          value: 0,
          limit: 0,
          message: 'No descriptor was computed for this face.',
        },
      ],
      metrics: face.quality.metrics,
    };
  }
  const metrics = {
    ...face.quality.metrics,
    nearestDistance: nearestDistance(face.descriptor, [...kept]),
  };

  return { ...judge(metrics), metrics };
}

/** The descriptors already enrolled under this name (same nameKey). */
export function keptDescriptors(
  people: readonly Person[],
  name: string,
): Float32Array[] {
  const key = nameKey(name);

  return people
    .filter((person) => nameKey(person.name) === key)
    .flatMap((person) => person.samples.map((sample) => sample.descriptor));
}

/** The stored form of a face that passed the gate. */
export function sampleOf(
  face: PhotoFace,
  thumbnail: string | undefined,
  verdict: QualityResult,
): NewSample {
  const { score, sizePx, sharpness, yaw, pitch, roll } = verdict.metrics;
  const quality: SampleQuality = { score, sizePx, sharpness, yaw, pitch, roll };

  return {
    descriptor: face.descriptor as Float32Array,
    ...(thumbnail !== undefined && { thumbnail }),
    quality,
  };
}

/** The largest face: the person in front of the camera. */
export function largestFace(faces: readonly PhotoFace[]): PhotoFace | null {
  let best: PhotoFace | null = null;
  for (const face of faces) {
    if (!best || area(face) > area(best)) best = face;
  }

  return best;
}

function area(face: PhotoFace): number {
  return face.box.width * face.box.height;
}

export class EnrolController {
  /** The name samples are enrolled under (the Name field). */
  readonly name = signal('');
  readonly notes = signal<readonly EnrolNote[]>([]);
  readonly busy = signal(false);
  /** Set while a picture with several faces waits for a click on one. */
  readonly pickPrompt = signal<string | null>(null);
  readonly guided = signal<GuidedState | null>(null);

  readonly #gallery: GalleryStore;
  readonly #stills: StillController;
  readonly #camera: CameraController;
  #nextNote = 1;
  #resolvePick: ((face: PhotoFace | null) => void) | null = null;
  #cancelGuided = false;

  constructor(
    gallery: GalleryStore,
    stills: StillController,
    camera: CameraController,
  ) {
    this.#gallery = gallery;
    this.#stills = stills;
    this.#camera = camera;
  }

  /**
   * Enrols one face from each photo under the Name. Every file gets a note:
   * added, refused (and why), no face, or not readable; the rest still go in.
   */
  async enrolPhotos(files: readonly File[]): Promise<void> {
    const name = this.#requireName();
    if (name === null || files.length === 0) return;
    await this.#run(async () => {
      for (const file of files) {
        let still;
        try {
          still = await this.#stills.showFile(file);
        } catch (error) {
          this.#note('error', messageOf(error));
          continue;
        }
        if (still.error !== null || still.photo === null) {
          this.#note('error', `${file.name}: ${still.error ?? 'no result'}`);
          continue;
        }
        await this.#enrolFromPicture(name, file.name, still.photo);
      }
      await this.#stills.rematch();
    });
  }

  /**
   * Freezes the camera's current frame and enrols the face in it; with
   * several faces, the person clicks the one to enrol.
   */
  async enrolFromCamera(): Promise<void> {
    const name = this.#requireName();
    if (name === null) return;
    await this.#run(async () => {
      let bitmap: ImageBitmap;
      try {
        bitmap = await this.#camera.snapshot();
      } catch (error) {
        this.#note('error', messageOf(error));

        return;
      }
      const mirror = this.#camera.mirror;
      const still = await this.#stills.showBitmap(
        bitmap,
        'snapshot',
        'Camera snapshot',
        mirror,
      );
      if (still.error !== null || still.photo === null) {
        this.#note('error', `Camera snapshot: ${still.error ?? 'no result'}`);
      } else {
        await this.#enrolFromPicture(name, 'Camera snapshot', still.photo);
      }
      this.#stills.close();
    });
  }

  /** Enrols a face of the still on show, chosen in the faces panel. */
  async enrolStillFace(faceId: number): Promise<void> {
    const name = this.#requireName();
    const still = this.#stills.still.peek();
    const photo = still?.photo;
    const face = photo?.faces.find((f) => f.id === faceId);
    if (name === null || !still || !photo || !face) return;
    await this.#run(async () => {
      await this.#enrolFace(name, still.label, photo, face);
      await this.#stills.rematch();
    });
  }

  /** Answers a pick prompt: the clicked face, or null to skip the picture. */
  choose(faceId: number | null): void {
    const resolve = this.#resolvePick;
    if (resolve === null) return;
    const face =
      faceId === null
        ? null
        : (this.#stills.faces.find((f) => f.id === faceId) ?? null);
    if (faceId !== null && face === null) return;
    this.#resolvePick = null;
    this.pickPrompt.value = null;
    resolve(face);
  }

  /**
   * Guided enrolment: snapshots every moment while prompting the person to
   * turn their head a little, keeping only samples that pass the gate
   * (duplicates of kept ones included), until GUIDED_SAMPLES are kept or
   * time runs out; then enrols what was kept.
   */
  async startGuided(): Promise<void> {
    const name = this.#requireName();
    if (name === null) return;
    if (this.#camera.phase.peek() !== 'on') {
      this.#note(
        'error',
        'Start the camera first, then press Guided enrolment.',
      );

      return;
    }
    await this.#run(async () => {
      this.#cancelGuided = false;
      const kept: NewSample[] = [];
      const existing = keptDescriptors(this.#gallery.people.peek(), name);
      const deadline = performance.now() + GUIDED_TIMEOUT_MS;
      let lastRefusal: string | null = null;

      while (
        kept.length < GUIDED_SAMPLES &&
        !this.#cancelGuided &&
        performance.now() < deadline
      ) {
        const prompt = GUIDED_PROMPTS[kept.length % GUIDED_PROMPTS.length]!;
        this.guided.value = {
          kept: kept.length,
          wanted: GUIDED_SAMPLES,
          prompt,
          lastRefusal,
        };
        await delay(400);
        if (this.#cancelGuided) break;
        const outcome = await this.#guidedTry([
          ...existing,
          ...kept.map((sample) => sample.descriptor),
        ]);
        if (outcome.sample) {
          kept.push(outcome.sample);
          lastRefusal = null;
        } else {
          lastRefusal = outcome.refusal;
        }
      }
      this.guided.value = null;

      if (kept.length === 0) {
        this.#note(
          'refused',
          this.#cancelGuided
            ? 'Guided enrolment cancelled: nothing was added.'
            : `Guided enrolment found no good sample: ${lastRefusal ?? 'no face in view'}`,
        );

        return;
      }
      const total = await this.#add(name, kept);
      const why = this.#cancelGuided
        ? ' (cancelled early)'
        : kept.length < GUIDED_SAMPLES
          ? ' (time ran out)'
          : '';
      this.#note(
        'added',
        `Guided enrolment: ${samplesText(kept.length)} added to ${name}` +
          `${why}; ${total} in all.`,
      );
    });
  }

  cancelGuided(): void {
    this.#cancelGuided = true;
  }

  /** Removes every note. */
  clearNotes(): void {
    this.notes.value = [];
  }

  async #guidedTry(
    kept: readonly Float32Array[],
  ): Promise<{ sample: NewSample | null; refusal: string | null }> {
    let bitmap: ImageBitmap;
    try {
      bitmap = await this.#camera.snapshot();
    } catch (error) {
      this.#cancelGuided = true;

      return { sample: null, refusal: messageOf(error) };
    }
    let photo: PhotoResult;
    try {
      photo = await this.#camera.analyzeSnapshot(bitmap);
    } catch (error) {
      return { sample: null, refusal: messageOf(error) };
    }
    const face = largestFace(photo.faces);
    if (!face) return { sample: null, refusal: 'No face in view.' };
    const verdict = gateFor(face, kept);
    if (!verdict.accepted) {
      return { sample: null, refusal: verdict.reasons[0]?.message ?? null };
    }
    const index = photo.faces.indexOf(face);

    return {
      sample: sampleOf(face, photo.thumbnails[index], verdict),
      refusal: null,
    };
  }

  /** One face from an analysed picture: the only one, or the one clicked. */
  async #enrolFromPicture(
    name: string,
    label: string,
    photo: PhotoResult,
  ): Promise<void> {
    if (photo.faces.length === 0) {
      this.#note(
        'refused',
        `${label}: no face found, even on the padded photo and at other ` +
          'detector sizes. Use a photo where the face is clearly visible.',
      );

      return;
    }
    let face: PhotoFace | null = photo.faces[0] ?? null;
    if (photo.faces.length > 1) {
      face = await this.#pick(
        `${label} has ${photo.faces.length} faces: click the one to enrol ` +
          'as ' +
          name +
          ', or press Skip.',
      );
      if (face === null) {
        this.#note('info', `${label}: skipped.`);

        return;
      }
    }
    if (face) await this.#enrolFace(name, label, photo, face);
  }

  async #enrolFace(
    name: string,
    label: string,
    photo: PhotoResult,
    face: PhotoFace,
  ): Promise<void> {
    const verdict = gateFor(
      face,
      keptDescriptors(this.#gallery.people.peek(), name),
    );
    if (!verdict.accepted) {
      const why = verdict.reasons.map((reason) => reason.message).join(' ');
      this.#note('refused', `${label}: not added. ${why}`);

      return;
    }
    const index = photo.faces.indexOf(face);
    const sample = sampleOf(face, photo.thumbnails[index], verdict);
    try {
      const total = await this.#add(name, [sample]);
      this.#note(
        'added',
        `${label}: added to ${name} (${samplesText(total)}).`,
      );
    } catch (error) {
      this.#note('error', `${label}: ${messageOf(error)}`);
    }
  }

  /** Stores samples; returns how many the person has now. */
  async #add(name: string, samples: readonly NewSample[]): Promise<number> {
    const personId = await this.#gallery.addSamples(name, samples);
    const person = this.#gallery.people
      .peek()
      .find((candidate) => candidate.id === personId);

    return person?.samples.length ?? samples.length;
  }

  #pick(prompt: string): Promise<PhotoFace | null> {
    return new Promise((resolve) => {
      this.#resolvePick = resolve;
      this.pickPrompt.value = prompt;
    });
  }

  #requireName(): string | null {
    const name = this.name.peek().trim();
    if (name === '') {
      this.#note('error', 'Type a name first: samples are enrolled under it.');

      return null;
    }

    return name;
  }

  async #run(work: () => Promise<void>): Promise<void> {
    if (this.busy.peek()) return;
    this.busy.value = true;
    try {
      await work();
    } catch (error) {
      log.warn('enrolment failed');
      this.#note('error', messageOf(error));
    } finally {
      batch(() => {
        this.busy.value = false;
        this.pickPrompt.value = null;
        this.guided.value = null;
      });
      this.#resolvePick = null;
    }
  }

  #note(level: EnrolNote['level'], text: string): void {
    const note = { id: this.#nextNote++, level, text };
    this.notes.value = [...this.notes.peek(), note].slice(-MAX_NOTES);
  }
}

/** "1 sample", "3 samples". */
export function samplesText(count: number): string {
  return `${count} sample${count === 1 ? '' : 's'}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
