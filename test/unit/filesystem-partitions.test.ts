// The filesystem connector as Flink's: PARTITIONED BY directories, partition commit with a
// success file (only after the checkpoint commits, by process time or partition time),
// rolling by time, 'file://' paths, and the errors for what weir cannot do.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import { WeirError } from '../../src/common/errors.js';
import { batchFromRows } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { Scalar } from '../../src/common/batch.js';
import type { TableDef } from '../../src/catalog/catalog.js';
import { filesystemSink, removeUncommitted } from '../../src/connectors/filesystem/filesystem.js';
import { escapePartitionName, localPath, partitionTime, unescapePartitionName } from '../../src/connectors/filesystem/partitions.js';
import type { SinkWriter } from '../../src/connectors/connector.js';
import { collectScript } from '../../src/verify/collect.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-part-'));

function table(sql: string): TableDef {
  const s = new Session();
  s.executeScript({ name: 't.sql', text: sql });
  const t = s.catalog.get('t');
  if (t?.kind !== 'table') throw new Error('no table t');
  return t;
}

async function writer(t: TableDef): Promise<SinkWriter> {
  return filesystemSink(t).createWriter({ subtask: 0, parallelism: 1, schema: [], updating: false, jobId: 'test' });
}

/** Every file under dir, relative, sorted; in-progress files included. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** Visible data files' lines per partition directory. */
function visible(dir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of tree(dir)) {
    const name = f.split('/').pop()!;
    if (name.startsWith('.') || name.startsWith('_')) continue;
    const part = f.split('/').slice(0, -1).join('/');
    (out[part] ??= []).push(...readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l !== ''));
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

const success = (dir: string): string[] => tree(dir).filter((f) => f.endsWith('/_SUCCESS') || f.endsWith('/_DONE'));

const TYPES: DataType[] = [T.INT, T.STRING, T.STRING, T.STRING];
const rows = (...r: Scalar[][]) => batchFromRows(TYPES, r);

describe('partition directories', () => {
  it('escapes values as Flink does and reads them back', () => {
    // Flink's PartitionPathUtils: %XX (upper-case hex) for control characters and "#%'*/:=?\{[]^ and DEL
    expect(escapePartitionName('10:30')).toBe('10%3A30');
    expect(escapePartitionName('a/b=c d')).toBe('a%2Fb%3Dc d');
    expect(escapePartitionName('x%y\n')).toBe('x%25y%0A');
    expect(escapePartitionName('[{^*?#\'"\\]}')).toBe('%5B%7B%5E%2A%3F%23%27%22%5C%5D}');
    expect(escapePartitionName('héllo-2024_01.01')).toBe('héllo-2024_01.01');
    for (const v of ['10:30', 'a/b=c', '100%', '%zz', 'tab\there', "it's"]) expect(unescapePartitionName(escapePartitionName(v))).toBe(v);
  });

  it('a sink writes dt=/hm= directories without the partition columns; NULL and empty go to the default partition', async () => {
    const dir = tmp();
    const t = table(`CREATE TABLE t (id INT, name STRING, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');`);
    const w = await writer(t);
    await w.write(rows([1, 'a', '2024-01-01', '10:00'], [2, 'b', '2024-01-01', '10:00'], [3, 'c', '2024-01-02', '10:00'], [4, 'd', null, 'x/y'], [5, 'e', '', '10:00']));
    const p = await w.prepareCommit(1);
    // nothing visible before the checkpoint completes
    expect(Object.keys(visible(dir))).toEqual([]);
    expect(tree(dir).every((f) => f.split('/').pop()!.startsWith('.'))).toBe(true);
    await w.commit([p]);
    expect(visible(dir)).toEqual({
      'dt=2024-01-01/hm=10%3A00': ['1,a', '2,b'],
      'dt=2024-01-02/hm=10%3A00': ['3,c'],
      'dt=__DEFAULT_PARTITION__/hm=x%2Fy': ['4,d'],
      'dt=__DEFAULT_PARTITION__/hm=10%3A00': ['5,e'],
    });
    // no commit policy: no success files
    expect(success(dir)).toEqual([]);
    await w.close();
  });

  it("'partition.default-name' names the NULL partition, and a source reads it back as NULL", async () => {
    const dir = tmp();
    const t = table(`CREATE TABLE t (id INT, name STRING, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'partition.default-name' = 'none');`);
    const w = await writer(t);
    await w.write(rows([1, 'a', null, '1'], [2, 'b', '2024-01-01', '1']));
    await w.finish();
    expect(Object.keys(visible(dir)).sort()).toEqual(['dt=2024-01-01/hm=1', 'dt=none/hm=1']);
    const r = await collectScript({
      name: 'r.sql',
      text: `CREATE TABLE r (id INT, name STRING, dt STRING, hm INT) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'partition.default-name' = 'none');
SELECT id, dt, hm + 1 AS h FROM r;`,
    });
    expect(r.queries[0]!.rows.sort()).toEqual([
      [1, null, 2],
      [2, '2024-01-01', 2],
    ]);
  });
});

