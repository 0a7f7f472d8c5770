// Runs the cases of test/sql/cases/*.sqltest (see harness.ts for the format). The files are
// split over four test files (cases-a .. cases-d) so the suite's workers share them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { parseCases, runCase } from './harness.js';

/**
 * About how many seconds each file's cases take (measured in a full run on 2 cores); the files
 * are dealt to the parts heaviest first, each to the lightest part so far, so that no test
 * file holds the suite up at its end. Files not listed count 2.
 */
const WEIGHT: Record<string, number> = {
  'nexmark.sqltest': 93,
  'semi-anti-joins.sqltest': 43,
  'joins.sqltest': 33,
  'window-joins.sqltest': 31,
  'interval-joins.sqltest': 27,
  'topn.sqltest': 22,
  'over.sqltest': 20,
  'composite.sqltest': 12,
  'temporal-joins.sqltest': 8,
  'proctime.sqltest': 15,
  'windows.sqltest': 5,
  'tumble.sqltest': 4,
  'adaptive-local-agg.sqltest': 5,
  'aggregates.sqltest': 4,
  'order-limit.sqltest': 4,
  'subqueries-more.sqltest': 28,
};

function assign(files: readonly string[], parts: number): Map<string, number> {
  const load = new Array<number>(parts).fill(0);
  const out = new Map<string, number>();
  const byWeight = [...files].sort((a, b) => (WEIGHT[b] ?? 2) - (WEIGHT[a] ?? 2) || a.localeCompare(b));
  for (const f of byWeight) {
    let best = 0;
    for (let p = 1; p < parts; p++) if (load[p]! < load[best]!) best = p;
    out.set(f, best);
    load[best]! += WEIGHT[f] ?? 2;
  }
  return out;
}

export function runCaseFiles(part: number, parts: number): void {
  const dir = join(import.meta.dirname, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqltest')).sort();
  const parts_ = assign(files, parts);
  files.forEach((file) => {
    if (parts_.get(file) !== part) return;
    describe(file, () => {
      for (const c of parseCases(readFileSync(join(dir, file), 'utf8'))) {
        it(c.name, async () => {
          await runCase(c);
        });
      }
    });
  });
}
