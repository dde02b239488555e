/**
 * Identification as a user meets it: people are enrolled from their first
 * k photos, later photos of them are named against the gallery (closed
 * set, rank-1), and photos of people who are not enrolled must stay
 * Unknown (open set). Pure: descriptors come in, the gallery matcher
 * names them.
 */
import type { MatchOptions, MatchStrategy } from '../gallery/matcher';
import { GalleryMatcher } from '../gallery/matcher';

/** One labelled single-face photo and its descriptor (null: no face). */
export interface IdentitySample {
  identity: string;
  file: string;
  descriptor: Float32Array | null;
}

/** Names a query against a gallery: an identity, or null for Unknown. */
export type Namer = (query: Float32Array) => string | null;

/** Makes a Namer from a gallery of descriptors by identity. */
export type NamerFactory = (
  gallery: ReadonlyMap<string, readonly Float32Array[]>,
) => Namer;

export const STRATEGIES: readonly MatchStrategy[] = [
  'nearest',
  'mean',
  'centroid',
];

/** How the gallery and the probes are drawn; see splitForIdentification. */
export interface SplitOptions {
  /** Photos with a face enrolled per person, first by file name. */
  k: number;
  /**
   * Every this-many-th person (by name) with at least two photos is left
   * out of the gallery, and their photos are open-set probes. Defaults to
   * 5: a fifth of the people.
   */
  leaveOutEvery?: number;
}

/** A gallery and the photos to name against it. */
export interface IdentificationSplit {
  /** Enrolled descriptors by identity, each in file order. */
  gallery: Map<string, Float32Array[]>;
  /** Photos of enrolled people, after their enrolment photos. */
  probes: { identity: string; file: string; descriptor: Float32Array }[];
  /** Photos of people not enrolled: left out, or with only one photo. */
  strangers: { identity: string; file: string; descriptor: Float32Array }[];
  counts: {
    /** People enrolled; `probed` of them have photos left to name. */
    enrolled: number;
    probed: number;
    /** People left out of the gallery on purpose. */
    leftOut: number;
    /** People with a single photo, used as strangers. */
    singles: number;
    /** Photos passed over in enrolment because no face was found. */
    enrolmentFailures: number;
    /** Probe and stranger photos in which no face was found. */
    probeFailures: number;
    strangerFailures: number;
  };
}

/**
 * Splits labelled photos for identification. People with at least two
 * photos take part: a fixed fifth of them (every leaveOutEvery-th by name)
 * is left out of the gallery; the others are enrolled from their first k
 * photos with a face (file name order; photos without a face on the way are
 * enrolment failures) and named on the rest. People with no photo left
 * after enrolment stay in the gallery as distractors. Photos of people left
 * out and of people with a single photo are strangers.
 */
export function splitForIdentification(
  samples: readonly IdentitySample[],
  options: SplitOptions,
): IdentificationSplit {
  const every = Math.max(2, Math.floor(options.leaveOutEvery ?? 5));
  const byPerson = new Map<string, IdentitySample[]>();
  for (const sample of samples) {
    const list = byPerson.get(sample.identity) ?? [];
    list.push(sample);
    byPerson.set(sample.identity, list);
  }
  const split: IdentificationSplit = {
    gallery: new Map(),
    probes: [],
    strangers: [],
    counts: {
      enrolled: 0,
      probed: 0,
      leftOut: 0,
      singles: 0,
      enrolmentFailures: 0,
      probeFailures: 0,
      strangerFailures: 0,
    },
  };
  const { counts } = split;
  const addStrangers = (photos: readonly IdentitySample[]) => {
    for (const { identity, file, descriptor } of photos) {
      if (descriptor) split.strangers.push({ identity, file, descriptor });
      else counts.strangerFailures += 1;
    }
  };

  const names = [...byPerson.keys()].sort(compareText);
  let participant = 0;
  for (const name of names) {
    const photos = [...byPerson.get(name)!].sort((a, b) =>
      compareText(a.file, b.file),
    );
    if (photos.length < 2) {
      counts.singles += 1;
      addStrangers(photos);
      continue;
    }
    participant += 1;
    if (participant % every === 0) {
      counts.leftOut += 1;
      addStrangers(photos);
      continue;
    }

    const enrolled: Float32Array[] = [];
    let probes = 0;
    for (const { identity, file, descriptor } of photos) {
      if (enrolled.length < options.k) {
        if (descriptor) enrolled.push(descriptor);
        else counts.enrolmentFailures += 1;
      } else if (descriptor) {
        split.probes.push({ identity, file, descriptor });
        probes += 1;
      } else {
        counts.probeFailures += 1;
      }
    }
    if (enrolled.length === 0) continue;
    split.gallery.set(name, enrolled);
    counts.enrolled += 1;
    if (probes > 0) counts.probed += 1;
  }

  return split;
}

