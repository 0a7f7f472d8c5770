// Tie-aware verification of ROW_NUMBER Top-N: any choice among rows tied on the ORDER BY keys
// passes; a wrong row, a wrong row number or a missing row is still a difference.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import { parseScript } from '../../src/sql/parse.js';
import type { LogicalPlan } from '../../src/plan/logical.js';
import { planToDuckDb } from '../../src/verify/translate.js';
import { candidatesSql, tieAwareEqual, tiedRankOf } from '../../src/verify/tie-aware.js';
import { compareMultisets } from '../../src/verify/compare.js';
import type { Row } from '../../src/verify/compare.js';
import { verifyScript } from '../../src/verify/verify.js';
import { collectScript } from '../../src/verify/collect.js';

const T0 = Date.UTC(2020, 0, 1);
// auction 1: 300, then three bids of 200 tied for rank 2, then 100; auction 2: two bids of 50
const ROWS: [number, number, number, number][] = [
  [1, 1, 300, 1],
  [1, 2, 200, 2],
  [1, 3, 200, 3],
  [1, 4, 200, 4],
  [1, 5, 100, 5],
  [2, 6, 50, 6],
  [2, 7, 50, 7],
];

function script(dir: string, query: string): string {
  const csv = ROWS.map(([a, b, p, s]) => `${a},${b},${p},2020-01-01 00:00:0${s}`).join('\n') + '\n';
  writeFileSync(join(dir, 'bids.csv'), csv);
  return `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bids.csv')}', 'format' = 'csv');
${query}`;
}

const TOP2 = 'SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 2;';

async function planAndDuck(query: string): Promise<{ plan: LogicalPlan; expected: Row[]; candidates: Row[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-ties-'));
  const source = { name: 'ties.sql', text: script(dir, query) };
  const session = new Session();
  let plan: LogicalPlan | undefined;
  for (const st of parseScript(source)) {
    const r = session.execute(st, source);
    if (r.kind === 'query') plan = r.plan;
  }
  const ctx = { generatorTable: (): string => { throw new Error('no generators here'); } };
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  const rows = async (sql: string): Promise<Row[]> =>
    ((await conn.runAndReadAll(sql)).getRowsJS() as unknown[][]).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v as Row[number]))));
  const t = tiedRankOf(plan!)!;
  const out = { plan: plan!, expected: await rows(planToDuckDb(plan!, ctx)), candidates: await rows(candidatesSql(t, ctx)) };
  conn.closeSync();
  return out;
}

const row = (bidder: number, rn: number): Row => {
  const r = ROWS.find((x) => x[1] === bidder)!;
  return [r[0], r[1], r[2], T0 + r[3] * 1000, rn];
};

