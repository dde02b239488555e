/**
 * Detector choice and its thresholds, the detector for chosen photos, face
 * limit, and the overlay and stage switches. Changes apply from the next
 * frame (the photo detector from the next photo).
 */
import type { DetectorKind, TrackingMode } from '../../engine/options';
import { TINY_INPUT_SIZES } from '../../engine/options';
import type { Services } from '../services';
import { Checkbox, NumberField, Panel, Range, Select } from './fields';

const DETECTOR_OPTIONS: { value: DetectorKind; label: string }[] = [
  { value: 'tiny', label: 'Tiny Face Detector' },
  { value: 'ssd', label: 'SSD MobileNet v1' },
];

const TRACKING_OPTIONS: { value: TrackingMode; label: string }[] = [
  { value: 'follow', label: 'Follow faces between detections' },
  { value: 'detect', label: 'Detect on every frame' },
];

const INPUT_SIZE_OPTIONS = TINY_INPUT_SIZES.map((size) => ({
  value: size,
  label: String(size),
}));

const twoDecimals = (value: number): string => value.toFixed(2);

export function DetectionPanel({ services }: { services: Services }) {
  const { store } = services;
  const { analysis, display } = store.settings.value;
  const update = store.updateAnalysis;

  return (
    <Panel title="Detection">
      <Select
        label="Detector"
        value={analysis.detector}
        options={DETECTOR_OPTIONS}
        onChange={(detector) => update({ detector })}
      />
      {analysis.detector === 'tiny' ? (
        <>
          <Select
            label="Input size"
            value={analysis.tinyInputSize}
            options={INPUT_SIZE_OPTIONS}
            onChange={(tinyInputSize) => update({ tinyInputSize })}
          />
          <Range
            label="Score threshold"
            value={analysis.tinyScoreThreshold}
            min={0.05}
            max={0.95}
            step={0.05}
            format={twoDecimals}
            onChange={(tinyScoreThreshold) => update({ tinyScoreThreshold })}
          />
        </>
      ) : (
        <Range
          label="Minimum confidence"
          value={analysis.ssdMinConfidence}
          min={0.05}
          max={0.95}
          step={0.05}
          format={twoDecimals}
          onChange={(ssdMinConfidence) => update({ ssdMinConfidence })}
        />
      )}
      <Select
        label="Photo detector"
        value={analysis.photoDetector}
        options={DETECTOR_OPTIONS}
        onChange={(photoDetector) => update({ photoDetector })}
      />
      <Select
        label="Tracking"
        value={analysis.tracking}
        options={TRACKING_OPTIONS}
        onChange={(tracking) => update({ tracking })}
      />
      <NumberField
        label="Maximum faces"
        value={analysis.maxFaces}
        min={1}
        max={50}
        onChange={(maxFaces) => update({ maxFaces })}
      />

      <fieldset class="switches">
        <legend>Show</legend>
        <Checkbox
          label="Boxes"
          checked={display.boxes}
          onChange={(boxes) => store.updateDisplay({ boxes })}
        />
        <Checkbox
          label="Landmarks"
          checked={analysis.landmarks}
          onChange={(landmarks) => update({ landmarks })}
        />
        <Checkbox
          label="Expressions"
          checked={analysis.expressions}
          onChange={(expressions) => update({ expressions })}
        />
        <Checkbox
          label="Age and gender"
          checked={analysis.ageGender}
          onChange={(ageGender) => update({ ageGender })}
        />
        <Checkbox
          label="Recognition"
          checked={analysis.recognition}
          onChange={(recognition) => update({ recognition })}
        />
      </fieldset>

      <Range
        label="Age smoothing"
        value={analysis.ageSmoothing}
        min={0.01}
        max={1}
        step={0.01}
        format={twoDecimals}
        onChange={(ageSmoothing) => update({ ageSmoothing })}
      />
    </Panel>
  );
}
