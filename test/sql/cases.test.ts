// Runs every case of test/sql/cases/*.sqltest (see harness.ts for the format).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { parseCases, runCase } from './harness.js';

const dir = join(import.meta.dirname, 'cases');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.sqltest')).sort()) {
  describe(file, () => {
    for (const c of parseCases(readFileSync(join(dir, file), 'utf8'))) {
      it(c.name, async () => {
        await runCase(c);
      });
    }
  });
}
