// DECIMAL benchmark (issue 12, exact numbers): one DECIMAL-free updating aggregation and the
// same aggregation over a DECIMAL(10, 2) column (SUM, MAX, and SUM of an expression), over a
// CSV of generated rows, in this build. `node dist/bench/decimal.js` prints one JSON line of
// seconds per query (best of WEIR_BENCH_REPEAT); compare two builds by running both in turn
// (bench/RESULTS.md, "Exact DECIMAL").

import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Session } from '../src/sql/session.js';
import { RunningJob } from '../src/exec/job-runner.js';
import type { LogicalPlan, SinkNode } from '../src/plan/logical.js';

const ROWS = Number(process.env.WEIR_BENCH_ROWS ?? 2_000_000);
const REPEAT = Number(process.env.WEIR_BENCH_REPEAT ?? 3);
const DIR = process.env.WEIR_BENCH_DECIMAL_DIR ?? join(tmpdir(), `weir-bench-decimal-${ROWS}`);

function ensureData(): string {
  const file = join(DIR, 'rows.csv');
  if (existsSync(file)) return file;
  mkdirSync(DIR, { recursive: true });
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const parts: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const cents = next() % 1_000_000;
    parts.push(`${next() % 10_000},${cents},${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}\n`);
  }
  writeFileSync(file + '.tmp', parts.join(''));
  renameSync(file + '.tmp', file);
  return file;
}

const QUERIES: Record<string, string> = {
  plain: 'SELECT k, COUNT(*), SUM(cents), MAX(cents) FROM t GROUP BY k;',
  decimal_sum: 'SELECT k, COUNT(*), SUM(amt), MAX(amt) FROM t GROUP BY k;',
  decimal_expr: 'SELECT k, SUM(amt * 2 + 0.01), MIN(amt - 1) FROM t GROUP BY k;',
};

async function run(file: string, query: string): Promise<number> {
  const session = new Session();
  const sinks: SinkNode[] = [];
  const queries: LogicalPlan[] = [];
  const ddl = `CREATE TABLE t (k BIGINT, cents BIGINT, amt DECIMAL(10, 2)) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv');`;
  for (const { result } of session.executeScript({ name: 'bench.sql', text: `${ddl}\n${query}` })) {
    if (result.kind === 'insert') sinks.push(...result.sinks);
    if (result.kind === 'query') queries.push(result.plan);
  }
  const plan = session.physicalPlan(sinks, queries, 1);
  const t0 = performance.now();
  const job = new RunningJob(plan, session.options, { jobId: 'bench', parallelism: 1, listener: () => ({ onBatch: () => {} }) });
  await job.run();
  return (performance.now() - t0) / 1000;
}

const file = ensureData();
const out: Record<string, number> = {};
const only = process.env.WEIR_BENCH_QUERY;
for (const [name, q] of Object.entries(QUERIES)) {
  if (only !== undefined && only !== name) continue;
  let bestS = Infinity;
  for (let r = 0; r < REPEAT; r++) bestS = Math.min(bestS, await run(file, q));
  out[name] = bestS;
}
console.log(JSON.stringify(out));
