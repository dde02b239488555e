import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MATCH_OPTIONS,
  DescriptorError,
  GalleryMatcher,
  normalizeMatchOptions,
} from './matcher';
import { DESCRIPTOR_LENGTH } from './types';
import type {
  Descriptor,
  MatchOptions,
  MatchResult,
  MatchStrategy,
} from './matcher';

/** A descriptor that is zero except where `values` says (index: value). */
function vec(values: Record<number, number> = {}): Float32Array {
  const out = new Float32Array(DESCRIPTOR_LENGTH);
  for (const [i, x] of Object.entries(values)) out[Number(i)] = x;
  return out;
}

/** Zero except the first value: distances along one axis are easy to read. */
const x = (value: number): Float32Array => vec({ 0: value });

const origin = vec();

function summary(result: MatchResult): string {
  return result.kind === 'known'
    ? result.person.personId
    : `unknown (${result.reason})`;
}

function gallery(
  people: [id: string, samples: Float32Array[]][],
  options = {},
): GalleryMatcher {
  return GalleryMatcher.fromPeople(
    people.map(([id, descriptors]) => ({ id, name: id, descriptors })),
    options,
  );
}

describe('GalleryMatcher.match', () => {
  it('calls everyone Unknown in an empty gallery', () => {
    const empty = new GalleryMatcher();
    const noSamples = gallery([['ann', []]]);

    for (const matcher of [empty, noSamples]) {
      for (const strategy of ['nearest', 'mean', 'centroid'] as const) {
        expect(matcher.match(origin, { strategy })).toEqual({
          kind: 'unknown',
          reason: 'empty',
          candidates: [],
        });
      }
    }
  });

  it('matches the one enrolled person, at distance 0 for their sample', () => {
    const matcher = gallery([['ann', [x(0.5), x(0.25)]]]);

    expect(matcher.match(x(0.25))).toEqual({
      kind: 'known',
      person: { personId: 'ann', name: 'ann', distance: 0, sampleIndex: 1 },
      candidates: [
        { personId: 'ann', name: 'ann', distance: 0, sampleIndex: 1 },
      ],
    });
  });

  it.each<[string, number, number, string]>([
    ['below the threshold', 0.25, 0.3, 'ann'],
    ['exactly at the threshold', 0.5, 0.5, 'ann'],
    ['just past the threshold', 0.5, 0.4999, 'unknown (threshold)'],
    ['past the default threshold', 0.5625, 0.55, 'unknown (threshold)'],
    ['within a threshold clamped up to 0.30', 0.25, 0.1, 'ann'],
    ['past a threshold clamped down to 0.80', 0.8125, 2, 'unknown (threshold)'],
  ])('query %s: distance %s, threshold %s → %s', (_, d, threshold, want) => {
    const matcher = gallery([['ann', [origin]]]);
    const result = matcher.match(x(d), { threshold });

    expect(summary(result)).toBe(want);
    expect(result.candidates[0]?.distance).toBe(d);
  });

  // Query at the origin; ann at 0.25, bob at 0.5 or tied with ann.
  it.each<[string, number, number, string]>([
    ['apart by more than the margin', 0.5, 0.03, 'ann'],
    ['apart by exactly the margin', 0.5, 0.25, 'ann'],
    ['apart by less than the margin', 0.5, 0.2501, 'unknown (ambiguous)'],
    ['tied, default margin', 0.25, 0.03, 'unknown (ambiguous)'],
    ['tied, margin 0: first enrolled wins', 0.25, 0, 'ann'],
  ])('two people %s (bob at %s, margin %s) → %s', (_, bob, margin, want) => {
    const matcher = gallery([
      ['ann', [x(0.25)]],
      ['bob', [vec({ 1: bob })]],
    ]);
    const result = matcher.match(origin, { margin });

    expect(summary(result)).toBe(want);
    expect(result.candidates.map((c) => c.distance)).toEqual([0.25, bob]);
  });

  it('reports the threshold before the margin when both apply', () => {
    const matcher = gallery([
      ['ann', [x(0.75)]],
      ['bob', [vec({ 1: 0.75 })]],
    ]);

    expect(summary(matcher.match(origin))).toBe('unknown (threshold)');
  });

  // Query at the origin. ann: one close and one far sample; bob: two samples
  // at 0.25; cy: two samples either side of the origin, its mean near it.
  const disagreeing = (): GalleryMatcher =>
    gallery([
      ['ann', [x(1), x(0.125)]],
      ['bob', [vec({ 1: 0.25 }), vec({ 1: 0.25 })]],
      ['cy', [vec({ 2: -0.5 }), vec({ 2: 0.375 })]],
    ]);

  it.each<[MatchStrategy, string, number[], number[]]>([
    ['nearest', 'ann', [0.125, 0.25, 0.375], [1, 0, 1]],
    ['mean', 'bob', [0.25, 0.4375, 0.5625], [0, 1, 1]],
    ['centroid', 'cy', [0.0625, 0.25, 0.5625], [1, 0, 1]],
  ])('%s picks %s where the strategies disagree', (strategy, want, d, at) => {
    const result = disagreeing().match(origin, { strategy });

    expect(summary(result)).toBe(want);
    expect(result.candidates.map((c) => c.distance)).toEqual(d);
    expect(result.candidates.map((c) => c.sampleIndex)).toEqual(at);
  });

  it('defaults to the nearest sample', () => {
    expect(summary(disagreeing().match(origin))).toBe('ann');
  });

  it('lists the three closest people, best first', () => {
    const matcher = gallery(
      [0.5, 0.125, 0.375, 0.0625, 0.25].map((d) => [`at ${d}`, [x(d)]]),
    );
    const result = matcher.match(origin);

    expect(result.candidates.map((c) => c.personId)).toEqual([
      'at 0.0625',
      'at 0.125',
      'at 0.25',
    ]);
    expect(result.candidates.map((c) => c.sampleIndex)).toEqual([0, 0, 0]);
  });
});