describe('partition pruning', () => {
  it('a filter on partition columns skips the directories it rules out (a broken file there is never read); other filters read everything', async () => {
    const dir = tmp();
    for (const [p, text] of [
      ['y=2023', '1,a\n'],
      ['y=2024', '2,b\n'],
      ['y=2025', 'this is, not, a row\n'],
      ['y=__DEFAULT_PARTITION__', '4,d\n'],
    ] as const) {
      mkdirSync(join(dir, p));
      writeFileSync(join(dir, p, 'part-0.csv'), text);
    }
    const ddl = `CREATE TABLE r (id INT, name STRING, y INT) PARTITIONED BY (y) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');\n`;
    const q = async (sql: string): Promise<unknown[][]> => (await collectScript({ name: 'q.sql', text: ddl + sql })).queries[0]!.rows.sort();
    expect(await q(`SELECT id, y FROM r WHERE y < 2025 AND id > 0;`)).toEqual([
      [1, 2023],
      [2, 2024],
    ]);
    expect(await q(`SELECT name FROM r WHERE y IS NULL OR y + 1 = 2024;`)).toEqual([['a'], ['d']]);
    expect(await q(`SELECT COUNT(*) AS n FROM r WHERE y IN (2023, 2024);`)).toEqual([[2]]);
    const ex = new Session().executeScript({ name: 'e.sql', text: `${ddl}EXPLAIN SELECT id FROM r WHERE y < 2025 AND id > 0;` })[1]!.result;
    expect(ex.kind === 'explain' ? ex.text : '').toContain("Source(table=r, connector=filesystem, read=[id, y], partitions=[(y < 2025)])");
    // a filter that also reads a file column cannot rule a directory out: the bad file is read
    await expect(q(`SELECT id FROM r WHERE y = 2024 OR id = 1;`)).rejects.toThrow(/y=2025/);
  });
});

