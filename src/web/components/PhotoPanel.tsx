/**
 * Analysing a photo on the view canvas instead of the camera: choose one
 * here or drop it on the view; "Back to camera" returns to the live view.
 */
import type { Services } from '../services';
import { FileField, Panel } from './fields';

export function PhotoPanel({ services }: { services: Services }) {
  const { stills, client } = services;
  const still = stills.still.value;
  const problem = stills.fileProblem.value;
  const ready = client.phase.value === 'ready';

  return (
    <Panel title="Photo">
      <FileField
        label="Analyse photo"
        accept="image/*"
        disabled={!ready}
        onFiles={(files) => {
          if (files[0]) void stills.openFile(files[0]);
        }}
      />
      {problem !== null && (
        <p role="alert" class="error">
          {problem}
        </p>
      )}
      {still !== null && (
        <div class="still-status">
          <p>{stillText(still)}</p>
          {still.error !== null && (
            <p role="alert" class="error">
              {still.label}: {still.error}
            </p>
          )}
          <button type="button" onClick={() => stills.close()}>
            Back to camera
          </button>
        </div>
      )}
    </Panel>
  );
}

function stillText(still: NonNullable<Services['stills']['still']['value']>) {
  if (still.photo === null) {
    return still.error === null ? `Analysing ${still.label}…` : '';
  }
  const count = still.photo.faces.length;
  const faces =
    count === 0 ? 'no face found' : count === 1 ? '1 face' : `${count} faces`;

  const scaled = still.scaledFrom
    ? ` (scaled down from ${still.scaledFrom.width} x ` +
      `${still.scaledFrom.height})`
    : '';

  return `Showing ${still.label}: ${faces}${scaled}.`;
}
