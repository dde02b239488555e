/**
 * The app's long-lived parts, created once at start-up and handed to the
 * components: settings, the worker client and the camera.
 */
import { CameraController } from './cameraController';
import { engineConfig } from './engineConfig';
import type { SettingsStore } from './settingsStore';
import { browserStorage, createSettingsStore } from './settingsStore';
import { WorkerClient } from './workerClient';

export interface Services {
  store: SettingsStore;
  client: WorkerClient;
  camera: CameraController;
  /** (Re)starts the worker with the saved model source and backend. */
  loadModels(): void;
}

export function createServices(): Services {
  const store = createSettingsStore(browserStorage());
  const client = new WorkerClient();
  const camera = new CameraController(client, store);

  function loadModels(): void {
    let config;
    try {
      config = engineConfig(store.settings.peek().load, {
        pageUrl: location.href,
        faceApiVersion: __FACE_API_VERSION__,
        cores: navigator.hardwareConcurrency,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      client.failToStart('models', message);

      return;
    }
    client.start(config);
  }

  return { store, client, camera, loadModels };
}
