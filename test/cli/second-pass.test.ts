// The command line, second pass (issue 11): verify on an empty table, the late-record summary
// per statement, Ctrl-C on `weir run` (stopped / cancelled, and how to continue), `weir
// checkpoints DIR/chk-N` and a listing that fits the terminal, start-up options (-f, -c, -i,
// ~/.weirrc, --version), and the packed tarball. Real child processes.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, WEIR, weir } from './weir.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-cli2-'));

function write(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('weir verify on a table whose directory is empty', () => {
  it.each(['csv', 'json'])('%s: an empty table, equal in the stream and in DuckDB; no internal error', async (format) => {
    const dir = tmp();
    mkdirSync(join(dir, 'in'));
    const f = write(dir, 'q.sql', `CREATE TABLE t (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in')}', 'format' = '${format}');
SELECT name, COUNT(*) AS n FROM t GROUP BY name;
`);
    const r = await weir(['verify', f]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('OK   line 2 SELECT: 0 rows, stream and DuckDB agree');
  });
});

describe('the late-record summary of weir run', () => {
  it('names each statement by its line and the table it reads, and each watermark delay once', async () => {
    const dir = tmp();
    // delay 2 s: after t=25 s the watermark is 23 s, so [0,10) has fired when t=3 s arrives.
    // The two statements compute the same window aggregation, which sub-plan reuse plans once:
    // the one record is dropped once, and both statements are named; with reuse off, each
    // statement's own aggregation drops it
    const data = write(dir, 'bids.csv', '1,100,2020-01-01 00:00:01\n1,200,2020-01-01 00:00:05\n2,300,2020-01-01 00:00:25\n1,500,2020-01-01 00:00:03\n');
    const f = write(dir, 'q.sql', `CREATE TABLE bid (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${data}', 'format' = 'csv');
CREATE TABLE out1 (ws TIMESTAMP(3), n BIGINT) WITH ('connector' = 'blackhole');

SELECT window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;

INSERT INTO out1 SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;
`);
    const shared = await weir(['run', f, '--checkpoint-dir', join(dir, 'chk')]);
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stderr).toContain('late: 1 record arrived too late');
    expect(shared.stderr).toContain('was dropped (watermark delay bid.ts: 2s)\n');
    expect(shared.stderr).toContain('\n    line 5 SELECT and line 8 INSERT INTO out1, reading bid: 1 dropped\n');
    expect(shared.stderr).not.toMatch(/\d+-window-aggregate/);
    const r = await weir(['run', f, '--checkpoint-dir', join(dir, 'chk2'), '--set', 'table.optimizer.reuse-sub-plan-enabled=false']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('late: 2 records arrived too late');
    expect(r.stderr).toContain('were dropped (watermark delay bid.ts: 2s)\n');
    expect(r.stderr).toContain('\n    line 5 SELECT, reading bid: 1 dropped\n    line 8 INSERT INTO out1, reading bid: 1 dropped\n');
    expect(r.stderr).not.toMatch(/\d+-window-aggregate/);
  });
});

/** `weir run` as a child whose stdout the test can stop reading (so the job cannot finish a savepoint). */
function startRun(args: readonly string[], cwd: string): { child: ReturnType<typeof spawn>; stderr: () => string; stdout: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [WEIR, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    resolve(code);
  }));
  return { child, stderr: () => err, stdout: () => out, done };
}

async function until(test: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Ctrl-C on weir run', () => {
  // 40,000 events at 10,000 a second: about 4 s of input, rows from the first moment
  const JOB = `CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP(3), WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '40000', 'rows-per-second' = '10000');
SELECT auction, price FROM bid;
`;

  it('once: stops with a savepoint, says stopped (not finished) and how to continue; that command continues the job', async () => {
    const dir = tmp();
    write(dir, 'job.sql', JOB);
    const run = startRun(['run', 'job.sql', '--checkpoint-dir', 'my chk'], dir);
    await until(() => run.stdout().includes('+I['), 'the first row');
    run.child.kill('SIGINT');
    const code = await run.done;
    expect(code, run.stderr()).toBe(0);
    const err = run.stderr();
    expect(err).toMatch(/\nstopped: stopped after [\d.]+s: /);
    expect(err).not.toContain('finished');
    const m = /to continue from the savepoint \(chk-(\d+)\): (weir run .*)\n/.exec(err);
    expect(m, err).not.toBeNull();
    // the directory has a space: the command quotes it
    expect(m![2]).toBe("weir run job.sql --checkpoint-dir 'my chk' --restore latest");
    const again = await weir(['run', 'job.sql', '--checkpoint-dir', 'my chk', '--restore', 'latest'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`restoring from my chk/chk-${m![1]} (savepoint)`);
    expect(again.stderr).toMatch(/\ndone: finished in/);
  }, 120_000);

  it('twice: cancels, says cancelled (not finished) and exits 130', async () => {
    const dir = tmp();
    write(dir, 'job.sql', JOB);
    const run = startRun(['run', 'job.sql', '--checkpoint-dir', 'chk', '--checkpoint-interval', '1h'], dir);
    await until(() => run.stdout().includes('+I['), 'the first row');
    // stop reading the rows: the job blocks on its output, so the savepoint cannot complete
    // before the second signal
    run.child.stdout!.pause();
    run.child.kill('SIGINT');
    await until(() => run.stderr().includes('stopping with a savepoint'), 'the first signal');
    run.child.kill('SIGINT');
    await until(() => run.stderr().includes('cancelling now'), 'the second signal');
    run.child.stdout!.resume();
    const code = await run.done;
    expect(code, run.stderr()).toBe(130);
    const err = run.stderr();
    expect(err).toMatch(/\ncancelled: cancelled after [\d.]+s: /);
    expect(err).not.toContain('finished');
    expect(err).toContain('no checkpoint completed in this run');
  }, 120_000);
});

