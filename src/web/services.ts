/**
 * The app's long-lived parts, created once at start-up and handed to the
 * components: settings, the gallery, the worker client, the camera, stills
 * (photos and snapshots) and enrolment.
 */
import { effect } from '@preact/signals';
import type { EnrolledPerson } from '../engine/gallery/matcher';
import type { Person } from '../engine/gallery/types';
import { CameraController } from './cameraController';
import { EnrolController } from './enrolment';
import { engineConfig } from './engineConfig';
import type { GalleryStore } from './gallery/store';
import type { SettingsStore } from './settingsStore';
import { browserStorage, createSettingsStore } from './settingsStore';
import { StillController } from './stillView';
import { WorkerClient } from './workerClient';

export interface Services {
  store: SettingsStore;
  gallery: GalleryStore;
  client: WorkerClient;
  camera: CameraController;
  stills: StillController;
  enrol: EnrolController;
  /** (Re)starts the worker with the saved model source and backend. */
  loadModels(): void;
}

/** The gallery as the matcher takes it: descriptors in sample order. */
export function enrolledPeople(people: readonly Person[]): EnrolledPerson[] {
  return people.map((person) => ({
    id: person.id,
    name: person.name,
    descriptors: person.samples.map((sample) => sample.descriptor),
  }));
}

export function createServices(gallery: GalleryStore): Services {
  const store = createSettingsStore(browserStorage());
  const client = new WorkerClient();
  const stills = new StillController(client, store);
  const camera = new CameraController(client, store, stills);
  const enrol = new EnrolController(gallery, stills, camera);

  // The worker matches against the gallery as it is now; a photo on show
  // is matched again when the gallery or the match settings change.
  effect(() => {
    client.setGallery(enrolledPeople(gallery.people.value));
    void store.settings.value.match;
    void stills.rematch();
  });

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

  return { store, gallery, client, camera, stills, enrol, loadModels };
}
