import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { parseCases, runCase } from './harness.js';
describe('one file', () => {
  for (const c of parseCases(readFileSync('/work/wt-fnstr/test/sql/cases/functions-strings.sqltest', 'utf8'))) it(c.name, async () => { await runCase(c); });
});
