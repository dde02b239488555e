/**
 * Where model weights are fetched from, per model source setting.
 */
import type { ModelSourceKind } from '../engine/config';
import { cdnModelUrl } from '../engine/models';

export { cdnModelUrl };

/** Adds the trailing slash a base URL needs for relative file names. */
export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The absolute base URL models load from. Local is our own server's
 * `/models/<face-api version>/`, which it caches for good since a new
 * version is a new URL; a custom URL may be relative to the page. Throws an Error
 * with a sentence for a person when the custom URL cannot be parsed.
 */
export function modelBaseUrl(
  source: ModelSourceKind,
  customUrl: string,
  pageUrl: string,
  faceApiVersion: string,
): string {
  switch (source) {
    case 'local':
      return localModelUrl(pageUrl, faceApiVersion);
    case 'cdn':
      return cdnModelUrl(faceApiVersion);
    case 'custom': {
      const trimmed = customUrl.trim();
      // An empty field falls back to Local rather than to the page itself.
      if (trimmed === '') return localModelUrl(pageUrl, faceApiVersion);

      try {
        return new URL(withTrailingSlash(trimmed), pageUrl).href;
      } catch {
        throw new Error(
          `The custom model URL "${trimmed}" is not a valid URL: enter a ` +
            'folder such as https://example.com/models/.',
        );
      }
    }
  }
}

function localModelUrl(pageUrl: string, faceApiVersion: string): string {
  return new URL(`/models/${encodeURIComponent(faceApiVersion)}/`, pageUrl)
    .href;
}
