// Recovery of an event-time temporal join: orders (csv) LEFT JOIN a versioned rates table
// (debezium-json with inserts, updates, same-time corrections and deletes), killed with
// SIGKILL 4 times, each after the run completed a checkpoint (plus a seeded delay), and
// restored, alternating parallelism 1 and 2 (so key groups move between subtasks with the
// waiting orders and the kept versions). Checked to fail when restore loses the waiting
// orders. The crashed runs take incremental checkpoints ('state.backend.incremental'): each
// killed run waits for a checkpoint whose join state is a delta on an earlier base (the
// restores then read chains, asserted). The committed output
// must equal an uninterrupted run and a DuckDB query that picks each order's version by
// max(update_time) <= order_time.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, prng, restoresFromDeltas, runClean, tmp, writeJob } from './crash.js';
import { duckdb } from '../sql/harness.js';

const BASE = Date.UTC(2020, 0, 1);
const ts = (ms: number): string => new Date(BASE + ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Rates changelog in time order; a delete carries the time it happened and a correction the
 * time of the version it corrects, so with the table's 1 s watermark delay no record is late
 * (with no delay, a correction read after the watermark reached its time would be late, and
 * an order at exactly that time could have joined the uncorrected version first).
 */
function ratesChangelog(seed: number, events: number): string {
  const rand = prng(seed);
  const current = new Map<string, { rate: number; time: number }>();
  const lines: string[] = [];
  const row = (c: string, rate: number, time: number): string => JSON.stringify({ currency: c, rate, update_time: ts(time) });
  for (let i = 0; i < events; i++) {
    const t = i * 500;
    const c = `C${Math.floor(rand() * 40)}`;
    const cur = current.get(c);
    const rate = Math.round((0.5 + rand() * 2) * 100) / 100;
    if (cur === undefined) {
      lines.push(`{"before":null,"after":${row(c, rate, t)},"op":"c"}`);
      current.set(c, { rate, time: t });
    } else if (rand() < 0.15) {
      lines.push(`{"before":${row(c, cur.rate, t)},"after":null,"op":"d"}`);
      current.delete(c);
      continue;
    } else {
      lines.push(`{"before":${row(c, cur.rate, cur.time)},"after":${row(c, rate, t)},"op":"u"}`);
      current.set(c, { rate, time: t });
    }
    if (rand() < 0.1) {
      // a correction at the same time: replaces the version just written
      const fixed = Math.round((rate + 0.01) * 100) / 100;
      lines.push(`{"before":${row(c, rate, t)},"after":${row(c, fixed, t)},"op":"u"}`);
      current.set(c, { rate: fixed, time: t });
    }
  }
  return lines.join('\n') + '\n';
}

/** Orders every 20 ms of event time, up to 2 s out of order; some currencies never have a rate. */
function orders(seed: number, n: number): string {
  const rand = prng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = i * 20 + Math.floor(rand() * 2000);
    const c = rand() < 0.02 ? '' : `C${Math.floor(rand() * 45)}`;
    lines.push(`${i},${c},${1 + Math.floor(rand() * 1000)},${ts(t)}`);
  }
  return lines.join('\n') + '\n';
}

