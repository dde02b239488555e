/**
 * @vladmandic/human as its documentation shows it: its face pipeline
 * (detector, mesh, emotion, description: age, gender and embedding) with
 * body, hand, object, gesture and segmentation off, its own result caching
 * at the defaults, the WASM backend (Human bundles TensorFlow.js 4.22 and
 * asks for the same .wasm files by name, served here from /wasm/), models
 * from the package, and its draw helpers on one canvas. Up to 10 faces, as
 * the app analyses (Human's default is 1). Iris is off: neither other
 * contender computes it. On the main thread, as Human's demos run.
 */
import { Human } from '@vladmandic/human';
import type { Config } from '@vladmandic/human';
import { fail, markResult, pageState, startCamera, viewCanvas } from './page';
import { MODELS_READY_MARK } from './marks';

const config: Partial<Config> = {
  backend: 'wasm',
  wasmPath: '/wasm/',
  modelBasePath: '/human-models/',
  face: {
    enabled: true,
    detector: { maxDetected: 10 },
    mesh: { enabled: true },
    iris: { enabled: false },
    emotion: { enabled: true },
    description: { enabled: true },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    attention: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
};

/** The WASM controls Human's bundled TensorFlow.js exports. */
interface HumanTfWasm {
  getThreadsCount?: () => number;
}

async function main(): Promise<void> {
  const human = new Human(config);
  await human.load();
  await human.warmup();
  performance.mark(MODELS_READY_MARK);
  Object.assign(pageState().info, {
    library: '@vladmandic/human',
    version: human.version,
    tfjs: human.tf.version_core,
    backend: human.tf.getBackend(),
    threads: (human.tf as unknown as HumanTfWasm).getThreadsCount?.() ?? -1,
  });

  const video = await startCamera();
  const canvas = viewCanvas(video);

  const analyse = async (): Promise<void> => {
    try {
      const capturedAt = performance.now();
      const result = await human.detect(video);

      human.draw.canvas(video, canvas);
      await human.draw.all(canvas, result);
      markResult(capturedAt, result.face.length, human.tf.memory().numTensors);
    } catch (error) {
      fail(error);
    }
    requestAnimationFrame(() => void analyse());
  };
  requestAnimationFrame(() => void analyse());
}

main().catch(fail);