describe('partition commit', () => {
  const ddl = (dir: string, extra: string): string =>
    `CREATE TABLE t (id INT, name STRING, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file'${extra});`;

  it("process-time, no delay: the success file appears when the checkpoint commits, not before", async () => {
    const dir = tmp();
    const w = await writer(table(ddl(dir, '')));
    await w.write(rows([1, 'a', '2024-01-01', '10'], [2, 'b', '2024-01-01', '11']));
    const p1 = await w.prepareCommit(1);
    expect(success(dir)).toEqual([]);
    await w.commit([p1]);
    expect(success(dir)).toEqual(['dt=2024-01-01/hm=10/_SUCCESS', 'dt=2024-01-01/hm=11/_SUCCESS']);
    await w.close();
  });

  it("process-time with a delay: committed at the first checkpoint after the delay; 'success-file.name'", async () => {
    const dir = tmp();
    const w = await writer(table(ddl(dir, `, 'sink.partition-commit.delay' = '300ms', 'sink.partition-commit.success-file.name' = '_DONE'`)));
    await w.write(rows([1, 'a', '2024-01-01', '10']));
    await w.commit([await w.prepareCommit(1)]);
    expect(visible(dir)).toEqual({ 'dt=2024-01-01/hm=10': ['1,a'] });
    expect(success(dir)).toEqual([]);
    await w.commit([await w.prepareCommit(2)]);
    expect(success(dir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 350));
    await w.commit([await w.prepareCommit(3)]);
    expect(success(dir)).toEqual(['dt=2024-01-01/hm=10/_DONE']);
    await w.close();
  });

  it('partition-time: committed once the watermark at a completed checkpoint passes the partition time plus the delay', async () => {
    const dir = tmp();
    const w = await writer(table(ddl(dir, `, 'sink.partition-commit.trigger' = 'partition-time', 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00:00', 'sink.partition-commit.delay' = '1 h'`)));
    const at = (s: string): number => Date.parse(`${s}Z`);
    await w.write(rows([1, 'a', '2024-01-01', '10'], [2, 'b', '2024-01-01', '11']));
    // hour 10 is complete when the watermark passes 10:00 + 1 h
    w.watermark!(at('2024-01-01T11:00:00.000'));
    const p1 = await w.prepareCommit(1);
    // a watermark after the barrier does not count for checkpoint 1
    w.watermark!(at('2024-01-01T11:30:00.000'));
    await w.commit([p1]);
    expect(success(dir)).toEqual([]);
    const p2 = await w.prepareCommit(2);
    expect(success(dir)).toEqual([]);
    await w.commit([p2]);
    expect(success(dir)).toEqual(['dt=2024-01-01/hm=10/_SUCCESS']);
    // the end of the input commits the rest
    await w.finish();
    expect(success(dir)).toEqual(['dt=2024-01-01/hm=10/_SUCCESS', 'dt=2024-01-01/hm=11/_SUCCESS']);
    await w.close();
  });

  it('the end of the input right after a checkpoint (the final one): partitions are committed only when its hidden files become visible', async () => {
    const dir = tmp();
    const w = await writer(table(ddl(dir, `, 'sink.partition-commit.trigger' = 'partition-time', 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00:00', 'sink.partition-commit.delay' = '1 h'`)));
    await w.write(rows([1, 'a', '2024-01-01', '10']));
    await w.commit([await w.prepareCommit(1)]);
    // the partition waits (no watermark); its last rows go into the final checkpoint's files
    await w.write(rows([2, 'b', '2024-01-01', '10']));
    w.watermark!(Infinity);
    const final = await w.prepareCommit(2);
    await w.finish();
    // the input ended, but checkpoint 2 has not completed: row 2 is still hidden, so no success file
    expect(visible(dir)).toEqual({ 'dt=2024-01-01/hm=10': ['1,a'] });
    expect(success(dir)).toEqual([]);
    await w.commit([final]);
    expect(visible(dir)).toEqual({ 'dt=2024-01-01/hm=10': ['1,a', '2,b'] });
    expect(success(dir)).toEqual(['dt=2024-01-01/hm=10/_SUCCESS']);
    await w.close();
  });

  it('the waiting partitions travel in the checkpoint: a new writer restoring it commits them', async () => {
    const dir = tmp();
    const t = table(ddl(dir, `, 'sink.partition-commit.trigger' = 'partition-time'`));
    const w = await writer(t);
    await w.write(rows([1, 'a', '2024-01-01 10:00:00', 'x']));
    await w.commit([await w.prepareCommit(1)]);
    const p2 = await w.prepareCommit(2);
    w.watermark!(Date.parse('2024-01-02T00:00:00Z'));
    await w.close();
    // crash before checkpoint 2 completes; a restore repeats its commit with its watermark (-inf)
    const w2 = await writer(t);
    await w2.commit([p2]);
    expect(success(dir)).toEqual([]);
    w2.watermark!(Date.parse('2024-01-01T10:00:00.001Z'));
    await w2.commit([await w2.prepareCommit(3)]);
    expect(success(dir)).toEqual(['dt=2024-01-01 10%3A00%3A00/hm=x/_SUCCESS']);
  });

  it('partition times: the first value, a pattern, a formatter', () => {
    const ms = (s: string): number => Date.parse(`${s}Z`);
    expect(partitionTime(['dt'], ['2024-03-01'], undefined, undefined)).toBe(ms('2024-03-01T00:00:00'));
    expect(partitionTime(['dt', 'hm'], ['2024-3-1', '7:05'], '$dt $hm:00', undefined)).toBe(ms('2024-03-01T07:05:00'));
    expect(partitionTime(['d', 'dt'], ['x', '2024-03-01'], '$dt', undefined)).toBe(ms('2024-03-01T00:00:00'));
    expect(partitionTime(['day', 'h'], ['20240301', '09'], '$day $h', 'yyyyMMdd HH')).toBe(ms('2024-03-01T09:00:00'));
    expect(partitionTime(['dt'], ['2024-02-30'], undefined, undefined)).toBeUndefined();
    expect(partitionTime(['dt'], ['soon'], undefined, undefined)).toBeUndefined();
  });
});

