// SplitCursor.fillPeriodic (a reader that takes every element of a repeating pattern, as a
// nexmark table takes its kind's events) against the elements worked out one by one: the
// subtask's splits (n mod S in its key-group range), the pattern, and a restored position.
import { describe, expect, it } from 'vitest';
import { SplitCursor } from '../../src/connectors/split-cursor.js';
import type { KindPattern } from '../../src/connectors/split-cursor.js';
import type { SourcePosition } from '../../src/connectors/connector.js';
import { keyGroupRange } from '../../src/state/key-groups.js';
import { nexmarkSource } from '../../src/connectors/nexmark/source.js';
import { NexmarkGenerator, nexmarkConfigFromOptions } from '../../src/connectors/nexmark/generator.js';
import { T } from '../../src/common/types.js';
import type { TableDef } from '../../src/catalog/catalog.js';

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

// The nexmark reader on top of it: what each subtask reads, and a restore at another parallelism.
describe('nexmark reader at parallelism > 1', () => {
  const EVENTS = 40_000;
  const table = (kind: 'person' | 'auction' | 'bid'): TableDef =>
    ({ kind: 'table', name: kind, columns: [], watermark: undefined, primaryKey: undefined, options: new Map([['nexmark.table', kind], ['events.num', String(EVENTS)]]) }) as unknown as TableDef;
  const columns = [
    { name: 'date_time', type: T.TIMESTAMP, nullable: true },
    { name: 'extra', type: T.STRING, nullable: true },
  ];
  /** Reads up to `batches` batches of 300 rows (all when undefined): rows as "time|extra", and the reader's position. */
  const read = async (kind: 'person' | 'auction' | 'bid', s: number, p: number, restored?: SourcePosition, batches = Infinity): Promise<{ rows: string[]; position: SourcePosition }> => {
    const reader = await nexmarkSource(table(kind), 128, undefined).createReader({ subtask: s, parallelism: p, columns, restored });
    const rows: string[] = [];
    for (let k = 0; k < batches; k++) {
      const b = await reader.next(300);
      if (b === null) break;
      for (let i = 0; i < b.length; i++) rows.push(`${b.columns[0]!.values[i] as number}|${b.columns[1]!.values[i] as string}`);
    }
    return { rows, position: reader.position() };
  };
  // the generator alone, every event index in order (what parallelism 1 reads)
  const whole = (kind: 'person' | 'auction' | 'bid'): string[] => {
    const g = new NexmarkGenerator(nexmarkConfigFromOptions(table(kind).options), kind, ['date_time', 'extra']);
    const r = g.generate(0, 1, EVENTS);
    return Array.from({ length: r.batch.length }, (_, i) => `${r.batch.columns[0]!.values[i] as number}|${r.batch.columns[1]!.values[i] as string}`);
  };

  it('reads at p = 1 what the generator makes, and at p = 2 the same rows split in two', async () => {
    for (const kind of ['person', 'auction', 'bid'] as const) {
      const all = whole(kind);
      expect((await read(kind, 0, 1)).rows).toEqual(all);
      const halves = [(await read(kind, 0, 2)).rows, (await read(kind, 1, 2)).rows];
      expect(halves[0]!.length).toBeGreaterThan(0);
      expect(halves[1]!.length).toBeGreaterThan(0);
      expect([...halves[0]!, ...halves[1]!].sort()).toEqual([...all].sort());
    }
  });

  it('a checkpoint at p = 2 restored at p = 3 reads every row once', async () => {
    for (const kind of ['person', 'auction', 'bid'] as const) {
      const first = [await read(kind, 0, 2, undefined, 2), await read(kind, 1, 2, undefined, 3)];
      const position: SourcePosition = { ...first[0]!.position, ...first[1]!.position };
      const rest: string[] = [];
      for (let s = 0; s < 3; s++) rest.push(...(await read(kind, s, 3, position)).rows);
      const got = [...first[0]!.rows, ...first[1]!.rows, ...rest].sort();
      expect(got).toEqual([...whole(kind)].sort());
    }
  });
});
