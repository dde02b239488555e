/**
 * The gallery's data: enrolled people and their face samples. Descriptors stay
 * Float32Array in memory; files hold them as plain number arrays (./schema.ts).
 */

/** The recognition net whose descriptors the gallery holds. */
export const RECOGNITION_MODEL = 'face-api/faceRecognitionNet';

/** Numbers in one face-api recognition descriptor. */
export const DESCRIPTOR_LENGTH = 128;

/** How good a sample was when it was enrolled; angles in degrees. */
export interface SampleQuality {
  /** Detector confidence, 0..1. */
  score: number;
  /** Face box size in source pixels (its shorter side). */
  sizePx: number;
  /** Sharpness of the face crop; higher is sharper. */
  sharpness: number;
  yaw: number;
  pitch: number;
  roll: number;
}

/** One enrolled face of a person. */
export interface Sample {
  id: string;
  /** DESCRIPTOR_LENGTH finite numbers from RECOGNITION_MODEL. */
  descriptor: Float32Array;
  /** A small face crop as a JPEG or PNG data URL. */
  thumbnail?: string;
  /** ISO 8601 time of enrolment. */
  createdAt: string;
  quality?: SampleQuality;
}

/** An enrolled person: a name and the samples that recognise them. */
export interface Person {
  id: string;
  name: string;
  samples: Sample[];
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt: string;
}
