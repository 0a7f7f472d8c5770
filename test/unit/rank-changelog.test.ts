// The changelog a Top-N emits, row by row (batch size 1): with the row number, positions are
// the update key (-U/+U per changed position); without it (Flink's "no ranking number"
// optimisation) only rows entering (+I) and leaving (-D) the top are emitted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScript } from '../../src/verify/collect.js';

function script(select: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-rank-'));
  writeFileSync(join(dir, 'bids.csv'), ['1,10', '1,20', '1,30', '1,5', '2,7'].join('\n') + '\n');
  return `CREATE TABLE bid (auction BIGINT, price BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'bids.csv')}', 'format' = 'csv');
${select}`;
}

describe('Top-N changelog', () => {
  it('with the row number: +I, then -U/+U for each position whose row changes', async () => {
    const r = await collectScript({ name: 'q.sql', text: script('SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 2;') }, { parallelism: 1, batchSize: 1 });
    const q = r.queries[0]!;
    // 10: +I(10,1) | 20: -U(10,1) +U(20,1) +I(10,2) | 30: -U(20,1) +U(30,1) -U(10,2) +U(20,2) | 5: none | 2,7: +I
    expect(q.changes).toBe(9);
    expect(q.rows.sort()).toEqual([[1, 20, 2], [1, 30, 1], [2, 7, 1]].sort());
  });

  it('without the row number: fewer updates, only +I and -D', async () => {
    const r = await collectScript({ name: 'q.sql', text: script('SELECT auction, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 2;') }, { parallelism: 1, batchSize: 1 });
    const q = r.queries[0]!;
    // 10: +I | 20: +I | 30: -D(10) +I(30) | 5: none | 2,7: +I
    expect(q.changes).toBe(5);
    expect(q.rows.sort()).toEqual([[1, 20], [1, 30], [2, 7]].sort());
  });
});
