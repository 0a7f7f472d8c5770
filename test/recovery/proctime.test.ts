// Exactly-once recovery of processing-time operators: a `weir run` with a processing-time
// window and a processing-time deduplication is killed (SIGKILL) after checkpoints and restored,
// at another parallelism too. Which window a row lands in depends on the clock (a row read
// again after a restore is stamped again), so the checks are the relations that hold whatever
// the timing: every input row is counted in exactly one committed window, no window is emitted
// twice, the restored window state fires, and each key keeps exactly one first row.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, tmp, writeJob } from './crash.js';

describe('processing time: exactly-once recovery with SIGKILL', () => {
  it('a TUMBLE window and a keep-first deduplication on PROCTIME(), killed twice, restored at parallelism 2 then 1', async () => {
    const dir = tmp('weir-proctime-rec-');
    mkdirSync(join(dir, 'in'));
    // 90 rows at 30 a second: about 3 s of input; keys k0, k1, k2 with 30 rows each
    writeFileSync(join(dir, 'in', 'rows.csv'), Array.from({ length: 90 }, (_, i) => `${i + 1},k${(i + 1) % 3}`).join('\n') + '\n');
    writeJob(
      dir,
      `CREATE TABLE t (id INT, k STRING, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'csv', 'rows-per-second' = '30');
CREATE TABLE counts (k STRING, n BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = 'counts', 'format' = 'csv');
CREATE TABLE firsts (id INT, k STRING) WITH ('connector' = 'filesystem', 'path' = 'firsts', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO counts SELECT k, COUNT(*), window_start, window_end FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(pt), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end;
INSERT INTO firsts SELECT id, k FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt) AS rn FROM t) WHERE rn = 1;
END;`,
    );
    const runs = await crashAfterCheckpoints(dir, 2, 7, (i) => [2, 1, 2][i] ?? 2, [200, 700]);
    expect(runs[runs.length - 1]!.code).toBe(0);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBeGreaterThanOrEqual(1);
    const counts = committedLines(join(dir, 'counts')).map((l) => l.split(','));
    const total = new Map<string, number>();
    for (const [k, n] of counts) total.set(k!, (total.get(k!) ?? 0) + Number(n));
    // every row counted once, in some window
    expect([...total].sort()).toEqual([['k0', 30], ['k1', 30], ['k2', 30]]);
    // no window emitted twice for a key (a replayed row is stamped anew, into a later window)
    const windows = counts.map(([k, , ws]) => `${k} ${ws}`);
    expect(new Set(windows).size).toBe(windows.length);
    // windows of one second on the clock
    for (const [, , ws, we] of counts) expect(Date.parse(`${we}Z`) - Date.parse(`${ws}Z`)).toBe(1000);
    // the first row of each key, once; each is a row of that key
    const firsts = committedLines(join(dir, 'firsts')).map((l) => l.split(','));
    expect(firsts.map(([, k]) => k).sort()).toEqual(['k0', 'k1', 'k2']);
    for (const [id, k] of firsts) expect(`k${Number(id) % 3}`).toBe(k);
  }, 180_000);
});
