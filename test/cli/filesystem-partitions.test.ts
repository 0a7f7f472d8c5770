// PARTITIONED BY filesystem tables through the real `weir` command: a job writes partition
// directories and commits them with success files only when they are complete; `weir verify`
// reads the partitioned output against DuckDB's hive partitioning; file:// paths.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start } from '../recovery/crash.js';
import { weir } from './weir.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-part-cli-'));

/** Partition directory -> its visible rows (sorted); and the partitions with a _SUCCESS file. */
function snapshot(dir: string): { rows: Map<string, string[]>; done: Set<string>; inProgress: number } {
  const rows = new Map<string, string[]>();
  const done = new Set<string>();
  let inProgress = 0;
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // a directory made while we look
    }
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === '_SUCCESS') done.add(relative(dir, d));
      else if (e.name.startsWith('.')) inProgress++;
      else {
        let text = '';
        try {
          text = readFileSync(full, 'utf8');
        } catch {
          continue;
        }
        const list = rows.get(relative(dir, d)) ?? [];
        list.push(...text.split('\n').filter((l) => l !== ''));
        rows.set(relative(dir, d), list);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  for (const l of rows.values()) l.sort();
  return { rows, done, inProgress };
}

const pad = (n: number): string => String(n).padStart(2, '0');