describe('tie-aware comparison of ROW_NUMBER Top-N', () => {
  it('accepts every choice among tied rows, and the plain comparison would not', async () => {
    const { plan, expected, candidates } = await planAndDuck(TOP2);
    const t = tiedRankOf(plan)!;
    expect(t).toBeDefined();
    let plainDiffers = 0;
    for (const second of [2, 3, 4]) {
      for (const first2 of [6, 7]) {
        const stream = [row(1, 1), row(second, 2), row(first2, 1), row(first2 === 6 ? 7 : 6, 2)];
        expect(tieAwareEqual(t, stream, expected, candidates)).toBe(true);
        if (!compareMultisets(stream, expected).equal) plainDiffers++;
      }
    }
    // six valid answers, DuckDB gives one of them: at least five differ row for row
    expect(plainDiffers).toBeGreaterThanOrEqual(5);
  });

  it('still reports a wrong row, a wrong row number, a missing or a duplicated row', async () => {
    const { plan, expected, candidates } = await planAndDuck(TOP2);
    const t = tiedRankOf(plan)!;
    const good = [row(1, 1), row(2, 2), row(6, 1), row(7, 2)];
    expect(tieAwareEqual(t, good, expected, candidates)).toBe(true);
    // price 100 is not in the top 2 of auction 1
    expect(tieAwareEqual(t, [row(1, 1), row(5, 2), row(6, 1), row(7, 2)], expected, candidates)).toBe(false);
    // the ranks of auction 1 swapped
    expect(tieAwareEqual(t, [row(1, 2), row(2, 1), row(6, 1), row(7, 2)], expected, candidates)).toBe(false);
    // a tied row with the wrong number (both auction-2 rows numbered 1)
    expect(tieAwareEqual(t, [row(1, 1), row(2, 2), row(6, 1), row(7, 1)], expected, candidates)).toBe(false);
    // a row missing, or the same tied row twice
    expect(tieAwareEqual(t, [row(1, 1), row(2, 2), row(6, 1)], expected, candidates)).toBe(false);
    expect(tieAwareEqual(t, [row(1, 1), row(2, 2), row(6, 1), row(6, 2)], expected, candidates)).toBe(false);
  });

  it('without the row number: any tied row, but not an untied one', async () => {
    const { plan, expected, candidates } = await planAndDuck('SELECT auction, bidder FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn = 2;');
    const t = tiedRankOf(plan)!;
    expect(tieAwareEqual(t, [[1, 3], [2, 6]], expected, candidates)).toBe(true);
    expect(tieAwareEqual(t, [[1, 4], [2, 7]], expected, candidates)).toBe(true);
    expect(tieAwareEqual(t, [[1, 1], [2, 7]], expected, candidates)).toBe(false);
    expect(tieAwareEqual(t, [[1, 5], [2, 7]], expected, candidates)).toBe(false);
  });

  it('weir verify passes a Top-N and a deduplication with ties at parallelism 1 and 2', async () => {
    for (const parallelism of [1, 2]) {
      const dir = mkdtempSync(join(tmpdir(), 'weir-ties-'));
      const text = script(dir, `${TOP2}
SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY price ORDER BY auction) AS rn FROM bid) WHERE rn = 1;`);
      const report = await verifyScript({ name: 'ties.sql', text }, { parallelism });
      expect(report.verdicts.map((v) => [v.equal, v.streamRows, v.batchRows])).toEqual([
        [true, 4, 4],
        [true, 4, 4],
      ]);
    }
  });

  // Nexmark q9's shape: a Top-N (rownum <= 1, ORDER BY price DESC, time ASC) over a regular
  // join with a lifetime condition. Auction 1 has two bids tied on price and time at the top,
  // one of the same price a second later, and a higher one after it closed; auction 2 has two
  // bids tied at the top and a higher one after it closed.
  describe('Top-N over a regular join (Nexmark q9 shape)', () => {
    const AUCTIONS = ['1,0,10', '2,0,5'];
    // auction, bidder, price, second
    // bidder 4 (300 at 4 s) arrives before bidders 2 and 3 (300 at 3 s): only the ORDER BY on
    // the bid's time, not arrival order, puts them ahead of it
    const BIDS: [number, number, number, number][] = [
      [1, 1, 100, 2],
      [1, 4, 300, 4],
      [1, 2, 300, 3],
      [1, 3, 300, 3],
      [1, 5, 500, 12],
      [2, 6, 50, 1],
      [2, 7, 50, 1],
      [2, 8, 70, 6],
    ];
    const sec = (s: number): string => `2020-01-01 00:00:${String(s).padStart(2, '0')}`;
    const Q9 = `SELECT id, bidder, price, bid_ts FROM (
  SELECT A.*, B.bidder, B.price, B.ts AS bid_ts,
    ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.ts ASC) AS rownum
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.ts BETWEEN A.ts AND A.expires
) WHERE rownum <= 1;`;
    function q9Script(): string {
      const dir = mkdtempSync(join(tmpdir(), 'weir-ties-q9-'));
      writeFileSync(join(dir, 'auctions.csv'), AUCTIONS.map((l) => { const [id, t, e] = l.split(','); return `${id},${sec(Number(t))},${sec(Number(e))}`; }).join('\n') + '\n');
      writeFileSync(join(dir, 'bids.csv'), BIDS.map(([a, b, p, s]) => `${a},${b},${p},${sec(s)}`).join('\n') + '\n');
      return `CREATE TABLE auction (id BIGINT, ts TIMESTAMP(3), expires TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'auctions.csv')}', 'format' = 'csv');
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bids.csv')}', 'format' = 'csv');
${Q9}`;
    }
    const bid = (bidder: number): Row => {
      const b = BIDS.find((x) => x[1] === bidder)!;
      return [b[0], b[1], b[2], T0 + b[3] * 1000];
    };

    it('the stream keeps a highest bid made while the auction was open, the earliest of them', async () => {
      for (const parallelism of [1, 2]) {
        const r = await collectScript({ name: 'q9.sql', text: q9Script() }, { parallelism });
        const rows = r.queries[0]!.rows;
        expect(rows).toHaveLength(2);
        const [a1, a2] = [...rows].sort((x, y) => Number(x[0]) - Number(y[0]));
        // worked out by hand: auction 1 -> bidder 2 or 3 (300 at 3 s), auction 2 -> 6 or 7 (50 at 1 s)
        expect([bid(2), bid(3)]).toContainEqual(a1);
        expect([bid(6), bid(7)]).toContainEqual(a2);
      }
    });

    it('accepts either bid tied on price and time, and not a later or a closed-auction bid', async () => {
      const source = { name: 'q9.sql', text: q9Script() };
      const session = new Session();
      let plan: LogicalPlan | undefined;
      for (const st of parseScript(source)) {
        const r = session.execute(st, source);
        if (r.kind === 'query') plan = r.plan;
      }
      const ctx = { generatorTable: (): string => { throw new Error('no generators here'); } };
      const duck = await DuckDBInstance.create(':memory:');
      const conn = await duck.connect();
      const rows = async (sql: string): Promise<Row[]> =>
        ((await conn.runAndReadAll(sql)).getRowsJS() as unknown[][]).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v as Row[number]))));
      const t = tiedRankOf(plan!)!;
      expect(t).toBeDefined();
      const expected = await rows(planToDuckDb(plan!, ctx));
      const candidates = await rows(candidatesSql(t, ctx));
      conn.closeSync();
      expect(expected).toHaveLength(2);
      for (const a1 of [2, 3]) for (const a2 of [6, 7]) expect(tieAwareEqual(t, [bid(a1), bid(a2)], expected, candidates)).toBe(true);
      // same price a second later: not the earliest
      expect(tieAwareEqual(t, [bid(4), bid(6)], expected, candidates)).toBe(false);
      // higher prices bid after the auctions closed
      expect(tieAwareEqual(t, [bid(5), bid(6)], expected, candidates)).toBe(false);
      expect(tieAwareEqual(t, [bid(2), bid(8)], expected, candidates)).toBe(false);
      // a lower price
      expect(tieAwareEqual(t, [bid(1), bid(6)], expected, candidates)).toBe(false);
    });

    it('weir verify passes it at parallelism 1 and 2', async () => {
      for (const parallelism of [1, 2]) {
        const report = await verifyScript({ name: 'q9.sql', text: q9Script() }, { parallelism });
        expect(report.verdicts.map((v) => [v.equal, v.streamRows, v.batchRows])).toEqual([[true, 2, 2]]);
      }
    });
  });
});
