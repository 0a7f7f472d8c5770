// bin/bundle-loader.js (issue 13, item 4: start-up): the main thread loads the CLI's bundle in
// rollup's `system` format through vm.Script with a V8 code cache beside each chunk. A missing,
// truncated, corrupt or rejected cache, or a directory where it cannot be written, must only
// cost a normal compile, never a failed `weir`. The real bundle is built by `npm run build`
// (scripts/bundle-cli.mjs), not by the test suite, so these tests run the loader on a small
// hand-written bundle in the same format: a static dependency whose exports change after they
// were bound (live bindings), a top-level await, import.meta.url, import() of another chunk and a
// node: builtin.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './weir.js';

const root = mkdtempSync(join(tmpdir(), 'weir-bundle-loader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CHUNKS: Record<string, string> = {
  'main-aaaa.js': `(function (System) {
System.register(['./dep-bbbb.js', 'node:path'], (function (exports, module) {
  'use strict';
  var value, bump, basename;
  return {
    setters: [function (m) { value = m.value; bump = m.bump; }, function (m) { basename = m.basename; }],
    execute: (async function () {
      await new Promise((resolve) => setTimeout(resolve, 1));
      bump();
      const lazy = await module.import('./lazy-cccc.js');
      const url = new URL(module.meta.url);
      exports('main', () => [value, lazy.name, basename(new URL('.', url).pathname), basename(url.pathname)].join(' '));
    })
  };
}));
})`,
  'dep-bbbb.js': `(function (System) {
System.register([], (function (exports) {
  'use strict';
  var value;
  return {
    setters: [],
    execute: (function () {
      exports('value', value = 1);
      exports('bump', function bump() { exports('value', value = value + 1); });
    })
  };
}));
})`,
  'lazy-cccc.js': `(function (System) {
System.register([], (function (exports) {
  return { setters: [], execute: (function () { exports({ name: 'lazy' }); }) };
}));
})`,
};

/** A fresh copy of the little bundle, in <dir>/bundle/sys/ as the real one is in dist/src/bundle/sys/. */
function bundle(): string {
  const dir = join(mkdtempSync(join(root, 'b-')), 'bundle', 'sys');
  mkdirSync(dir, { recursive: true });
  for (const [name, code] of Object.entries(CHUNKS)) writeFileSync(join(dir, name), code);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ main: 'main-aaaa.js' }));
  return dir;
}

/** Loads the bundle's `main` entry in a child process: its output and the cache's debug lines. */
function load(dir: string, env: Record<string, string> = {}): { out: string; log: string[] } {
  const script = `import { loadBundle } from ${JSON.stringify(pathToFileURL(join(ROOT, 'bin', 'bundle-loader.js')).href)};
const [m] = await loadBundle(${JSON.stringify(pathToFileURL(dir).href + '/')}, ['main']);
console.log(m.main());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, WEIR_CODE_CACHE_DEBUG: '1', ...env }, timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return { out: r.stdout.trim(), log: r.stderr.split('\n').filter((l) => l.startsWith('weir code cache: ')).map((l) => l.slice('weir code cache: '.length)).sort() };
}

const OUT = '2 lazy bundle main-aaaa.js'; // live binding updated, chunk loaded by import(), import.meta.url one level up

describe('bin/bundle-loader.js: the code-cached bundle', () => {
  it('writes each chunk’s cache after the first run and uses it on the next', () => {
    const dir = bundle();
    const first = load(dir);
    expect(first.out).toBe(OUT);
    expect(first.log).toEqual(['dep-bbbb.js: missing', 'dep-bbbb.js: written', 'lazy-cccc.js: missing', 'lazy-cccc.js: written', 'main-aaaa.js: missing', 'main-aaaa.js: written']);
    const second = load(dir);
    expect(second.out).toBe(OUT);
    expect(second.log).toEqual(['dep-bbbb.js: accepted', 'lazy-cccc.js: accepted', 'main-aaaa.js: accepted']);
    expect(readdirSync(dir).filter((f) => !f.endsWith('.js') && !f.endsWith('.js.cache'))).toEqual(['manifest.json']); // no temporary files left
  });

  it('a truncated, corrupt or rejected cache only costs a compile, and is written again', () => {
    const dir = bundle();
    load(dir);
    const cache = (name: string): string => join(dir, `${name}.cache`);
    const size = statSync(cache('main-aaaa.js')).size;
    truncateSync(cache('main-aaaa.js'), Math.floor(size / 2));
    // one byte of V8's data changed, same length: the header's CRC-32 no longer matches
    const dep = readFileSync(cache('dep-bbbb.js'));
    dep[dep.length - 5]! ^= 0x5a;
    writeFileSync(cache('dep-bbbb.js'), dep);
    // a well-formed file of V8 data made for other source text, with a header that passes our
    // checks: V8 itself rejects it
    const lazy = readFileSync(cache('lazy-cccc.js'));
    const other = readFileSync(cache('dep-bbbb.js')).subarray(16);
    const fake = Buffer.concat([lazy.subarray(0, 16), other]);
    fake.writeUInt32BE(other.length, 8);
    fake.writeUInt32BE(crc32(other), 12);
    writeFileSync(cache('lazy-cccc.js'), fake);
    const broken = load(dir);
    expect(broken.out).toBe(OUT);
    expect(broken.log).toEqual(['dep-bbbb.js: invalid', 'dep-bbbb.js: written', 'lazy-cccc.js: rejected', 'lazy-cccc.js: written', 'main-aaaa.js: invalid', 'main-aaaa.js: written']);
    expect(statSync(cache('main-aaaa.js')).size).toBe(size);
    expect(load(dir).log).toEqual(['dep-bbbb.js: accepted', 'lazy-cccc.js: accepted', 'main-aaaa.js: accepted']);
  });

  it('runs when a cache cannot be written, and with caching off', () => {
    const dir = bundle();
    // the cache's path is a non-empty directory: reading and replacing it both fail
    mkdirSync(join(dir, 'main-aaaa.js.cache', 'x'), { recursive: true });
    const run = load(dir);
    expect(run.out).toBe(OUT);
    expect(run.log).toContain('main-aaaa.js: missing');
    expect(run.log).toContain('main-aaaa.js: not written');
    expect(readdirSync(dir).filter((f) => f.includes('.cache.'))).toEqual([]);
    const off = bundle();
    const plain = load(off, { WEIR_CODE_CACHE: '0' });
    expect(plain).toEqual({ out: OUT, log: [] });
    expect(readdirSync(off).some((f) => f.endsWith('.cache'))).toBe(false);
  });
});