describe('GalleryMatcher changes', () => {
  it('forgets a removed sample, in every strategy', () => {
    const matcher = gallery([
      ['ann', [x(0.125), x(1)]],
      ['bob', [x(0.375)]],
    ]);

    expect(matcher.removeSample('ann', 0)).toBe(true);
    expect(matcher.sampleCountOf('ann')).toBe(1);
    expect(summary(matcher.match(origin))).toBe('bob');
    const centroid = matcher.match(origin, { strategy: 'centroid' });
    expect(centroid.candidates.map((c) => [c.personId, c.distance])).toEqual([
      ['bob', 0.375],
      ['ann', 1],
    ]);
  });

  it('keeps centroids up to date through add, remove and re-add', () => {
    const matcher = gallery([['ann', [x(0.5), x(0.25)]]]);
    const centroid = () =>
      matcher.match(origin, { strategy: 'centroid' }).candidates[0]?.distance;

    expect(centroid()).toBe(0.375);
    matcher.addSamples('ann', 'ann', [x(0)]);
    expect(centroid()).toBe(0.25);
    matcher.removeSample('ann', 0);
    expect(centroid()).toBe(0.125);
    matcher.removePerson('ann');
    matcher.addSamples('ann', 'ann', [x(0.75)]);
    expect(centroid()).toBe(0.75);
  });

  it('forgets a removed person; the people moved keep their samples', () => {
    const matcher = gallery([
      ['ann', [x(0.125), x(0.5)]],
      ['bob', [x(0.25), x(0.75)]],
      ['cy', [x(0.625), x(0.5)]],
    ]);

    expect(matcher.removePerson('ann')).toBe(true);
    expect(matcher.hasPerson('ann')).toBe(false);
    expect(matcher.sampleCount).toBe(4);
    for (const strategy of ['nearest', 'centroid'] as const) {
      const result = matcher.match(origin, { strategy });
      expect(result.candidates.map((c) => c.personId)).toEqual(['bob', 'cy']);
    }
    expect(matcher.match(x(0.5)).candidates[0]).toMatchObject({
      personId: 'cy',
      distance: 0,
      sampleIndex: 1,
    });
  });

  it('keeps a person left with no samples, but never matches them', () => {
    const matcher = gallery([
      ['ann', [x(0)]],
      ['bob', [x(0.5)]],
    ]);
    matcher.removeSample('ann', 0);

    expect(matcher.hasPerson('ann')).toBe(true);
    for (const strategy of ['nearest', 'mean', 'centroid'] as const) {
      const result = matcher.match(origin, { strategy });
      expect(result.candidates.map((c) => c.personId)).toEqual(['bob']);
    }
  });

  it.each<[string, (m: GalleryMatcher) => boolean]>([
    ['an unknown person', (m) => m.removeSample('zed', 0)],
    ['a sample index past the end', (m) => m.removeSample('ann', 1)],
    ['a negative sample index', (m) => m.removeSample('ann', -1)],
    ['a fractional sample index', (m) => m.removeSample('ann', 0.5)],
    ['an unknown person, whole', (m) => m.removePerson('zed')],
  ])('refuses to remove %s and changes nothing', (_, remove) => {
    const matcher = gallery([['ann', [x(0)]]]);

    expect(remove(matcher)).toBe(false);
    expect(matcher.sampleCount).toBe(1);
    expect(summary(matcher.match(origin))).toBe('ann');
  });

  it('clears everything, then takes new people', () => {
    const matcher = gallery([['ann', [x(0)]]]);
    matcher.clear();

    expect(matcher.sampleCount).toBe(0);
    expect(matcher.personCount).toBe(0);
    expect(summary(matcher.match(origin))).toBe('unknown (empty)');
    matcher.addSamples('bob', 'Bob', [x(0)]);
    expect(matcher.match(origin, { strategy: 'centroid' })).toMatchObject({
      kind: 'known',
      person: { personId: 'bob', name: 'Bob' },
    });
  });

  it('renames a person when samples come with a new name', () => {
    const matcher = gallery([['ann', [x(0)]]]);
    matcher.addSamples('ann', 'Ann Lee', []);

    expect(matcher.match(origin)).toMatchObject({
      person: { personId: 'ann', name: 'Ann Lee' },
    });
  });

  it('merges a person listed twice when built from a list', () => {
    const matcher = gallery([
      ['ann', [x(0.5)]],
      ['ann', [x(0.25)]],
    ]);

    expect(matcher.personCount).toBe(1);
    expect(matcher.match(origin).candidates).toEqual([
      { personId: 'ann', name: 'ann', distance: 0.25, sampleIndex: 1 },
    ]);
  });

  it('grows past its initial capacity and keeps every sample', () => {
    const matcher = new GalleryMatcher({ initialCapacity: 2 });
    for (let p = 0; p < 100; p++) {
      const samples = [0, 1, 2].map((s) => vec({ [p]: 1, 127: s / 4 }));
      matcher.addSamples(`p${p}`, `P${p}`, samples);
    }

    expect(matcher.sampleCount).toBe(300);
    expect(matcher.capacity).toBe(512);
    for (let p = 0; p < 100; p += 7) {
      const result = matcher.match(vec({ [p]: 1, 127: 0.5 }));
      expect(result).toMatchObject({
        kind: 'known',
        person: { personId: `p${p}`, distance: 0, sampleIndex: 2 },
      });
      const centroid = matcher.match(vec({ [p]: 1, 127: 0.25 }), {
        strategy: 'centroid',
      });
      expect(centroid.candidates[0]?.distance).toBe(0);
    }
  });
});

