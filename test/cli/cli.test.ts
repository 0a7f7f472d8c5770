// The `weir` command as a user meets it: exit codes, compiler-style errors, bad data,
// help text matching the README, the quickstart, sinks. Real child processes.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, weir } from './weir.js';
import { runDuck } from '../sql/harness.js';
import { T } from '../../src/common/types.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'weir-cli-'));
}

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BID_TABLE = (path: string, extra = ''): string => `CREATE TABLE bid (
  auction BIGINT,
  price   BIGINT,
  ts      TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv'${extra});
`;

describe('weir run', () => {
  it('runs the quickstart: ten 10-second windows of 92,000 bids each', async () => {
    const r = await weir(['run', 'queries/quickstart.sql']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    // 1,000,000 events at 10,000/s = 100 s of event time; every 50 events hold 46 bids.
    expect(rows).toHaveLength(10);
    rows.forEach((line, i) => {
      const m = /^\+I\[(.+?), (.+?), (\d+), (\d+), (\d+), (\d+)\]$/.exec(line);
      expect(m, line).not.toBeNull();
      const start = new Date(Date.UTC(2015, 6, 15, 0, 0, i * 10));
      expect(m![1]).toBe(start.toISOString().replace('T', ' ').replace('Z', ''));
      expect(Number(m![3])).toBe(92_000);
      expect(Number(m![4])).toBeGreaterThan(0);
      expect(Number(m![4])).toBeLessThanOrEqual(92_000);
    });
    expect(r.stderr).toContain('920,000 rows read, 10 rows written');
    expect(r.stderr).toContain('no late records dropped');
  });

  it('a file with SELECT * FROM t LIMIT 5 over an unbounded nexmark source finishes with its 5 rows (at parallelism 1 and 2)', async () => {
    const dir = tmp();
    const file = write(dir, 'peek.sql', `CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP(3)) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid');
SELECT * FROM bid LIMIT 5;`);
    for (const p of ['1', '2']) {
      const r = await weir(['run', file, '-p', p, '--checkpoint-dir', join(dir, `chk${p}`)], { timeoutMs: 30_000 });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      const rows = r.stdout.trim().split('\n');
      expect(rows).toHaveLength(5);
      for (const line of rows) expect(line).toMatch(/^\+I\[\d+, \d+, 2015-07-15 00:00:00\.\d{3}\]$/);
    }
  });

  it('prints a syntax error like a compiler: file:line:col, the line, a caret, what was expected', async () => {
    const dir = tmp();
    const f = write(dir, 'bad.sql', `${BID_TABLE(join(dir, 'x.csv'))}SELECT auction FORM bid;\n`);
    const r = await weir(['run', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: unexpected 'FORM'");
    expect(r.stderr).toContain(`--> ${f}:7:16`);
    expect(r.stderr).toContain('7 | SELECT auction FORM bid;');
    expect(r.stderr).toMatch(/\n\s+\|\s{16}\^\^\^\^\n/);
    expect(r.stderr).toContain('hint: expected FROM');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('points at an unknown column and suggests the right one', async () => {
    const dir = tmp();
    const f = write(dir, 'bad.sql', `${BID_TABLE(join(dir, 'x.csv'))}SELECT pricee FROM bid;\n`);
    const r = await weir(['run', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: column 'pricee' not found in bid");
    expect(r.stderr).toContain(`--> ${f}:7:8`);
    expect(r.stderr).toMatch(/\|\s{8}\^\^\^\^\^\^\n/);
    expect(r.stderr).toContain("hint: did you mean 'price'?");
  });

  it('fails on a malformed data line with file:line and the value, no stack trace', async () => {
    const dir = tmp();
    const data = write(dir, 'bids.csv', '1,100,2020-01-01 00:00:01\n2,200,2020-01-01 00:00:02\n3,abc,2020-01-01 00:00:03\n');
    const f = write(dir, 'q.sql', `${BID_TABLE(data)}SELECT auction, price FROM bid;\n`);
    const r = await weir(['run', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`bad value 'abc' for column price (BIGINT) at ${data}:3`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('skips and counts malformed lines with csv.ignore-parse-errors', async () => {
    const dir = tmp();
    const data = write(dir, 'bids.csv', '1,100,2020-01-01 00:00:01\n2,x,2020-01-01 00:00:02\n3,300,not a time\n4,400,2020-01-01 00:00:04\n');
    const f = write(dir, 'q.sql', `${BID_TABLE(data, ", 'csv.ignore-parse-errors' = 'true'")}SELECT auction, price FROM bid;\n`);
    const r = await weir(['run', f]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['+I[1, 100]', '+I[4, 400]']);
    expect(r.stderr).toContain('2 unparseable records skipped');
  });

  it('reads a METADATA column (file.name) of a table created in a database made current with USE', async () => {
    const dir = tmp();
    const data = join(dir, 'bids');
    mkdirSync(data);
    write(data, 'a.csv', '1,100,2020-01-01 00:00:01\n2,200,2020-01-01 00:00:02\n');
    write(data, 'b.csv', '3,300,2020-01-01 00:00:03\n');
    const sql = `CREATE DATABASE auctions;\nUSE auctions;\n${BID_TABLE(data).replace('  ts      TIMESTAMP(3),', "  ts      TIMESTAMP(3),\n  src     STRING METADATA FROM 'file.name' VIRTUAL,")}SELECT src, COUNT(*) AS n, SUM(price) AS total FROM default_catalog.auctions.bid GROUP BY src;\n`;
    const r = await weir(['run', write(dir, 'q.sql', sql)]);
    expect(r.code).toBe(0);
    // a changelog: the last row per file name is its final count
    const last = new Map(r.stdout.trim().split('\n').filter((l) => /^\+[IU]/.test(l)).map((l) => [l.slice(3).split(',')[0]!, l.slice(3, -1)]));
    expect([...last.values()].sort()).toEqual(['a.csv, 2, 300', 'b.csv, 1, 300']);
  });

  it('reports late records in the summary with the watermark delay', async () => {
    const dir = tmp();
    const data = write(dir, 'bids.csv', '1,100,2020-01-01 00:00:01\n1,100,2020-01-01 00:00:25\n1,100,2020-01-01 00:00:02\n');
    const f = write(dir, 'q.sql', `${BID_TABLE(data)}SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;\n`);
    const r = await weir(['run', f]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(['+I[2020-01-01 00:00:00.000, 1]', '+I[2020-01-01 00:00:20.000, 1]']);
    expect(r.stderr).toContain("1 record arrived too late (after their windows fired, or behind a join's, OVER's or sort's watermark) and was dropped (watermark delay bid.ts: 1s)");
  });

  it('writes a csv sink as committed, visible part files equal to a DuckDB query over the input', async () => {
    const dir = tmp();
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`${i % 7},${(i * 37) % 1000},2020-01-01 00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`);
    const data = write(dir, 'bids.csv', lines.join('\n') + '\n');
    const out = join(dir, 'out');
    const f = write(
      dir,
      'q.sql',
      `${BID_TABLE(data, '').replace("INTERVAL '1' SECOND", "INTERVAL '1' MINUTE")}
CREATE TABLE result (window_start TIMESTAMP(3), auction BIGINT, n BIGINT, total BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv');
INSERT INTO result
SELECT window_start, auction, COUNT(*), SUM(price)
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, auction;
`,
    );
    for (const p of ['1', '2']) {
      const r = await weir(['run', f, '--parallelism', p]);
      expect(r.code, r.stderr).toBe(0);
    }
    const names = readdirSync(out);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    expect(names.every((n) => /^part-.+\.csv$/.test(n))).toBe(true);
    // each of the two runs wrote the whole result once
    const got = await runDuck(`SELECT * FROM read_csv('${out}/*.csv', header = false, columns = {'ws': 'TIMESTAMP', 'auction': 'BIGINT', 'n': 'BIGINT', 'total': 'BIGINT'})`, [T.TIMESTAMP, T.BIGINT, T.BIGINT, T.BIGINT]);
    const want = await runDuck(
      `SELECT (epoch_ms(ts) // 300000) * 300000, auction, count(*), sum(price) FROM read_csv('${data}', header = false, columns = {'auction': 'BIGINT', 'price': 'BIGINT', 'ts': 'TIMESTAMP'}) GROUP BY ALL`,
      [T.TIMESTAMP, T.BIGINT, T.BIGINT, T.BIGINT],
    );
    const key = (r: unknown[]): string => JSON.stringify(r);
    expect(got.map(key).sort()).toEqual([...want, ...want].map(key).sort());
  });

  it('prints rows through the print connector with their changelog kind', async () => {
    const dir = tmp();
    const data = write(dir, 'bids.csv', '1,100,2020-01-01 00:00:01\n2,,2020-01-01 00:00:02\n');
    const f = write(
      dir,
      'q.sql',
      `${BID_TABLE(data)}CREATE TABLE p (auction BIGINT, price BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'out');\nINSERT INTO p SELECT auction, price FROM bid;\n`,
    );
    const r = await weir(['run', f, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('out> +I[1, 100]\nout> +I[2, null]\n');
    expect(r.stderr).toBe('');
  });
});

describe('checkpoints from the command line', () => {
  const job = (agg: string): string => `CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP(3), WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '100000');
CREATE TABLE out (auction BIGINT, v BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT auction, ${agg}(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;
`;

  it('weir checkpoints lists each checkpoint with its status, duration and size per operator', async () => {
    const dir = tmp();
    const f = write(dir, 'job.sql', job('SUM'));
    const chk = join(dir, 'chk');
    const r = await weir(['run', f, '--checkpoint-dir', chk, '-q']);
    expect(r.code, r.stderr).toBe(0);
    const l = await weir(['checkpoints', chk], { env: { COLUMNS: '' } });
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/checkpoint\s+│ status\s+│ triggered\s+│ duration\s+│ alignment\s+│ size/);
    expect(l.stdout).toMatch(/chk-1\s+│ complete/);
    expect(l.stdout).toMatch(/0-source: [\d.]+ KiB/);
    expect(l.stdout).toMatch(/window-aggregate: \d+ B/);
    expect((await weir(['checkpoints', join(dir, 'nope')])).code).toBe(2);
  });

  it('restoring into a different query is refused with the reason', async () => {
    const dir = tmp();
    const chk = join(dir, 'chk');
    expect((await weir(['run', write(dir, 'a.sql', job('SUM')), '--checkpoint-dir', chk, '-q'])).code).toBe(0);
    const r = await weir(['run', write(dir, 'b.sql', job('MAX')), '--checkpoint-dir', chk, '--restore', 'latest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('was taken by a different query plan');
    expect(r.stderr).toContain("ignore-unclaimed-state");
    const none = await weir(['run', write(dir, 'c.sql', job('SUM')), '--checkpoint-dir', join(dir, 'empty'), '--restore', 'latest']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no complete checkpoint in');
  });
});

describe('usage errors exit 2', () => {
  it('a missing file', async () => {
    const r = await weir(['run', 'no/such/file.sql']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: no such file: no/such/file.sql');
  });
  it('a missing argument', async () => {
    const r = await weir(['run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'file'");
  });
  it('an unknown command', async () => {
    const r = await weir(['runn', 'x.sql']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'runn'");
  });
  it('a bad --parallelism', async () => {
    const r = await weir(['run', 'queries/quickstart.sql', '--parallelism', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--parallelism must be a positive whole number');
  });
});

describe('help and explain', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('weir --help lists the commands the README documents', async () => {
    const r = await weir(['--help']);
    expect(r.code).toBe(0);
    const commands = [...r.stdout.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(1);
    for (const c of commands) expect(readme, `README documents weir ${c}`).toContain(`weir ${c}`);
  });

  it.each(['run', 'verify'])('weir %s --help lists options the README documents', async (cmd) => {
    const r = await weir([cmd, '--help']);
    expect(r.code).toBe(0);
    const options = [...r.stdout.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!).filter((o) => o !== 'help');
    expect(options.length).toBeGreaterThan(1);
    // each in the table of that command's options: a row starting with it
    for (const o of options) expect(readme, `README documents ${cmd} --${o}`).toMatch(new RegExp(`^\\| \`(-\\w, )?--${o}[ \`]`, 'm'));
  });

  it('weir explain prints the logical and physical plans', async () => {
    const r = await weir(['explain', 'queries/quickstart.sql']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== Logical Plan ==');
    expect(r.stdout).toContain('WindowAggregate(TUMBLE(size=10s), time=date_time');
    expect(r.stdout).toContain('== Physical Plan ==');
    expect(r.stdout).toMatch(/Source\(table=bid, connector=nexmark, read=\[bidder, price, date_time\]/);
  });
});
