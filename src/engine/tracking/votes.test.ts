import { describe, expect, it } from 'vitest';
import type { ExpressionScores } from '../types';
import { EXPRESSIONS } from '../types';
import { ExpressionAverage, GenderVote, IdentityVote } from './votes';

const ADA = { personId: 'a', name: 'Ada' };
const BEA = { personId: 'b', name: 'Bea' };
const UNKNOWN = { personId: null, name: null };

function run(vote: IdentityVote, sequence: (typeof ADA | typeof UNKNOWN)[]) {
  return sequence.map((observation) => vote.add(observation).name);
}

describe('IdentityVote', () => {
  it('takes the first observation at once', () => {
    expect(new IdentityVote().add(ADA)).toEqual(ADA);
  });

  it.each([
    ['one odd frame', [ADA, ADA, ADA, BEA, ADA, ADA]],
    ['an Unknown now and then', [ADA, UNKNOWN, ADA, UNKNOWN, ADA, UNKNOWN]],
    ['two alternating odd frames', [ADA, ADA, ADA, ADA, BEA, UNKNOWN, BEA]],
  ])('keeps the name through %s', (_, sequence) => {
    const names = run(new IdentityVote(), sequence);
    expect(new Set(names)).toEqual(new Set(['Ada']));
  });

  it('changes to a new person who stays', () => {
    const names = run(new IdentityVote(), [ADA, ADA, BEA, BEA, BEA, BEA, BEA]);
    expect(names.at(-1)).toBe('Bea');
    // ...but not on the first frame of the change.
    expect(names[2]).toBe('Ada');
  });

  it('names an Unknown face once it is recognised for a while', () => {
    const names = run(new IdentityVote(), [UNKNOWN, ADA, ADA, ADA, ADA, ADA]);
    expect(names[0]).toBeNull();
    expect(names.at(-1)).toBe('Ada');
  });

  it('decides again when the current person is forgotten', () => {
    const vote = new IdentityVote();
    run(vote, [ADA, ADA, ADA]);
    vote.forget('a');
    expect(vote.current).toBeNull();
    expect(vote.add(BEA)).toEqual(BEA);
  });

  it('renames in place', () => {
    const vote = new IdentityVote();
    vote.add(ADA);
    vote.rename('a', 'Ada L.');
    expect(vote.current).toEqual({ personId: 'a', name: 'Ada L.' });
  });
});

describe('GenderVote', () => {
  it('weighs confident predictions more than unsure ones', () => {
    const vote = new GenderVote();
    vote.add('female', 0.95);
    vote.add('male', 0.55);
    vote.add('male', 0.55);
    expect(vote.current?.gender).toBe('female');
  });

  it('follows a steady run of the other gender', () => {
    const vote = new GenderVote();
    vote.add('female', 0.6);
    for (let i = 0; i < 5; i++) vote.add('male', 0.9);
    expect(vote.current?.gender).toBe('male');
    expect(vote.current?.probability).toBeGreaterThan(0.5);
  });

  it('has no opinion before the first prediction', () => {
    expect(new GenderVote().current).toBeNull();
  });
});

function scores(top: (typeof EXPRESSIONS)[number]): ExpressionScores {
  return Object.fromEntries(
    EXPRESSIONS.map((e) => [e, e === top ? 1 : 0]),
  ) as ExpressionScores;
}

describe('ExpressionAverage', () => {
  it('averages the last few predictions and forgets older ones', () => {
    const average = new ExpressionAverage(2);
    average.add(scores('happy'));
    average.add(scores('sad'));
    const mean = average.add(scores('sad'));
    expect(mean.sad).toBe(1);
    expect(mean.happy).toBe(0);
  });

  it('sums to 1 when the inputs do', () => {
    const average = new ExpressionAverage(3);
    average.add(scores('happy'));
    const mean = average.add(scores('neutral'));
    const total = EXPRESSIONS.reduce((sum, e) => sum + mean[e], 0);
    expect(total).toBeCloseTo(1);
    expect(mean.happy).toBeCloseTo(0.5);
  });
});