describe('descriptor checks', () => {
  const withValue = (value: number): Float32Array => vec({ 7: value });

  it.each<[string, Descriptor, DescriptorError['code'], RegExp]>([
    ['too short', new Float32Array(127), 'wrong-length', /127 values.*128/],
    ['too long', new Array<number>(129).fill(0), 'wrong-length', /129 values/],
    ['empty', [], 'wrong-length', /0 values/],
    ['not an array', null as unknown as Descriptor, 'wrong-length', /null/],
    ['NaN', withValue(Number.NaN), 'not-finite', /value 7 is NaN/],
    ['Infinity', withValue(Infinity), 'not-finite', /value 7 is Infinity/],
    ['-Infinity', withValue(-Infinity), 'not-finite', /is -Infinity/],
    [
      'a hole in a plain array',
      new Array<number>(128),
      'not-finite',
      /value 0 is undefined/,
    ],
  ])('refuses a descriptor %s, to add and to query', (_, bad, code, text) => {
    const matcher = gallery([['ann', [x(0)]]]);
    const refusal = { name: 'DescriptorError', code };

    expect(() => matcher.match(bad)).toThrow(DescriptorError);
    expect(() => matcher.match(bad)).toThrow(text);
    expect(() => matcher.match(bad)).toThrow(expect.objectContaining(refusal));
    expect(() => matcher.addSamples('bob', 'Bob', [x(0.5), bad])).toThrow(
      /^Sample 1 /,
    );
    expect(matcher.sampleCount).toBe(1);
    expect(matcher.hasPerson('bob')).toBe(false);
  });

  it('takes plain number arrays, as imported files have them', () => {
    const matcher = gallery([['ann', [x(0)]]]);
    matcher.addSamples('bob', 'Bob', [Array.from(x(0.5))]);

    expect(summary(matcher.match([...x(0.5)]))).toBe('bob');
  });
});

