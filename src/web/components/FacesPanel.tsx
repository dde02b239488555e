/**
 * The faces in view, one row per track id. Sampled at most four times a
 * second and rounded, so values stay readable instead of flickering.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { TrackedFace } from '../../engine/types';
import { EXPRESSIONS } from '../../engine/types';
import { ageText, expressionText, genderText, nameText } from '../format';
import type { Settings } from '../settings';
import type { Services } from '../services';
import { Panel } from './fields';

/** Panel refresh period: at most 4 updates a second. */
const REFRESH_MS = 250;

export function FacesPanel({ services }: { services: Services }) {
  const { client, store } = services;
  const faces = useSignal<readonly TrackedFace[]>([]);

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
  // Rows in id order, so a face keeps its place while others come and go.
  const list = [...faces.value].sort((a, b) => a.id - b.id);

  return (
    <Panel title="Faces">
      {list.length === 0 ? <p class="muted">No faces in view</p> : null}
      <ul aria-label="Faces in view" class="faces">
        {list.map((face) => (
          <FaceRow key={face.id} face={face} settings={settings} />
        ))}
      </ul>
    </Panel>
  );
}

function FaceRow({
  face,
  settings,
}: {
  face: TrackedFace;
  settings: Settings;
}) {
  const { analysis } = settings;
  const age = ageText(face);
  const gender = genderText(face);

  return (
    <li aria-label={`Face ${face.id}`}>
      <h3>Face {face.id}</h3>
      <dl>
        {analysis.recognition && (
          <>
            <dt>Name</dt>
            <dd>{nameText(face)}</dd>
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
    </li>
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
