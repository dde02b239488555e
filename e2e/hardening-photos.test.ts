/**
 * Whatever is in a photo folder, through "Analyse photo" and through the
 * Enrol panel's "Photos": truncated and corrupt JPEG and PNG, a text file,
 * text named .jpg, HEIC by name and by content, a 50-megapixel photo, a
 * photo with no face and one with 30. Each gets its own clear result or
 * message, and nothing else changes: the photo on show, the gallery and
 * the other panels stay as they were.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, expect } from 'vitest';
import { samplePhotoPath } from './clip';
import { useApp } from './helpers';
import {
  cameraView,
  faceRows,
  selectedLabel,
  waitForModelsReady,
} from './page';

const app = useApp();

const dir = fileURLToPath(new URL('../.cache/e2e/hardening/', import.meta.url));
const SAMPLE1 = samplePhotoPath(1);
const file = (name: string): string => `${dir}${name}`;

type Sample = 1 | 2 | 3 | 4 | 5 | 6;

/**
 * Fifteen faces of the sample photos, as SSD MobileNet finds them, in
 * photo pixels [x, y, width, height]: those that, cropped close, show one
 * whole face and no part of a neighbour's, and that SSD finds mirrored too
 * (the others gave the detector a second, partial face, or none).
 */
const CLEAN_FACES: [Sample, number[]][] = [
  [1, [414, 354, 177, 241]],
  [1, [838, 420, 188, 228]],
  [1, [1476, 200, 202, 240]],
  [2, [1447, 153, 194, 244]],
  [3, [585, 329, 199, 272]],
  [3, [1514, 290, 170, 282]],
  [3, [1075, 215, 220, 298]],
  [4, [664, 51, 186, 260]],
  [4, [257, 185, 162, 245]],
  [4, [989, 180, 171, 227]],
  [5, [1113, 197, 159, 237]],
  [5, [1407, 389, 165, 273]],
  [5, [598, 415, 166, 249]],
  [5, [377, 860, 172, 299]],
  [6, [1487, 263, 211, 296]],
];

const CROWD = 30;
const TILE = 320;
/** Grey between tiles, so that no two faces touch. */
const GAP = 24;
const COLUMNS = 6;

/**
 * 30 faces on a 6 x 5 grid: the fifteen clean faces, then the same
 * mirrored.
 */
async function writeCrowd(path: string): Promise<void> {
  const faces = CLEAN_FACES;
  const tiles = await Promise.all(
    Array.from({ length: CROWD }, async (_, i) => {
      const [n, box] = faces[i % faces.length]!;
      const [x = 0, y = 0, w = 0, h = 0] = box;
      const photo = sharp(samplePhotoPath(n));
      const { width = 0, height = 0 } = await photo.metadata();
      const side = Math.round(Math.min(1.2 * Math.max(w, h), width, height));
      const left = clamp(Math.round(x + w / 2 - side / 2), 0, width - side);
      const top = clamp(Math.round(y + h / 2 - side / 2), 0, height - side);
      const tile = photo
        .extract({ left, top, width: side, height: side })
        .resize(TILE - GAP, TILE - GAP)
        .flop(i >= faces.length);

      return {
        input: await tile.jpeg().toBuffer(),
        left: (i % COLUMNS) * TILE + GAP / 2,
        top: Math.floor(i / COLUMNS) * TILE + GAP / 2,
      };
    }),
  );
  await sharp({
    create: {
      width: COLUMNS * TILE,
      height: (CROWD / COLUMNS) * TILE,
      channels: 3,
      background: '#777777',
    },
  })
    .composite(tiles)
    .jpeg({ quality: 85 })
    .toFile(path);
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

/** The 50-megapixel photo: 8660 x 5774 as shown. */
const HUGE = { width: 8660, height: 5774 };

/**
 * sample1.jpg at 50 megapixels, stored turned a quarter left with EXIF
 * orientation 6, as phones write photos: shown upright only when the
 * orientation is applied.
 */
async function writeHuge(path: string): Promise<void> {
  const upright = await sharp(SAMPLE1)
    .resize(HUGE.width, HUGE.height, { fit: 'fill' })
    .jpeg({ quality: 90 })
    .toBuffer();
  await sharp(upright, { limitInputPixels: false })
    .rotate(-90)
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 85 })
    .toFile(path);
}

