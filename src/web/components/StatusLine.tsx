/**
 * Backend, analysis rate, time per stage and tensors in memory, refreshed
 * twice a second.
 */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { RateWindow } from '../fps';
import { backendText, fpsText, timingsText } from '../format';
import type { Services } from '../services';

const REFRESH_MS = 500;

interface StatusView {
  backend: string;
  fps: string;
  timings: string;
  tensors: string;
  frameError: string | null;
  notice: string | null;
}

function backendLine(services: Services): string {
  const { client } = services;
  const info = client.backend.peek();
  if (info !== null) return backendText(info);
  switch (client.phase.peek()) {
    case 'loading':
      return 'Backend: starting…';
    case 'failed':
      return 'Backend: not running';
    default:
      return 'Backend: not started';
  }
}

export function StatusLine({ services }: { services: Services }) {
  const { client } = services;
  const view = useSignal<StatusView | null>(null);

  useEffect(() => {
    const rates = new RateWindow();
    const stopListening = client.onResult(() => rates.add(performance.now()));
    const refresh = (): void => {
      const result = client.result.peek();
      view.value = {
        backend: backendLine(services),
        fps: fpsText(rates.rate(performance.now())),
        timings: result ? timingsText(result.timings) : 'No frame analysed yet',
        tensors: `Tensors: ${result ? result.numTensors : '–'}`,
        frameError: client.frameError.peek(),
        notice: client.notice.peek(),
      };
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);

    return () => {
      clearInterval(timer);
      stopListening();
    };
  }, [client, services, view]);

  const current = view.value;
  if (current === null) return null;

  // aria-live off: a live region that changes twice a second would keep
  // interrupting a screen reader; the line is still found by its role.
  return (
    <div role="status" aria-label="Status" aria-live="off" class="status">
      <span>{current.backend}</span>
      <span>{current.fps}</span>
      <span>{current.timings}</span>
      <span>{current.tensors}</span>
      {current.notice !== null && <span class="notice">{current.notice}</span>}
      {current.frameError !== null && (
        <span class="error">Last frame failed: {current.frameError}</span>
      )}
    </div>
  );
}
