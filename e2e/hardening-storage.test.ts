/**
 * The gallery's storage under stress, in real Chromium IndexedDB: two tabs
 * editing at once see each other's changes without a reload and lose none;
 * a full disk (every write refused with QuotaExceededError) and IndexedDB
 * refused outright each get the Gallery section's alert, enrolment goes on
 * in memory, and what was stored before stays as it was.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { samplePhotoPath } from './clip';
import { useApp } from './helpers';
import { waitForModelsReady } from './page';

const app = useApp();

const dir = fileURLToPath(new URL('../.cache/e2e/hardening/', import.meta.url));
/** One frontal face: sample5.jpg's front-left woman, cropped. */
const SOLO = `${dir}solo.jpg`;
/** Someone imported: face-api JSON with one random unit descriptor. */
const STRANGER = `${dir}stranger-storage.json`;

const STEP_MS = 90_000;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await sharp(samplePhotoPath(5))
    .extract({ left: 160, top: 690, width: 620, height: 620 })
    .jpeg()
    .toFile(SOLO);
  const descriptor = Array.from({ length: 128 }, (_, i) => Math.sin(i + 1));
  const norm = Math.hypot(...descriptor);
  writeFileSync(
    STRANGER,
    JSON.stringify({
      label: 'Stranger',
      descriptors: [descriptor.map((x) => x / norm)],
    }),
  );
});

/** Pages this file opens besides the session's; closed with the context. */
let second: Page;

afterAll(async () => {
  await second?.close();
});

function galleryPanel(page: Page) {
  return page.getByRole('region', { name: 'Gallery' });
}

/** The names in the People list, in order, read in one go. */
async function peopleOf(page: Page): Promise<string[]> {
  // One read of every item: the list may change between separate reads.
  return page
    .getByRole('list', { name: 'People' })
    .getByRole('listitem', { name: /.+/ })
    .evaluateAll((items) =>
      items.map((item) => item.getAttribute('aria-label') ?? ''),
    );
}

/** Waits until the People list is `names` (in any order). */
async function waitForPeople(page: Page, names: string[]): Promise<void> {
  const want = [...names].sort().join(', ');
  const deadline = Date.now() + 20_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await peopleOf(page)).sort().join(', ');
    if (seen === want) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  throw new Error(`Expected the people [${want}], saw [${seen}].`);
}

/** Enrols the one face of solo.jpg under `name`; waits for its line. */
async function enrolSolo(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByLabel('Photos').setInputFiles(SOLO);
  await page
    .getByRole('list', { name: 'Enrolment results' })
    .getByRole('listitem')
    .filter({ hasText: `solo.jpg: added to ${name} (1 sample).` })
    .waitFor({ timeout: STEP_MS });
}

async function importStranger(page: Page): Promise<void> {
  await page.getByLabel('Import gallery').setInputFiles(STRANGER);
  await page.getByRole('button', { name: 'Apply import' }).click();
}

/** The alert the Gallery section shows when it keeps people in memory. */
async function memoryAlert(page: Page): Promise<string> {
  const alert = galleryPanel(page)
    .getByRole('alert')
    .filter({ hasText: 'will not be kept after the page closes' });
  await alert.waitFor({ timeout: 20_000 });

  return (await alert.textContent()) ?? '';
}

async function expectSaved(page: Page): Promise<void> {
  await galleryPanel(page)
    .getByText('Saved in this browser only; nothing is sent anywhere.')
    .waitFor({ timeout: 10_000 });
}

app.step(
  'two tabs open on an empty gallery',
  async () => {
    const { context, page, server } = app;
    second = await context.newPage();
    await second.goto(`${server.origin}/`);
    for (const tab of [page, second]) {
      await expectSaved(tab);
      await galleryPanel(tab)
        .getByText('Nobody enrolled yet')
        .waitFor({ timeout: 10_000 });
    }
    await waitForModelsReady(page);
  },
  STEP_MS,
);

app.step(
  'an enrolment in one tab and an import in the other, at once: both tabs see both',
  async () => {
    const { page } = app;
    await Promise.all([enrolSolo(page, 'Solo'), importStranger(second)]);

    await waitForPeople(page, ['Solo', 'Stranger']);
    await waitForPeople(second, ['Solo', 'Stranger']);
  },
  STEP_MS,
);

app.step(
  'a delete in the second tab shows in the first without a reload',
  async () => {
    const { page } = app;
    await second.getByRole('button', { name: 'Delete Solo' }).click();
    await second.getByRole('button', { name: 'Confirm delete Solo' }).click();

    await waitForPeople(page, ['Stranger']);
    await waitForPeople(second, ['Stranger']);
    // What is stored is what both show.
    await page.reload();
    await waitForPeople(page, ['Stranger']);
  },
  STEP_MS,
);

app.step(
  'storage full: the alert, enrolment in memory, the stored gallery intact',
  async () => {
    const { page } = app;
    await waitForModelsReady(page);
    // Chromium's DevTools quota override does not reach IndexedDB writes
    // (measured: 5 MB still fits under a 1-byte quota), so this page's
    // writes fail the way a full disk fails them, with QuotaExceededError.
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      Object.assign(globalThis, { visageRealPut: put });
      IDBObjectStore.prototype.put = function full() {
        throw new DOMException(
          'The quota has been exceeded.',
          'QuotaExceededError',
        );
      };
    });
    try {
      await enrolSolo(page, 'Solo');
      expect(await memoryAlert(page)).toMatch(/storage .* is full/);
      await waitForPeople(page, ['Stranger', 'Solo']);
    } finally {
      await page.evaluate(() => {
        const { visageRealPut } = globalThis as unknown as {
          visageRealPut: IDBObjectStore['put'];
        };
        IDBObjectStore.prototype.put = visageRealPut;
      });
    }

    // The other tab, and a fresh read of the stored gallery, still have
    // Stranger alone, with the sample they had.
    await second.reload();
    await expectSaved(second);
    await waitForPeople(second, ['Stranger']);
    await expect(
      second.getByRole('listitem', { name: 'Stranger' }).textContent(),
    ).resolves.toContain('1 sample');
  },
  STEP_MS,
);

app.step(
  'IndexedDB refused: the alert, and enrolment works in memory',
  async () => {
    const { page } = app;
    await second.addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('Test: storage refused', 'SecurityError');
      };
    });
    await second.reload();
    expect(await memoryAlert(second)).toMatch(
      /would not open the gallery storage \(SecurityError\)/,
    );
    await galleryPanel(second)
      .getByText('Nobody enrolled yet')
      .waitFor({ timeout: 10_000 });

    await waitForModelsReady(second).catch(async () => {
      // waitForModelsReady stops at any alert: the storage one is expected.
      await second
        .getByText('Models ready', { exact: true })
        .waitFor({ timeout: 60_000 });
    });
    await enrolSolo(second, 'Memo');
    await waitForPeople(second, ['Memo']);

    // Nothing reached the stored gallery or the other tab.
    await page.reload();
    await expectSaved(page);
    await waitForPeople(page, ['Stranger']);
  },
  STEP_MS,
);
