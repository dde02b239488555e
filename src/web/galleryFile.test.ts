import { describe, expect, it, vi } from 'vitest';
import type { DownloadEnv } from './galleryFile';
import {
  deleteAllQuestion,
  deletePersonQuestion,
  downloadText,
  errorText,
  exportFileName,
  FileTooLargeError,
  MAX_IMPORT_BYTES,
  qualityText,
  readFileText,
  samplesText,
  sourceText,
} from './galleryFile';

describe('exportFileName', () => {
  it.each([
    [new Date(2024, 4, 1, 12), 'visage-gallery-2024-05-01.json'],
    [new Date(2025, 11, 31, 23, 59), 'visage-gallery-2025-12-31.json'],
    [new Date(2026, 0, 9, 0, 0), 'visage-gallery-2026-01-09.json'],
  ])('dates %s in local time', (date, name) => {
    expect(exportFileName(date)).toBe(name);
  });
});

/** A fake page that records what downloadText does with it. */
function fakePage() {
  const link = {
    href: '',
    download: '',
    hidden: false,
    click: vi.fn(),
    remove: vi.fn(),
  };
  const append = vi.fn();
  const blobs: Blob[] = [];
  const deferred: (() => void)[] = [];
  const env: DownloadEnv = {
    document: {
      createElement: vi.fn(() => link),
      body: { append },
    } as unknown as DownloadEnv['document'],
    createObjectURL: vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:fake/1';
    }),
    revokeObjectURL: vi.fn(),
    defer: (task) => deferred.push(task),
  };

  return { env, link, append, blobs, deferred };
}

describe('downloadText', () => {
  it('clicks a temporary link to an object URL, then revokes the URL', async () => {
    const page = fakePage();

    downloadText(
      '{"a":1}',
      'visage-gallery-2024-05-01.json',
      undefined,
      page.env,
    );

    expect(page.env.document.createElement).toHaveBeenCalledWith('a');
    expect(page.link.href).toBe('blob:fake/1');
    expect(page.link.download).toBe('visage-gallery-2024-05-01.json');
    expect(page.link.hidden).toBe(true);
    expect(page.append).toHaveBeenCalledWith(page.link);
    expect(page.link.click).toHaveBeenCalledOnce();
    expect(page.link.remove).toHaveBeenCalledOnce();

    const [blob] = page.blobs;
    expect(blob?.type).toBe('application/json');
    expect(await blob?.text()).toBe('{"a":1}');

    // Revoked only after the click has been handled.
    expect(page.env.revokeObjectURL).not.toHaveBeenCalled();
    page.deferred.forEach((task) => task());
    expect(page.env.revokeObjectURL).toHaveBeenCalledWith('blob:fake/1');
  });

  it('revokes the URL at once and rethrows when the click fails', () => {
    const page = fakePage();
    page.link.click.mockImplementation(() => {
      throw new Error('blocked');
    });

    expect(() => downloadText('x', 'f.json', 'text/plain', page.env)).toThrow(
      'blocked',
    );
    expect(page.env.revokeObjectURL).toHaveBeenCalledWith('blob:fake/1');
    expect(page.deferred).toHaveLength(0);
  });
});

describe('readFileText', () => {
  it('reads a file within the limit', async () => {
    const file = new File(['{"people":[]}'], 'g.json');

    await expect(readFileText(file, 100)).resolves.toBe('{"people":[]}');
  });

  it('reads a file exactly at the limit', async () => {
    await expect(readFileText(new Blob(['abcd']), 4)).resolves.toBe('abcd');
  });

  it('refuses a larger file without reading it', async () => {
    const file = new Blob(['x']);
    Object.defineProperty(file, 'size', { value: 70 * 1024 * 1024 });
    const text = vi.spyOn(file, 'text');

    const read = readFileText(file);

    await expect(read).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(read).rejects.toThrow(
      'The file is 70 MiB; gallery files over 64 MiB are refused.',
    );
    expect(text).not.toHaveBeenCalled();
  });

  it('limits to 64 MiB unless told otherwise', async () => {
    expect(MAX_IMPORT_BYTES).toBe(64 * 1024 * 1024);
    const file = new Blob(['x']);
    Object.defineProperty(file, 'size', { value: MAX_IMPORT_BYTES + 1 });

    await expect(readFileText(file)).rejects.toThrow(
      'The file is 64.0 MiB; gallery files over 64 MiB are refused.',
    );
  });
});

describe('wording', () => {
  it.each([
    [0, '0 samples'],
    [1, '1 sample'],
    [2, '2 samples'],
  ])('samplesText(%i) is %s', (n, text) => {
    expect(samplesText(n)).toBe(text);
  });

  it('summarises quality as score and size', () => {
    const quality = {
      score: 0.9349,
      sizePx: 141.6,
      sharpness: 12,
      yaw: 0,
      pitch: 0,
      roll: 0,
    };

    expect(qualityText(quality)).toBe('score 0.93 · 142 px');
  });

  it('asks before deleting', () => {
    expect(deletePersonQuestion('Ann', 1)).toBe('Delete Ann and 1 sample?');
    expect(deletePersonQuestion('Bob', 3)).toBe('Delete Bob and 3 samples?');
    expect(deleteAllQuestion(2, 5)).toBe(
      'Delete all 2 people and 5 samples? This cannot be undone.',
    );
    expect(deleteAllQuestion(1, 1)).toBe(
      'Delete all 1 person and 1 sample? This cannot be undone.',
    );
  });

  it('names the source of an import', () => {
    expect(sourceText('visage')).toBe('a Visage export');
    expect(sourceText('face-api')).toBe('face-api JSON');
  });

  it('turns anything thrown into text', () => {
    expect(errorText(new Error('Enter a name.'))).toBe('Enter a name.');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(new Error(''))).toBe('Error');
  });
});
