// Test file order for `npm test`: the longest files first (durations recorded in
// test/durations.json by scripts/test-durations.mjs), files not yet recorded before them.
// vitest's own order uses its result cache, which a fresh clone (CI) does not have, and then
// falls back to file size, which can leave a long crash test to start last and run alone.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const durations: Record<string, number> = JSON.parse(readFileSync(join(import.meta.dirname, 'durations.json'), 'utf8'));

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = join(import.meta.dirname, '..');
    const time = (f: TestSpecification): number => durations[relative(root, f.moduleId)] ?? Infinity;
    return [...files].sort((a, b) => time(b) - time(a));
  }
}
