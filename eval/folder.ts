/**
 * The evaluation's sets on disk: a folder of set folders, each with a
 * manifest.csv (or one set folder itself), in the layout of the README's
 * "Accuracy" section. Used by eval/run.ts and the end-to-end test.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EvalSource } from '../src/engine/eval/analyze';
import { readPixelFrame } from '../src/engine/node/image';

/**
 * Reads sets from `dataDir`: its sub-folders holding a manifest.csv (only
 * those named in `only`, when given), or `dataDir` alone when it holds one.
 */
export function folderSource(
  dataDir: string,
  only: readonly string[] = [],
): EvalSource {
  const root = path.resolve(dataDir);
  let single = false;
  const setDir = (set: string) => (single ? root : path.join(root, set));

  return {
    async sets() {
      single = await exists(path.join(root, 'manifest.csv'));
      if (single) return [path.basename(root)];
      const names: string[] = [];
      for (const entry of await readdir(root, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        if (only.length > 0 && !only.includes(entry.name)) continue;
        if (await exists(path.join(root, entry.name, 'manifest.csv'))) {
          names.push(entry.name);
        }
      }
      return names.sort();
    },
    async readText(set, file) {
      try {
        return await readFile(path.join(setDir(set), file), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async readImage(set, file) {
      const full = path.join(setDir(set), file);
      if (!(await exists(full))) throw new Error('file not found');
      return readPixelFrame(full);
    },
  };
}

/** Whether a path exists. */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