describe('restore', () => {
  it('in-progress files in partition directories that the checkpoint does not hold are removed; the held ones and committed files stay', () => {
    const dir = tmp();
    const p = join(dir, 'dt=2024-01-01', 'hm=10');
    mkdirSync(p, { recursive: true });
    for (const f of ['.part-1-0-0.csv.inprogress', '.part-1-0-1.csv.inprogress', 'part-0-0-0.csv', '_SUCCESS']) writeFileSync(join(p, f), 'x\n');
    writeFileSync(join(dir, '.part-1-0-2.csv.inprogress'), 'x\n');
    const n = removeUncommitted(dir, new Set([join(p, '.part-1-0-1.csv.inprogress')]));
    expect(n).toBe(2);
    expect(tree(dir)).toEqual(['dt=2024-01-01/hm=10/.part-1-0-1.csv.inprogress', 'dt=2024-01-01/hm=10/_SUCCESS', 'dt=2024-01-01/hm=10/part-0-0-0.csv']);
  });
});

describe('rolling policy', () => {
  it("'sink.rolling-policy.rollover-interval' closes a file open too long; the next rows go to a new file", async () => {
    const dir = tmp();
    const t = table(`CREATE TABLE t (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv',
      'sink.rolling-policy.rollover-interval' = '100ms', 'sink.rolling-policy.check-interval' = '10ms');`);
    const w = await writer(t);
    const b = (id: number): ReturnType<typeof batchFromRows> => batchFromRows([T.INT, T.STRING], [[id, 'x']]);
    await w.write(b(1));
    await w.write(b(2));
    await new Promise((r) => setTimeout(r, 150));
    await w.write(b(3));
    await w.commit([await w.prepareCommit(1)]);
    const files = tree(dir);
    expect(files).toHaveLength(2);
    expect(files.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['1,x\n2,x\n', '3,x\n']);
  });

  it("'sink.rolling-policy.file-size': a file past the size takes no more rows", async () => {
    const dir = tmp();
    // each row is 7 bytes: with 13 bytes a file takes two rows (7 is not past 13, 14 is)
    const t = table(`CREATE TABLE t (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'sink.rolling-policy.file-size' = '13b');`);
    const w = await writer(t);
    for (let i = 1; i <= 5; i++) await w.write(batchFromRows([T.INT, T.STRING], [[i, 'abcd']]));
    await w.commit([await w.prepareCommit(1)]);
    expect(tree(dir).map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['1,abcd\n2,abcd\n', '3,abcd\n4,abcd\n', '5,abcd\n']);
  });
});

