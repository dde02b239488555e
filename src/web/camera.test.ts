import { describe, expect, test } from 'vitest';
import {
  CameraError,
  cameraEndedError,
  cameraErrorKind,
  toCameraError,
  videoConstraints,
} from './camera';

/** What browsers throw from getUserMedia: a DOMException-like error. */
function domError(name: string, message = 'x'): Error {
  const error = new Error(message);
  error.name = name;

  return error;
}

describe('cameraErrorKind', () => {
  test.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotFoundError', 'none'],
    ['OverconstrainedError', 'none'],
    ['NotReadableError', 'busy'],
    ['AbortError', 'busy'],
    ['TypeError', 'unsupported'],
    ['SomethingNew', 'other'],
    ['', 'other'],
  ])('%s is %s', (name, kind) => {
    expect(cameraErrorKind(name)).toBe(kind);
  });
});

describe('toCameraError', () => {
  test('denied says how to allow the camera and retry', () => {
    const error = toCameraError(domError('NotAllowedError'));

    expect(error).toBeInstanceOf(CameraError);
    expect(error.kind).toBe('denied');
    expect(error.message).toBe(
      'Camera access was denied. Allow the camera for this site in the ' +
        "browser's address bar, then press Retry camera.",
    );
  });

  test.each([
    ['NotFoundError', /^No camera was found/],
    ['NotReadableError', /^The camera is in use by another application/],
  ])('%s has its sentence', (name, sentence) => {
    expect(toCameraError(domError(name)).message).toMatch(sentence);
  });

  test('an unknown failure keeps its detail', () => {
    const error = toCameraError(domError('WeirdError', 'driver crashed'));

    expect(error.kind).toBe('other');
    expect(error.message).toContain('driver crashed');
    expect(error.message).toContain('Retry camera');
  });

  test('a non-Error value still becomes a CameraError', () => {
    expect(toCameraError('boom').message).toContain('boom');
  });

  test('a CameraError passes through unchanged', () => {
    const ended = cameraEndedError();

    expect(toCameraError(ended)).toBe(ended);
    expect(ended.kind).toBe('ended');
  });
});

describe('videoConstraints', () => {
  test('asks softly for the resolution, and for no device in particular', () => {
    expect(videoConstraints('1280x720', '')).toEqual({
      width: { ideal: 1280 },
      height: { ideal: 720 },
    });
  });

  test('prefers the chosen camera without failing when it is gone', () => {
    expect(videoConstraints('640x480', 'cam-2').deviceId).toEqual({
      ideal: 'cam-2',
    });
  });
});
