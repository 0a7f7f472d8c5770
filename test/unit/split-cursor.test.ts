// SplitCursor.fillPeriodic (a reader that takes every element of a repeating pattern, as a
// nexmark table takes its kind's events) against the elements worked out one by one: the
// subtask's splits (n mod S in its key-group range), the pattern, and a restored position.
import { describe, expect, it } from 'vitest';
import { SplitCursor } from '../../src/connectors/split-cursor.js';
import type { KindPattern } from '../../src/connectors/split-cursor.js';
import type { SourcePosition } from '../../src/connectors/connector.js';
import { keyGroupRange } from '../../src/state/key-groups.js';

function pattern(period: number, shift: number, taken: readonly number[]): KindPattern {
  const mask = new Uint8Array(period);
  for (const r of taken) mask[r] = 1;
  return { period, shift, mask };
}

/** The elements subtask s of p takes, in order, straight from the definitions. */
function expected(S: number, s: number, p: number, end: number, pat: KindPattern, restored?: SourcePosition): number[] {
  const r = keyGroupRange(s, p, S);
  const out: number[] = [];
  for (let n = 0; n < end; n++) {
    const j = n % S;
    if (j < r.start || j >= r.end) continue;
    if (pat.mask[(n + pat.shift) % pat.period] !== 1) continue;
    const from = restored?.[`split-${j}`];
    if (typeof from === 'number' && n < from) continue;
    out.push(n);
  }
  return out;
}

function drain(c: SplitCursor, pat: KindPattern, max: number, limit = Infinity): number[] {
  const out = new Float64Array(max);
  const got: number[] = [];
  while (!c.exhausted && got.length < limit) {
    const k = c.fillPeriodic(out, max, pat);
    for (let i = 0; i < k; i++) got.push(out[i]!);
  }
  return got;
}

// Nexmark's default kinds: event id n + 2, 1 person, 3 auctions, 46 bids per 50 events
const PERSON = pattern(50, 2, [0]);
const AUCTION = pattern(50, 2, [1, 2, 3]);
const BID = pattern(50, 2, Array.from({ length: 46 }, (_, i) => i + 4));

describe('SplitCursor.fillPeriodic', () => {
  it('takes exactly the subtask\'s elements of the pattern, in order, in batches of any size', () => {
    for (const [S, end] of [
      [128, 20_000],
      [7, 3_001],
      [10, 5_000],
    ] as const) {
      for (const pat of [PERSON, AUCTION, BID, pattern(3, 0, [2]), pattern(12, 5, [0, 11])]) {
        for (const p of [1, 2, 3]) {
          for (let s = 0; s < p; s++) {
            for (const max of [1, 7, 2048]) {
              const c = new SplitCursor(S, s, p, end, undefined);
              expect(c.listsCycle(pat)).toBe(true);
              expect(drain(c, pat, max)).toEqual(expected(S, s, p, end, pat));
            }
          }
        }
      }
    }
  });

  it('resumes from a position, also at another parallelism: nothing twice, nothing lost', () => {
    const S = 128;
    const end = 30_000;
    for (const pat of [PERSON, AUCTION, BID]) {
      for (const [p, q] of [
        [2, 1],
        [1, 2],
        [2, 3],
      ] as const) {
        const taken: number[] = [];
        const position: SourcePosition = {};
        for (let s = 0; s < p; s++) {
          const c = new SplitCursor(S, s, p, end, undefined);
          // part of the input, stopping at a different point in each subtask
          taken.push(...drain(c, pat, 13 + s * 5, 40 + s * 31));
          Object.assign(position, c.position());
        }
        const after: number[] = [];
        for (let s = 0; s < q; s++) {
          const c = new SplitCursor(S, s, q, end, position);
          const got = drain(c, pat, 64);
          expect(got).toEqual(expected(S, s, q, end, pat, position));
          after.push(...got);
        }
        const all = [...taken, ...after].sort((a, b) => a - b);
        expect(all).toEqual(expected(S, 0, 1, end, pat));
      }
    }
  });

  it('ends at once when the subtask never meets the pattern, bounded or not', () => {
    // S = 2 splits, elements of split 1 are odd; the pattern takes even elements only
    const even = pattern(2, 0, [0]);
    for (const end of [1000, Infinity]) {
      const c = new SplitCursor(2, 1, 2, end, undefined);
      expect(c.fillPeriodic(new Float64Array(8), 8, even)).toBe(0);
      expect(c.exhausted).toBe(true);
    }
  });

  it('falls back to visiting every element when the cycle is too long to list', () => {
    const S = 32768;
    const pat = pattern(49999, 7, [0, 3, 49998]);
    const c = new SplitCursor(S, 1, 2, 200_000, undefined);
    expect(c.listsCycle(pat)).toBe(false);
    expect(drain(c, pat, 5)).toEqual(expected(S, 1, 2, 200_000, pat));
  });
});