describe('paths and option errors', () => {
  it("'file:///...' is a local path; other schemes are an error", () => {
    const err = (m: string): Error => new Error(m);
    expect(localPath('file:///tmp/x', err)).toBe('/tmp/x');
    expect(localPath('file:/tmp/x', err)).toBe('/tmp/x');
    expect(localPath('file://localhost/tmp/a%20b', err)).toBe('/tmp/a b');
    expect(localPath('data/out', err)).toBe('data/out');
    expect(() => localPath('hdfs://nn:8020/x', err)).toThrow(/scheme 'hdfs:'.*local file system only/);
    expect(() => localPath('s3://bucket/x', err)).toThrow(/scheme 's3:'/);
    expect(() => localPath('file://otherhost/x', err)).toThrow(/names the host 'otherhost'/);
  });

  it('a file:// sink writes to the path, not to a relative directory named file:', async () => {
    const dir = tmp();
    const w = await writer(table(`CREATE TABLE t (id INT, name STRING) WITH ('connector' = 'filesystem', 'path' = 'file://${dir}/out', 'format' = 'csv');`));
    await w.write(batchFromRows([T.INT, T.STRING], [[1, 'a']]));
    await w.finish();
    expect(tree(join(dir, 'out'))).toHaveLength(1);
    expect(existsSync('file:')).toBe(false);
  });

  it('CREATE TABLE checks the partition options and names the option', () => {
    const base = (parts: string, opts: string): string => `CREATE TABLE t (id INT, dt STRING, hm STRING) ${parts} WITH ('connector' = 'filesystem', 'path' = '/tmp/p', 'format' = 'csv'${opts});`;
    const P = 'PARTITIONED BY (dt, hm)';
    const cases: [string, RegExp, string][] = [
      [base(P, `, 'sink.partition-commit.policy.kind' = 'metastore'`), /needs a Hive metastore, and weir has no metastore/, `'sink.partition-commit.policy.kind' = 'metastore'`],
      [base(P, `, 'sink.partition-commit.policy.kind' = 'success-file,custom'`), /'custom' runs a Java class/, `'sink.partition-commit.policy.kind' = 'success-file,custom'`],
      [base(P, `, 'sink.partition-commit.trigger' = 'event-time'`), /must be 'process-time' or 'partition-time'/, `'sink.partition-commit.trigger' = 'event-time'`],
      [base(P, `, 'sink.partition-commit.delay' = 'soon'`), /'sink.partition-commit.delay' must be a duration/, `'sink.partition-commit.delay' = 'soon'`],
      [base(P, `, 'sink.partition-commit.trigers' = 'process-time'`), /unsupported option 'sink.partition-commit.trigers'.*did you mean 'sink.partition-commit.trigger'/s, `'sink.partition-commit.trigers' = 'process-time'`],
      [base(P, `, 'partition.time-extractor.timestamp-pattern' = '$day 00:00:00'`), /names '\$day', which is not a partition column/, `'partition.time-extractor.timestamp-pattern' = '$day 00:00:00'`],
      [base(P, `, 'partition.time-extractor.timestamp-formatter' = 'yyyy-MM-dd EEE'`), /pattern letter 'E' is not supported/, `'partition.time-extractor.timestamp-formatter' = 'yyyy-MM-dd EEE'`],
      [base(P, `, 'sink.rolling-policy.rollover-interval' = '0s'`), /must be a positive duration/, `'sink.rolling-policy.rollover-interval' = '0s'`],
      [base('', `, 'sink.partition-commit.policy.kind' = 'success-file'`), /applies to a partitioned table, and t has no PARTITIONED BY/, `'sink.partition-commit.policy.kind' = 'success-file'`],
      [base(P, `, 'path' = 'hdfs://nn/x'`).replace(`'path' = '/tmp/p', `, ''), /scheme 'hdfs:'/, `'path' = 'hdfs://nn/x'`],
      [base('PARTITIONED BY (dt, day)', ''), /PARTITIONED BY column 'day' is not a column of t/, 'day'],
      [`CREATE TABLE t (id INT, dt STRING) PARTITIONED BY (dt) WITH ('connector' = 'blackhole');`, /PARTITIONED BY is for the filesystem connector/, 'dt'],
    ];
    for (const [sql, message, at] of cases) {
      try {
        new Session().executeScript({ name: 't.sql', text: sql });
        expect.unreachable(sql);
      } catch (e) {
        expect(e, sql).toBeInstanceOf(WeirError);
        const err = e as WeirError;
        expect(`${err.message} ${err.hint ?? ''}`, sql).toMatch(message);
        expect(sql.slice(err.span!.start, err.span!.end), sql).toBe(at);
      }
    }
  });
});
