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
});
