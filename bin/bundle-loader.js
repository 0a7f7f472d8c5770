// Loads the CLI's SystemJS-format bundle (dist/src/bundle/sys/, scripts/bundle-cli.mjs) through
// vm.Script with a V8 code cache kept beside each file (issue 13, item 4: compiling the code
// every command needs is a large part of `weir -c "SELECT 1"`). Node 20 has no compile cache
// for ES modules (module.enableCompileCache is Node 22.1+) and vm.SourceTextModule needs a
// flag, so the bundle is also written in rollup's `system` format, which is plain script
// code (with top-level await, import.meta and import() mapped to the loader), and this file
// (CommonJS, like bin/weir.js: bin/package.json) is
// the small part of a System.register loader that the bundle uses.
//
// - Each chunk `X.js` has its cache in `X.js.cache`: a header (magic, the chunk's length, the
//   cache's length and its CRC-32) and V8's cached data, which V8 itself checks against its
//   version and flags. A missing, truncated, corrupt or rejected cache only costs a normal
//   compile; the chunk's cache is then written again at exit (after the run, so it holds the
//   functions that ran), when the directory is writable. A read-only install just compiles.
// - Chunk names carry rollup's content hash, so a cache never meets another chunk's code.
// - node: builtins and packages (kept external) are loaded with require(), or import() for an ES
//   module require() cannot load (see `external`).
// - import.meta.url of a chunk is its name in dist/src/bundle/ (one level up), the ES-module
//   bundle's directory, so paths computed from it (package.json, the worker and writer thread
//   scripts, which stay ES modules) resolve as from the ES-module bundle.
// WEIR_CODE_CACHE=0 disables reading and writing caches (the bundle still loads through here).
'use strict';
const { accessSync, constants, readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { fileURLToPath, pathToFileURL } = require('node:url');
const { dirname } = require('node:path');
const vm = require('node:vm');
const { crc32 } = require('node:zlib');

const MAGIC = 0x57434331; // 'WCC1'
const HEADER = 16;
const useCache = process.env.WEIR_CODE_CACHE !== '0' && typeof crc32 === 'function';

const records = new Map(); // file URL -> record
const unsaved = []; // scripts whose cache was missing or rejected
let exitHook = false;

const debug = process.env.WEIR_CODE_CACHE_DEBUG === '1' ? (file, what) => process.stderr.write(`weir code cache: ${file.slice(file.lastIndexOf('/') + 1)}: ${what}\n`) : undefined;

function readCache(file, length) {
  let buf;
  try {
    buf = readFileSync(file + '.cache');
  } catch {
    debug?.(file, 'missing');
    return undefined;
  }
  const head = buf.length >= HEADER ? new DataView(buf.buffer, buf.byteOffset, HEADER) : undefined;
  if (head === undefined || head.getUint32(0) !== MAGIC || head.getUint32(4) !== length || head.getUint32(8) !== buf.length - HEADER || crc32(buf.subarray(HEADER)) !== head.getUint32(12)) {
    debug?.(file, 'invalid');
    return undefined;
  }
  return buf.subarray(HEADER);
}

function saveCaches() {
  const dirs = new Map();
  for (const { file, script, length } of unsaved) {
    const dir = dirname(file);
    if (!dirs.has(dir)) {
      try {
        accessSync(dir, constants.W_OK);
        dirs.set(dir, true);
      } catch {
        dirs.set(dir, false);
      }
    }
    if (!dirs.get(dir)) {
      debug?.(file, 'not written (directory not writable)');
      continue;
    }
    const tmp = `${file}.cache.${process.pid}`;
    try {
      const data = script.createCachedData();
      const head = Buffer.alloc(HEADER);
      head.writeUInt32BE(MAGIC, 0);
      head.writeUInt32BE(length, 4);
      head.writeUInt32BE(data.length, 8);
      head.writeUInt32BE(crc32(data), 12);
      writeFileSync(tmp, Buffer.concat([head, data]));
      renameSync(tmp, file + '.cache'); // atomic: a concurrent start reads the old or the new file
      debug?.(file, 'written');
    } catch {
      debug?.(file, 'not written');
      try { unlinkSync(tmp); } catch { /* not written */ }
    }
  }
  unsaved.length = 0;
}

function compile(file, source) {
  // the chunk is `(function (System) { System.register(...) })`, in ASCII (scripts/bundle-cli.mjs)
  const code = source;
  const cachedData = useCache ? readCache(file, code.length) : undefined;
  const script = new vm.Script(code, { filename: pathToFileURL(file).href, cachedData });
  if (cachedData !== undefined) debug?.(file, script.cachedDataRejected === true ? 'rejected' : 'accepted');
  if (useCache && (cachedData === undefined || script.cachedDataRejected === true)) {
    unsaved.push({ file, script, length: code.length });
    if (!exitHook) {
      exitHook = true;
      process.once('exit', saveCaches);
    }
  }
  return script;
}

function isChunk(url) {
  return url.startsWith(sysPrefix);
}
let sysPrefix = '';

async function instantiate(url) {
  let rec = records.get(url);
  if (rec !== undefined) return rec;
  const file = fileURLToPath(url);
  let registration;
  compile(file, readFileSync(file, 'latin1')).runInThisContext()({ register: (deps, declare) => { registration = [deps, declare]; } });
  if (registration === undefined) throw new Error(`internal error: ${file} is not a System.register module (rebuild with npm run build)`);
  const [deps, declare] = registration;
  const ns = Object.create(null);
  rec = { ns, importers: [], deps: [], declared: undefined, done: undefined };
  records.set(url, rec);
  const exporter = (name, value) => {
    if (typeof name === 'object' && name !== null) Object.assign(ns, name);
    else ns[name] = value;
    for (const setter of rec.importers) setter(ns);
    return value;
  };
  const meta = { url: new URL(url.slice(url.lastIndexOf('/') + 1), new URL('../', url)).href };
  rec.declared = declare(exporter, { meta, import: (spec) => importFrom(spec, url) });
  const setters = rec.declared.setters ?? [];
  for (let i = 0; i < deps.length; i++) {
    const target = resolve(deps[i], url);
    const setter = setters[i];
    if (isChunk(target)) {
      const dep = await instantiate(target);
      rec.deps.push(dep);
      if (setter) {
        dep.importers.push(setter);
        setter(dep.ns);
      }
    } else {
      const ext = external(target);
      if (setter) setter(ext instanceof Promise ? await ext : ext);
    }
  }
  return rec;
}

function resolve(spec, parent) {
  return spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') ? new URL(spec, parent).href : spec;
}

async function evaluate(root) {
  const order = [];
  const seen = new Set();
  const visit = (rec) => {
    if (seen.has(rec)) return;
    seen.add(rec);
    for (const dep of rec.deps) visit(dep);
    order.push(rec);
  };
  visit(root);
  for (const rec of order) {
    rec.done ??= Promise.resolve(rec.declared.execute?.call(undefined));
    await rec.done;
  }
  return root.ns;
}

async function importFrom(spec, parent) {
  const target = resolve(spec, parent);
  return isChunk(target) ? evaluate(await instantiate(target)) : import(target);
}

/**
 * A static import of a builtin or a package. require() is cheaper than import() (no ES-module
 * resolve and load, no cjs-module-lexer for a CommonJS package); a CommonJS module's exports are
 * seen through a namespace whose `default` is module.exports, as import() gives, read lazily (so
 * that e.g. fs.promises is not loaded by reading every property). An ES module that require()
 * cannot load (top-level await, or a Node without require(esm)) is imported.
 */
function external(spec) {
  let m;
  try {
    m = require(spec);
  } catch {
    return import(spec);
  }
  if (m !== null && typeof m === 'object' && m[Symbol.toStringTag] === 'Module') return m;
  return new Proxy(m, { get: (target, key) => (key === 'default' ? target : target[key]) });
}

/** Imports the named entries of the bundle in `dir` (a file URL ending in /), in order. */
async function loadBundle(dir, names) {
  sysPrefix = dir;
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('manifest.json', dir)), 'utf8'));
  const out = [];
  for (const name of names) {
    const file = manifest[name];
    if (typeof file !== 'string') throw new Error(`internal error: the bundle has no entry ${name} (rebuild with npm run build)`);
    out.push(await importFrom(new URL(file, dir).href, dir));
  }
  return out;
}

module.exports = { loadBundle };
