/**
 * The page: the camera view with the status line and the faces under it on
 * the left; models, camera, photo, enrolment, recognition, gallery and
 * detection panels on the right.
 */
import { CameraPanel } from './components/CameraPanel';
import { CameraView } from './components/CameraView';
import { DetectionPanel } from './components/DetectionPanel';
import { EnrolPanel } from './components/EnrolPanel';
import { FacesPanel } from './components/FacesPanel';
import { GalleryPanel } from './components/GalleryPanel';
import { ModelsPanel } from './components/ModelsPanel';
import { PhotoPanel } from './components/PhotoPanel';
import { RecognitionPanel } from './components/RecognitionPanel';
import { StatusLine } from './components/StatusLine';
import type { Services } from './services';

export function App({ services }: { services: Services }) {
  return (
    <div class="app">
      <header class="top">
        <h1>Visage</h1>
        <p class="muted">
          Face analysis that stays in this browser: no frame or face leaves the
          page.
        </p>
      </header>
      <main class="layout">
        <div class="main-column">
          <CameraView services={services} />
          <StatusLine services={services} />
          <FacesPanel services={services} />
        </div>
        <div class="panels">
          <ModelsPanel services={services} />
          <CameraPanel services={services} />
          <PhotoPanel services={services} />
          <EnrolPanel services={services} />
          <RecognitionPanel services={services} />
          <GalleryPanel gallery={services.gallery} />
          <DetectionPanel services={services} />
        </div>
      </main>
    </div>
  );
}