describe('temporal join recovery', () => {
  it('orders LEFT JOIN rates FOR SYSTEM_TIME AS OF: 4 kills after checkpoints, parallelism 1 and 2 alternating; equals a clean run and DuckDB', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    const ordersFile = join(dir, 'orders.csv');
    const ratesFile = join(dir, 'rates.json');
    writeFileSync(ordersFile, orders(5, 40_000));
    writeFileSync(ratesFile, ratesChangelog(9, 1_700));
    const sql = `CREATE TABLE orders (order_id BIGINT, currency STRING, amount BIGINT, order_time TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '3' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${ordersFile}', 'format' = 'csv', 'rows-per-second' = '8000');
CREATE TABLE rates (currency STRING, rate DOUBLE, update_time TIMESTAMP(3),
  PRIMARY KEY (currency) NOT ENFORCED,
  WATERMARK FOR update_time AS update_time - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${ratesFile}', 'format' = 'debezium-json', 'rows-per-second' = '400');
CREATE TABLE result (order_id BIGINT, currency STRING, amount BIGINT, rate DOUBLE, update_time TIMESTAMP(3), order_time TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO result
SELECT o.order_id, o.currency, o.amount, r.rate, r.update_time, o.order_time
FROM orders AS o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency;`;
    // the crashed runs with incremental checkpoints, the uninterrupted one with full ones
    writeJob(dir, `SET 'state.backend.incremental' = 'true';\n${sql}`);
    writeJob(join(dir, 'clean'), sql);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 4, 77, (i) => (i % 2 === 0 ? 1 : 2), [0, 300], { deltaOf: 'join' })]);
    // four restarts, each from a newer checkpoint than the one before, most of them chains
    const restoredFrom = runs.flatMap((r) => (r.restoredFrom === undefined ? [] : [r.restoredFrom]));
    expect(restoredFrom.length).toBe(4);
    expect(restoresFromDeltas(runs, 'join'), JSON.stringify(runs.map((r) => [r.restoredFrom, r.restoredDeltas]))).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < restoredFrom.length; i++) expect(restoredFrom[i]!).toBeGreaterThan(restoredFrom[i - 1]!);
    const crash = committedLines(join(dir, 'out')).sort();
    const clean = committedLines(join(dir, 'clean', 'out')).sort();
    expect(crash.length).toBe(40_000);
    expect(crash).toEqual(clean);
    // DuckDB: each order's version is the latest record of its currency at or before its time
    // (the last one of equal times); a delete means no rate
    const outFiles = readdirSync(join(dir, 'out'))
      .filter((f) => !f.startsWith('.') && !f.startsWith('_'))
      .map((f) => `'${join(dir, 'out', f)}'`);
    const conn = await duckdb();
    const sqlDiff = `WITH o AS (SELECT * FROM read_csv('${ordersFile}', header = false, columns = {'order_id': 'BIGINT', 'currency': 'VARCHAR', 'amount': 'BIGINT', 'order_time': 'TIMESTAMP'})),
ev AS (SELECT *, row_number() OVER () AS seq FROM read_json('${ratesFile}', format = 'newline_delimited', columns = {'before': 'STRUCT(currency VARCHAR, rate DOUBLE, update_time TIMESTAMP)', 'after': 'STRUCT(currency VARCHAR, rate DOUBLE, update_time TIMESTAMP)', 'op': 'VARCHAR'})),
v AS (SELECT currency, rate, t, live FROM (SELECT after.currency AS currency, after.rate AS rate, after.update_time AS t, true AS live, seq FROM ev WHERE op <> 'd' UNION ALL SELECT before.currency, before.rate, before.update_time, false, seq FROM ev WHERE op = 'd') QUALIFY row_number() OVER (PARTITION BY currency, t ORDER BY seq DESC) = 1),
cur AS (SELECT o.order_id, max(v.t) AS t FROM o JOIN v ON v.currency = o.currency AND v.t <= o.order_time GROUP BY o.order_id),
want AS (SELECT o.order_id, o.currency, o.amount, v.rate, v.t AS update_time, o.order_time FROM o LEFT JOIN cur ON cur.order_id = o.order_id LEFT JOIN v ON v.currency = o.currency AND v.t = cur.t AND v.live),
got AS (SELECT * FROM read_csv([${outFiles.join(', ')}], header = false, columns = {'order_id': 'BIGINT', 'currency': 'VARCHAR', 'amount': 'BIGINT', 'rate': 'DOUBLE', 'update_time': 'TIMESTAMP', 'order_time': 'TIMESTAMP'}))
SELECT (SELECT count(*) FROM (SELECT * FROM got EXCEPT ALL SELECT * FROM want)) AS extra,
       (SELECT count(*) FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM got)) AS missing,
       (SELECT count(*) FROM want WHERE rate IS NOT NULL) AS matched,
       (SELECT count(*) FROM want) AS total`;
    const [row] = (await conn.runAndReadAll(sqlDiff)).getRowsJS() as unknown[][];
    const [extra, missing, matched, total] = row!.map(Number);
    expect({ extra, missing, total }).toEqual({ extra: 0, missing: 0, total: 40_000 });
    // the data exercises both outcomes
    expect(matched).toBeGreaterThan(10_000);
    expect(matched).toBeLessThan(38_000);
  }, 240_000);
});
