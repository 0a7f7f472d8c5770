#!/usr/bin/env node
// Thin launcher: the CLI is compiled by `npm run build` (run automatically by `npm install`).
// It runs the bundle of the compiled CLI (dist/src/bundle/, scripts/bundle-cli.mjs: a few files
// load faster than ~150) when there is one at least as new as the compiled files; a later
// `tsc` rewrites dist/src/cli/main.js, and then the unbundled dist/ runs until the next bundle.
// The main thread loads the bundle's `system`-format copy (dist/src/bundle/sys/) through
// bin/bundle-loader.js, which keeps a V8 code cache beside each file; WEIR_BUNDLE=esm runs the
// ES-module bundle instead (what worker threads always run).
// This file and the loader are CommonJS (bin/package.json): a start that loads the code-cached
// bundle then never sets up Node's ES-module loader (resolving and loading an ES-module entry
// costs a few ms); the ES-module paths use import().
// A parallel run's worker threads start first, so they load while the main thread does.
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const dist = pathToFileURL(join(__dirname, '..', 'dist', 'src') + '/');
const mtime = (path) => statSync(new URL(path, dist), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const compiled = mtime('cli/main.js');
const bundled = process.env.WEIR_UNBUNDLED !== '1' && compiled >= 0 && mtime('bundle/main.js') >= compiled;
const argv = process.argv.slice(2);

async function load() {
  if (bundled && process.env.WEIR_BUNDLE !== 'esm' && mtime('bundle/sys/manifest.json') >= compiled) {
    const { loadBundle } = require('./bundle-loader.js');
    const sys = new URL('bundle/sys/', dist).href;
    const [pool] = await loadBundle(sys, ['worker-pool']);
    pool.prestartFromArgv(argv);
    return (await loadBundle(sys, ['main']))[0].main;
  }
  const { prestartFromArgv } = await import(new URL(bundled ? 'bundle/worker-pool.js' : 'exec/worker-pool.js', dist).href);
  prestartFromArgv(argv);
  return (await import(new URL(bundled ? 'bundle/main.js' : 'cli/main.js', dist).href)).main;
}

load().then((main) => main(argv)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err); process.exitCode = 1; },
);
