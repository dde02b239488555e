// Backend start-up in Node: WASM starts; WebGL is registered by TensorFlow.js
// but cannot start without a GPU context, which exercises the fallback.
import { describe, expect, it } from 'vitest';
import { startBackend } from './backend';
import { createNodeRuntime } from './node/runtime';
import { tfOf } from './runtime';

const runtime = createNodeRuntime();

describe('startBackend', () => {
  it('falls back to WASM with a note when the chosen backend cannot start', async () => {
    const info = await startBackend(runtime, 'webgl', { wasmThreads: 1 });

    expect(info.name).toBe('wasm');
    expect(info.fallbacks[0]?.name).toBe('webgl');
    expect(info.fallbacks[0]?.reason).not.toBe('');
    expect(tfOf(runtime).getBackend()).toBe('wasm');
  });

  it('reports WASM threads and SIMD', async () => {
    const info = await startBackend(runtime, 'wasm', { wasmThreads: 1 });

    expect(info).toMatchObject({ name: 'wasm', threads: 1, fallbacks: [] });
    expect(typeof info.simd).toBe('boolean');
  });

  it('on auto, times the backends that start and keeps the fastest', async () => {
    const info = await startBackend(runtime, 'auto', { wasmThreads: 1 });
    const timed = Object.entries(info.probeMs ?? {});

    expect(timed.length).toBeGreaterThan(0);
    const fastest = timed.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(info.name).toBe(fastest[0]);
    expect(tfOf(runtime).getBackend()).toBe(info.name);
  });
});
