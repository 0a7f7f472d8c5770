// Benchmark of issue 15 item 8 (the CDC half): rows/s through postgres-cdc -> an updating
// aggregate (GROUP BY customer: COUNT, SUM, MAX) -> a debezium-json filesystem sink, beside
// PostgreSQL's own INSERT ... SELECT of the same aggregate over the same rows.
//
//   npx tsc -p tsconfig.json && node dist/bench/postgres-cdc.js [rows]
//
// Two measures for weir: the snapshot (rows present when the job starts) and the stream (rows
// inserted while it runs, read through logical replication), each from the first row to the
// moment the committed output holds the final aggregate.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../test/support/postgres.js';

const ROWS = Number(process.argv[2] ?? '200000');
const WEIR = join(import.meta.dirname, '..', '..', 'bin', 'weir.js');

function folded(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    if (f.startsWith('.') || f.startsWith('_')) continue;
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line === '') continue;
      const r = JSON.parse(line) as { after: { customer: string } | null; before: { customer: string } | null };
      if (r.after !== null) out.set(r.after.customer, JSON.stringify(r.after));
      else if (r.before !== null && out.get(r.before.customer) === JSON.stringify(r.before)) out.delete(r.before.customer);
    }
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const pg = await startPostgres();
  let scratch: string | null = null;
  try {
    const gen = (from: number, to: number): string => `INSERT INTO src SELECT g, 'c' || (g % 100), (g % 10000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 millisecond' FROM generate_series(${from}, ${to}) g`;
    await pg.query('CREATE TABLE src (id int PRIMARY KEY, customer text, amount numeric(10,2), ts timestamptz)');
    await pg.query('ALTER TABLE src REPLICA IDENTITY FULL');
    await pg.query('CREATE TABLE agg (customer text PRIMARY KEY, n bigint, total numeric, hi int)');
    const half = Math.floor(ROWS / 2);
    await pg.query(gen(1, half));
    // PostgreSQL's own INSERT ... SELECT of the aggregate over the snapshot rows (best of 3)
    let pgMs = Infinity;
    for (let i = 0; i < 3; i++) {
      await pg.query('TRUNCATE agg');
      const t = performance.now();
      await pg.query('INSERT INTO agg SELECT customer, count(*), sum(amount), max(id) FROM src GROUP BY customer');
      pgMs = Math.min(pgMs, performance.now() - t);
    }
    const dir = mkdtempSync(join(tmpdir(), 'weir-bench-cdc-'));
    scratch = dir;
    writeFileSync(
      join(dir, 'job.sql'),
      `CREATE TABLE src (id INT, customer STRING, amount DECIMAL(10, 2), ts TIMESTAMP_LTZ(3), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'postgres-cdc', 'hostname' = '${pg.host}', 'port' = '${pg.port}', 'username' = '${pg.user}', 'password' = '${pg.password}', 'database-name' = '${pg.database}', 'table-name' = 'src', 'slot.name' = 'bench');
CREATE TABLE out (customer STRING, n BIGINT, total DECIMAL(38, 2), hi INT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO out SELECT customer, COUNT(*), SUM(amount), MAX(id) FROM src GROUP BY customer;`,
    );
    const doneWhen = async (): Promise<number> => {
      const rows = await pg.query<{ n: string }>('SELECT count(*)::text AS n FROM src');
      return Number(rows[0]!.n);
    };
    const converged = (n: number): boolean => {
      let total = 0;
      for (const v of folded(join(dir, 'out')).values()) total += (JSON.parse(v) as { n: number }).n;
      return total === n;
    };
    const t0 = performance.now();
    const child = spawn(process.execPath, [WEIR, 'run', 'job.sql', '--checkpoint-dir', join(dir, 'chk'), '--checkpoint-interval', '500ms', '-q'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    let exited = false;
    child.on('close', () => (exited = true));
    while (!converged(half)) {
      if (exited) throw new Error('weir ended early');
      await sleep(20);
    }
    const snapMs = performance.now() - t0;
    // the stream: the other half inserted in transactions of 10,000 rows while the job runs
    const t1 = performance.now();
    for (let from = half + 1; from <= ROWS; from += 10_000) await pg.query(gen(from, Math.min(ROWS, from + 9_999)));
    const insertMs = performance.now() - t1;
    const total = await doneWhen();
    while (!converged(total)) {
      if (exited) throw new Error('weir ended early');
      await sleep(20);
    }
    const streamMs = performance.now() - t1;
    child.kill('SIGTERM');
    const rate = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}`;
    console.log(`| rows | measure | time | rows/s |`);
    console.log(`| --- | --- | --- | --- |`);
    console.log(`| ${half.toLocaleString('en-US')} | PostgreSQL INSERT INTO agg SELECT ... GROUP BY (best of 3) | ${pgMs.toFixed(0)} ms | ${rate(half, pgMs)} |`);
    console.log(`| ${half.toLocaleString('en-US')} | weir snapshot -> aggregate -> committed debezium-json (from process start, incl. ~1 s startup and the 500 ms checkpoint) | ${snapMs.toFixed(0)} ms | ${rate(half, snapMs)} |`);
    console.log(`| ${(ROWS - half).toLocaleString('en-US')} | PostgreSQL inserting the rows (transactions of 10,000) | ${insertMs.toFixed(0)} ms | ${rate(ROWS - half, insertMs)} |`);
    console.log(`| ${(ROWS - half).toLocaleString('en-US')} | weir logical replication -> aggregate -> committed output (from the first insert) | ${streamMs.toFixed(0)} ms | ${rate(ROWS - half, streamMs)} |`);
    while (!exited) await sleep(20);
  } finally {
    await pg.stop();
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
