/** Messages between the per-model timing page and its worker. */
import type { BackendInfo } from '../../src/engine/config';
import type { ModelTime } from '../compare/modelTimes';

export interface ModelsRequest {
  /** A camera frame with the clip's three faces (JPEG). */
  frameUrl: string;
  runs: number;
  warmups: number;
}

export type ModelsReply =
  | { type: 'done'; backend: BackendInfo; times: ModelTime[] }
  | { type: 'error'; message: string };
