#!/usr/bin/env node
// Thin launcher: the CLI is compiled by `npm run build` (run automatically by `npm install`).
// A parallel run's worker threads start first, so they load while the main thread does.
import { prestartFromArgv } from '../dist/src/exec/worker-pool.js';
prestartFromArgv(process.argv.slice(2));
const { main } = await import('../dist/src/cli/main.js');
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
