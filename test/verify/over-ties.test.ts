// Tie-aware verification of OVER aggregation: among rows of a partition with equal ORDER BY
// time, the stream takes them in arrival order and a batch may take another. Any order of the
// tied rows passes; values that no single order gives (a wrong sum, rows each right under some
// order but not under one order together, a missing or an extra row) are still a difference.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import { parseScript } from '../../src/sql/parse.js';
import type { LogicalPlan } from '../../src/plan/logical.js';
import { overInputSql, overTieAwareEqual, tiedOverOf } from '../../src/verify/tie-aware.js';
import type { TiedOver } from '../../src/verify/tie-aware.js';
import type { Row } from '../../src/verify/compare.js';
import { compareMultisets } from '../../src/verify/compare.js';
import { planToDuckDb } from '../../src/verify/translate.js';
import { verifyScript } from '../../src/verify/verify.js';

// auction 1: 10 at 1s, then 20, 30 and 40 tied at 2s, then 5 at 3s; auction 2: 1 and 2 tied at 1s
const ROWS: [number, number, number][] = [
  [1, 10, 1],
  [1, 20, 2],
  [1, 30, 2],
  [1, 40, 2],
  [1, 5, 3],
  [2, 1, 1],
  [2, 2, 1],
];

function script(dir: string, query: string): string {
  writeFileSync(join(dir, 'bids.csv'), ROWS.map(([a, p, s]) => `${a},${p},2020-01-01 00:00:0${s}`).join('\n') + '\n');
  return `CREATE TABLE bid (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bids.csv')}', 'format' = 'csv');
${query}`;
}

async function tiedOver(query: string): Promise<{ t: TiedOver; input: Row[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-over-ties-'));
  const source = { name: 'ties.sql', text: script(dir, query) };
  const session = new Session();
  let plan: LogicalPlan | undefined;
  for (const st of parseScript(source)) {
    const r = session.execute(st, source);
    if (r.kind === 'query') plan = r.plan;
  }
  const t = tiedOverOf(plan!)!;
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  const ctx = { generatorTable: (): string => { throw new Error('no generators here'); } };
  const input = ((await conn.runAndReadAll(overInputSql(t, ctx))).getRowsJS() as unknown[][]).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : (v as Row[number]))));
  conn.closeSync();
  return { t, input };
}

/** DuckDB's own answer to the query (weir verify's translation). */
async function runDuck(query: string): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-over-ties-'));
  const source = { name: 'ties.sql', text: script(dir, query) };
  const session = new Session();
  let plan: LogicalPlan | undefined;
  for (const st of parseScript(source)) {
    const r = session.execute(st, source);
    if (r.kind === 'query') plan = r.plan;
  }
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  const ctx = { generatorTable: (): string => { throw new Error('no generators here'); } };
  const rows = (await conn.runAndReadAll(planToDuckDb(plan!, ctx))).getRowsJS() as unknown[][];
  conn.closeSync();
  return rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : (v as Row[number]))));
}

const ROWS1 = 'SELECT auction, price, SUM(price) OVER w AS s, FIRST_VALUE(price) OVER w AS f FROM bid WINDOW w AS (PARTITION BY auction ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW);';

/** The stream's rows for auction 1 taken in `order1` and auction 2 in `order2` (prices), worked out by hand's rule: s = this + previous, f = previous. */
function rowsFor(order1: readonly number[], order2: readonly number[]): Row[] {
  const out: Row[] = [];
  for (const [a, order] of [[1, order1], [2, order2]] as const) {
    order.forEach((p, j) => out.push([a, p, p + (j > 0 ? order[j - 1]! : 0), j > 0 ? order[j - 1]! : p]));
  }
  return out;
}

const PERMS = [
  [20, 30, 40],
  [20, 40, 30],
  [30, 20, 40],
  [30, 40, 20],
  [40, 20, 30],
  [40, 30, 20],
];

