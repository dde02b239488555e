/**
 * The faces in view, one row per track id. Sampled at most four times a
 * second and rounded, so values stay readable instead of flickering.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Person } from '../../engine/gallery/types';
import type { FaceCandidate, TrackedFace } from '../../engine/types';
import { EXPRESSIONS } from '../../engine/types';
import {
  ageText,
  distanceText,
  expressionText,
  genderText,
  nameText,
  unknownReasonText,
} from '../format';
import type { Settings } from '../settings';
import type { Services } from '../services';
import { Panel } from './fields';

/** Panel refresh period: at most 4 updates a second. */
const REFRESH_MS = 250;

export function FacesPanel({ services }: { services: Services }) {
  const { client, store, stills, camera, gallery, enrol } = services;
  const faces = useSignal<readonly TrackedFace[]>([]);
  const still = stills.still.value;
  const selectedId = camera.selectedId.value;
  const people = gallery.people.value;
  const busy = enrol.busy.value;
  const picking = enrol.pickPrompt.value !== null;

  useEffect(() => {
    let shown = client.result.peek();
    faces.value = shown?.faces ?? [];
    const timer = setInterval(() => {
      const latest = client.result.peek();
      if (latest === shown) return;
      shown = latest;
      faces.value = latest?.faces ?? [];
    }, REFRESH_MS);

    return () => clearInterval(timer);
  }, [client, faces]);

  const settings = store.settings.value;
  // A still on show replaces the live faces; its faces do not change.
  const shown = still !== null ? (still.photo?.faces ?? []) : faces.value;
  // Rows in id order, so a face keeps its place while others come and go.
  const list = [...shown].sort((a, b) => a.id - b.id);
  const select = (id: number): void => {
    camera.selectedId.value = selectedId === id ? null : id;
  };

  return (
    <Panel title="Faces">
      {list.length === 0 ? <p class="muted">No faces in view</p> : null}
      <ul aria-label="Faces in view" class="faces">
        {list.map((face) => (
          <FaceRow
            key={face.id}
            face={face}
            settings={settings}
            selected={face.id === selectedId}
            people={people}
            onSelect={() => select(face.id)}
            onEnrol={
              picking
                ? () => enrol.choose(face.id)
                : still !== null && !busy
                  ? () => void enrol.enrolStillFace(face.id)
                  : null
            }
          />
        ))}
      </ul>
    </Panel>
  );
}

function FaceRow({
  face,
  settings,
  selected,
  people,
  onSelect,
  onEnrol,
}: {
  face: TrackedFace;
  settings: Settings;
  selected: boolean;
  people: readonly Person[];
  onSelect: () => void;
  onEnrol: (() => void) | null;
}) {
  const { analysis } = settings;
  const age = ageText(face);
  const gender = genderText(face);
  const recognised = analysis.recognition && face.descriptor !== undefined;

  return (
    <li aria-label={`Face ${face.id}`} class={selected ? 'selected' : ''}>
      <h3>Face {face.id}</h3>
      <dl>
        {analysis.recognition && (
          <>
            <dt>Name</dt>
            <dd
              title={
                face.name === null && face.unknownReason
                  ? unknownReasonText(face.unknownReason)
                  : undefined
              }
            >
              {nameText(face)}
            </dd>
          </>
        )}
        {analysis.ageGender && age !== null && (
          <>
            <dt>Age</dt>
            <dd>{age}</dd>
          </>
        )}
        {analysis.ageGender && gender !== null && (
          <>
            <dt>Gender</dt>
            <dd>{gender}</dd>
          </>
        )}
        {analysis.expressions && face.expressions && (
          <>
            <dt>Expression</dt>
            <dd>{expressionText(face.expressions)}</dd>
          </>
        )}
      </dl>
      {analysis.expressions && face.expressions && (
        <ExpressionBars id={face.id} scores={face.expressions} />
      )}
      <div class="buttons">
        {recognised && (
          <button type="button" aria-pressed={selected} onClick={onSelect}>
            {selected ? 'Hide matches' : 'Show matches'}
          </button>
        )}
        {onEnrol !== null && (
          <button type="button" onClick={onEnrol}>
            Enrol Face {face.id}
          </button>
        )}
      </div>
      {selected && recognised && face.unknownReason && (
        <p class="muted small">
          Unknown: {unknownReasonText(face.unknownReason)}.
        </p>
      )}
      {selected && recognised && (
        <Candidates
          faceId={face.id}
          candidates={face.candidates ?? []}
          people={people}
        />
      )}
    </li>
  );
}

/** The closest people with their distances and the sample that matched. */
function Candidates(props: {
  faceId: number;
  candidates: readonly FaceCandidate[];
  people: readonly Person[];
}) {
  if (props.candidates.length === 0) {
    return <p class="muted">Nobody is enrolled yet.</p>;
  }

  return (
    <ol
      aria-label={`Closest people to Face ${props.faceId}`}
      class="candidates"
    >
      {props.candidates.map((candidate) => {
        const person = props.people.find((p) => p.id === candidate.personId);
        const sample = person?.samples[candidate.sampleIndex];

        return (
          <li key={candidate.personId}>
            {sample?.thumbnail !== undefined ? (
              <img
                src={sample.thumbnail}
                width={48}
                height={48}
                alt={`Matched sample of ${candidate.name}`}
              />
            ) : (
              <span class="thumb-missing" aria-hidden="true" />
            )}
            <span>
              {candidate.name} · distance {distanceText(candidate.distance)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function ExpressionBars(props: {
  id: number;
  scores: NonNullable<TrackedFace['expressions']>;
}) {
  return (
    <div class="expression-bars">
      {EXPRESSIONS.map((expression) => {
        const id = `face-${props.id}-${expression}`;
        const value = Math.round(props.scores[expression] * 100) / 100;

        return (
          <div key={expression} class="bar">
            <label for={id}>{expression}</label>
            <meter id={id} min={0} max={1} value={value} />
          </div>
        );
      })}
    </div>
  );
}
