import { render } from 'preact';
import { signal } from '@preact/signals';
const n = signal(0);
const w = new Worker(
  new URL('../worker/inference.worker.ts', import.meta.url),
  { type: 'module' },
);
w.onmessage = (e) => {
  n.value = e.data as number;
};
function App() {
  return <p>hello {n}</p>;
}
render(<App />, document.getElementById('app')!);
