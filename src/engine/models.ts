/**
 * The six face-api networks Visage uses, and loading them with progress.
 * (Filled in by the engine work; this header fixes the exported contract.)
 */

/** The models Visage loads, each a face-api net with its weight manifest. */
export const MODELS = [
  {
    id: 'tinyFaceDetector',
    label: 'Tiny Face Detector',
    manifest: 'tiny_face_detector_model-weights_manifest.json',
  },
  {
    id: 'ssdMobilenetv1',
    label: 'SSD MobileNet v1',
    manifest: 'ssd_mobilenetv1_model-weights_manifest.json',
  },
  {
    id: 'faceLandmark68Net',
    label: '68-point landmarks',
    manifest: 'face_landmark_68_model-weights_manifest.json',
  },
  {
    id: 'faceExpressionNet',
    label: 'Expressions',
    manifest: 'face_expression_model-weights_manifest.json',
  },
  {
    id: 'ageGenderNet',
    label: 'Age and gender',
    manifest: 'age_gender_model-weights_manifest.json',
  },
  {
    id: 'faceRecognitionNet',
    label: 'Recognition',
    manifest: 'face_recognition_model-weights_manifest.json',
  },
] as const;

export type ModelId = (typeof MODELS)[number]['id'];

/** Byte progress of one model's download. */
export interface ModelProgress {
  model: ModelId;
  loadedBytes: number;
  /** Known from the manifest before the first shard arrives. */
  totalBytes: number;
  done: boolean;
}
