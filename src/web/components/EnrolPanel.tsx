/**
 * Enrolling people: a name, then photos (chosen or dropped here), a camera
 * snapshot, or guided enrolment from the camera. Each file and each try
 * gets a line saying what happened.
 */
import { useId } from 'preact/hooks';
import type { Services } from '../services';
import { FileField, Panel, droppedImages } from './fields';

export function EnrolPanel({ services }: { services: Services }) {
  const { enrol, camera, client } = services;
  const nameId = useId();
  const busy = enrol.busy.value;
  const ready = client.phase.value === 'ready';
  const cameraOn = camera.phase.value === 'on';
  const guided = enrol.guided.value;
  const pickPrompt = enrol.pickPrompt.value;
  const notes = enrol.notes.value;

  return (
    <Panel title="Enrol">
      <div
        class="drop-zone"
        onDragOver={(event) => event.preventDefault()}
        onDrop={(event) => {
          event.preventDefault();
          const files = droppedImages(event);
          if (files.length > 0) void enrol.enrolPhotos(files);
        }}
      >
        <div class="field">
          <label for={nameId}>Name</label>
          <input
            id={nameId}
            type="text"
            autocomplete="off"
            maxLength={100}
            value={enrol.name.value}
            onInput={(event) => {
              enrol.name.value = event.currentTarget.value;
            }}
          />
        </div>
        <FileField
          label="Photos"
          accept="image/*"
          multiple
          disabled={busy || !ready}
          onFiles={(files) => void enrol.enrolPhotos(files)}
        />
        <p class="muted small">
          Or drop photos here. One face per photo is enrolled; with several, you
          click the one to enrol.
        </p>
        <div class="buttons">
          <button
            type="button"
            disabled={busy || !ready || !cameraOn}
            onClick={() => void enrol.enrolFromCamera()}
          >
            Enrol from camera
          </button>
          <button
            type="button"
            disabled={busy || !ready || !cameraOn}
            onClick={() => void enrol.startGuided()}
          >
            Guided enrolment
          </button>
        </div>
      </div>

      {guided !== null && (
        <div class="guided" role="status" aria-label="Guided enrolment">
          <p class="guided-prompt">{guided.prompt}</p>
          <p>
            {guided.kept} of {guided.wanted} samples kept
            {guided.lastRefusal !== null && ` · ${guided.lastRefusal}`}
          </p>
          <progress
            aria-label="Guided enrolment progress"
            max={guided.wanted}
            value={guided.kept}
          />
          <button type="button" onClick={() => enrol.cancelGuided()}>
            Stop guided enrolment
          </button>
        </div>
      )}

      {pickPrompt !== null && (
        <div class="pick" role="status" aria-label="Pick a face">
          <p>{pickPrompt}</p>
          <button type="button" onClick={() => enrol.choose(null)}>
            Skip
          </button>
        </div>
      )}

      {notes.length > 0 && (
        <>
          <ul aria-label="Enrolment results" class="notes">
            {notes.map((note) => (
              <li key={note.id} class={`note note-${note.level}`}>
                {note.text}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => enrol.clearNotes()}>
            Clear results
          </button>
        </>
      )}
    </Panel>
  );
}