describe('partitioned filesystem sink, end to end', () => {
  it('partition-time commit: a _SUCCESS file appears only once its partition is complete; verify agrees with DuckDB', async () => {
    const dir = tmp();
    // 600 events 600 ms apart: 100 per minute, six minute partitions 'HH:mm' (':' escaped)
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const ms = i * 600;
      const t = `2024-01-01 00:${pad(Math.floor(ms / 60000))}:${pad(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, '0')}`;
      lines.push(`${i},${i % 7},${t}`);
    }
    writeFileSync(join(dir, 'in.csv'), lines.join('\n') + '\n');
    const ddl = `CREATE TABLE ev (id INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'filesystem', 'path' = 'file://${join(dir, 'in.csv')}', 'format' = 'csv', 'rows-per-second' = '200');
CREATE TABLE out (id INT, k INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm)
WITH ('connector' = 'filesystem', 'path' = 'file://${join(dir, 'out')}', 'format' = 'csv',
  'sink.partition-commit.trigger' = 'partition-time',
  'partition.time-extractor.timestamp-pattern' = '$dt $hm:00',
  'sink.partition-commit.delay' = '1 min',
  'sink.partition-commit.policy.kind' = 'success-file');
`;
    writeFileSync(join(dir, 'job.sql'), `${ddl}INSERT INTO out SELECT id, k, DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'HH:mm') FROM ev;\n`);
    const { done } = start(['run', 'job.sql', '--checkpoint-interval', '150ms', '-p', '2', '-q'], dir);
    let finished = false;
    void done.then(() => (finished = true));
    const seen: ReturnType<typeof snapshot>[] = [];
    while (!finished) {
      seen.push(snapshot(join(dir, 'out')));
      await new Promise((r) => setTimeout(r, 25));
    }
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const final = snapshot(join(dir, 'out'));
    const parts = [...final.rows.keys()].sort();
    expect(parts).toEqual(['00', '01', '02', '03', '04', '05'].map((m) => `dt=2024-01-01/hm=00%3A${m}`));
    for (const p of parts) expect(final.rows.get(p)!.length).toBe(100);
    // the files hold id,k only; the partition values are in the directory names
    expect(final.rows.get('dt=2024-01-01/hm=00%3A00')![0]).toMatch(/^\d+,\d$/);
    expect(final.done).toEqual(new Set(parts));
    expect(final.inProgress).toBe(0);
    // while the job ran: a partition with _SUCCESS already had all of its rows visible ...
    let early = 0;
    let waiting = 0;
    for (const s of seen) {
      for (const p of s.done) expect(s.rows.get(p), `partition ${p} committed before it was complete`).toEqual(final.rows.get(p));
      for (const [p, v] of s.rows) if (!s.done.has(p) && v.length > 0) waiting++;
      if (s.done.size > 0 && s.done.size < parts.length) early++;
    }
    // ... some partitions were visible but still waiting, and some were committed before the end
    expect(waiting).toBeGreaterThan(0);
    expect(early).toBeGreaterThan(0);

    // DuckDB reads the same directories with hive partitioning; weir reads them as a partitioned source
    writeFileSync(
      join(dir, 'read.sql'),
      `CREATE TABLE p (id INT, k INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'out')}', 'format' = 'csv');
SELECT dt, hm, k, COUNT(*) AS n, SUM(id) AS s FROM p GROUP BY dt, hm, k;
SELECT id, hm FROM p WHERE hm >= '00:04' AND MOD(id, 50) = 0;
`,
    );
    const v = await weir(['verify', join(dir, 'read.sql'), '-p', '2']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain('OK   line 3 SELECT: 42 rows, stream and DuckDB agree');
    expect(v.stdout).toContain('OK   line 4 SELECT: 4 rows, stream and DuckDB agree');
  }, 60_000);

  it('typed partition columns read from directory names (INT, DATE, default partition) agree with DuckDB; verify of an INSERT into a partitioned sink', async () => {
    const dir = tmp();
    const data: [string, string][] = [
      ['y=2023/d=2023-12-31', '1,a\n2,b\n'],
      ['y=2024/d=2024-01-01', '3,c\n'],
      ['y=2024/d=__DEFAULT_PARTITION__', '4,d\n5,e\n'],
    ];
    for (const [p, text] of data) {
      const d = join(dir, 'in', ...p.split('/'));
      (await import('node:fs')).mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'part-0.csv'), text);
    }
    // a success file and an in-progress file are not data
    writeFileSync(join(dir, 'in', 'y=2024', '_SUCCESS'), '');
    writeFileSync(join(dir, 'in', 'y=2024', '.part-9.csv.inprogress'), '99,zz\n');
    writeFileSync(
      join(dir, 'job.sql'),
      `CREATE TABLE src (id INT, name STRING, y INT, d DATE) PARTITIONED BY (y, d)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in')}', 'format' = 'csv');
CREATE TABLE dst (name STRING, y INT, id INT) PARTITIONED BY (y)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'dst')}', 'format' = 'json', 'sink.partition-commit.policy.kind' = 'success-file');
SELECT y + 1 AS next_year, d, COUNT(*) AS n, MAX(name) AS m FROM src GROUP BY y, d;
SELECT id, d FROM src WHERE d IS NULL OR d < DATE '2024-01-01';
INSERT INTO dst SELECT name, y, id * 10 FROM src;
`,
    );
    const v = await weir(['verify', join(dir, 'job.sql')]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain('OK   line 5 SELECT: 3 rows, stream and DuckDB agree');
    expect(v.stdout).toContain('OK   line 6 SELECT: 4 rows, stream and DuckDB agree');
    expect(v.stdout).toContain('OK   line 7 INSERT INTO dst: 5 rows, stream and DuckDB agree');
    const r = await weir(['run', join(dir, 'job.sql'), '-q'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+I[2025, null, 2, e]');
    const s = snapshot(join(dir, 'dst'));
    expect([...s.rows.keys()].sort()).toEqual(['y=2023', 'y=2024']);
    expect(s.rows.get('y=2023')).toEqual(['{"name":"a","id":10}', '{"name":"b","id":20}']);
    expect(s.done).toEqual(new Set(['y=2023', 'y=2024']));
    // the json partitioned output read back, against DuckDB's read_json with hive partitioning
    writeFileSync(join(dir, 'back.sql'), `CREATE TABLE dst (name STRING, y INT, id INT) PARTITIONED BY (y) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'dst')}', 'format' = 'json');\nSELECT y, SUM(id) AS s FROM dst GROUP BY y;\n`);
    const back = await weir(['verify', join(dir, 'back.sql')]);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(back.stdout).toContain('OK   line 2 SELECT: 2 rows, stream and DuckDB agree');
  }, 60_000);

  it('a bad partition value is an error naming the directory; hdfs:// is an error at CREATE TABLE', async () => {
    const dir = tmp();
    (await import('node:fs')).mkdirSync(join(dir, 'in', 'y=twenty'), { recursive: true });
    writeFileSync(join(dir, 'in', 'y=twenty', 'a.csv'), '1\n');
    writeFileSync(join(dir, 'a.sql'), `CREATE TABLE src (id INT, y INT) PARTITIONED BY (y) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in')}', 'format' = 'csv');\nSELECT * FROM src;\n`);
    const a = await weir(['run', join(dir, 'a.sql'), '-q']);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain("the partition directory 'y=twenty'");
    expect(a.stderr).toContain('does not hold a INT value');
    writeFileSync(join(dir, 'b.sql'), `CREATE TABLE out (id INT) WITH ('connector' = 'filesystem', 'path' = 'hdfs://namenode:8020/out', 'format' = 'csv');\n`);
    const b = await weir(['run', join(dir, 'b.sql'), '-q'], { cwd: dir });
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("'path' uses the scheme 'hdfs:', which weir cannot read or write");
    expect(b.stderr).toMatch(/b\.sql:1:\d+/);
    expect(existsSync(join(dir, 'hdfs:'))).toBe(false);
  }, 60_000);
});
