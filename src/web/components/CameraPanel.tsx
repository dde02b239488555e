/**
 * Start/stop, camera choice, resolution, mirror, and camera errors with a
 * way to retry.
 */
import { RESOLUTIONS } from '../settings';
import type { Services } from '../services';
import { Checkbox, Panel, Select } from './fields';

const RESOLUTION_OPTIONS = RESOLUTIONS.map((value) => ({
  value,
  label: value,
}));

export function CameraPanel({ services }: { services: Services }) {
  const { store, camera } = services;
  const display = store.settings.value.display;
  const phase = camera.phase.value;
  const error = camera.error.value;
  const devices = camera.devices.value;
  const running = phase === 'on' || phase === 'starting';

  return (
    <Panel title="Camera">
      <button
        type="button"
        onClick={() => (running ? camera.stop() : void camera.start())}
      >
        {running ? 'Stop camera' : 'Start camera'}
      </button>
      {phase === 'starting' && <p class="muted">Starting camera…</p>}

      {devices.length >= 2 && (
        <Select
          label="Camera"
          value={
            devices.some((d) => d.deviceId === display.cameraId)
              ? display.cameraId
              : (devices[0]?.deviceId ?? '')
          }
          options={devices.map((d) => ({ value: d.deviceId, label: d.label }))}
          onChange={(cameraId) => {
            store.updateDisplay({ cameraId });
            void camera.restartIfOn();
          }}
        />
      )}
      <Select
        label="Resolution"
        value={display.resolution}
        options={RESOLUTION_OPTIONS}
        onChange={(resolution) => {
          store.updateDisplay({ resolution });
          void camera.restartIfOn();
        }}
      />
      <Checkbox
        label="Mirror"
        checked={display.mirror}
        onChange={(mirror) => store.updateDisplay({ mirror })}
      />

      {error !== null && (
        <div class="camera-error">
          <p role="alert" class="error">
            {error.message}
          </p>
          <button type="button" onClick={() => void camera.start()}>
            Retry camera
          </button>
        </div>
      )}
    </Panel>
  );
}
