/**
 * How faces are matched to enrolled people: the threshold slider and the
 * strategy. Changes apply to the live view from the next frame and to a
 * photo on show at once.
 */
import type { MatchStrategy } from '../../engine/gallery/matcher';
import { THRESHOLD_RANGE } from '../../engine/gallery/matcher';
import type { Services } from '../services';
import { Panel, Range, Select } from './fields';

const STRATEGY_OPTIONS: { value: MatchStrategy; label: string }[] = [
  { value: 'nearest', label: 'Nearest sample' },
  { value: 'mean', label: 'Mean distance (face-api)' },
  { value: 'centroid', label: 'Centroid' },
];

export function RecognitionPanel({ services }: { services: Services }) {
  const { store } = services;
  const { match } = store.settings.value;

  return (
    <Panel title="Recognition">
      <Range
        label="Match threshold"
        value={match.threshold}
        min={THRESHOLD_RANGE.min}
        max={THRESHOLD_RANGE.max}
        step={0.01}
        format={(value) => value.toFixed(2)}
        onChange={(threshold) => store.updateMatch({ threshold })}
      />
      <p class="muted small">
        Lower is stricter: a face is named only when an enrolled sample is
        closer than this, and Unknown when two people are almost equally close.
      </p>
      <Select
        label="Matching"
        value={match.strategy}
        options={STRATEGY_OPTIONS}
        onChange={(strategy) => store.updateMatch({ strategy })}
      />
    </Panel>
  );
}
