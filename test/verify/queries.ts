// `weir verify` on the repository's query files: each must agree with DuckDB at parallelism
// 1 and 2, and after being killed twice at seeded random moments and restored.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, weir } from '../cli/weir.js';

export function queryFiles(): string[] {
  const nexmark = readdirSync(join(ROOT, 'queries', 'nexmark')).filter((f) => f.endsWith('.sql')).sort().map((f) => `queries/nexmark/${f}`);
  return ['queries/quickstart.sql', ...nexmark];
}

/**
 * Files also verified across crashes here: one per kind of operator (pass-through and filter,
 * TUMBLE, SESSION, updating aggregate with DISTINCT, each kind of join, Top-N). The others run
 * operators these already cover, and the crash tests of test/recovery cover updating aggregates
 * (changelog.test.ts) and deduplication (topn.test.ts); running them all twice more would take
 * `npm test` past its ten-minute budget.
 */
const CRASHED = new Set(['queries/quickstart.sql', 'queries/nexmark/q2.sql', 'queries/nexmark/q3.sql', 'queries/nexmark/q4.sql', 'queries/nexmark/q5.sql', 'queries/nexmark/q7.sql', 'queries/nexmark/q8.sql', 'queries/nexmark/q11.sql', 'queries/nexmark/q15.sql', 'queries/nexmark/q19.sql', 'queries/nexmark/q20.sql']);

/** Rates for files that read few rows (q3 reads persons and auctions only: 8% of the events). */
const CRASH_RATE: Record<string, number> = {
  'queries/nexmark/q3.sql': 20_000,
  'queries/nexmark/q4.sql': 50_000,
  'queries/nexmark/q7.sql': 75_000,
  'queries/nexmark/q20.sql': 25_000,
};

export function verifyFiles(files: readonly string[]): void {
  describe.each(files)('weir verify %s', (file) => {
    it('agrees with DuckDB at parallelism 1', async () => {
      const r = await weir(['verify', file], { timeoutMs: 120_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).not.toContain('DIFF');
    }, 150_000);

    it('agrees with DuckDB at parallelism 2', async () => {
      const r = await weir(['verify', file, '-p', '2'], { timeoutMs: 120_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }, 150_000);

    if (!CRASHED.has(file)) return;
    it('agrees with DuckDB after two crashes (SIGKILL) and restores', async () => {
      // sources capped so the job lives long enough to be killed twice (a few seconds)
      const rate = CRASH_RATE[file] ?? 250_000;
      const r = await weir(['verify', file, '--crash', '2', '--seed', '3', '--set', `table.exec.source.rows-per-second=${rate}`], { timeoutMs: 150_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      if (!r.stdout.includes('no SELECT or INSERT to verify')) {
        expect(r.stderr).toContain('crash 1: killed the streaming run');
        expect(r.stderr).toContain('crash 2: killed the streaming run');
      }
    }, 180_000);
  });
}
