import { describe, expect, it } from 'vitest';
import { isUnsafePath } from './paths.js';

describe('isUnsafePath', () => {
  it.each([
    '/',
    '/index.html',
    '/assets/index-DopJwzze.js',
    '/assets/a..b.js',
    '/models/tiny_face_detector_model-weights_manifest.json',
    '/models/x.bin?v=1',
    '/assets/name%20with%20space.css',
    '/.well-known/x',
  ])('lets %s through', (target) => {
    expect(isUnsafePath(target)).toBe(false);
  });

  it.each([
    ['the asterisk form', '*'],
    ['a full URL', 'http://example.com/../secret.txt'],
    ['a dot-dot segment', '/../secret.txt'],
    ['a trailing dot-dot', '/assets/..'],
    ['an encoded dot-dot', '/%2e%2e/secret.txt'],
    ['an encoded slash', '/assets/..%2F..%2Fsecret.txt'],
    ['a double-encoded dot-dot', '/%252e%252e/secret.txt'],
    ['a triple-encoded dot-dot', '/%25252e%25252e/secret.txt'],
    ['a backslash', '/assets\\..\\secret.txt'],
    ['an encoded backslash', '/..%5csecret.txt'],
    ['a NUL byte', '/index.html%00.js'],
    ['a double-encoded NUL', '/index.html%2500.js'],
    ['broken percent-encoding', '/%'],
    ['overlong UTF-8 dots', '/%c0%ae%c0%ae/secret.txt'],
    ['encoding nested too deep', '/%2525252e'],
  ])('refuses %s', (_name, target) => {
    expect(isUnsafePath(target)).toBe(true);
  });
});
