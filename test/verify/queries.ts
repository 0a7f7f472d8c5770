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

    it('agrees with DuckDB after two crashes (SIGKILL) and restores', async () => {
      // sources capped at 250,000 rows/s so the job lives long enough to be killed twice
      const r = await weir(['verify', file, '--crash', '2', '--seed', '3', '--set', 'table.exec.source.rows-per-second=250000'], { timeoutMs: 150_000 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      if (!r.stdout.includes('no SELECT or INSERT to verify')) {
        expect(r.stderr).toContain('crash 1: killed the streaming run');
        expect(r.stderr).toContain('crash 2: killed the streaming run');
      }
    }, 180_000);
  });
}
