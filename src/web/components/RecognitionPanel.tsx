/**
 * How faces are matched to enrolled people: the threshold slider and the
 * strategy. Changes apply to the live view from the next frame and to a
 * photo on show at once.
 */
import { useSignal } from '@preact/signals';
import type { GalleryCalibration } from '../../engine/gallery/calibrate';
import { calibrateGallery } from '../../engine/gallery/calibrate';
import type { MatchStrategy } from '../../engine/gallery/matcher';
import { THRESHOLD_RANGE } from '../../engine/gallery/matcher';
import { distanceText, percent } from '../format';
import type { Services } from '../services';
import { enrolledPeople } from '../services';
import { Panel, Range, Select } from './fields';

const STRATEGY_OPTIONS: { value: MatchStrategy; label: string }[] = [
  { value: 'nearest', label: 'Nearest sample' },
  { value: 'mean', label: 'Mean distance (face-api)' },
  { value: 'centroid', label: 'Centroid' },
];

export function RecognitionPanel({ services }: { services: Services }) {
  const { store, gallery } = services;
  const { match } = store.settings.value;
  const calibration = useSignal<GalleryCalibration | null>(null);
  const people = gallery.people.value;
  const samples = people.reduce((sum, p) => sum + p.samples.length, 0);

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
      <button
        type="button"
        disabled={samples < 2}
        onClick={() => {
          calibration.value = calibrateGallery(enrolledPeople(people));
        }}
      >
        Suggest a threshold
      </button>
      {calibration.value !== null && (
        <div
          class="calibration"
          role="status"
          aria-label="Threshold suggestion"
        >
          <p>{calibrationText(calibration.value)}</p>
          {calibration.value.suggestedThreshold !== null && (
            <button
              type="button"
              onClick={() => {
                const threshold = calibration.value?.suggestedThreshold;
                if (threshold != null) store.updateMatch({ threshold });
              }}
            >
              Use {calibration.value.suggestedThreshold.toFixed(2)}
            </button>
          )}
        </div>
      )}
    </Panel>
  );
}

/** The gallery's own verdict on the threshold, in a sentence or two. */
export function calibrationText(c: GalleryCalibration): string {
  if (c.suggestedThreshold === null) {
    return (
      'Enrol at least two samples of one person to measure how far apart ' +
      'the same face comes out.'
    );
  }
  const parts = [
    `From your gallery's own samples: ${distanceText(c.suggestedThreshold)}.`,
  ];
  if (c.genuine.n > 0) {
    parts.push(
      `${percent(c.genuineAccepted)} of same-person pairs fall within it ` +
        `(${c.genuine.n} pairs).`,
    );
  }
  if (c.impostor.n > 0) {
    parts.push(
      `${percent(c.impostorAccepted)} of pairs of different people do ` +
        `(${c.impostor.n} pairs; the closest are ` +
        `${distanceText(c.impostor.min)} apart).`,
    );
  } else {
    parts.push(
      'With only one person enrolled, strangers cannot be measured: the ' +
        'suggestion never goes above the default.',
    );
  }

  return parts.join(' ');
}
