#!/usr/bin/env node
// Records how long each test file took, from a vitest JSON report, into test/durations.json.
// test/sequencer.ts starts the longest files first, so that on two cores no long crash or
// verify file is left to run alone at the end of `npm test`. Refresh it after adding slow tests:
//   npx vitest run --reporter=json --outputFile.json=/tmp/report.json && node scripts/test-durations.mjs /tmp/report.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const report = process.argv[2];
if (!report) {
  console.error('usage: node scripts/test-durations.mjs <vitest-json-report>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const r = JSON.parse(readFileSync(report, 'utf8'));
const out = {};
for (const t of r.testResults) {
  const file = relative(root, t.name).replace(/^.*?(test\/)/, '$1');
  out[file] = Math.round((t.endTime - t.startTime) / 100) / 10;
}
const sorted = Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
writeFileSync(join(root, 'test/durations.json'), JSON.stringify(sorted, null, 2) + '\n');
console.log(`${Object.keys(sorted).length} files recorded in test/durations.json`);
