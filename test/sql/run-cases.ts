// Runs the cases of test/sql/cases/*.sqltest (see harness.ts for the format). The files are
// split over two test files (cases-a, cases-b) so the suite's two workers share them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { parseCases, runCase } from './harness.js';

export function runCaseFiles(part: number, parts: number): void {
  const dir = join(import.meta.dirname, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqltest')).sort();
  files.forEach((file, i) => {
    if (i % parts !== part) return;
    describe(file, () => {
      for (const c of parseCases(readFileSync(join(dir, file), 'utf8'))) {
        it(c.name, async () => {
          await runCase(c);
        });
      }
    });
  });
}