describe('tie-aware comparison of OVER', () => {
  it('accepts the result of every order of the tied rows, and the plain comparison would not', async () => {
    const { t, input } = await tiedOver(ROWS1);
    const duck = (await runDuck(ROWS1)).map((r) => r.map(Number));
    let plainDiffers = 0;
    for (const p of PERMS) {
      for (const order2 of [[1, 2], [2, 1]]) {
        const stream = rowsFor([10, ...p, 5], order2);
        expect(overTieAwareEqual(t, stream, input), JSON.stringify([p, order2])).toEqual({ equal: true });
        if (!compareMultisets(stream, duck).equal) plainDiffers++;
      }
    }
    // twelve valid answers, DuckDB gives one of them: the other eleven differ row for row
    expect(plainDiffers).toBe(11);
  });

  it('still reports a wrong value, rows no single order gives, a missing and an extra row', async () => {
    const { t, input } = await tiedOver(ROWS1);
    const good = rowsFor([10, 20, 30, 40, 5], [1, 2]);
    expect(overTieAwareEqual(t, good, input).equal).toBe(true);
    // a sum off by one
    const wrong = good.map((r) => (r[1] === 30 ? [r[0]!, r[1]!, Number(r[2]) + 1, r[3]!] : r));
    expect(overTieAwareEqual(t, wrong, input)).toEqual({ equal: false, reason: "no order of the tied rows gives the stream's rows" });
    // 20 right after 10 (order 10,20,30,40) and 30 right after 10 (order 10,30,...): each row is
    // right under some order, but no one order gives both
    const mixed = good.map((r) => (r[0] === 1 && r[1] === 30 ? [1, 30, 40, 10] : r));
    expect(overTieAwareEqual(t, mixed, input).equal).toBe(false);
    // the row after the ties: 5 after 30 needs 30 last, but the tied rows say 40 was last
    const after = good.map((r) => (r[0] === 1 && r[1] === 5 ? [1, 5, 35, 30] : r));
    expect(overTieAwareEqual(t, after, input).equal).toBe(false);
    // a missing row, and the same row twice in place of another
    expect(overTieAwareEqual(t, good.slice(1), input).equal).toBe(false);
    expect(overTieAwareEqual(t, [...good.slice(1), good[1]!], input).equal).toBe(false);
  });

  it('works on a projection without the ORDER BY column (as Nexmark q6 outputs only seller and average)', async () => {
    const { t, input } = await tiedOver('SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM bid;');
    const project = (rows: Row[]): Row[] => rows.map((r) => [r[0]!, r[2]!]);
    expect(overTieAwareEqual(t, project(rowsFor([10, 40, 20, 30, 5], [2, 1])), input).equal).toBe(true);
    expect(overTieAwareEqual(t, project(rowsFor([10, 30, 40, 20, 5], [1, 2])), input).equal).toBe(true);
    // sums 30 (10+20) and 40 (10+30) together: 20 and 30 cannot both follow 10
    expect(overTieAwareEqual(t, [[1, 10], [1, 30], [1, 40], [1, 70], [1, 45], [2, 1], [2, 3]], input).equal).toBe(false);
    // a sum that belongs to the other auction
    expect(overTieAwareEqual(t, [[1, 10], [1, 30], [1, 50], [1, 70], [1, 45], [2, 1], [2, 4]], input).equal).toBe(false);
  });

  it('LAG and LAST_VALUE at ties, on the default RANGE frame: peers see each other, LAG takes them one by one', async () => {
    const { t, input } = await tiedOver('SELECT auction, price, LAST_VALUE(price) OVER w AS l, LAG(price) OVER w AS prev FROM bid WINDOW w AS (PARTITION BY auction ORDER BY ts);');
    // order 10, 30, 20, 40, 5: the tied rows' LAST_VALUE is the last of them, 40
    const stream: Row[] = [
      [1, 10, 10, null],
      [1, 30, 40, 10],
      [1, 20, 40, 30],
      [1, 40, 40, 20],
      [1, 5, 5, 40],
      [2, 2, 1, null],
      [2, 1, 1, 2],
    ];
    expect(overTieAwareEqual(t, stream, input).equal).toBe(true);
    // LAST_VALUE 40 for the peers but LAG saying 30 came last: no order gives both
    const bad = stream.map((r) => (r[1] === 5 ? [1, 5, 5, 30] : r));
    expect(overTieAwareEqual(t, bad, input).equal).toBe(false);
  });

  it('weir verify passes a ROWS frame over ties at parallelism 1 and 2', async () => {
    for (const parallelism of [1, 2]) {
      const dir = mkdtempSync(join(tmpdir(), 'weir-over-ties-'));
      const report = await verifyScript({ name: 'ties.sql', text: script(dir, ROWS1) }, { parallelism });
      expect(report.verdicts.map((v) => [v.equal, v.streamRows, v.batchRows])).toEqual([[true, 7, 7]]);
    }
  });
});
