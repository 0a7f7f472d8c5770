// Idle sources, continuous file reading, and the debezium-json sink round trip.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectScript } from '../../src/verify/collect.js';
import { hashString } from '../../src/state/key-groups.js';
import { runDuck } from '../sql/harness.js';
import { T } from '../../src/common/types.js';
import { compareNatural } from '../../src/common/strings.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'weir-src-'));
}

const lines = (start: number, n: number): string =>
  Array.from({ length: n }, (_, i) => `${i % 3},2020-01-01 00:00:${String(start + i).padStart(2, '0')}`).join('\n') + '\n';

describe('idle sources', () => {
  // A monitored directory read at parallelism 2 with one file: the subtask without a file
  // produces nothing, forever. Its watermark holds every window back unless the idle timeout
  // lets the watermark advance without it.
  const setup = (): { dir: string; sql: (idle: string) => string } => {
    const dir = tmp();
    // pick a file name owned by subtask 0 (files are assigned by a hash of their name)
    let name = '';
    for (let i = 0; ; i++) {
      name = `part-${i}.csv`;
      if (hashString(name) % 2 === 0) break;
    }
    writeFileSync(join(dir, name), lines(0, 40));
    const sql = (idle: string) => `${idle}
CREATE TABLE ev (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'source.monitor-interval' = '50ms');
SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;`;
    return { dir, sql };
  };

  it('with table.exec.source.idle-timeout, windows fire although one subtask has no data, whichever subtask goes idle last; new files are read', async () => {
    const { dir, sql } = setup();
    // a second file, owned by subtask 1, appears while the job runs
    let name = '';
    for (let i = 0; ; i++) {
      name = `late-${i}.csv`;
      if (hashString(name) % 2 === 1) break;
    }
    // written once the first file has fired every window it can ([0,30): its last row, 39 s, keeps
    // [30,40) open): both subtasks have gone idle by then
    // (subtask 1 never had data), and the new file must still be read and its window fire
    let written = false;
    const r = await collectScript(
      { name: 'idle.sql', text: sql("SET 'table.exec.source.idle-timeout' = '100ms';") },
      {
        parallelism: 2,
        until: (q) => {
          if (!written && q[0]!.length >= 3) {
            written = true;
            writeFileSync(join(dir, name), lines(40, 19));
          }
          return q[0]!.length >= 5;
        },
        stopAfterMs: 20_000,
      },
    );
    const base = Date.UTC(2020, 0, 1);
    // t = 0..39 s from the first file fill [0,10), [10,20), [20,30), [30,40); the second file
    // (t = 40..58 s) completes [40,50) once its watermark passes 49.999 s.
    expect(r.queries[0]!.rows.map((x) => [x[0], x[1]]).sort()).toEqual([
      [base, 10],
      [base + 10_000, 10],
      [base + 20_000, 10],
      [base + 30_000, 10],
      [base + 40_000, 10],
    ]);
  });

  it('without it, the idle subtask holds every window back', async () => {
    const { sql } = setup();
    const r = await collectScript({ name: 'idle.sql', text: sql('') }, { parallelism: 2, stopAfterMs: 1500 });
    expect(r.queries[0]!.rows).toEqual([]);
  });
});

describe('debezium-json', () => {
  it('an updating result written as debezium-json reads back to the same final table as DuckDB', async () => {
    const dir = tmp();
    const data = Array.from({ length: 200 }, (_, i) => `${i % 7},${(i * 31) % 100}`).join('\n') + '\n';
    writeFileSync(join(dir, 'in.csv'), data);
    await collectScript({
      name: 'w.sql',
      text: `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/in.csv', 'format' = 'csv');
CREATE TABLE out (k BIGINT, n BIGINT, total BIGINT, hi BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/out', 'format' = 'debezium-json');
INSERT INTO out SELECT k, COUNT(*), SUM(v), MAX(v) FROM src GROUP BY k;`,
    }, { batchSize: 16 });
    const files = readdirSync(join(dir, 'out'));
    expect(files.every((f) => f.startsWith('part-'))).toBe(true);
    const text = files.map((f) => readFileSync(join(dir, 'out', f), 'utf8')).join('');
    // small batches make the aggregate update its rows many times: deletes and creates
    expect(text).toContain('"op":"d"');
    const back = await collectScript({
      name: 'r.sql',
      text: `CREATE TABLE cdc (k BIGINT, n BIGINT, total BIGINT, hi BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}/out', 'format' = 'debezium-json');
SELECT k, n, total, hi FROM cdc;`,
    });
    const want = await runDuck(`SELECT k, count(*), sum(v), max(v) FROM read_csv('${dir}/in.csv', header = false, columns = {'k': 'BIGINT', 'v': 'BIGINT'}) GROUP BY ALL`, [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT]);
    const key = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(key(back.queries[0]!.rows)).toEqual(key(want));
    expect(back.queries[0]!.unmatchedRetractions).toEqual([]);
  });

  it('reads a changelog directory in the order its writer numbered the files (part-0-9 before part-0-10)', async () => {
    // 12 files, each retracting the count the previous file inserted: read in name order
    // (part-0-10 before part-0-2) the retractions would come before their inserts
    const dir = tmp();
    const row = (n: number) => `{"k":1,"n":${n}}`;
    for (let i = 0; i < 12; i++) {
      const lines = [];
      if (i > 0) lines.push(`{"before":${row(i)},"after":null,"op":"d"}`);
      lines.push(`{"before":null,"after":${row(i + 1)},"op":"c"}`);
      writeFileSync(join(dir, `part-run-0-${i}.json`), lines.join('\n') + '\n');
    }
    const back = await collectScript({
      name: 'r.sql',
      text: `CREATE TABLE cdc (k BIGINT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'debezium-json');
SELECT k, n FROM cdc;`,
    });
    expect(back.queries[0]!.rows).toEqual([[1, 12]]);
    expect(back.queries[0]!.unmatchedRetractions).toEqual([]);
  });
});

describe('compareNatural', () => {
  it('compares digit runs as numbers and everything else by character', () => {
    const names = ['part-10-2', 'part-9-10', 'part-9-9', 'a', 'part-1795217138948-0-10', 'part-1795217137006-0-2', 'b2', 'b010', 'b10', 'B'];
    expect([...names].sort(compareNatural)).toEqual(['B', 'a', 'b2', 'b10', 'b010', 'part-9-9', 'part-9-10', 'part-10-2', 'part-1795217137006-0-2', 'part-1795217138948-0-10']);
  });
});
