// Regression: `weir verify` reported a false DIFF on Nexmark q11 (legacy SESSION windows) at
// 'first-event.rate' = 10M/s, where many bids share a millisecond. The DuckDB translation
// marked session starts with lag() and numbered sessions with a running sum() over a separate
// sort; among rows with equal times the two sorts could order rows differently, and a session
// was split in two with the same start (a different bidder each run). The sum now frames by
// RANGE, so rows with equal times always get the same session id.
//
// DuckDB's order among equal times depends on its threads, so one query did not always show
// the bug (about 4 runs in 5 at this size, measured on 2 cores); the file holds the q11 query
// four times, each compared on its own, so that without the fix at least one differs (all
// four agreed in about 1 run in 600).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from '../cli/weir.js';

const Q11 = `SELECT B.bidder, COUNT(*) AS bid_count,
  SESSION_START(B.date_time, INTERVAL '10' SECOND) AS starttime, SESSION_END(B.date_time, INTERVAL '10' SECOND) AS endtime
FROM bid B GROUP BY B.bidder, SESSION(B.date_time, INTERVAL '10' SECOND);
`;

describe('weir verify: SESSION windows over rows with equal times', () => {
  it('Nexmark q11 at first-event.rate 10M/s: stream and DuckDB agree (four times over)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-q11-'));
    const f = join(dir, 'q11.sql');
    // the bid table of queries/nexmark/q11.sql, 200,000 events at 10M events/s (about ten bids per ms)
    writeFileSync(f, `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3), extra STRING,
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '200000', 'first-event.rate' = '10000000');
${Q11.repeat(4)}`);
    const r = await weir(['verify', f], { timeoutMs: 150_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ok = [...r.stdout.matchAll(/^OK {3}line (\d+) SELECT: ([\d,]+) rows, stream and DuckDB agree$/gm)];
    expect(ok.map((m) => m[1])).toEqual(['4', '7', '10', '13']);
    // one session count for all four, and many sessions (not everything merged into a few)
    expect(new Set(ok.map((m) => m[2])).size).toBe(1);
    expect(Number(ok[0]![2]!.replace(/,/g, ''))).toBeGreaterThan(1000);
  }, 180_000);
});
