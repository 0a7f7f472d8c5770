// Builds dist/ once before the tests, as `npm run build` does (tsc, then the CLI's bundle), so
// tests that start the real `weir` command run the code under test, and the bundled start path
// that users run, not a stale build. When the bundle is newer than every file it is built from
// (the sources, the build's configuration and scripts) the build is already current, as right
// after `npm ci` or `npm install` (whose `prepare` builds it): then nothing is rebuilt, which
// saves about 30 s of a suite run that nothing else overlaps.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest (or oldest) modification time of the files under `dir` whose names pass `keep`. */
function mtimes(dir: string, keep: (name: string) => boolean, pick: (a: number, b: number) => number, start: number): number {
  let out = start;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !keep(e.name)) continue;
    out = pick(out, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return out;
}

function buildIsCurrent(root: string): boolean {
  const bundle = join(root, 'dist/src/bundle');
  let oldestBuilt: number;
  try {
    oldestBuilt = mtimes(bundle, (n) => n.endsWith('.js'), Math.min, Infinity);
  } catch {
    return false;
  }
  if (oldestBuilt === Infinity) return false;
  const ts = (n: string): boolean => n.endsWith('.ts');
  let newestSource = Math.max(...['tsconfig.json', 'package.json', 'scripts/bundle-cli.mjs'].map((f) => statSync(join(root, f)).mtimeMs));
  for (const dir of ['src', 'grammar', 'bench']) newestSource = mtimes(join(root, dir), ts, Math.max, newestSource);
  return newestSource < oldestBuilt;
}

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  if (buildIsCurrent(root)) return;
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { stdio: 'inherit', cwd: root });
}
