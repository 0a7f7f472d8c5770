// Exactly-once recovery with TIME and BYTES group keys (branch types). A real `weir run`
// reads TIME(3) and BYTES (Base64) columns from csv and groups by both: TIME keys are
// numbers (milliseconds of the day) and BYTES keys binary strings in the group state, the
// key index and the checkpoints. It is killed with SIGKILL three times, each a seeded moment
// after a new checkpoint, and restored alternating parallelism 2 and 1. Its committed
// debezium-json changelog must fold to the table an uninterrupted run gives, and to the table
// computed here from the input by hand (times as HH:mm:ss.SSS, bytes as Base64: Flink's json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, foldDebezium, runClean, tmp, writeJob } from './crash.js';

const ROWS = 6000;

const two = (n: number): string => String(n).padStart(2, '0');

function input(): { text: string; expected: string[] } {
  const lines: string[] = [];
  const groups = new Map<string, { t: string; b: string; n: number; s: number }>();
  for (let id = 0; id < ROWS; id++) {
    // 13 times of day, some with milliseconds; 7 byte strings with 0x00, 0xff, the empty one
    const k = id % 13;
    const h = (k * 5) % 24;
    const t = `${two(h)}:${two((k * 7) % 60)}:${two(k)}.${String((k * 77) % 1000).padStart(3, '0')}`;
    const raw = Buffer.from([0, 1, 0xff, 0x80, 0x7f, 0x2c, 0x22].slice(0, id % 7));
    const b = raw.toString('base64');
    lines.push(`${id},${t},${b === '' ? '""' : b}`);
    const key = `${t}|${b}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { t, b, n: 0, s: 0 }));
    g.n++;
    g.s += id;
  }
  const expected = [...groups.values()].map((g) => JSON.stringify([g.t, g.b, g.n, g.s])).sort();
  return { text: lines.join('\n') + '\n', expected };
}

const SQL = `CREATE TABLE t (id INT, t TIME(3), b BYTES)
WITH ('connector' = 'filesystem', 'path' = 'in.csv', 'format' = 'csv', 'rows-per-second' = '2000');
CREATE TABLE result (t TIME(3), b BYTES, n BIGINT, s BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO result
SELECT t, b, COUNT(*), SUM(CAST(id AS BIGINT))
FROM t
GROUP BY t, b;`;

const COLS = ['t', 'b', 'n', 's'];

describe('TIME and BYTES keys across crashes', () => {
  it('GROUP BY a TIME(3) and a BYTES key: 3 kills, parallelism 2 and 1 alternating; equals an uninterrupted run and the hand-computed table', async () => {
    const dir = tmp();
    const { text, expected } = input();
    expect(expected.length).toBe(91);
    mkdirSync(join(dir, 'clean'));
    for (const d of [dir, join(dir, 'clean')]) {
      writeJob(d, SQL);
      writeFileSync(join(d, 'in.csv'), text);
    }
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 3, 4242, (i) => (i % 2 === 0 ? 2 : 1), [100, 500])]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(3);
    const crash = foldDebezium(committedLines(join(dir, 'out')), COLS);
    const clean = foldDebezium(committedLines(join(dir, 'clean', 'out')), COLS);
    expect(crash.negative, 'retractions of rows never inserted').toEqual([]);
    expect(clean.rows).toEqual(expected);
    expect(crash.rows).toEqual(expected);
  }, 240_000);
});
