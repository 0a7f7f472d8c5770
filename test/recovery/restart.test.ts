// Automatic restart (issue 14 item 3) with real injected faults, in the test process (no child
// `weir` to start): a JavaScript function that throws once, a worker thread that exits at
// parallelism 2, and a sink directory replaced by a plain file for a moment (a fault that
// holds as root too, where chmod blocks nothing). The job must restart by itself from its
// latest checkpoint and commit exactly the output of an uninterrupted run: every input row once
// in an append-only csv sink, and the worked-out COUNT and SUM per key in a debezium-json sink.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runFile } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/main.js';
import { committedLines, foldDebezium } from './crash.js';
import { weir } from '../cli/weir.js';

const KEYS = 7;
const ROWS = 1000; // per input file; two files, two splits

function capture(): { io: CliIO; err: () => string } {
  let err = '';
  const sink = (add: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb): void {
        add(chunk.toString());
        cb();
      },
    });
  return { io: { out: sink(() => undefined), err: sink((s) => (err += s)) }, err: () => err };
}

/**
 * A job directory: input rows (k<v mod 7>, v) for v = 0..1999 in two files, a function module
 * `fault.mjs` whose `fault(v)` returns v and runs `inject` once, on the first call where `when` holds (v a multiple
 * of 50, at least 400 rows into a file) after the run completed two checkpoints, so committed
 * output precedes the fault and a restart from the wrong place duplicates rows (or near the
 * end of a file, when a loaded machine took none yet), and the query file.
 */
function jobDir(inject: string, when = 'true'): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-restart-'));
  mkdirSync(join(dir, 'in'));
  for (const [f, from] of [['a.csv', 0], ['b.csv', ROWS]] as const) {
    writeFileSync(join(dir, 'in', f), Array.from({ length: ROWS }, (_, i) => `k${(from + i) % KEYS},${from + i}`).join('\n') + '\n');
  }
  const chk = join(dir, 'chk');
  writeFileSync(
    join(dir, 'fault.mjs'),
    `import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const flag = ${JSON.stringify(join(dir, 'injected.flag'))};
const chk = ${JSON.stringify(chk)};
const checkpointed = () => existsSync(chk) && readdirSync(chk).filter((d) => existsSync(chk + '/' + d + '/_metadata')).length >= 2;
export default { args: ['BIGINT'], returns: 'BIGINT', eval(v) {
  if (v % 50 === 0 && (${when}) && !existsSync(flag) && ((v % ${ROWS} >= 400 && checkpointed()) || v % ${ROWS} >= ${ROWS - 100})) { writeFileSync(flag, String(v)); ${inject} }
  return v;
} };
`,
  );
  writeFileSync(
    join(dir, 'job.sql'),
    `CREATE TABLE t (k STRING, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in')}', 'format' = 'csv', 'rows-per-second' = '2000');
CREATE FUNCTION fault AS '${join(dir, 'fault.mjs')}' LANGUAGE JAVASCRIPT;
CREATE TABLE rows_out (k STRING, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'rows')}', 'format' = 'csv');
CREATE TABLE agg_out (k STRING, n BIGINT, s BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'agg')}', 'format' = 'debezium-json');
EXECUTE STATEMENT SET BEGIN
INSERT INTO rows_out SELECT k, fault(v) FROM t;
INSERT INTO agg_out SELECT k, COUNT(*), SUM(fault(v)) FROM t GROUP BY k;
END;
`,
  );
  return dir;
}

async function run(dir: string, parallelism: number, set: string[], during?: (err: () => string) => Promise<void>): Promise<{ code: number; err: string }> {
  const { io, err } = capture();
  const job = runFile(join(dir, 'job.sql'), { parallelism, set: ['restart-strategy.type=fixed-delay', 'restart-strategy.fixed-delay.delay=50ms', ...set], quiet: false, checkpointDir: join(dir, 'chk'), checkpointInterval: '100ms' }, io);
  const [code] = await Promise.all([job, during?.(err)]);
  return { code, err: err() };
}

