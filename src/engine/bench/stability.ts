/**
 * How steady the labels of the live view are: from the tracks each result
 * reports (`visage:result` marks), how often a face's name or gender
 * changed while its track lasted, and how far its shown age moved. The
 * tracking issue asks that none change while the same person stays in view.
 */

/** One face of one result, as the result marks list it. */
export interface TrackLabel {
  id: number;
  name: string | null;
  gender: string | null;
  /** The age shown, in years; null before the first estimate. */
  age: number | null;
}

export interface LabelStability {
  /** Tracks seen in the results. */
  tracks: number;
  /** Results listing a track, over all tracks. */
  sightings: number;
  /** Times a track's name differed from its previous result's. */
  nameChanges: number;
  /** The same for gender. */
  genderChanges: number;
  /** Largest spread (max - min) of one track's shown age, whole years. */
  ageSpreadYears: number;
}

/**
 * Counts label changes per track over `results`, in order. A track's first
 * result sets its labels; a missing value (null) before the first estimate
 * is not a change, but a known value turning back to null is.
 */
export function labelStability(
  results: readonly (readonly TrackLabel[])[],
): LabelStability {
  const last = new Map<number, TrackLabel>();
  const ages = new Map<number, { min: number; max: number }>();
  let sightings = 0;
  let nameChanges = 0;
  let genderChanges = 0;
  for (const tracks of results) {
    for (const track of tracks) {
      sightings++;
      const before = last.get(track.id);
      if (before) {
        if (changed(before.name, track.name)) nameChanges++;
        if (changed(before.gender, track.gender)) genderChanges++;
      }
      last.set(track.id, track);
      if (track.age !== null && Number.isFinite(track.age)) {
        const age = Math.round(track.age);
        const range = ages.get(track.id);
        if (!range) ages.set(track.id, { min: age, max: age });
        else {
          range.min = Math.min(range.min, age);
          range.max = Math.max(range.max, age);
        }
      }
    }
  }
  let ageSpreadYears = 0;
  for (const { min, max } of ages.values()) {
    ageSpreadYears = Math.max(ageSpreadYears, max - min);
  }

  return {
    tracks: last.size,
    sightings,
    nameChanges,
    genderChanges,
    ageSpreadYears,
  };
}

function changed(before: string | null, now: string | null): boolean {
  if (before === null) return false;

  return before !== now;
}