/** A soft gradient with nothing face-like in it. */
async function writeNoFace(path: string): Promise<void> {
  const width = 400;
  const height = 300;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((x / width) * 255);
      pixels[i + 1] = Math.round((y / height) * 255);
      pixels[i + 2] = 128;
    }
  }
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}

/** The start of an iPhone HEIC file: an ISO `ftyp` box, then filler. */
function heicBytes(): Buffer {
  const bytes = Buffer.alloc(4096, 0x11);
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypheic\0\0\0\0mif1heic', 4, 'latin1');

  return bytes;
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  const jpeg = readFileSync(SAMPLE1);
  const png = await sharp(jpeg).png().toBuffer();

  writeFileSync(file('truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  writeFileSync(file('truncated.png'), png.subarray(0, png.length >> 1));
  // Every 997th byte after the header flipped: the PNG's checksums fail.
  const corrupt = Buffer.from(png);
  for (let i = 200; i < corrupt.length - 20; i += 997) corrupt[i]! ^= 0x5a;
  writeFileSync(file('corrupt.png'), corrupt);
  writeFileSync(file('notes.txt'), 'Shopping: milk, eggs.\n');
  writeFileSync(file('letter.jpg'), 'Dear Ada, this is not a photo.\n');
  writeFileSync(file('IMG_0001.HEIC'), heicBytes());
  writeFileSync(file('renamed-heic.jpg'), heicBytes());
  await writeNoFace(file('no-face.png'));
  // The big ones take seconds to make: kept between runs.
  if (!existsSync(file('crowd.jpg'))) await writeCrowd(file('crowd.jpg'));
  if (!existsSync(file('huge.jpg'))) await writeHuge(file('huge.jpg'));
}, 60_000);

const STEP_MS = 90_000;

/** Files that cannot be analysed, and what the app must say about each. */
const BROKEN: [string, RegExp][] = [
  ['truncated.jpg', /^truncated\.jpg could not be read as an image/],
  ['truncated.png', /^truncated\.png could not be read as an image/],
  ['corrupt.png', /^corrupt\.png could not be read as an image/],
  ['notes.txt', /^notes\.txt is not a photo this app can open \(text\/plain\)/],
  ['letter.jpg', /^letter\.jpg is not a JPEG, PNG.*whatever its name says/],
  ['IMG_0001.HEIC', /^IMG_0001\.HEIC is a HEIC photo.*export it as JPEG/],
  ['renamed-heic.jpg', /^renamed-heic\.jpg is a HEIC photo/],
];

function photoPanel(page: Page) {
  return page.getByRole('region', { name: 'Photo' });
}

/** Waits for "Showing NAME: ..." in the Photo panel; returns its text. */
async function waitForShowing(page: Page, name: string): Promise<string> {
  const text = photoPanel(page).getByText(`Showing ${name}:`);
  await text.waitFor({ state: 'visible', timeout: STEP_MS });

  return (await text.textContent()) ?? '';
}

/** What must not change when a file is refused. */
async function expectUnchanged(page: Page): Promise<void> {
  expect(await cameraView(page).getAttribute('data-faces')).toBe('3');
  await expect(
    photoPanel(page).getByText('Showing sample1.jpg: 3 faces.').count(),
  ).resolves.toBe(1);
  await expect(page.getByText('Nobody enrolled yet').count()).resolves.toBe(1);
  await expect(
    page.getByText('Models ready', { exact: true }).count(),
  ).resolves.toBe(1);
}

app.step(
  'models load and a good photo is on show',
  async () => {
    const { page } = app;
    await waitForModelsReady(page);
    await page.getByLabel('Analyse photo').setInputFiles(SAMPLE1);
    await waitForShowing(page, 'sample1.jpg');
    await expectUnchanged(page);
  },
  STEP_MS,
);

app.step(
  'each broken or foreign file gets its message; the photo on show stays',
  async () => {
    const { page } = app;
    const alert = photoPanel(page).getByRole('alert');
    for (const [name, message] of BROKEN) {
      await page.getByLabel('Analyse photo').setInputFiles(file(name));
      await alert.filter({ hasText: name }).waitFor({ timeout: 10_000 });
      expect(await alert.textContent()).toMatch(message);
      await expectUnchanged(page);
    }
  },
  STEP_MS,
);

app.step(
  'a photo with no face says so',
  async () => {
    const { page } = app;
    await page.getByLabel('Analyse photo').setInputFiles(file('no-face.png'));
    expect(await waitForShowing(page, 'no-face.png')).toBe(
      'Showing no-face.png: no face found.',
    );
    // The message about the last broken file has gone.
    await expect(photoPanel(page).getByRole('alert').count()).resolves.toBe(0);
    await expect(page.getByText('No faces in view').count()).resolves.toBe(1);
  },
  STEP_MS,
);

app.step(
  'a 50-megapixel photo is scaled down while decoding, upright',
  async () => {
    const { page } = app;
    const view = cameraView(page);
    const started = Date.now();
    await page.getByLabel('Analyse photo').setInputFiles(file('huge.jpg'));
    // The canvas takes the photo's size as soon as it is decoded. (Not
    // waitForFunction: the page's policy forbids the eval it uses.)
    const size = (): Promise<number[]> =>
      view.evaluate((canvas: HTMLCanvasElement) => [
        canvas.width,
        canvas.height,
      ]);
    while ((await size()).join('x') !== '1920x1280') {
      if (Date.now() - started > 30_000) throw new Error('Never drawn.');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const decodedMs = Date.now() - started;
    const text = await waitForShowing(page, 'huge.jpg');
    const analysedMs = Date.now() - started;
    console.info(
      `huge.jpg (${HUGE.width} x ${HUGE.height}, EXIF orientation 6): ` +
        `on the canvas after ${decodedMs} ms, analysed after ${analysedMs} ms.`,
    );

    // Upright: the orientation was applied, so the three faces are found.
    expect(text).toBe(
      'Showing huge.jpg: 3 faces (scaled down from 8660 x 5774).',
    );
    expect(await size()).toEqual([1920, 1280]);
    expect(decodedMs).toBeLessThan(10_000);
  },
  STEP_MS,
);

app.step(
  'a photo with 30 faces lists all 30',
  async () => {
    const { page } = app;
    // Photos run the photo detector, SSD by default: Tiny at 0.3 adds a
    // few partial faces on a grid of close-ups, SSD finds each face once.
    const detector = page.getByRole('combobox', {
      name: 'Photo detector',
      exact: true,
    });
    expect(await selectedLabel(detector)).toBe('SSD MobileNet v1');
    await page.getByLabel('Analyse photo').setInputFiles(file('crowd.jpg'));
    expect(await waitForShowing(page, 'crowd.jpg')).toBe(
      `Showing crowd.jpg: ${CROWD} faces.`,
    );
    await expect(faceRows(page).count()).resolves.toBe(CROWD);
    expect(await cameraView(page).getAttribute('data-faces')).toBe(
      String(CROWD),
    );
  },
  STEP_MS,
);

app.step(
  'the Enrol panel gives each file its line and adds nobody',
  async () => {
    const { page } = app;
    await page.getByRole('textbox', { name: 'Name' }).fill('Nobody');
    const names = [
      ...BROKEN.map(([name]) => name),
      'no-face.png',
      'huge.jpg',
      'crowd.jpg',
    ];
    await page.getByLabel('Photos').setInputFiles(names.map(file));

    // The photos with several faces ask for one: skip them.
    const results = page
      .getByRole('list', { name: 'Enrolment results' })
      .getByRole('listitem');
    const pick = page.getByRole('status', { name: 'Pick a face' });
    for (const [name, faces] of [
      ['huge.jpg', 3],
      ['crowd.jpg', CROWD],
    ] as const) {
      await pick
        .filter({ hasText: `${name} has ${faces} faces` })
        .waitFor({ state: 'visible', timeout: STEP_MS });
      await page.getByRole('button', { name: 'Skip' }).click();
      await results
        .filter({ hasText: `${name}: skipped.` })
        .waitFor({ timeout: 10_000 });
    }
    const lines = await results.allTextContents();
    for (const [name, message] of BROKEN) {
      expect(
        lines.filter((line) => message.test(line)),
        name,
      ).toHaveLength(1);
    }
    expect(lines).toContainEqual(
      expect.stringMatching(/^no-face\.png: no face found/),
    );
    expect(lines).toHaveLength(names.length);
    await expect(page.getByText('Nobody enrolled yet').count()).resolves.toBe(
      1,
    );
    // The Photo panel said nothing about these files.
    await expect(photoPanel(page).getByRole('alert').count()).resolves.toBe(0);
  },
  STEP_MS,
);
