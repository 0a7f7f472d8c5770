#!/usr/bin/env node
// Thin launcher: the CLI is compiled by `npm run build` (run automatically by `npm install`).
// It runs the bundle of the compiled CLI (dist/src/bundle/, scripts/bundle-cli.mjs: a few files
// load faster than ~150) when there is one at least as new as the compiled files; a later
// `tsc` rewrites dist/src/cli/main.js, and then the unbundled dist/ runs until the next bundle.
// A parallel run's worker threads start first, so they load while the main thread does.
import { statSync } from 'node:fs';

const dist = new URL('../dist/src/', import.meta.url);
const mtime = (path) => statSync(new URL(path, dist), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const compiled = mtime('cli/main.js');
const dir = process.env.WEIR_UNBUNDLED !== '1' && compiled >= 0 && mtime('bundle/main.js') >= compiled ? 'bundle/' : '';
const { prestartFromArgv } = await import(new URL(dir === '' ? 'exec/worker-pool.js' : 'bundle/worker-pool.js', dist).href);
prestartFromArgv(process.argv.slice(2));
const { main } = await import(new URL(dir === '' ? 'cli/main.js' : 'bundle/main.js', dist).href);
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
