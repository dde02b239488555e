/**
 * The one drawing surface. The camera controller draws into it; this
 * component only owns the element.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { Services } from '../services';

export function CameraView({ services }: { services: Services }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (canvas.current === null) return;

    return services.camera.attachCanvas(canvas.current);
  }, [services]);

  return (
    <div class="view">
      <canvas ref={canvas} role="img" aria-label="Camera view" />
    </div>
  );
}
