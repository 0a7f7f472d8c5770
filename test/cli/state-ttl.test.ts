// State TTL end to end: the real `weir run` over rate-limited sources (so rows arrive seconds
// apart in processing time), the run summary's count, the plan-time notice on stderr, and
// `weir verify`'s remark.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { WEIR, weir } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-ttl-'));
// left: key 1 first, then 29 other keys; right: 29 other keys, then key 1 last. At 10 rows a
// second the two rows of key 1 arrive about 3 s apart; the other rows keep both inputs busy.
writeFileSync(join(dir, 'l.csv'), ['1,first', ...Array.from({ length: 29 }, (_, i) => `${100 + i},f${i}`)].join('\n') + '\n');
writeFileSync(join(dir, 'r.csv'), [...Array.from({ length: 29 }, (_, i) => `${200 + i},g${i}`), '1,last'].join('\n') + '\n');

function query(name: string, hint = '', sets = ''): string {
  const file = join(dir, `${name}.sql`);
  writeFileSync(
    file,
    `${sets}
CREATE TABLE l (k INT, v STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'l.csv')}', 'format' = 'csv', 'rows-per-second' = '10');
CREATE TABLE r (k INT, w STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'r.csv')}', 'format' = 'csv', 'rows-per-second' = '10');
SELECT ${hint} l.k, l.v, r.w FROM l JOIN r ON l.k = r.k;
`,
  );
  return file;
}

const run = (file: string, ...args: string[]) => weir(['run', file, '--checkpoint-dir', join(dir, `chk-${Math.random()}`), ...args], { timeoutMs: 60_000 });

describe('state TTL with weir run', () => {
  it('without TTL the rows of key 1, 3 s apart, join; the summary says nothing about TTL', async () => {
    const r = await run(query('plain'));
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('+I[1, first, last]');
    expect(r.stderr).not.toContain('state TTL');
    expect(r.stderr).not.toContain('notice'); // bounded inputs: no notice
  });

  it("with 'table.exec.state.ttl' = 1 s the left row has expired when its match arrives; the summary counts the expired rows", async () => {
    const r = await run(query('ttl'), '--set', 'table.exec.state.ttl=1 s');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('');
    const m = /state TTL: (\d+) rows and groups expired \('table\.exec\.state\.ttl' = 1s\)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    // at least the row of key 1 and most of the 58 other rows, which never match
    expect(Number(m![1])).toBeGreaterThanOrEqual(20);
    expect(r.stderr).toMatch(/\n {4}line \d+ SELECT, reading l, r: \d+ expired\n/);
  });

  it('a STATE_TTL hint bounds only the side it names', async () => {
    const left = await run(query('hint-left', "/*+ STATE_TTL('l' = '1s') */"));
    expect(left.code).toBe(0);
    expect(left.stdout.trim()).toBe('');
    expect(left.stderr).toMatch(/state TTL: \d+ rows and groups expired \(STATE_TTL hints on 1 operator\)/);
    // TTL on the right rows only: the left row of key 1 is kept and matches
    const right = await run(query('hint-right', "/*+ STATE_TTL('r' = '1s') */"));
    expect(right.code).toBe(0);
    expect(right.stdout.trim()).toBe('+I[1, first, last]');
  });
});

describe('the notice about unbounded state', () => {
  const nexmark = (name: string, hint: string): string => {
    const file = join(dir, `${name}.sql`);
    writeFileSync(
      file,
      `CREATE TABLE bid (auction BIGINT, price BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '0', 'rows-per-second' = '200');
CREATE TABLE auction (id BIGINT, seller BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'auction', 'events.num' = '0', 'rows-per-second' = '200');
SELECT ${hint} b.auction, b.price, a.seller FROM bid b JOIN auction a ON b.auction = a.id;
`,
    );
    return file;
  };

  /** Runs an endless job until it has printed its first result row, then kills it. */
  const untilFirstRow = (file: string, chk: string): Promise<{ stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [WEIR, 'run', file, '--checkpoint-dir', join(dir, chk)], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (stdout.includes('+I[')) child.kill('SIGKILL');
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve({ stdout, stderr });
      });
    });

  it('weir run prints it on stderr before the job starts (the job goes on and emits rows)', async () => {
    const r = await untilFirstRow(nexmark('unbounded', ''), 'chk-nx');
    expect(r.stdout).toContain('+I[');
    expect(r.stderr).toContain('weir: notice: the regular join');
    expect(r.stderr).toContain('the left input (bid) and of the right input (auction)');
    expect(r.stderr).toContain('grows without bound');
    expect(r.stderr).toContain("SET 'table.exec.state.ttl'");
  });

  it('is not printed when a hint bounds both sides', async () => {
    const r = await untilFirstRow(nexmark('hinted', "/*+ STATE_TTL('b' = '1h', 'a' = '1h') */"), 'chk-nx2');
    expect(r.stdout).toContain('+I[');
    expect(r.stderr).not.toContain('notice');
  });
});

describe('weir verify and state TTL', () => {
  it('says plainly that TTL is set and can explain a difference', async () => {
    writeFileSync(join(dir, 'a.csv'), '1,x\n2,y\n3,z\n');
    const file = join(dir, 'verify.sql');
    writeFileSync(
      file,
      `SET 'table.exec.state.ttl' = '1 h';
CREATE TABLE a (k INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'a.csv')}', 'format' = 'csv');
SELECT x.k, y.s FROM a x JOIN a y ON x.k = y.k;
`,
    );
    const r = await weir(['verify', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("state TTL: 'table.exec.state.ttl' = 1h is set");
    expect(r.stdout).toContain('(0 expired in this run)');
    expect(r.stdout).toContain('can explain a difference');
  });

  it('says nothing about TTL when none is set', async () => {
    const file = join(dir, 'verify-plain.sql');
    writeFileSync(
      file,
      `CREATE TABLE a (k INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'a.csv')}', 'format' = 'csv');
SELECT x.k, y.s FROM a x JOIN a y ON x.k = y.k;
`,
    );
    const r = await weir(['verify', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('state TTL');
  });
});
