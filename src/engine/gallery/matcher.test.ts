import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { KernelRows } from './kernelRows';
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

/** Sample-level answers: the strategy these tests are about. */
const NEAREST = { strategy: 'nearest' } as const;

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

    expect(matcher.match(x(0.25), NEAREST)).toEqual({
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

  it('defaults to the centroid', () => {
    expect(summary(disagreeing().match(origin))).toBe('cy');
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
    expect(matcher.match(x(0.5), NEAREST).candidates[0]).toMatchObject({
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
    expect(matcher.match(origin, NEAREST).candidates).toEqual([
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
      const result = matcher.match(vec({ [p]: 1, 127: 0.5 }), NEAREST);
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
    ['threshold', Number.NaN, 0.42],
    ['threshold', '0.6', 0.42],
    ['margin', -1, 0],
    ['margin', 0.1, 0.1],
    ['margin', 5, 0.5],
    ['strategy', 'mean', 'mean'],
    ['strategy', 'best', 'centroid'],
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

// The WebAssembly kernel only decides which rows to measure; measuring is the
// JS pass's own arithmetic. So the two ways must agree to the last bit, ties
// included, whatever the data: these tests run twins side by side.
describe('WebAssembly kernel and plain JS', () => {
  const strategies = ['nearest', 'mean', 'centroid'] as const;

  /** mulberry32: a seeded source, so failures repeat. */
  function prng(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function unit(random: () => number): Float32Array {
    const out = Float32Array.from({ length: DESCRIPTOR_LENGTH }, () =>
      Math.tan(Math.PI * (random() - 0.5)),
    );
    const norm = Math.hypot(...out);
    return out.map((x) => x / norm);
  }

  /** The same people in a matcher each way. */
  function twins(options = {}): [GalleryMatcher, GalleryMatcher] {
    const wasm = new GalleryMatcher({ ...options, kernel: 'auto' });
    const js = new GalleryMatcher({ ...options, kernel: 'js' });
    expect([wasm.kernel, js.kernel]).toEqual(['wasm-simd', 'js']);
    return [wasm, js];
  }

  function expectSame(
    [wasm, js]: [GalleryMatcher, GalleryMatcher],
    queries: readonly Descriptor[],
  ): void {
    for (const query of queries) {
      for (const strategy of strategies) {
        const options = { strategy, margin: 0 };
        expect(wasm.match(query, options)).toStrictEqual(
          js.match(query, options),
        );
      }
    }
  }

  /** Samples near the enrolled ones, and far from all of them. */
  function queriesFor(
    samples: readonly Float32Array[],
    random: () => number,
  ): Descriptor[] {
    const near = [0, 1, 2].map(() => {
      const sample = samples[Math.floor(random() * samples.length)]!;
      const noise = unit(random);
      return sample.map((x, j) => x + 0.3 * noise[j]!);
    });
    // A plain array of doubles, as imported files hold them: not f32 values.
    const doubles = Array.from(unit(random), (x) => x * (1 + 1e-9));
    return [samples[0]!, ...near, unit(random), doubles];
  }

  it('uses the kernel in Node, plain JS when asked', () => {
    expect(new GalleryMatcher().kernel).toBe('wasm-simd');
    expect(new GalleryMatcher({ kernel: 'js' }).kernel).toBe('js');
    const people = [{ id: 'ann', name: 'Ann', descriptors: [x(0)] }];
    expect(GalleryMatcher.fromPeople(people, { kernel: 'js' }).kernel).toBe(
      'js',
    );
    expect(new GalleryMatcher().kernelMemoryBytes).toBeGreaterThan(0);
    expect(new GalleryMatcher({ kernel: 'js' }).kernelMemoryBytes).toBe(0);
  });

  // Sizes around the kernel's block of 4096 rows, and a few people a size.
  it.each([1, 2, 5, 4095, 4096, 4097, 10_003])(
    'agree on %i random samples',
    (size) => {
      const random = prng(size);
      const pair = twins({ initialCapacity: size });
      const samples: Float32Array[] = [];
      for (let first = 0; first < size; first += 3) {
        const mine = [];
        for (let row = first; row < Math.min(size, first + 3); row++) {
          mine.push(unit(random));
        }
        samples.push(...mine);
        for (const matcher of pair) matcher.addSamples(`p${first}`, '', mine);
      }
      expectSame(pair, queriesFor(samples, random));
    },
  );

  it('agree where int8 cannot tell people apart', () => {
    // Ten people a hair apart along one axis, and exact ties: the int8 copy
    // sees one point, so every one of them is measured, and ties go to the
    // first enrolled either way.
    const random = prng(3);
    const base = unit(random);
    const pair = twins();
    for (let p = 0; p < 10; p++) {
      const sample = base.slice();
      sample[0] = base[0]! + 2 ** -20 * (p % 5);
      for (const matcher of pair) matcher.addSamples(`p${p}`, '', [sample]);
    }
    const queries = [base, base.map((v) => v + 1e-7), x(0.5)];
    expectSame(pair, queries);
    expect(pair[0].match(base, { margin: 0 }).candidates).toMatchObject([
      { personId: 'p0' },
      { personId: 'p5' },
      { personId: 'p1' },
    ]);
  });

  it('agree through growth across memory.grow', () => {
    const random = prng(5);
    const pair = twins({ initialCapacity: 1 });
    const samples: Float32Array[] = [];
    const before = pair[0].kernelMemoryBytes;
    // From one row to 2048: eleven doublings, several memory.grow calls.
    for (let p = 0; p < 512; p++) {
      const mine = [unit(random), unit(random), unit(random), unit(random)];
      samples.push(...mine);
      for (const matcher of pair) matcher.addSamples(`p${p}`, '', mine);
      if (p % 97 === 0) expectSame(pair, queriesFor(samples, random));
    }
    expect(pair[0].capacity).toBe(2048);
    expect(pair[0].kernelMemoryBytes).toBeGreaterThan(before);
    expectSame(pair, queriesFor(samples, random));
  });

  it('agree through removals that move rows and people', () => {
    // Random values with ties of whole samples, people enrolled twice and
    // emptied, and queries between changes.
    const value = fc.oneof(
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.constantFrom(0, 0.125, -0.25),
    );
    const descriptor = fc
      .array(value, { minLength: 4, maxLength: 4 })
      .map((values) => vec(Object.fromEntries(values.map((v, i) => [i, v]))));
    const person = fc.integer({ min: 0, max: 6 });
    const step = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(fc.constant('add'), person, descriptor),
      },
      fc.tuple(fc.constant('removeSample'), person, fc.nat(3)),
      fc.tuple(fc.constant('removePerson'), person),
      { weight: 2, arbitrary: fc.tuple(fc.constant('match'), descriptor) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), descriptor, (ops, q) => {
        const pair = twins({ initialCapacity: 2 });
        for (const [op, a, b] of ops) {
          if (op === 'match') expectSame(pair, [a as Float32Array]);
          for (const matcher of pair) {
            if (op === 'add') {
              matcher.addSamples(`p${a}`, '', [b as Float32Array]);
            } else if (op === 'removeSample') {
              matcher.removeSample(`p${a}`, b as number);
            } else if (op === 'removePerson') {
              matcher.removePerson(`p${a}`);
            }
          }
        }
        expectSame(pair, [q, Array.from(q, (v) => v / 3)]);
      }),
      { numRuns: 200 },
    );
  });

  it('agree on which equal sample is nearest once rows are reordered', () => {
    // ann's two equal samples end up in rows 1 and 0, in that sample order:
    // the JS pass over rows keeps the first row, so sampleIndex 1.
    const same = x(0.5);
    const pair = twins();
    for (const matcher of pair) {
      matcher.addSamples('ann', '', [x(-1), same]);
      matcher.addSamples('bob', '', [x(1)]);
      matcher.addSamples('ann', '', [same]);
      matcher.removeSample('ann', 0);
    }
    expectSame(pair, [same, x(0.375)]);
    for (const strategy of ['nearest', 'mean'] as const) {
      expect(pair[0].match(same, { strategy }).candidates[0]).toMatchObject({
        personId: 'ann',
        sampleIndex: 1,
      });
    }
  });

  it('agree on values too large for the kernel, which go the JS way', () => {
    const pair = twins();
    const huge = vec({ 0: 1e20, 1: -3e38 });
    for (const matcher of pair) {
      matcher.addSamples('ann', '', [x(0.25), huge]);
      matcher.addSamples('bob', '', [x(0.5)]);
    }
    expectSame(pair, [origin, huge, new Array<number>(128).fill(1e200)]);
  });

  it('falls back to plain JS when its memory cannot grow', () => {
    const random = prng(9);
    const wasm = new GalleryMatcher({ initialCapacity: 4 });
    const js = new GalleryMatcher({ initialCapacity: 4, kernel: 'js' });
    const reserve = vi
      .spyOn(KernelRows.prototype, 'reserve')
      .mockReturnValue(false);
    try {
      const samples = Array.from({ length: 10 }, () => unit(random));
      wasm.addSamples('ann', '', samples);
      js.addSamples('ann', '', samples);
      expect(wasm.kernel).toBe('js');
      expectSame([wasm, js], queriesFor(samples, random));
    } finally {
      reserve.mockRestore();
    }
  });

  it.each<[string, unknown]>([
    ['no WebAssembly', undefined],
    ['no SIMD', { ...WebAssembly, validate: () => false }],
  ])('falls back to plain JS with %s', async (_, stand) => {
    vi.stubGlobal('WebAssembly', stand);
    vi.resetModules();
    try {
      const fresh = await import('./matcher');
      const matcher = new fresh.GalleryMatcher();
      expect(matcher.kernel).toBe('js');
      matcher.addSamples('ann', 'Ann', [x(0.25)]);
      expect(summary(matcher.match(origin))).toBe('ann');
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
