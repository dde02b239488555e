// The live view's tracking on a real clip: frames cut from sample1.jpg, the
// view drifting, one face leaving for two seconds and coming back. Real
// models in Node (WASM); frames made here with sharp.
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../analyzer';
import { startBackend } from '../backend';
import { loadModels } from '../models';
import { createNodeRuntime, fileFetch, localModelUrl } from '../node/runtime';
import { DEFAULT_ANALYSIS_OPTIONS } from '../options';
import { tfOf } from '../runtime';
import type { PixelFrame, TrackedFace } from '../types';

const sample1 = path.join(
  path.dirname(
    createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'),
  ),
  'demo',
  'sample1.jpg',
);

const runtime = createNodeRuntime();
/** sample1.jpg scaled to 960 wide (640 tall): faces about 140 px. */
let photo: { data: Buffer; width: number; height: number };

beforeAll(async () => {
  await startBackend(runtime, 'wasm', { wasmThreads: 1 });
  await loadModels(runtime, localModelUrl(), { fetch: fileFetch });
  const { data, info } = await sharp(sample1)
    .resize(960)
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  photo = { data, width: info.width, height: info.height };
}, 120_000);

/** A 640x480 window of the photo with its left edge at `left`. */
async function frameAt(left: number): Promise<PixelFrame> {
  const { data, info } = await sharp(photo.data, {
    raw: { width: photo.width, height: photo.height, channels: 4 },
  })
    .extract({ left, top: 60, width: 640, height: 480 })
    .raw()
    .toBuffer({ resolveWithObject: true });

  return { width: info.width, height: info.height, data };
}

interface Seen {
  atMs: number;
  faces: TrackedFace[];
  detected: boolean;
}

describe('live tracking on a clip', () => {
  it('keeps ids, names and genders steady, and gives a returning face its id back', async () => {
    const analyzer = new Analyzer(runtime);
    // The gallery: the three faces of the first frame.
    const first = await frameAt(160);
    const enrolled = await analyzer.analyzePhoto(
      first,
      DEFAULT_ANALYSIS_OPTIONS,
    );
    expect(enrolled.faces).toHaveLength(3);
    const byX = [...enrolled.faces].sort((a, b) => a.box.x - b.box.x);
    const names = ['Left', 'Middle', 'Right'];
    analyzer.setGallery(
      byX.map((face, i) => ({
        id: `p${i}`,
        name: names[i]!,
        descriptors: [face.descriptor!],
      })),
    );

    const tf = tfOf(runtime);
    const seen: Seen[] = [];
    let now = 0;
    const step = async (left: number, dtMs: number) => {
      now += dtMs;
      const result = await analyzer.analyze(
        await frameAt(left),
        DEFAULT_ANALYSIS_OPTIONS,
        now,
      );
      seen.push({
        atMs: now,
        faces: result.faces,
        detected: result.timings.detectMs > 0,
      });
    };

    // 1. Three faces, the view drifting right 3 px a frame at 30 fps.
    for (let i = 0; i < 24; i++) await step(160 + i * 3, 33);
    const tensorsBefore = tf.memory().numTensors;
    // 2. The view moves right so the left face leaves, for two seconds.
    for (let i = 0; i < 10; i++) await step(320, 200);
    // 3. Back: the left face returns.
    for (let i = 0; i < 12; i++) await step(160 + i * 3, 33);
    const tensorsAfter = tf.memory().numTensors;

    const phase1 = seen.slice(0, 24);
    const phase2 = seen.slice(24, 34);
    const phase3 = seen.slice(34);

    // Ids: 1, 2, 3 throughout the first phase.
    for (const frame of phase1) {
      expect(frame.faces.map((f) => f.id).sort()).toEqual([1, 2, 3]);
    }
    // The detector ran on a cadence, not on every frame.
    const detectorRuns = phase1.filter((f) => f.detected).length;
    expect(detectorRuns).toBeLessThan(phase1.length / 2);

    // Names: right from the first frame, and never changing.
    const nameOf = new Map<number, string | null>();
    for (const frame of phase1) {
      for (const face of frame.faces) {
        if (!nameOf.has(face.id)) nameOf.set(face.id, face.name);
        expect(face.name, `face ${face.id} at ${frame.atMs} ms`).toBe(
          nameOf.get(face.id),
        );
      }
    }
    expect([...nameOf.values()].sort()).toEqual(['Left', 'Middle', 'Right']);
    const leftId = [...nameOf].find(([, name]) => name === 'Left')![0];

    // Genders steady per face.
    const genderOf = new Map<number, string | undefined>();
    for (const frame of phase1.slice(1)) {
      for (const face of frame.faces) {
        if (!genderOf.has(face.id)) genderOf.set(face.id, face.gender);
        expect(face.gender).toBe(genderOf.get(face.id));
      }
    }

    // While the left face is away it is not reported.
    const last = phase2.at(-1)!;
    expect(last.faces.some((f) => f.name === 'Left')).toBe(false);

    // Back after two seconds: its old id (by descriptor), still named.
    const back = phase3.at(-1)!;
    const returned = back.faces.find((f) => f.name === 'Left');
    expect(returned?.id).toBe(leftId);
    expect(back.faces.map((f) => f.id).sort()).toEqual([1, 2, 3]);

    // Nothing left behind in memory.
    expect(tensorsAfter).toBe(tensorsBefore);
  }, 120_000);
});
