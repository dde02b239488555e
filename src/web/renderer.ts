/**
 * The single canvas: the camera picture and every overlay, drawn together
 * on each video frame. The mirror flips the picture and the coordinates
 * (through ViewMapping) but never the text.
 */
import type { TrackedFace } from '../engine/types';
import type { AnalysisResult } from './workerClient';
import {
  ageText,
  genderText,
  nameText,
  percent,
  topExpression,
} from './format';
import type { OverlaySwitches } from './overlay';
import {
  LANDMARK_RUNS,
  ViewMapping,
  overlaysDrawn,
  overlaysFor,
} from './overlay';

const BOX_COLOUR = '#3ddc97';
const SELECTED_COLOUR = '#4cc9f0';
const LANDMARK_COLOUR = '#ffd166';
const LABEL_BACKGROUND = 'rgba(0, 0, 0, 0.65)';
const LABEL_TEXT = '#ffffff';

/** What one draw needs besides the picture. */
export interface DrawState {
  result: AnalysisResult | null;
  overlays: OverlaySwitches;
  mirror: boolean;
  /** The face (track id) drawn highlighted; null for none. */
  selectedId?: number | null;
}

/** A still picture (photo or snapshot) and what was found in it. */
export interface StillDrawState {
  /** Size of the picture analysed; faces are in its pixels. */
  width: number;
  height: number;
  faces: readonly TrackedFace[];
  overlays: OverlaySwitches;
  mirror: boolean;
  selectedId: number | null;
}

export class CanvasRenderer {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  #markedFrameId = -1;
  #dataFaces: string | null = null;
  #dataOverlays: string | null = null;

  constructor(canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('The browser gave no 2D canvas.');
    this.#canvas = canvas;
    this.#ctx = ctx;
  }

  /** Draws the current video frame and the latest result over it. */
  draw(video: HTMLVideoElement, state: DrawState): void {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (width === 0 || height === 0) return;
    this.#picture(video, width, height, state.mirror);

    // The overlays: coordinates mapped, text drawn the right way round.
    const { result } = state;
    if (result === null) return;
    const mapping = new ViewMapping(result, { width, height }, state.mirror);
    for (const face of result.faces) {
      this.#drawFace(
        face,
        mapping,
        state.overlays,
        face.id === state.selectedId,
      );
    }

