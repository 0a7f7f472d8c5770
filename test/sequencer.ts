// Test file order for `npm test` on two cores. Files that keep a core busy (SQL cases against
// DuckDB, verify runs, unit tests) alternate with files that mostly wait (crash tests killing
// rate-limited jobs, CLI and shell tests, PostgreSQL tests), each kind longest first (durations
// recorded in test/durations.json by scripts/test-durations.mjs; files not recorded count as
// long). Started longest-first regardless of kind, the CPU-bound case files ran three at once
// on two cores and the waiting files ran together at the end with cores idle.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const durations: Record<string, number> = JSON.parse(readFileSync(join(import.meta.dirname, 'durations.json'), 'utf8'));

export default class Interleaved extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = join(import.meta.dirname, '..');
    const name = (f: TestSpecification): string => relative(root, f.moduleId);
    const time = (f: TestSpecification): number => durations[name(f)] ?? 60;
    const busy = (f: TestSpecification): boolean => /^test\/(sql|verify|unit)\//.test(name(f));
    const byTime = (a: TestSpecification, b: TestSpecification): number => time(b) - time(a);
    const cpu = files.filter(busy).sort(byTime);
    const wait = files.filter((f) => !busy(f)).sort(byTime);
    const out: TestSpecification[] = [];
    while (cpu.length > 0 || wait.length > 0) {
      if (cpu.length > 0) out.push(cpu.shift()!);
      if (wait.length > 0) out.push(wait.shift()!);
    }
    return out;
  }
}
