// Model loading failures, each with a fetch that answers the way a broken
// server would. The files are the real ones from @vladmandic/face-api.
import { describe, expect, it } from 'vitest';
import { loadModels, ModelLoadError } from './models';
import { createNodeRuntime, fileFetch, localModelUrl } from './node/runtime';

const runtime = createNodeRuntime();
const base = 'http://models.test/models/';
const manifest = 'tiny_face_detector_model-weights_manifest.json';

/** Serves the real model folder at `base`, then lets `alter` break it. */
function serve(
  alter: (file: string, real: () => Promise<Response>) => Promise<Response>,
): typeof fetch {
  return async (input) => {
    const file = String(input).slice(base.length);
    return alter(file, () => fileFetch(localModelUrl() + file));
  };
}

async function failure(fetchFn: typeof fetch): Promise<ModelLoadError> {
  const error = await loadModels(runtime, base, {
    fetch: fetchFn,
    models: ['tinyFaceDetector'],
  }).catch((e: unknown) => e);
  if (!(error instanceof ModelLoadError)) {
    throw new Error(`expected a ModelLoadError, got ${String(error)}`);
  }
  return error;
}

describe('loadModels failures', () => {
  it('names the URL and status of a 404', async () => {
    const error = await failure(
      serve(
        async () =>
          new Response('nope', { status: 404, statusText: 'Not Found' }),
      ),
    );

    expect(error.code).toBe('http');
    expect(error.status).toBe(404);
    expect(error.url).toBe(base + manifest);
    expect(error.message).toContain(`${base}${manifest} returned HTTP 404`);
  });

  it('says so when a manifest URL returns an HTML page', async () => {
    const html = '<!doctype html><html><body>app</body></html>';
    const error = await failure(
      serve(async () => new Response(html, { status: 200 })),
    );

    expect(error.code).toBe('html');
    expect(error.message).toMatch(/HTML page \(HTTP 200\)/);
  });

  it('says so when a shard returns HTML', async () => {
    const error = await failure(
      serve(async (file, real) =>
        file.endsWith('.json')
          ? real()
          : new Response('<html></html>', {
              headers: { 'content-type': 'text/html' },
            }),
      ),
    );

    expect(error.code).toBe('html');
    expect(error.url).toMatch(/\.bin$/);
  });

  it('refuses a truncated shard', async () => {
    const error = await failure(
      serve(async (file, real) => {
        const response = await real();
        if (file.endsWith('.json')) return response;
        const bytes = new Uint8Array(await response.arrayBuffer());
        return new Response(bytes.slice(0, bytes.length - 100));
      }),
    );

    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/truncated/);
  });

  it('refuses a manifest that is not JSON', async () => {
    const error = await failure(serve(async () => new Response('{"paths": ')));

    expect(error.code).toBe('corrupt');
  });

  it('reports an unreachable host as a network error', async () => {
    const error = await failure(async () => {
      throw new TypeError('fetch failed');
    });

    expect(error.code).toBe('network');
    expect(error.message).toContain('fetch failed');
  });
});
