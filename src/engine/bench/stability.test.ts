import { describe, expect, it } from 'vitest';
import type { TrackLabel } from './stability';
import { labelStability } from './stability';

function face(
  id: number,
  name: string | null,
  gender: string | null = 'female',
  age: number | null = 30,
): TrackLabel {
  return { id, name, gender, age };
}

describe('labelStability', () => {
  it('finds nothing to count in no results', () => {
    expect(labelStability([])).toEqual({
      tracks: 0,
      sightings: 0,
      nameChanges: 0,
      genderChanges: 0,
      ageSpreadYears: 0,
    });
  });

  it('counts no change for steady labels, per track', () => {
    const results = [
      [face(1, 'Ann'), face(2, 'Bea', 'male', 40)],
      [face(1, 'Ann', 'female', 30.4), face(2, 'Bea', 'male', 40)],
    ];

    expect(labelStability(results)).toMatchObject({
      tracks: 2,
      sightings: 4,
      nameChanges: 0,
      genderChanges: 0,
      ageSpreadYears: 0,
    });
  });

  it('counts each flicker of a name, including back to Unknown', () => {
    const results = [
      [face(1, 'Ann')],
      [face(1, 'Unknown')],
      [face(1, 'Ann')],
      [face(1, null)],
    ];

    expect(labelStability(results).nameChanges).toBe(3);
  });

  it('does not count the first estimate arriving as a change', () => {
    const results = [[face(1, null, null, null)], [face(1, 'Ann', 'male', 31)]];

    expect(labelStability(results)).toMatchObject({
      nameChanges: 0,
      genderChanges: 0,
      ageSpreadYears: 0,
    });
  });

  it('reports the widest age spread of any track, in whole years', () => {
    const results = [
      [face(1, 'Ann', 'female', 30), face(2, 'Bea', 'female', 50)],
      [face(1, 'Ann', 'female', 33.6), face(2, 'Bea', 'male', 50)],
    ];

    expect(labelStability(results)).toMatchObject({
      ageSpreadYears: 4,
      genderChanges: 1,
    });
  });
});