/** How one photo fared under one strategy. */
export interface ProbeOutcome {
  /** Whether the person is enrolled (false: a stranger). */
  enrolled: boolean;
  /** Whether the closest person is the right one (never for strangers). */
  rank1Correct: boolean;
  /** Distance to the closest person, and to the second (null: none). */
  best: number;
  second: number | null;
}

/** Naming at one threshold and margin, over a set of outcomes. */
export interface OpenSetRates {
  threshold: number;
  margin: number;
  /** Enrolled people's photos named right, and their count. */
  identified: number;
  probes: number;
  /** Enrolled people's photos given someone else's name. */
  misidentified: number;
  /** Strangers' photos given a name, and their count. */
  falseAccepts: number;
  strangers: number;
}

/**
 * What the gallery matcher would say at `threshold` and `margin` to each
 * outcome: a name when the closest person is within the threshold and the
 * second is at least the margin further (as GalleryMatcher.match decides).
 */
export function openSetAt(
  outcomes: readonly ProbeOutcome[],
  threshold: number,
  margin: number,
): OpenSetRates {
  const rates: OpenSetRates = {
    threshold,
    margin,
    identified: 0,
    probes: 0,
    misidentified: 0,
    falseAccepts: 0,
    strangers: 0,
  };
  for (const o of outcomes) {
    const named =
      o.best <= threshold && (o.second === null || o.second - o.best >= margin);
    if (o.enrolled) {
      rates.probes += 1;
      if (named && o.rank1Correct) rates.identified += 1;
      if (named && !o.rank1Correct) rates.misidentified += 1;
    } else {
      rates.strangers += 1;
      if (named) rates.falseAccepts += 1;
    }
  }

  return rates;
}

/** Identification results for one k over one set of people. */
export interface IdentificationRun {
  k: number;
  counts: IdentificationSplit['counts'];
  /** Per strategy, every probe's and stranger's outcome. */
  outcomes: Record<MatchStrategy, ProbeOutcome[]>;
  /** Per extra namer: photos named right, misnamed, strangers named. */
  namers: Record<
    string,
    {
      identified: number;
      probes: number;
      misidentified: number;
      falseAccepts: number;
      strangers: number;
    }
  >;
}

/**
 * Runs identification for one k: the split, then every probe and stranger
 * through the gallery matcher with each strategy, and through each extra
 * namer (face-api's FaceMatcher, for one).
 */
export function runIdentification(
  samples: readonly IdentitySample[],
  options: SplitOptions & { namers?: Record<string, NamerFactory> },
): IdentificationRun {
  const split = splitForIdentification(samples, options);
  const matcher = GalleryMatcher.fromPeople(
    [...split.gallery].map(([name, descriptors]) => ({
      id: name,
      name,
      descriptors,
    })),
  );
  const queries = [
    ...split.probes.map((p) => ({ ...p, enrolled: true })),
    ...split.strangers.map((p) => ({ ...p, enrolled: false })),
  ];

  const outcomes = {} as Record<MatchStrategy, ProbeOutcome[]>;
  for (const strategy of STRATEGIES) {
    // Threshold and margin do not change the candidates, only the verdict.
    const options: Partial<MatchOptions> = { strategy };
    outcomes[strategy] = queries.map((q) => {
      const [first, second] = matcher.match(q.descriptor, options).candidates;
      return {
        enrolled: q.enrolled,
        rank1Correct: q.enrolled && first?.personId === q.identity,
        best: first?.distance ?? Infinity,
        second: second?.distance ?? null,
      };
    });
  }

  const namers: IdentificationRun['namers'] = {};
  for (const [label, factory] of Object.entries(options.namers ?? {})) {
    // face-api's FaceMatcher refuses an empty gallery: nobody is named.
    const name: Namer =
      split.gallery.size > 0 ? factory(split.gallery) : () => null;
    const tally = {
      identified: 0,
      probes: 0,
      misidentified: 0,
      falseAccepts: 0,
      strangers: 0,
    };
    for (const q of queries) {
      const answer = name(q.descriptor);
      if (q.enrolled) {
        tally.probes += 1;
        if (answer === q.identity) tally.identified += 1;
        else if (answer !== null) tally.misidentified += 1;
      } else {
        tally.strangers += 1;
        if (answer !== null) tally.falseAccepts += 1;
      }
    }
    namers[label] = tally;
  }

  return { k: options.k, counts: split.counts, outcomes, namers };
}

/** Rank-1 accuracy of outcomes: right closest person among enrolled. */
export function rank1(outcomes: readonly ProbeOutcome[]): {
  correct: number;
  n: number;
} {
  const probes = outcomes.filter((o) => o.enrolled);

  return {
    correct: probes.filter((o) => o.rank1Correct).length,
    n: probes.length,
  };
}

/** Code-point order, so results do not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
