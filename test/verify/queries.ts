// `weir verify` on the repository's query files: each must agree with DuckDB at parallelism
// 2, and a file per kind of operator also after being killed twice at seeded random moments
// and restored. The files are split over four test files so the suite's workers share them.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, weir } from '../cli/weir.js';

export function queryFiles(): string[] {
  const nexmark = readdirSync(join(ROOT, 'queries', 'nexmark')).filter((f) => f.endsWith('.sql')).sort().map((f) => `queries/nexmark/${f}`);
  // a file whose every check is upstream's (below) is not run here
  return ['queries/quickstart.sql', ...nexmark, 'queries/examples/udf.sql', 'queries/examples/grouping-sets.sql', 'queries/examples/set-operations.sql', 'queries/examples/collections.sql', 'queries/examples/subqueries.sql'].filter((f) => !UPSTREAM.has(f) || CRASHED.has(f));
}

/**
 * Files whose query is upstream Nexmark's query of the same number (the same SQL over the
 * one-table-per-kind tables instead of upstream's views over its single table): their
 * verification at parallelism 2 is nexmark-upstream-*.test.ts's, which runs upstream's file
 * verbatim, in-process, at parallelism 2. Their crash runs stay here. Each file is still
 * checked against a hand-written DuckDB query at parallelism 1 and 2 by
 * test/sql/cases/nexmark.sqltest (q12, on processing time, by test/verify/proctime.test.ts).
 * Not replaced: q6, which upstream cannot run (weir's q6 is a valid form of it).
 */
const UPSTREAM = new Set(['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8', 'q9', 'q11', 'q12', 'q15', 'q16', 'q17', 'q18', 'q19', 'q20', 'q21', 'q22'].map((q) => `queries/nexmark/${q}.sql`));

/**
 * Files also verified across crashes here: TUMBLE (quickstart), a regular join (q3), window
 * joins over HOP aggregations (q5), SESSION (q11), an updating aggregate with DISTINCT (q15),
 * Top-N (q19), OVER over an updating Top-1 (q6), GROUPING SETS / ROLLUP (one aggregation per
 * grouping set, updating and windowed: examples/grouping-sets.sql). The operators of the other files are covered by the crash tests of
 * test/recovery (windows, changelog, regular-join, interval-join, temporal-join, topn, over);
 * running every file twice more would take `npm test` past its ten-minute budget.
 */
const CRASHED = new Set(['queries/quickstart.sql', 'queries/nexmark/q3.sql', 'queries/nexmark/q5.sql', 'queries/nexmark/q11.sql', 'queries/nexmark/q15.sql', 'queries/nexmark/q19.sql', 'queries/nexmark/q6.sql', 'queries/examples/grouping-sets.sql']);

/** Rates for files that read few rows (q3 reads persons and auctions only: 8% of the events). */
const CRASH_RATE: Record<string, number> = {
  'queries/nexmark/q3.sql': 4_000,
  // 100,000 events at 25,000 rows/s: about 4 s, so both kills (400-1800 ms after each start)
  // land before the end even when the process starts fast
  'queries/quickstart.sql': 25_000,
};

/**
 * Small inputs in tests, big ones in benchmarks: the files generate up to 1,000,000 events,
 * which made q19's verification alone take over two minutes of the suite. Each file is
 * verified as written except that its generators stop at EVENTS events (its own count if
 * smaller), as test/sql/cases/nexmark.sqltest runs them.
 */
const EVENTS = 100_000;

/**
 * Smaller caps: q12 runs on processing time, and verify loads every row PROCTIME() stamped
 * into DuckDB as recorded data (200,000 rows took 49 s of the suite).
 */
const EVENTS_FOR: Record<string, number> = {
  'queries/nexmark/q12.sql': 20_000,
};

function capped(file: string, rate?: number): string {
  const cap = EVENTS_FOR[file] ?? EVENTS;
  let text = readFileSync(join(ROOT, file), 'utf8').replace(/('events\.num'\s*=\s*')(\d+)(')/g, (_m, a: string, n: string, b: string) => `${a}${Math.min(Number(n), cap)}${b}`);
  // a table's own 'rows-per-second' wins over the session's rate: cap it too
  if (rate !== undefined) text = text.replace(/('rows-per-second'\s*=\s*')(\d+)(')/g, (_m, a: string, n: string, b: string) => `${a}${Math.min(Number(n), rate)}${b}`);
  const path = join(mkdtempSync(join(tmpdir(), 'weir-queries-')), basename(file));
  writeFileSync(path, text);
  return path;
}

export function verifyFiles(files: readonly string[]): void {
  describe.each(files)('weir verify %s', (file) => {
    // parallelism 2 (the exchanges, merged watermarks and two-phase aggregation on top of what
    // parallelism 1 runs); test/sql/cases/nexmark.sqltest checks each file at parallelism 1
    // and 2 against a hand-written DuckDB query
    if (!UPSTREAM.has(file)) it('agrees with DuckDB at parallelism 2', async () => {
      const r = await weir(['verify', capped(file), '-p', '2'], { timeoutMs: 120_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).not.toContain('DIFF');
    }, 150_000);

    if (!CRASHED.has(file)) return;
    it('agrees with DuckDB after two crashes (SIGKILL) and restores', async () => {
      // sources capped so the job lives long enough to be killed twice (about 4 s of input)
      const rate = CRASH_RATE[file] ?? 50_000;
      const r = await weir(['verify', capped(file, rate), '--crash', '2', '--seed', '3', '--set', `table.exec.source.rows-per-second=${rate}`], { timeoutMs: 150_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      if (!r.stdout.includes('no SELECT or INSERT to verify')) {
        expect(r.stderr).toContain('crash 1: killed the streaming run');
        expect(r.stderr).toContain('crash 2: killed the streaming run');
      }
    }, 180_000);
  });
}
