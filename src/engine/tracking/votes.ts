/**
 * Per-track opinions that settle over time instead of following each
 * frame: who the face is (a vote with hysteresis), its gender (a vote
 * weighted by the network's confidence), its expression (a short moving
 * average). Pure and model-free.
 */
import type { ExpressionScores, Gender } from '../types';
import { EXPRESSIONS } from '../types';

/** One recognition of a face: a person, or null for Unknown. */
export interface IdentityObservation {
  personId: string | null;
  name: string | null;
}

/** Tuning of IdentityVote; see DEFAULT_IDENTITY_VOTE. */
export interface IdentityVoteOptions {
  /** Share of its weight a vote keeps per observation that follows. */
  decay: number;
  /**
   * A challenger replaces the current identity once its score is this many
   * times the current one's.
   */
  switchRatio: number;
  /** ...and it has at least this many votes in its favour. */
  minVotes: number;
}

/**
 * Votes fade by a fifth per observation; a new identity needs twice the
 * current score and three votes, so one odd frame never renames a face
 * while a real change (a person swap) takes effect within a few
 * descriptor runs.
 */
export const DEFAULT_IDENTITY_VOTE: Readonly<IdentityVoteOptions> = {
  decay: 0.8,
  switchRatio: 2,
  minVotes: 3,
};

const UNKNOWN_KEY = '\u0000unknown';

interface Tally {
  score: number;
  votes: number;
  name: string | null;
  personId: string | null;
}

/** Who a track is, decided by a decaying vote with hysteresis. */
export class IdentityVote {
  readonly #tallies = new Map<string, Tally>();
  #current: string | null = null;

  constructor(
    private readonly options: IdentityVoteOptions = DEFAULT_IDENTITY_VOTE,
  ) {}

  /** The identity now: the first observation decides until outvoted. */
  get current(): IdentityObservation | null {
    const tally =
      this.#current === null ? undefined : this.#tallies.get(this.#current);

    return tally ? { personId: tally.personId, name: tally.name } : null;
  }

  /** Adds one observation and returns the identity after it. */
  add(observation: IdentityObservation): IdentityObservation {
    const key = observation.personId ?? UNKNOWN_KEY;
    for (const tally of this.#tallies.values()) {
      tally.score *= this.options.decay;
    }
    const tally = this.#tallies.get(key) ?? {
      score: 0,
      votes: 0,
      name: observation.name,
      personId: observation.personId,
    };
    tally.score += 1;
    tally.votes += 1;
    tally.name = observation.name;
    this.#tallies.set(key, tally);

    const current =
      this.#current === null ? undefined : this.#tallies.get(this.#current);
    if (current === undefined) {
      this.#current = key;
    } else if (
      key !== this.#current &&
      tally.score >= current.score * this.options.switchRatio &&
      tally.votes >= this.options.minVotes
    ) {
      this.#current = key;
    }

    return this.current as IdentityObservation;
  }

  /**
   * Drops a person from the vote (removed from the gallery); the identity
   * is decided again by the next observation if it was theirs.
   */
  forget(personId: string): void {
    this.#tallies.delete(personId);
    if (this.#current === personId) this.#current = null;
  }

  /** Renames a person everywhere in the vote. */
  rename(personId: string, name: string): void {
    const tally = this.#tallies.get(personId);
    if (tally) tally.name = name;
  }

  reset(): void {
    this.#tallies.clear();
    this.#current = null;
  }
}

/** A gender decided by the network's confidence, summed over time. */
export class GenderVote {
  #male = 0;
  #female = 0;

  /** Half-life of old votes, in votes. */
  constructor(private readonly decay = 0.9) {}

  /**
   * Adds one prediction (`probability` of `gender`, 0.5..1) and returns the
   * gender with the larger weight and its share of the total weight.
   */
  add(
    gender: Gender,
    probability: number,
  ): { gender: Gender; probability: number } {
    const p = Math.min(1, Math.max(0, probability));
    const male = gender === 'male' ? p : 1 - p;
    this.#male = this.#male * this.decay + male;
    this.#female = this.#female * this.decay + (1 - male);

    return this.current!;
  }

  get current(): { gender: Gender; probability: number } | null {
    const total = this.#male + this.#female;
    if (total === 0) return null;

    return this.#male >= this.#female
      ? { gender: 'male', probability: this.#male / total }
      : { gender: 'female', probability: this.#female / total };
  }
}

/** The mean of the last few expression predictions. */
export class ExpressionAverage {
  readonly #window: ExpressionScores[] = [];

  constructor(private readonly size = 5) {}

  add(scores: ExpressionScores): ExpressionScores {
    this.#window.push(scores);
    if (this.#window.length > this.size) this.#window.shift();

    return this.current!;
  }

  get current(): ExpressionScores | null {
    const count = this.#window.length;
    if (count === 0) return null;
    const mean = Object.fromEntries(
      EXPRESSIONS.map((expression) => [
        expression,
        this.#window.reduce((sum, scores) => sum + scores[expression], 0) /
          count,
      ]),
    );

    return mean as ExpressionScores;
  }
}
