// Exactly-once recovery with composite values in state and on the wire (issue 12, item 3).
// A real `weir run` reads ROW, ARRAY and MAP columns from json, unnests an array, groups by a
// ROW key and keeps ARRAY_AGG lists and COLLECT multisets in state; it is killed with SIGKILL three times, each a
// seeded moment after a new checkpoint, and restored alternating parallelism 2 and 1 (at 2 the
// subtasks run on worker threads, so batches of composite values cross threads, and the
// checkpoints hold the lists and ROW keys through msgpackr). Its committed debezium-json
// changelog must fold to the table an uninterrupted run gives, and to the table computed
// here from the input by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, foldDebezium, runClean, tmp, writeJob } from './crash.js';

const ROWS = 6000;

function input(): { text: string; expected: string[] } {
  const lines: string[] = [];
  // expected: per ROW key (a, b) in first-seen order... the fold is sorted, so order of groups does not matter
  const groups = new Map<string, { r: { a: number; b: string | null }; n: number; ids: number[]; tags: (string | null)[]; bag: Record<string, number> }>();
  for (let id = 0; id < ROWS; id++) {
    const r = { a: id % 7, b: id % 5 === 0 ? null : `g${id % 3}` };
    const tags = id % 11 === 0 ? [] : id % 4 === 0 ? ['x', null] : [`t${id % 9}`];
    const m: Record<string, number | null> = { keep: id % 6 === 0 ? 0 : 1, w: id % 2 === 0 ? null : id };
    lines.push(JSON.stringify({ id, r, tags, m }));
    if (m.keep !== 1) continue;
    for (const tag of tags) {
      const k = JSON.stringify(r);
      let g = groups.get(k);
      if (g === undefined) groups.set(k, (g = { r, n: 0, ids: [], tags: [], bag: {} }));
      g.n++;
      g.ids.push(id);
      g.tags.push(tag);
      // COLLECT: NULLs skipped, each tag with its count, in order of first arrival
      if (tag !== null) g.bag[tag] = (g.bag[tag] ?? 0) + 1;
    }
  }
  const expected = [...groups.values()].map((g) => JSON.stringify([g.r, g.n, g.ids, g.tags, g.bag])).sort();
  return { text: lines.join('\n') + '\n', expected };
}

const SQL = `CREATE TABLE t (id INT, r ROW<a INT, b STRING>, tags ARRAY<STRING>, m MAP<STRING, INT>)
WITH ('connector' = 'filesystem', 'path' = 'in.json', 'format' = 'json', 'rows-per-second' = '2000');
CREATE TABLE result (r ROW<a INT, b STRING>, n BIGINT, ids ARRAY<INT>, tags ARRAY<STRING>, bag MULTISET<STRING>)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO result
SELECT r, COUNT(*), ARRAY_AGG(id), ARRAY_AGG(tag), COLLECT(tag)
FROM t CROSS JOIN UNNEST(tags) AS u (tag)
WHERE m['keep'] = 1
GROUP BY r;`;

const COLS = ['r', 'n', 'ids', 'tags', 'bag'];

describe('composite values across crashes', () => {
  it('GROUP BY a ROW with ARRAY_AGG and COLLECT over UNNEST: 3 kills, parallelism 2 and 1 alternating; equals an uninterrupted run and the hand-computed table', async () => {
    const dir = tmp();
    const { text, expected } = input();
    mkdirSync(join(dir, 'clean'));
    for (const d of [dir, join(dir, 'clean')]) {
      writeJob(d, SQL);
      writeFileSync(join(d, 'in.json'), text);
    }
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 3, 1212, (i) => (i % 2 === 0 ? 2 : 1), [100, 500])]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(3);
    const crash = foldDebezium(committedLines(join(dir, 'out')), COLS);
    const clean = foldDebezium(committedLines(join(dir, 'clean', 'out')), COLS);
    expect(crash.negative, 'retractions of rows never inserted').toEqual([]);
    expect(clean.rows).toEqual(expected);
    expect(crash.rows).toEqual(expected);
  }, 240_000);
});
