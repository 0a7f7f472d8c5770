// Builds dist/ once before the tests, as `npm run build` does (tsc, then the CLI's bundle), so
// tests that start the real `weir` command run the code under test, and the bundled start path
// that users run, not a stale build. When the bundle is newer than every file it is built from
// (the sources, the build's configuration and scripts) the build is already current, as right
// after `npm ci` or `npm install` (whose `prepare` builds it): then nothing is rebuilt, which
// saves about 30 s of a suite run that nothing else overlaps.
//
// Every temporary file of the run goes under one directory, removed when the run ends: the
// setup points TMPDIR at it before the test processes start, so `os.tmpdir()` in the tests, the
// `weir` processes they start and the PostgreSQL server all write there. Without it each run
// left its scratch directories (query files, checkpoints, sink output) in the system's temporary
// directory. WEIR_KEEP_TEST_TMP=1 keeps the directory and prints its path, for looking at a
// failed test's files.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

export default function setup(): () => void {
  const root = join(import.meta.dirname, '..');
  if (!buildIsCurrent(root)) {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
    execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { stdio: 'inherit', cwd: root });
  }
  const runTmp = mkdtempSync(join(tmpdir(), 'weir-test-run-'));
  // Open to other users as the system's directory is (each test's own directory inside is
  // still private): the tests' PostgreSQL server runs as the `postgres` user when they run as root.
  chmodSync(runTmp, 0o755);
  process.env['TMPDIR'] = runTmp;
  return () => {
    if (process.env['WEIR_KEEP_TEST_TMP'] === '1') {
      console.log(`test files kept in ${runTmp}`);
      return;
    }
    rmSync(runTmp, { recursive: true, force: true });
  };
}
