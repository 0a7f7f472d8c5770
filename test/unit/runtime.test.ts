// The runtime's contracts: bounded channels make producers wait, the input gate merges
// watermarks as a minimum, rate limits hold, and the nexmark connector matches its spec.
import { describe, expect, it } from 'vitest';
import { Channel, InputGate } from '../../src/exec/channel.js';
import { collectScript } from '../../src/verify/collect.js';
import { batchFromRows } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';

describe('channels', () => {
  it('a full channel makes the producer wait until the consumer takes a message', async () => {
    const c = new Channel(2);
    const gate = new InputGate([c]);
    const batch = batchFromRows([T.INT], [[1]]);
    expect(c.push({ kind: 'data', batch })).toBeUndefined();
    const wait = c.push({ kind: 'data', batch });
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    expect(gate.poll()?.msg.kind).toBe('data');
    await Promise.resolve();
    expect(released).toBe(true);
  });

  it('the gate reads round robin and skips blocked channels (barrier alignment)', () => {
    const a = new Channel(8);
    const b = new Channel(8);
    const gate = new InputGate([a, b]);
    void a.push({ kind: 'watermark', ts: 1 });
    void a.push({ kind: 'watermark', ts: 2 });
    void b.push({ kind: 'watermark', ts: 10 });
    expect(gate.poll()).toEqual({ channel: 0, msg: { kind: 'watermark', ts: 1 } });
    expect(gate.poll()).toEqual({ channel: 1, msg: { kind: 'watermark', ts: 10 } });
    gate.block(0);
    expect(gate.poll()).toBeNull();
    gate.unblockAll();
    expect(gate.poll()).toEqual({ channel: 0, msg: { kind: 'watermark', ts: 2 } });
  });
});

const nexmark = (extra: string, columns = 'auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3)'): string => `
CREATE TABLE bid (${columns}, WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '5000'${extra});`;

describe('sources', () => {
  it("'rows-per-second' limits the source rate (never faster than the limit)", async () => {
    const t0 = performance.now();
    const r = await collectScript({ name: 'q.sql', text: `${nexmark(", 'rows-per-second' = '2000'")}\nSELECT COUNT(*) FROM bid;` });
    const seconds = (performance.now() - t0) / 1000;
    // 5000 events hold 4600 bids: at 2000 rows/s that takes at least 1.8 s (the first
    // batch is free), and the result is still complete.
    expect(r.queries[0]!.rows).toEqual([[4600]]);
    expect(seconds).toBeGreaterThanOrEqual(1.8);
  });

  it('nexmark tables read any subset of columns, in any order, at any parallelism, the same events', async () => {
    const q = (p: number, cols: string) => collectScript({ name: 'q.sql', text: `${nexmark('', cols)}\nSELECT auction, price, date_time FROM bid;` }, { parallelism: p });
    const a = await q(1, 'auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3)');
    const b = await q(2, 'date_time TIMESTAMP(3), price BIGINT, auction BIGINT');
    const c = await q(3, 'price BIGINT, date_time TIMESTAMP(3), url STRING, auction BIGINT, extra STRING');
    const key = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(a.queries[0]!.rows).toHaveLength(4600);
    expect(key(b.queries[0]!.rows)).toEqual(key(a.queries[0]!.rows));
    expect(key(c.queries[0]!.rows)).toEqual(key(a.queries[0]!.rows));
  });

  it('a nexmark column that does not exist is a clear error', async () => {
    await expect(collectScript({ name: 'q.sql', text: nexmark('', 'auction BIGINT, bidderr BIGINT, date_time TIMESTAMP(3)') })).rejects.toThrow(/nexmark bid has no column 'bidderr'/);
  });

  it('datagen rows are deterministic and bounded', async () => {
    const sql = `CREATE TABLE g (k INT, v DOUBLE, s STRING, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '1000',
      'fields.k.min' = '1', 'fields.k.max' = '5', 'fields.s.length' = '4', 'seed' = '7');
      SELECT k, COUNT(*), MIN(ts), MAX(ts), MIN(CHAR_LENGTH(s)), MAX(CHAR_LENGTH(s)) FROM g GROUP BY k;`;
    const a = await collectScript({ name: 'g.sql', text: sql }, { parallelism: 1 });
    const b = await collectScript({ name: 'g.sql', text: sql }, { parallelism: 2 });
    const rows = a.queries[0]!.rows;
    expect(rows.map((r) => r[0]).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(rows.reduce((s, r) => s + (r[1] as number), 0)).toBe(1000);
    expect(Math.min(...rows.map((r) => r[2] as number))).toBe(Date.UTC(2020, 0, 1));
    expect(Math.max(...rows.map((r) => r[3] as number))).toBe(Date.UTC(2020, 0, 1) + 999_000);
    expect(rows.every((r) => r[4] === 4 && r[5] === 4)).toBe(true);
    expect(b.queries[0]!.rows.map((r) => JSON.stringify(r)).sort()).toEqual(rows.map((r) => JSON.stringify(r)).sort());
  });
});
