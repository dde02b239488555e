/**
 * What the engine runs on: face-api (with its TensorFlow.js) and the WASM
 * backend's controls. The worker passes the browser ESM build, Node passes
 * face-api's node-wasm build (./node/runtime.ts); the engine uses only this.
 */
import type * as FaceApi from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';

/** The face-api module namespace, either build. */
export type FaceApiModule = typeof FaceApi;

/** The full TensorFlow.js core API (face-api's own typing shows a subset). */
export type Tf = typeof TfCore;

/** A height x width x channels image tensor. */
export type Tensor3D = TfCore.Tensor3D;

/** The few functions of @tensorflow/tfjs-backend-wasm the engine calls. */
export interface WasmControls {
  setWasmPaths(prefixOrFileMap: string | Record<string, string>): void;
  setThreadsCount(count: number): void;
  getThreadsCount?(): number;
}

export interface Runtime {
  faceapi: FaceApiModule;
  wasm: WasmControls;
}

/** The TensorFlow.js instance face-api was built with, fully typed. */
export function tfOf(runtime: Runtime): Tf {
  return runtime.faceapi.tf as unknown as Tf;
}
