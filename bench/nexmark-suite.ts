// The Nexmark suite part of `npm run bench` (`npm run bench:nexmark` runs it alone): every
// query file in queries/nexmark that weir can run, at parallelism 1 and 2, over weir's nexmark
// generator (WEIR_BENCH_NEXMARK_EVENTS events, 10,000,000 by default), each run in its own
// process so its peak RSS is its own. Beside each: Flink's published throughput per core
// (../shared/NEXMARK.md: the Nexmark repository's example run, 3 workers x 8 cores), and for
// the queries with a hand-written loop (the joins and Top-N parts' loops: q3, q5, q7, q8, q9,
// q18, q19; and q16's, bench/nexmark-q16.ts) the loop's events/s over the same generated rows, measured in the same run, and
// weir / loop. A query that weir refuses or that fails is listed with its error.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './common.js';
import { ROOT, benchEnv, best, eps, machine, writeSection } from './common.js';
import { JOIN_CASES } from './nexmark-joins.js';
import { TOPN_CASES } from './nexmark-topn.js';
import { loopQ16 } from './nexmark-q16.js';

const EVENTS = Number(process.env.WEIR_BENCH_NEXMARK_EVENTS ?? 10_000_000);
const REPEAT = Number(process.env.WEIR_BENCH_REPEAT ?? 1);
const TIMEOUT_S = Number(process.env.WEIR_BENCH_NEXMARK_TIMEOUT ?? 900);
/** Only these queries (comma-separated, e.g. q15,q16), when set. */
const ONLY = process.env.WEIR_BENCH_NEXMARK_QUERIES?.split(',');

/** Flink, events/s per core (../shared/NEXMARK.md). */
const FLINK_PER_CORE: Record<string, number> = {
  q0: 155e3, q1: 158e3, q2: 175e3, q3: 152e3, q4: 34e3, q5: 22e3, q7: 12e3, q8: 146e3, q9: 14e3, q10: 58e3,
  q11: 40e3, q12: 76e3, q13: 131e3, q14: 161e3, q15: 72e3, q16: 19e3, q17: 117e3, q18: 54e3, q19: 44e3,
  q20: 19e3, q21: 98e3, q22: 130e3,
};

interface Run extends Measurement {
  readonly maxRssBytes: number;
}

interface SuiteRow {
  readonly query: string;
  readonly parallelism: number;
  readonly run: Run | string;
  readonly loop: Measurement | undefined;
}

function runOne(file: string, parallelism: number): Run | string {
  const script = join(ROOT, 'dist', 'bench', 'nexmark-one.js');
  const r = spawnSync(process.execPath, [script, file, String(EVENTS), String(parallelism)], { cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT_S * 1000, maxBuffer: 1 << 24 });
  if (r.error !== undefined) return r.error.message.includes('ETIMEDOUT') ? `timed out after ${TIMEOUT_S} s` : r.error.message;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line) as Run & { error?: string };
    return j.error !== undefined ? j.error : j;
  } catch {
    return `exit ${r.status}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}`;
  }
}

function loopFor(query: string): ((events: number) => Measurement) | undefined {
  if (query === 'q16') return loopQ16;
  const c = [...JOIN_CASES, ...TOPN_CASES].find((x) => x.file.endsWith(`/${query}.sql`));
  return c?.loop;
}

export async function nexmarkSuite(): Promise<void> {
  const files = readdirSync(join(ROOT, 'queries', 'nexmark'))
    .filter((f) => /^q\d+\.sql$/.test(f))
    .sort((a, b) => Number(a.slice(1, -4)) - Number(b.slice(1, -4)))
    .filter((f) => ONLY === undefined || ONLY.includes(f.slice(0, -4)));
  const rows: SuiteRow[] = [];
  for (const f of files) {
    const query = f.slice(0, -4);
    const file = `queries/nexmark/${f}`;
    const loopFn = loopFor(query);
    const loop = loopFn === undefined ? undefined : best(Array.from({ length: REPEAT }, () => loopFn(EVENTS)));
    for (const p of [1, 2]) {
      const runs = Array.from({ length: REPEAT }, () => runOne(file, p));
      const ok = runs.filter((r): r is Run => typeof r !== 'string');
      const run = ok.length > 0 ? best(ok) : runs[0]!;
      rows.push({ query, parallelism: p, run, loop });
      console.log(query, p, typeof run === 'string' ? run : `${eps(EVENTS, run)} events/s, ${(run.maxRssBytes / 2 ** 20).toFixed(0)} MiB`);
    }
  }
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)}`;
  const table = [
    `| query | parallelism | result rows | weir events/s | weir events/s per core used | peak RSS MiB | Flink events/s per core | weir per core / Flink per core | hand loop events/s | weir / loop |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.map((r) => {
      const flink = FLINK_PER_CORE[r.query];
      const flinkText = flink === undefined ? '-' : `${(flink / 1e3).toFixed(0)}K`;
      if (typeof r.run === 'string') return `| ${r.query} | ${r.parallelism} | not run: ${r.run.replace(/\|/g, '/')} | - | - | - | ${flinkText} | - | - | - |`;
      const perCore = EVENTS / r.run.seconds / r.parallelism;
      const loopCells = r.loop === undefined ? '- | -' : `${eps(EVENTS, r.loop)} | ${(r.loop.seconds / r.run.seconds).toFixed(2)}`;
      return `| ${r.query} | ${r.parallelism} | ${r.run.resultRows.toLocaleString()} | ${eps(EVENTS, r.run)} | ${(perCore / 1e6).toFixed(2)}M | ${mib(r.run.maxRssBytes)} | ${flinkText} | ${flink === undefined ? '-' : (perCore / flink).toFixed(1)} | ${loopCells} |`;
    }),
  ].join('\n');
  console.log(table);
  const intro = `${new Date().toISOString().slice(0, 10)}, \`${benchEnv()}npm run bench:nexmark\` (also part of \`npm run bench\`), ${EVENTS.toLocaleString()} events of all kinds from weir's nexmark generator per run, best of ${REPEAT}; ${machine()}. Each (query, parallelism) runs in its own process (\`dist/bench/nexmark-one.js\`): events/s is all events over the job's time (planning excluded), peak RSS is the process's maximum resident set, worker threads included. "Per core used" divides by the parallelism (at p1 weir's process also uses V8's helper threads). Flink's figure is per core from the Nexmark repository's own example run (3 workers x 8 cores, RocksDB, exactly-once checkpoints; ../shared/NEXMARK.md) — a different machine and setup, so the ratio is only an order of magnitude. The hand loops are the joins and Top-N parts' loops (and q16's, bench/nexmark-q16.ts) over the same generated rows, measured once per query in the same run; the result rows column is what weir wrote to its sink (a changelog for updating queries).`;
  writeSection('## Nexmark suite', `${intro}\n\n${table}`, true);
}
