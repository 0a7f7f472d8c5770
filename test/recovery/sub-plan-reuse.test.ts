// Exactly-once recovery of a plan with a reused sub-plan: one window aggregation (count per
// key per 1 s tumbling window) feeds three operators — both sides of a window join with the
// per-window maximum (Nexmark q5's shape) and a second INSERT of the same statement set. The
// shared node's output fans out, and its consumers align barriers over inputs that come from
// one task. Killed with SIGKILL three times after checkpoints and restored alternately at
// parallelism 2 and 1; the committed output must equal an uninterrupted run and the result
// worked out here in plain code. The crashed runs take incremental checkpoints
// ('state.backend.incremental'): each killed run waits for a checkpoint whose window-join
// state is a delta on an earlier base, so the restores read chains (asserted).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, prng, restoresFromDeltas, runClean, tmp, writeJob } from './crash.js';
import { formatTimestamp } from '../../src/common/time.js';

const FILES = 4;
const ROWS_PER_FILE = 5000;
const BASE = Date.UTC(2024, 0, 1);

describe('exactly-once recovery of a reused sub-plan with SIGKILL', () => {
  it('a window aggregation shared by a window join and a second INSERT: 3 kills, restored at parallelism 2 and 1', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'clean'));
    const input = join(dir, 'in');
    mkdirSync(input);
    const rand = prng(11);
    // every row: key 0..14, a time 5 ms after the previous one plus up to 300 ms of disorder
    const rows: { k: number; t: number }[] = [];
    for (let f = 0; f < FILES; f++) {
      const lines: string[] = [];
      for (let i = 0; i < ROWS_PER_FILE; i++) {
        const n = rows.length;
        const r = { k: Math.floor(rand() * 15), t: BASE + n * 5 + Math.floor(rand() * 300) };
        rows.push(r);
        lines.push(`${r.k},${formatTimestamp(r.t)}`);
      }
      writeFileSync(join(input, `part-${f}.csv`), lines.join('\n') + '\n');
    }
    const sql = `CREATE TABLE t (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'csv', 'rows-per-second' = '2000');
CREATE TABLE hot (k BIGINT, num BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = 'hot', 'format' = 'csv');
CREATE TABLE counts (k BIGINT, num BIGINT, ws TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = 'counts', 'format' = 'csv');
CREATE VIEW c AS SELECT k, COUNT(*) AS num, window_start AS ws, window_end AS we
  FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end;
EXECUTE STATEMENT SET BEGIN
INSERT INTO hot SELECT a.k, a.num, a.ws FROM c a
  JOIN (SELECT MAX(num) AS maxn, ws, we FROM c GROUP BY ws, we) m ON a.ws = m.ws AND a.we = m.we AND a.num >= m.maxn;
INSERT INTO counts SELECT k, num, ws FROM c;
END;`;
    // the crashed runs with incremental checkpoints, the uninterrupted one with full ones
    writeJob(dir, `SET 'state.backend.incremental' = 'true';\n${sql}`);
    writeJob(join(dir, 'clean'), sql);
    // the uninterrupted run alongside the crashed ones: both mostly wait on rate-limited sources
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 1), crashAfterCheckpoints(dir, 3, 21, (i) => (i % 2 === 0 ? 2 : 1), [0, 800], { deltaOf: 'window-aggregate' })]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(3);
    expect(runs.filter((r) => r.args.includes('--restore')).length).toBe(runs.length - 1);
    // the shared window aggregation restores from a chain; the window join's own state turns
    // over with every 1 s window, so whether its checkpoint at a kill is a delta or a new full
    // snapshot depends on timing (a fresh-clone run had none), and is not asserted
    expect(restoresFromDeltas(runs, 'window-aggregate'), JSON.stringify(runs.map((r) => [r.restoredFrom, r.restoredDeltas]))).toBeGreaterThanOrEqual(1);

    // worked out here: count per (key, window), the maximum per window, the keys at it
    const count = new Map<string, number>();
    for (const r of rows) {
      const ws = r.t - (r.t % 1000);
      const key = `${r.k},${formatTimestamp(ws)}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    const max = new Map<string, number>();
    for (const [key, n] of count) {
      const ws = key.slice(key.indexOf(',') + 1);
      max.set(ws, Math.max(max.get(ws) ?? 0, n));
    }
    const wantCounts = [...count].map(([key, n]) => `${key.slice(0, key.indexOf(','))},${n},${key.slice(key.indexOf(',') + 1)}`).sort();
    const wantHot = wantCounts.filter((l) => {
      const [, n, ws] = l.split(',');
      return Number(n) === max.get(ws!);
    });
    expect(wantCounts.length).toBeGreaterThan(1000);
    expect(wantHot.length).toBeGreaterThan(100);

    for (const [sink, want] of [['hot', wantHot], ['counts', wantCounts]] as const) {
      const crash = committedLines(join(dir, sink)).sort();
      const clean = committedLines(join(dir, 'clean', sink)).sort();
      expect(clean).toEqual(want);
      expect(crash).toEqual(want);
    }
  }, 300_000);
});
