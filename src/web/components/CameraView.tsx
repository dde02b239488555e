/**
 * The one drawing surface. The camera controller draws into it; this
 * component owns the element and its pointer input: a click picks a face
 * (for enrolment when asked, else to show its matches), and a photo
 * dropped on it is analysed.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Services } from '../services';
import { droppedImages } from './fields';

export function CameraView({ services }: { services: Services }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { camera, enrol, stills } = services;
  const picking = enrol.pickPrompt.value !== null;

  useEffect(() => {
    if (canvas.current === null) return;

    return services.camera.attachCanvas(canvas.current);
  }, [services]);

  return (
    <div
      class={picking ? 'view picking' : 'view'}
      onDragOver={(event) => event.preventDefault()}
      onDrop={(event) => {
        event.preventDefault();
        const [file] = droppedImages(event);
        if (file) void stills.openFile(file);
      }}
    >
      <canvas
        ref={canvas}
        role="img"
        aria-label="Camera view"
        onClick={(event) => {
          const face = camera.faceAtPointer(event);
          if (enrol.pickPrompt.peek() !== null) {
            if (face) enrol.choose(face.id);

            return;
          }
          const id = face?.id ?? null;
          camera.selectedId.value =
            id !== null && camera.selectedId.peek() === id ? null : id;
        }}
      />
    </div>
  );
}
