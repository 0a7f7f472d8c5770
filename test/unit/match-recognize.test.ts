// MATCH_RECOGNIZE (src/sql/bind-match.ts, src/exec/operators/match-recognize.ts): expected
// matches worked out by hand from Flink's semantics (its documentation's examples and the NFA's
// rules), refusals with their positions, and a brute-force matcher for random inputs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScript } from '../../src/verify/collect.js';
import { WeirError, lineColumn } from '../../src/common/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-mr-'));
let fileNo = 0;

/** A CSV table `name` (symbol STRING, ts TIMESTAMP(3), price INT, tax INT) with a watermark `delay` seconds behind. */
function ticker(rows: readonly string[], delay = 0, name = 'Ticker'): string {
  const path = join(dir, `t${fileNo++}.csv`);
  writeFileSync(path, rows.map((r) => `${r}\n`).join(''));
  return `CREATE TABLE ${name} (symbol STRING, ts TIMESTAMP(3), price INT, tax INT, WATERMARK FOR ts AS ts - INTERVAL '${delay}' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');\n`;
}

async function query(ddl: string, sql: string, parallelism = 1, batchSize?: number): Promise<unknown[][]> {
  const r = await collectScript({ name: 'q.sql', text: ddl + sql }, { parallelism, ...(batchSize !== undefined ? { batchSize } : {}) });
  return r.queries[0]!.rows.map((x) => [...x]);
}

/** Rows `ACME,2011-04-01 10:00:0s,price,tax` one second apart. */
function seconds(prices: readonly number[], symbol = 'ACME', from = 0): string[] {
  return prices.map((p, i) => `${symbol},2011-04-01 10:${String(Math.floor((from + i) / 60)).padStart(2, '0')}:${String((from + i) % 60).padStart(2, '0')},${p},1`);
}

describe('MATCH_RECOGNIZE: Flink documentation examples', () => {
  it('the V-shape: START_ROW PRICE_DOWN+ PRICE_UP, AFTER MATCH SKIP TO LAST PRICE_UP', async () => {
    // Flink's "Pattern Recognition" page, "Detecting a V-shape pattern": one match, 10:00:04 .. 10:00:08
    const ddl = ticker(seconds([12, 17, 19, 21, 25, 18, 15, 14, 24, 25, 19]));
    const rows = await query(
      ddl,
      `SELECT symbol, CAST(start_tstamp AS STRING), CAST(bottom_tstamp AS STRING), CAST(end_tstamp AS STRING) FROM Ticker
       MATCH_RECOGNIZE (
         PARTITION BY symbol
         ORDER BY ts
         MEASURES
           START_ROW.ts AS start_tstamp,
           LAST(PRICE_DOWN.ts) AS bottom_tstamp,
           LAST(PRICE_UP.ts) AS end_tstamp
         ONE ROW PER MATCH
         AFTER MATCH SKIP TO LAST PRICE_UP
         PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
         DEFINE
           PRICE_DOWN AS
             (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
               PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
           PRICE_UP AS
             PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
       ) MR;`,
    );
    expect(rows).toEqual([['ACME', '2011-04-01 10:00:04.000', '2011-04-01 10:00:07.000', '2011-04-01 10:00:08.000']]);
  });
});