describe('weir checkpoints', () => {
  it('DIR/chk-N shows that one checkpoint; the listing fits the terminal width', async () => {
    const dir = tmp();
    write(dir, 'job.sql', `CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP(3), WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '20000');
CREATE TABLE out (auction BIGINT, v BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT auction, SUM(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end;
`);
    expect((await weir(['run', 'job.sql', '--checkpoint-dir', 'chk', '-q'], { cwd: dir })).code).toBe(0);
    const one = await weir(['checkpoints', join('chk', 'chk-1')], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^checkpoint +chk-1 \(complete\)\ndirectory +chk\/chk-1\ntriggered +\d{4}-\d\d-\d\d /);
    expect(one.stdout).toMatch(/│ operator\s+│ subtasks │ state\s+│/);
    expect(one.stdout).toMatch(/│ 0-source\s+│ 1\s+│ [\d.]+ (B|KiB)\s+│/);
    expect(one.stdout).toMatch(/│ \d+-window-aggregate\s+│ 1\s+│/);
    for (const columns of [200, 80, 60]) {
      const l = await weir(['checkpoints', 'chk'], { cwd: dir, env: { COLUMNS: String(columns) } });
      expect(l.code).toBe(0);
      expect(l.stdout).toMatch(/│ chk-1\s+│ complete/);
      const widest = Math.max(...l.stdout.split('\n').map((s) => s.length));
      expect(widest, l.stdout).toBeLessThanOrEqual(columns);
      // what did not fit is named, with the command that shows it
      if (columns < 100) expect(l.stdout).toContain('(weir checkpoints chk/chk-1 shows one whole)');
      else expect(l.stdout).toMatch(/state per operator/);
    }
  }, 60_000);
});

describe('start-up options', () => {
  it('--version prints the version of package.json', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await weir(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('-c runs the statements given and exits; an error exits 1', async () => {
    const r = await weir(['-c', "CREATE TABLE g (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3'); SELECT COUNT(*) AS n FROM g;"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('+I[3]\n');
    const bad = await weir(['-c', 'SELECT nope;']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("column 'nope' not found");
    expect(bad.stderr).toContain('--> -c:1:8');
  });

  it('-f runs a file as the shell runs it and names the file in errors', async () => {
    const dir = tmp();
    const f = write(dir, 'f.sql', 'SELECT 40 + 2;\nSELEC 1;\nSELECT 7;\n');
    const r = await weir(['-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('+I[42]\n');
    expect(r.stderr).toContain(`--> ${f}:2:1`);
    expect((await weir(['-f', join(dir, 'missing.sql')])).code).toBe(2);
  });

  it('~/.weirrc runs when the shell starts (HOME decides where ~ is); -i FILE runs instead of it', async () => {
    const home = tmp();
    write(home, '.weirrc', "CREATE TABLE from_rc (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2');\n");
    const r = await weir([], { input: 'SELECT COUNT(*) FROM from_rc;\n', env: { HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('+I[2]\n');
    const c = await weir(['-c', 'SELECT COUNT(*) FROM from_rc;'], { env: { HOME: home } });
    expect(c.stdout).toBe('+I[2]\n');
    const init = write(home, 'init.sql', "CREATE TABLE from_init (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5');\n");
    const i = await weir(['-i', init], { input: 'SHOW TABLES;\nSELECT COUNT(*) FROM from_init;\n', env: { HOME: home } });
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toContain('│ from_init');
    expect(i.stdout).not.toContain('from_rc');
    expect(i.stdout).toContain('+I[5]\n');
  });
});

describe('the packed tarball', () => {
  it('npm pack holds a runnable weir: installed into a prefix, `weir --version` runs outside the checkout', async () => {
    const dir = tmp();
    // dist/ is built already (bin/weir.js runs it); --ignore-scripts skips the rebuild
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'ignore' });
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const tarball = join(dir, `weir-${version}.tgz`);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/bin/weir.js');
    expect(listing).toContain('package/dist/src/cli/main.js');
    expect(listing).toContain('package/dist/grammar/parser.js');
    expect(listing.some((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toBe(false);
    // lay it out as `npm install -g --prefix P` does: P/lib/node_modules/weir, P/bin/weir. The
    // dependencies come from the checkout's node_modules (npm would fetch them; no network here).
    const pkg = join(dir, 'prefix', 'lib', 'node_modules', 'weir');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    mkdirSync(join(dir, 'prefix', 'bin'));
    symlinkSync(join(pkg, 'bin', 'weir.js'), join(dir, 'prefix', 'bin', 'weir'));
    const elsewhere = tmp();
    const out = execFileSync(join(dir, 'prefix', 'bin', 'weir'), ['--version'], { cwd: elsewhere, encoding: 'utf8' });
    expect(out.trim()).toBe(version);
    const ran = execFileSync(join(dir, 'prefix', 'bin', 'weir'), ['-c', 'SELECT 6 * 7;'], { cwd: elsewhere, encoding: 'utf8' });
    expect(ran).toBe('+I[42]\n');
  }, 120_000);
});