    this.#markResult(result);
    this.#setData(result.faces, state.overlays);
  }

  /**
   * Draws a still picture at its own aspect ratio with its faces; no
   * visage:result mark, since no live frame was analysed.
   */
  drawStill(picture: CanvasImageSource, state: StillDrawState): void {
    const { width, height } = state;
    if (width === 0 || height === 0) return;
    this.#picture(picture, width, height, state.mirror);
    const mapping = new ViewMapping(state, { width, height }, state.mirror);
    for (const face of state.faces) {
      this.#drawFace(
        face,
        mapping,
        state.overlays,
        face.id === state.selectedId,
      );
    }
    this.#setData(state.faces, state.overlays);
  }

  /** Maps a pointer event on the canvas to source-frame pixels. */
  sourcePoint(
    event: { offsetX: number; offsetY: number },
    frame: { width: number; height: number },
    mirror: boolean,
  ): { x: number; y: number } {
    const canvas = this.#canvas;
    const scaleX =
      canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : 1;
    const scaleY =
      canvas.clientHeight > 0 ? canvas.height / canvas.clientHeight : 1;
    const mapping = new ViewMapping(
      frame,
      { width: canvas.width, height: canvas.height },
      mirror,
    );

    return mapping.toSource({
      x: event.offsetX * scaleX,
      y: event.offsetY * scaleY,
    });
  }

  /** The picture, sized to the canvas and flipped as a whole in selfie view. */
  #picture(
    picture: CanvasImageSource,
    width: number,
    height: number,
    mirror: boolean,
  ): void {
    if (this.#canvas.width !== width) this.#canvas.width = width;
    if (this.#canvas.height !== height) this.#canvas.height = height;
    const ctx = this.#ctx;
    ctx.save();
    if (mirror) {
      ctx.translate(width, 0);
      ctx.scale(-1, 1);
    }
    ctx.drawImage(picture, 0, 0, width, height);
    ctx.restore();
  }

  /** Paints the idle picture shown while the camera is off. */
  clear(message: string): void {
    const canvas = this.#canvas;
    if (canvas.width === 0 || canvas.height === 0) {
      canvas.width = 640;
      canvas.height = 480;
    }
    const ctx = this.#ctx;
    ctx.fillStyle = '#1b1d21';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#c9ced6';
    ctx.font = '20px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(message, canvas.width / 2, canvas.height / 2);
    ctx.textAlign = 'start';
    ctx.textBaseline = 'alphabetic';
  }

  #drawFace(
    face: TrackedFace,
    mapping: ViewMapping,
    switches: OverlaySwitches,
    selected: boolean,
  ): void {
    const ctx = this.#ctx;
    const kinds = new Set(overlaysFor(face, switches));
    const box = mapping.box(face.box);
    const scale = Math.max(1, this.#canvas.width / 640);
    ctx.lineWidth = (selected ? 4 : 2) * scale;
    ctx.font = `${Math.round(14 * scale)}px system-ui, sans-serif`;

    if (kinds.has('boxes') || selected) {
      ctx.strokeStyle = selected ? SELECTED_COLOUR : BOX_COLOUR;
      ctx.strokeRect(box.x, box.y, box.width, box.height);
    }

    if (kinds.has('landmarks') && face.landmarks) {
      const points = face.landmarks.map((p) => mapping.point(p));
      ctx.strokeStyle = LANDMARK_COLOUR;
      ctx.fillStyle = LANDMARK_COLOUR;
      ctx.lineWidth = scale;
      for (const run of LANDMARK_RUNS) {
        const slice = points.slice(run.from, run.to + 1);
        if (slice.length < 2) continue;
        ctx.beginPath();
        slice.forEach((p, i) =>
          i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y),
        );
        if (run.closed) ctx.closePath();
        ctx.stroke();
      }
      for (const p of points) {
        ctx.fillRect(p.x - scale, p.y - scale, 2 * scale, 2 * scale);
      }
    }

    // Above the box: the track id and, with recognition, the name.
    const title: string[] = [];
    if (kinds.has('boxes')) title.push(`#${face.id}`);
    if (kinds.has('names')) title.push(nameText(face));
    if (title.length > 0) {
      this.#label(title.join(' '), box.x, box.y, 'above');
    }

    // On the face: the top expression.
    if (kinds.has('expressions') && face.expressions) {
      const top = topExpression(face.expressions);
      const text = `${top.expression} ${percent(top.probability)}`;
      this.#label(text, box.x, box.y + box.height, 'above');
    }

    // Below the box: age and gender.
    if (kinds.has('age-gender')) {
      const parts = [ageText(face), genderText(face)].filter(
        (part) => part !== null,
      );
      this.#label(parts.join(' · '), box.x, box.y + box.height, 'below');
    }
  }

  /** Text on a dark tag whose left edge is at x, above or below y. */
  #label(text: string, x: number, y: number, side: 'above' | 'below'): void {
    const ctx = this.#ctx;
    const metrics = ctx.measureText(text);
    const pad = 4;
    const height =
      metrics.fontBoundingBoxAscent + metrics.fontBoundingBoxDescent + pad;
    const width = metrics.width + 2 * pad;
    const left = Math.min(Math.max(0, x), this.#canvas.width - width);
    const top = side === 'above' ? y - height : y;

    ctx.fillStyle = LABEL_BACKGROUND;
    ctx.fillRect(left, top, width, height);
    ctx.fillStyle = LABEL_TEXT;
    ctx.textBaseline = 'top';
    ctx.fillText(text, left + pad, top + pad / 2);
    ctx.textBaseline = 'alphabetic';
  }

  /** Marks a newly drawn live result for the benchmarks. */
  #markResult(result: AnalysisResult): void {
    if (result.frameId !== this.#markedFrameId) {
      this.#markedFrameId = result.frameId;
      performance.mark('visage:result', {
        detail: {
          faces: result.faces.length,
          latencyMs: performance.now() - result.capturedAt,
          tensors: result.numTensors,
          // What each face is said to be, so a benchmark can count changes.
          tracks: result.faces.map((face) => ({
            id: face.id,
            name: face.name,
            gender: face.gender ?? null,
            age:
              face.ageSmoothed === undefined
                ? null
                : Math.round(face.ageSmoothed),
          })),
        },
      });
    }
  }

  /** Keeps the canvas data attributes the tests read. */
  #setData(list: readonly TrackedFace[], switches: OverlaySwitches): void {
    const faces = String(list.length);
    if (faces !== this.#dataFaces) {
      this.#dataFaces = faces;
      this.#canvas.dataset.faces = faces;
    }
    if (list.length > 0) {
      const overlays = overlaysDrawn(list, switches).join(' ');
      if (overlays !== this.#dataOverlays) {
        this.#dataOverlays = overlays;
        this.#canvas.dataset.overlays = overlays;
      }
    }
  }
}
