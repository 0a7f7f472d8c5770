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
// - Kept external: node: builtins and packages (node_modules). dist/grammar/ and chevrotain's
//   single-file build are bundled (see the two rewrites below).
// - Two copies of the same chunks: ES modules in dist/src/bundle/ (worker threads, and
//   WEIR_BUNDLE=esm), and rollup's `system` format in dist/src/bundle/sys/, which the main thread
//   loads through bin/bundle-loader.js with a V8 code cache per chunk, filled here by a warm run.
// - bin/weir.js uses the bundle only when it is at least as new as dist/src/cli/main.js, so a
//   later `tsc` (which rewrites every file) is never shadowed by a stale bundle.
//
// The bundler is rollup's WebAssembly build (@rollup/wasm-node: no native binary, no install
// script). Without it this script says so and exits 0: weir then runs the unbundled dist/.
// Usage: node scripts/bundle-cli.mjs   (npm run build runs it after tsc)

import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist', 'src');
const out = join(dist, 'bundle');
const grammar = join(root, 'dist', 'grammar');

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

// dist/grammar/ and chevrotain's single-file build are bundled too (their compiling is a large
// part of a start, and the code cache below only covers bundled code). Two rewrites make that
// possible; each is checked, and the build fails if the code they rewrite has changed:
// - grammar/chevrotain.js loads chevrotain.mjs with a top-level import() of a computed path; here
//   it becomes a static import of that file, so chevrotain is bundled (one copy, as before).
// - the parser trusts its cached grammar when a fingerprint of the SqlParser class's source text
//   matches the cache's (grammar/lookahead.ts sourceFingerprint). Rollup re-renders the class
//   (imports renamed), so the bundle compares the fingerprint of tsc's text of the class it
//   bundled, computed here (and sourceFingerprint, if called, hashes that text).
const chevrotainFile = join(dirname(createRequire(join(root, 'package.json')).resolve('chevrotain')), '..', 'chevrotain.mjs');
const parserModule = await import(pathToFileURL(join(grammar, 'parser.js')).href);
const parserText = Function.prototype.toString.call(parserModule.SqlParser);
// the fingerprint itself, computed now from the modules bundled: a start then skips hashing the
// class's text and the token vocabulary
const { sourceFingerprint } = await import(pathToFileURL(join(grammar, 'lookahead.js')).href);
const { allTokens } = await import(pathToFileURL(join(grammar, 'tokens.js')).href);
const fingerprint = sourceFingerprint(parserModule.SqlParser, allTokens, parserModule.MAX_LOOKAHEAD);
const edits = {
  [join(grammar, 'parser.js')]: [/sourceFingerprint\(SqlParser, T\.allTokens, MAX_LOOKAHEAD\)/, JSON.stringify(fingerprint)],
  [join(grammar, 'chevrotain.js')]: [/const entry = createRequire\(import\.meta\.url\)\.resolve\('chevrotain'\);[^\n]*\nconst chevrotain = \(await import\([^\n]*\)\);/, `import * as chevrotain from ${JSON.stringify(chevrotainFile)};`],
  [join(grammar, 'lookahead.js')]: [/Function\.prototype\.toString\.call\(parserClass\)/, JSON.stringify(parserText)],
};
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
      name: 'grammar-bundled',
      transform(code, id) {
        const edit = edits[id];
        if (edit === undefined) return null;
        if (!edit[0].test(code)) throw new Error(`${relative(root, id)} no longer has the code scripts/bundle-cli.mjs rewrites (${edit[0]}): update the script`);
        delete edits[id];
        return { code: code.replace(edit[0], () => edit[1]), map: null };
      },
    },
  ],
  onwarn(warning, warn) {
    if (warning.code === 'CIRCULAR_DEPENDENCY') return; // ES modules allow cycles; dist has some
    if (warning.code === 'UNUSED_EXTERNAL_IMPORT') return; // type-only names tsc leaves in imports
    if (warning.code === 'SOURCEMAP_BROKEN') return; // the two rewrites above drop source maps
    warn(warning);
  },
});
if (Object.keys(edits).length > 0) throw new Error(`bundle-cli: not bundled: ${Object.keys(edits).join(', ')}`);
const { output } = await bundle.write({ dir: out, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' });

// The main thread's copy, in rollup's `system` format: bin/bundle-loader.js loads it through
// vm.Script with a V8 code cache beside each file (ES modules cannot use one on Node 20; worker
// threads run the ES-module copy above). Content-hashed file names, so a cache file never meets
// another build's code; manifest.json names the entries. Each chunk is the body of a function
// given the loader's `System` (the loader compiles the file's text as it is, without a copy),
// and ASCII only: V8 then keeps the source as a one-byte string read straight from the file
// (latin1), where one non-ASCII character in a comment made the loader decode UTF-8 into a
// two-byte copy of a 1.6 MB chunk. If this part fails, weir runs the ES-module bundle.
const sysOut = join(out, 'sys');
try {
  const { output: sysOutput } = await bundle.write({
    dir: sysOut,
    format: 'system',
    entryFileNames: '[name]-[hash].js',
    chunkFileNames: '[name]-[hash].js',
    banner: '(function (System) {',
    footer: '\n})',
  });
  for (const c of sysOutput) {
    if (c.type !== 'chunk') continue;
    if (/\\[^\x00-\x7f]/.test(c.code)) throw new Error(`${c.fileName}: a non-ASCII character after a backslash, which this script cannot escape`);
    const ascii = c.code.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (ascii !== c.code) writeFileSync(join(sysOut, c.fileName), ascii);
  }
  const manifest = Object.fromEntries(sysOutput.filter((c) => c.type === 'chunk' && c.isEntry).map((c) => [c.name, c.fileName]));
  writeFileSync(join(sysOut, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  // Fill the code caches with a warm run of a small query (the loader writes them at exit).
  // They are an optimisation: without them weir compiles as usual and writes them on its next run.
  const env = { ...process.env, WEIR_UNBUNDLED: '0' };
  delete env.WEIR_BUNDLE;
  delete env.WEIR_CODE_CACHE;
  const warm = spawnSync(process.execPath, [join(root, 'bin', 'weir.js'), '-c', 'SELECT 1'], { encoding: 'utf8', env });
  if (warm.status !== 0 || warm.stdout.trim() !== '+I[1]') throw new Error(`the warm run of the system bundle failed: ${warm.stderr || warm.stdout}`);
} catch (e) {
  rmSync(sysOut, { recursive: true, force: true });
  console.log(`bundle-cli: no code-cached bundle (${e.message}); weir runs the ES-module bundle`);
}
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
