#!/usr/bin/env node
// Bundles the compiled CLI (dist/src, after `tsc`) into a few ES modules in dist/src/bundle/, so
// that `weir` starts by loading a handful of files instead of ~150 (issue 13, item 4: resolving,
// reading and compiling each ES module is a large part of `weir -c "SELECT 1"`).
//
// - Entries: cli/main.js (bin/weir.js), exec/worker-pool.js (bin/weir.js starts workers early),
//   and the two worker scripts, exec/worker-main.js and checkpoint/writer-thread.js, which the
//   pool and the state writer find next to themselves. Modules loaded with import() (operators,
//   connectors, verify, the shell's terminal code) become chunks loaded when first imported.
// - The output sits at the same depth as dist/src/cli/, so paths computed from import.meta.url
//   (package.json, bin/weir.js) resolve as they do from the unbundled files.
// - Kept external: node: builtins, packages (node_modules), and dist/grammar/ — the parser checks
//   its cached grammar against the compiled SqlParser class's source text, which must stay tsc's.
// - bin/weir.js uses the bundle only when it is at least as new as dist/src/cli/main.js, so a
//   later `tsc` (which rewrites every file) is never shadowed by a stale bundle.
//
// The bundler is rollup's WebAssembly build (@rollup/wasm-node: no native binary, no install
// script). Without it this script says so and exits 0: weir then runs the unbundled dist/.
// Usage: node scripts/bundle-cli.mjs   (npm run build runs it after tsc)

import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist', 'src');
const out = join(dist, 'bundle');
const grammar = join(root, 'dist', 'grammar') + sep;

let rollup;
try {
  ({ rollup } = await import(process.env.WEIR_ROLLUP ?? '@rollup/wasm-node'));
} catch {
  console.log('bundle-cli: @rollup/wasm-node is not installed; weir runs the unbundled dist/ (slower start)');
  process.exit(0);
}

if (!existsSync(join(dist, 'cli', 'main.js'))) {
  console.error('bundle-cli: dist/src/cli/main.js not found: run tsc first');
  process.exit(1);
}

const t0 = performance.now();
rmSync(out, { recursive: true, force: true });
const bundle = await rollup({
  input: {
    main: join(dist, 'cli', 'main.js'),
    'worker-pool': join(dist, 'exec', 'worker-pool.js'),
    'worker-main': join(dist, 'exec', 'worker-main.js'),
    'writer-thread': join(dist, 'checkpoint', 'writer-thread.js'),
  },
  external(id) {
    return id.startsWith('node:') || (!id.startsWith('.') && !isAbsolute(id)); // builtins and packages
  },
  plugins: [
    {
      // dist/grammar/ kept by its absolute path, written relative to dist/src/bundle/ (output.paths)
      name: 'grammar-external',
      resolveId(id, importer) {
        if (!id.startsWith('.') || importer === undefined) return null;
        const path = resolve(dirname(importer), id);
        return path.startsWith(grammar) ? { id: path, external: 'absolute' } : null;
      },
    },
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY') return; // ES modules allow cycles; dist has some
    if (warning.code === 'UNUSED_EXTERNAL_IMPORT') return; // type-only names tsc leaves in imports
    warn(warning);
  },
});
const { output } = await bundle.write({
  dir: out,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  paths: (id) => (id.startsWith(grammar) ? relative(out, id).split(sep).join('/') : id),
});
await bundle.close();
if (process.argv.includes('--report')) {
  // each chunk's modules and their rendered sizes, largest first
  for (const c of output) {
    if (c.type !== 'chunk') continue;
    console.log(`${c.fileName} ${(c.code.length / 1024).toFixed(0)} KiB${c.isEntry ? ' (entry)' : c.isDynamicEntry ? ' (dynamic)' : ''}: imports ${c.imports.filter((i) => !i.startsWith('node:')).join(' ')}`);
    for (const [id, m] of Object.entries(c.modules).sort((a, b) => b[1].renderedLength - a[1].renderedLength)) console.log(`  ${(m.renderedLength / 1024).toFixed(1).padStart(6)} ${relative(dist, id)}`);
  }
}
const main = statSync(join(out, 'main.js'));
console.log(`bundle-cli: dist/src/bundle/ written in ${((performance.now() - t0) / 1000).toFixed(1)} s (main.js ${(main.size / 1024).toFixed(0)} KiB)`);