describe('normalizeMatchOptions', () => {
  it('fills every default from nothing', () => {
    expect(normalizeMatchOptions(undefined)).toEqual(DEFAULT_MATCH_OPTIONS);
    expect(normalizeMatchOptions('garbage')).toEqual(DEFAULT_MATCH_OPTIONS);
  });

  it.each<[keyof MatchOptions, unknown, unknown]>([
    ['threshold', 0.1, 0.3],
    ['threshold', 0.95, 0.8],
    ['threshold', 0.6, 0.6],
    ['threshold', Number.NaN, 0.55],
    ['threshold', '0.6', 0.55],
    ['margin', -1, 0],
    ['margin', 0.1, 0.1],
    ['margin', 5, 0.5],
    ['strategy', 'mean', 'mean'],
    ['strategy', 'best', 'nearest'],
  ])('brings %s=%s to %s', (key, value, expected) => {
    expect(normalizeMatchOptions({ [key]: value })[key]).toBe(expected);
  });
});

// Property: through any mix of adds, removals and queries, every strategy
// agrees with a brute-force reference. Values are multiples of 1/8 on four
// axes, so sums of squares are exact, distances land near the threshold, and
// ties happen. Queries between changes catch stale cached centroids.
describe('against a brute-force reference', () => {
  type Op =
    | { op: 'add'; person: number; samples: Float32Array[] }
    | { op: 'removeSample'; person: number; index: number }
    | { op: 'removePerson'; person: number }
    | { op: 'match'; query: Float32Array };

  const point = fc
    .array(fc.integer({ min: -4, max: 4 }), { minLength: 4, maxLength: 4 })
    .map((values) => vec(Object.fromEntries(values.map((v, i) => [i, v / 8]))));
  const person = fc.integer({ min: 0, max: 5 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        person,
        samples: fc.array(point, { minLength: 1, maxLength: 3 }),
      }),
    },
    fc.record({
      op: fc.constant('removeSample' as const),
      person,
      index: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ op: fc.constant('removePerson' as const), person }),
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constant('match' as const), query: point }),
    },
  );

  function distance(a: Float32Array, b: Float32Array): number {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
    return Math.sqrt(sum);
  }

  function mean(samples: Float32Array[]): Float32Array {
    const out = new Float32Array(DESCRIPTOR_LENGTH);
    for (let i = 0; i < DESCRIPTOR_LENGTH; i++) {
      out[i] = samples.reduce((s, d) => s + d[i]!, 0) / samples.length;
    }
    return out;
  }

  function personDistance(
    strategy: MatchStrategy,
    samples: Float32Array[],
    query: Float32Array,
  ): number {
    const each = samples.map((s) => distance(s, query));
    if (strategy === 'nearest') return Math.min(...each);
    if (strategy === 'mean') return each.reduce((a, b) => a + b) / each.length;
    return distance(mean(samples), query);
  }

  /** Checks one answer against the people and samples the model holds. */
  function expectReference(
    result: MatchResult,
    model: Map<string, Float32Array[]>,
    query: Float32Array,
    { strategy, threshold, margin }: MatchOptions,
  ): void {
    const want = [...model]
      .filter(([, samples]) => samples.length > 0)
      .map(([id, samples]) => ({
        id,
        samples,
        distance: personDistance(strategy, samples, query),
      }))
      .sort((a, b) => a.distance - b.distance);

    // Ties may come in either order: compare distances, then check each
    // candidate against its own person.
    const got = result.candidates;
    expect(got).toHaveLength(Math.min(3, want.length));
    got.forEach((candidate, i) => {
      const expected = want.find((w) => w.id === candidate.personId);
      expect(candidate.distance).toBeCloseTo(want[i]!.distance, 6);
      expect(candidate.distance).toBeCloseTo(expected!.distance, 6);
      const sample = expected!.samples[candidate.sampleIndex]!;
      const closest = personDistance('nearest', expected!.samples, query);
      expect(distance(sample, query)).toBe(closest);
      if (strategy === 'nearest') {
        expect(candidate.distance).toBe(expected!.distance);
      }
    });

    const [best, second] = want;
    const reason = !best
      ? 'empty'
      : best.distance > threshold
        ? 'threshold'
        : second && second.distance - best.distance < margin
          ? 'ambiguous'
          : null;
    expect(result.kind === 'unknown' ? result.reason : null).toBe(reason);
  }

  it('agrees in every strategy through random adds and removals', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 30 }),
        point,
        fc.constantFrom<MatchStrategy>('nearest', 'mean', 'centroid'),
        fc.constantFrom(0.3, 0.42, 0.55, 0.7),
        fc.constantFrom(0, 0.03, 0.1),
        (ops, lastQuery, strategy, threshold, margin) => {
          const options = { strategy, threshold, margin };
          const matcher = new GalleryMatcher({ initialCapacity: 1 });
          const model = new Map<string, Float32Array[]>();
          const steps: Op[] = [...ops, { op: 'match', query: lastQuery }];
          for (const step of steps) {
            if (step.op === 'match') {
              const result = matcher.match(step.query, options);
              expectReference(result, model, step.query, options);
              continue;
            }
            const id = `p${step.person}`;
            const samples = model.get(id);
            if (step.op === 'add') {
              matcher.addSamples(id, id, step.samples);
              model.set(id, [...(samples ?? []), ...step.samples]);
            } else if (step.op === 'removeSample') {
              const exists = !!samples && step.index < samples.length;
              expect(matcher.removeSample(id, step.index)).toBe(exists);
              if (exists) samples.splice(step.index, 1);
            } else {
              expect(matcher.removePerson(id)).toBe(model.delete(id));
            }
          }
          const total = [...model.values()].reduce((n, s) => n + s.length, 0);
          expect(matcher.sampleCount).toBe(total);
          expect(matcher.personCount).toBe(model.size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
