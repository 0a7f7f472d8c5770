#!/usr/bin/env node
// Start-up cost by layer (issue 13, item 4): imports the layers of `weir -c "SELECT 1"` one
// after another in one process and prints the CPU (process.cpuUsage, ms) and wall time each
// import added. Run against a build: `node bench/startup-layers.mjs [ROOT]` (ROOT: a checkout
// with dist/ built, default this one), e.g. alternating with a build before a change.
import { join } from 'node:path';

const root = process.argv[2] ?? join(import.meta.dirname, '..');
const layers = [
  'grammar/chevrotain.js',
  'grammar/tokens.js',
  'grammar/parser.js',
  'src/sql/parse.js',
  'src/connectors/registry.js',
  'src/sql/binder.js',
  'src/sql/session.js',
  'src/exec/job.js',
  'src/exec/job-runner.js',
  'src/cli/repl/repl.js',
  'src/cli/main.js',
];
for (const layer of layers) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await import(join(root, 'dist', layer));
  const c = process.cpuUsage(c0);
  console.log(`${((c.user + c.system) / 1000).toFixed(0).padStart(5)} ms cpu ${(performance.now() - t0).toFixed(0).padStart(5)} ms wall  ${layer}`);
}
