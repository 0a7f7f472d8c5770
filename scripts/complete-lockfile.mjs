#!/usr/bin/env node
// Adds the platform-specific optional packages (rollup, DuckDB bindings, msgpackr-extract for
// other operating systems and CPUs) that `npm install` leaves out of package-lock.json when the
// registry it talks to lacks them. `npm ci` (npm 11) refuses a lock file that misses them, even
// though on this platform it would skip them anyway. Each added entry carries `os`/`cpu`/`libc`,
// so npm skips it on other platforms without fetching anything.
//
// Run after any `npm install` that changes package-lock.json:  node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

function view(spec) {
  try {
    const out = execFileSync('npm', ['view', spec, 'os', 'cpu', 'libc', 'license', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() === '' ? {} : JSON.parse(out);
  } catch {
    return undefined;
  }
}

/** Platform fields read from the registry, or from the package name when the registry lacks it. */
function platformOf(name, version) {
  const meta = view(`${name}@${version}`) ?? view(name);
  if (meta !== undefined && (meta.os !== undefined || meta.cpu !== undefined)) return meta;
  const base = name.split('/').pop();
  const os = ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd'].find(
    (o) => base.includes(o),
  );
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'].find((c) => base.includes(`-${c}`));
  const out = {};
  if (os) out.os = [os];
  if (cpu) out.cpu = [cpu];
  if (base.includes('musl')) out.libc = ['musl'];
  else if (base.includes('gnu') && os === 'linux') out.libc = ['glibc'];
  return out;
}

let added = 0;
for (const [path, pkg] of Object.entries(packages)) {
  const optional = pkg.optionalDependencies;
  if (optional === undefined || path === '') continue;
  for (const [name, range] of Object.entries(optional)) {
    const nested = `${path}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] !== undefined || packages[hoisted] !== undefined) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    const meta = platformOf(name, version);
    const entry = { version };
    if (pkg.dev) entry.dev = true;
    if (pkg.devOptional) entry.devOptional = true;
    entry.optional = true;
    for (const field of ['os', 'cpu', 'libc']) {
      const v = meta[field];
      if (v !== undefined) entry[field] = Array.isArray(v) ? v : [v];
    }
    if (typeof meta.license === 'string') entry.license = meta.license;
    packages[hoisted] = entry;
    added++;
    console.log(`added ${hoisted}@${version} ${JSON.stringify({ os: entry.os, cpu: entry.cpu, libc: entry.libc })}`);
  }
}

if (added > 0) {
  const sorted = {};
  const keys = Object.keys(packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')));
  for (const k of keys) sorted[k] = packages[k];
  lock.packages = sorted;
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`${added} optional platform package(s) added to package-lock.json`);