/** The committed output must be exactly what an uninterrupted run commits (worked out here). */
function expectExactOutput(dir: string): void {
  const want: string[] = [];
  const agg = new Map<string, [number, number]>();
  for (let v = 0; v < 2 * ROWS; v++) {
    const k = `k${v % KEYS}`;
    want.push(`${k},${v}`);
    const a = agg.get(k) ?? [0, 0];
    agg.set(k, [a[0] + 1, a[1] + v]);
  }
  expect(committedLines(join(dir, 'rows')).sort(), 'every input row committed exactly once').toEqual(want.sort());
  const folded = foldDebezium(committedLines(join(dir, 'agg')), ['k', 'n', 's']);
  expect(folded.negative, 'retractions of rows never inserted').toEqual([]);
  expect(folded.rows).toEqual([...agg].map(([k, [n, s]]) => JSON.stringify([k, n, s])).sort());
  // nothing left in progress: a restart removed the failed attempt's uncommitted files
  expect(readdirSync(join(dir, 'rows')).filter((f) => f.startsWith('.'))).toEqual([]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('automatic restart from the latest checkpoint', () => {
  it('a function that throws once: one restart, from the latest checkpoint; output exact', async () => {
    const dir = jobDir(`throw new Error('injected failure at ' + v);`);
    const r = await run(dir, 1, []);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/weir: the job failed: function fault failed on the row \(\d+\): injected failure at \d+/);
    expect(r.err).toMatch(/weir: restarting from (checkpoint chk-\d+|the beginning \(no checkpoint completed yet\)) in [\d.]+s \(restart 1, fixed-delay/);
    expect(r.err).toMatch(/restarts: 1 automatic restart from the latest checkpoint .*; last cause: function fault failed on the row/);
    expectExactOutput(dir);
  });

  it('a worker thread that exits at parallelism 2: restart; output exact', async () => {
    // the main thread runs a share of the subtasks too: the fault waits for a row on a worker
    const dir = jobDir('process.exit(7);', '!isMainThread');
    const r = await run(dir, 2, []);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/weir: the job failed: worker thread \d stopped \(exit code 7\)/);
    expect(r.err).toContain('restarts: 1 automatic restart');
    expectExactOutput(dir);
  });

  it('a sink directory replaced by a file for a moment: restarts until it is back; output exact', async () => {
    const dir = jobDir(''); // the fault is the directory, not the function
    const rows = join(dir, 'rows');
    const r = await run(dir, 1, ['restart-strategy.fixed-delay.attempts=40'], async (err) => {
      // after the first checkpoint: the directory goes away and a file takes its name
      while (!existsSync(join(dir, 'injected.flag'))) await sleep(10);
      renameSync(rows, `${rows}.away`);
      writeFileSync(rows, 'not a directory');
      while (!err().includes('restarting from')) await sleep(10);
      await sleep(150);
      rmSync(rows);
      renameSync(`${rows}.away`, rows);
    });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/weir: the job failed: .*(ENOTDIR|EEXIST|not a directory)/);
    expectExactOutput(dir);
  });

  it('a source whose next file vanishes for a moment (it cannot open it): restart; output exact', async () => {
    // the fault: while the source reads a.csv, b.csv is renamed away; it comes back once the
    // job failed, before the restart (300 ms later)
    const dir = jobDir(`renameSync(${JSON.stringify('IN/b.csv')}, ${JSON.stringify('IN/b.csv.away')});`);
    writeFileSync(join(dir, 'fault.mjs'), readFileSync(join(dir, 'fault.mjs'), 'utf8').replaceAll('IN/', join(dir, 'in') + '/').replace("import { existsSync,", 'import { renameSync, existsSync,'));
    const r = await run(dir, 1, ['restart-strategy.fixed-delay.delay=300ms'], async (err) => {
      while (!err().includes('weir: the job failed')) await sleep(5);
      renameSync(join(dir, 'in', 'b.csv.away'), join(dir, 'in', 'b.csv'));
    });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/weir: the job failed: .*(ENOENT|no such file)/);
    expectExactOutput(dir);
  });

  it('an INSERT typed into the shell restarts the same way; the shell says so and the output is exact', async () => {
    const dir = jobDir(`throw new Error('injected failure at ' + v);`);
    const script = [
      `SET 'state.checkpoints.dir' = '${join(dir, 'chk')}';`,
      `SET 'execution.checkpointing.interval' = '100ms';`,
      `SET 'restart-strategy.type' = 'fixed-delay';`,
      `SET 'restart-strategy.fixed-delay.delay' = '50ms';`,
      readFileSync(join(dir, 'job.sql'), 'utf8'),
    ].join('\n');
    const r = await weir([], { input: script, cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/job [0-9a-f]+ failed: function fault failed on the row \(\d+\): injected failure at \d+; restarting from (checkpoint chk-\d+|the beginning)/);
    expect(r.stderr).toMatch(/job [0-9a-f]+ finished after 1 automatic restart: [\d,]+ rows read/);
    expectExactOutput(dir);
  });

  it('gives up when the attempts are exhausted, with the last cause; a data error never restarts', async () => {
    const dir = jobDir(`throw new Error('always');`);
    // the flag is written each time, so remove it in the module: throw on every attempt
    writeFileSync(join(dir, 'fault.mjs'), `export default { args: ['BIGINT'], returns: 'BIGINT', eval(v) { if (v === 1500) throw new Error('always at 1500'); return v; } };`);
    const { io, err } = capture();
    await expect(runFile(join(dir, 'job.sql'), { set: ['restart-strategy.type=fixed-delay', 'restart-strategy.fixed-delay.attempts=2', 'restart-strategy.fixed-delay.delay=10ms'], quiet: false, checkpointDir: join(dir, 'chk'), checkpointInterval: '100ms' }, io)).rejects.toThrow('function fault failed on the row (1500): always at 1500');
    expect(err().match(/weir: restarting from/g)?.length).toBe(2);
    expect(err()).toContain('weir: giving up after 2 restarts (restart-strategy: fixed-delay, 2 attempts, 10 ms apart); the last failure:');

    const bad = mkdtempSync(join(tmpdir(), 'weir-restart-'));
    writeFileSync(join(bad, 'x.csv'), '1\nnope\n');
    writeFileSync(join(bad, 'job.sql'), `CREATE TABLE t (v INT) WITH ('connector' = 'filesystem', 'path' = '${join(bad, 'x.csv')}', 'format' = 'csv');\nSELECT v FROM t;\n`);
    const b = capture();
    await expect(runFile(join(bad, 'job.sql'), { set: [], quiet: false, checkpointDir: join(bad, 'chk') }, b.io)).rejects.toThrow(/x\.csv:2/);
    expect(b.err()).not.toContain('restarting');
  });
});
