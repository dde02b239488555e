/**
 * Model source, backend, "Load models", and a byte progress bar per model.
 */
import { useId } from 'preact/hooks';
import type { BackendPreference, ModelSourceKind } from '../../engine/config';
import { MODELS } from '../../engine/models';
import { bytesText } from '../format';
import { withTrailingSlash } from '../modelUrl';
import type { Services } from '../services';
import { Panel, Select } from './fields';

const SOURCE_OPTIONS: { value: ModelSourceKind; label: string }[] = [
  { value: 'local', label: 'Local' },
  { value: 'cdn', label: 'CDN (jsDelivr)' },
  { value: 'custom', label: 'Custom URL' },
];

const BACKEND_OPTIONS: { value: BackendPreference; label: string }[] = [
  { value: 'auto', label: 'Auto' },
  { value: 'wasm', label: 'WASM' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'cpu', label: 'CPU' },
];

export function ModelsPanel({ services }: { services: Services }) {
  const { store, client } = services;
  const load = store.settings.value.load;
  const phase = client.phase.value;
  const error = client.loadError.value;

  return (
    <Panel title="Models">
      <Select
        label="Model source"
        value={load.modelSource}
        options={SOURCE_OPTIONS}
        onChange={(modelSource) => store.updateLoad({ modelSource })}
      />
      {load.modelSource === 'custom' && (
        <CustomUrlField
          value={load.customModelUrl}
          onChange={(customModelUrl) => store.updateLoad({ customModelUrl })}
        />
      )}
      <Select
        label="Backend"
        value={load.backend}
        options={BACKEND_OPTIONS}
        onChange={(backend) => store.updateLoad({ backend })}
      />
      <button type="button" onClick={services.loadModels}>
        Load models
      </button>

      <ModelProgressList services={services} />

      {phase === 'ready' && <p class="ok">Models ready</p>}
      {phase === 'loading' && <p class="muted">Loading models…</p>}
      {error !== null && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
    </Panel>
  );
}

function CustomUrlField(props: {
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();

  return (
    <div class="field">
      <label for={id}>Custom model URL</label>
      <input
        id={id}
        type="url"
        placeholder="https://example.com/models/"
        spellcheck={false}
        value={props.value}
        onInput={(event) => props.onChange(event.currentTarget.value)}
        onBlur={(event) => {
          const text = event.currentTarget.value.trim();
          if (text !== '') props.onChange(withTrailingSlash(text));
        }}
      />
    </div>
  );
}

function ModelProgressList({ services }: { services: Services }) {
  const progress = services.client.progress.value;

  return (
    <ul class="model-progress">
      {MODELS.map((model) => {
        const p = progress[model.id];
        const id = `model-progress-${model.id}`;

        return (
          <li key={model.id}>
            <label for={id}>{model.label}</label>
            {p === undefined || p.totalBytes === 0 ? (
              <progress id={id} />
            ) : (
              <progress id={id} value={p.loadedBytes} max={p.totalBytes} />
            )}
            <span class="muted bytes">
              {p === undefined
                ? 'waiting'
                : `${bytesText(p.loadedBytes)} of ${bytesText(p.totalBytes)}`}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
