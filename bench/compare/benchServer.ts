/**
 * The peer pages' server: bench/pages built by Vite to .cache/bench/web,
 * served by the app's own server code (src/server/app.ts) on a port of its
 * own, so they get the same isolation headers (COOP, COEP: WASM threads)
 * and the same face-api model files at /models/. Human's models and the
 * .wasm files Human asks for by name are linked in beside the pages.
 */
import { build } from 'vite';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { buildServer } from '../../src/server/app';

const require = createRequire(import.meta.url);

/** Where bench/pages/vite.config.ts builds to. */
export function benchWebRoot(root: string): string {
  return join(root, '.cache/bench/web');
}

/** Files and folders the pages are built from; a change in any rebuilds. */
const PAGE_INPUTS = [
  'bench/pages',
  'bench/compare/modelTimes.ts',
  'src/engine',
  'src/worker',
  'package.json',
];
const PAGE_OUTPUTS = ['original.html', 'human.html', 'models.html'];

/** Why the pages must be built, or null when they are up to date. */
function staleReason(root: string): string | null {
  const web = benchWebRoot(root);
  let oldest = Infinity;
  for (const output of PAGE_OUTPUTS) {
    const time = mtime(join(web, output));
    if (time === null) return `${output} is missing`;
    oldest = Math.min(oldest, time);
  }
  for (const input of PAGE_INPUTS) {
    const newest = newestFile(join(root, input));
    if (newest !== null && newest.time > oldest) {
      return `${relative(root, newest.path)} changed after the last build`;
    }
  }

  return null;
}

/** Builds the pages with Vite when they are stale. */
export async function ensurePagesBuilt(root: string): Promise<void> {
  const reason = staleReason(root);
  if (reason === null) return;
  console.info(`bench: building the peer pages (${reason}).`);
  await build({
    configFile: join(root, 'bench/pages/vite.config.ts'),
    logLevel: 'warn',
  });
}

/** Extra files the pages read, written beside them before serving. */
export interface PageData {
  /** The gallery export (/gallery.json) the original's FaceMatcher reads. */
  galleryJson?: string;
  /** The clip's first frame as JPEG (/frame.jpg), for per-model timings. */
  frameJpeg?: Buffer;
}

/**
 * Puts beside the built pages what they read: Human's models at
 * /human-models/, tfjs-backend-wasm's .wasm files at /wasm/ (Human's
 * wasmPath; its bundled tfjs is the same 4.22), the gallery and the frame.
 */
export async function preparePageData(
  root: string,
  data: PageData,
): Promise<void> {
  const web = benchWebRoot(root);
  // Human exports no package.json; its main file is dist/human.node.js.
  const humanModels = join(
    dirname(require.resolve('@vladmandic/human')),
    '..',
    'models',
  );
  const wasmDir = dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
  );
  await relink(humanModels, join(web, 'human-models'));
  await relink(wasmDir, join(web, 'wasm'));
  await mkdir(web, { recursive: true });
  if (data.galleryJson !== undefined) {
    await writeFile(join(web, 'gallery.json'), data.galleryJson);
  }
  if (data.frameJpeg !== undefined) {
    await writeFile(join(web, 'frame.jpg'), data.frameJpeg);
  }
}

async function relink(target: string, path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
  await symlink(target, path, 'dir');
}

/** A listening bench server. */
export interface BenchServer {
  origin: string;
  stop(): Promise<void>;
}

/** Serves the built pages (and the app's model files) on a free port. */
export async function startBenchServer(root: string): Promise<BenchServer> {
  // Human's warm-up fetches its sample image from a data: URL, which the
  // app's policy (connect-src 'self') refuses; let the peer pages do it.
  const app = await buildServer({
    webRoot: benchWebRoot(root),
    modelOrigins: ['data:'],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;

  return { origin: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

function newestFile(path: string): { path: string; time: number } | null {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return null;
  }
  if (!stats.isDirectory()) return { path, time: stats.mtimeMs };
  let newest: { path: string; time: number } | null = null;
  for (const name of readdirSync(path)) {
    const found = newestFile(join(path, name));
    if (found && (newest === null || found.time > newest.time)) newest = found;
  }

  return newest;
}

function mtime(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}
