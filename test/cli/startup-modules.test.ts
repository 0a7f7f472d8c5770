// Start-up (issue 13): a plain query does not load the libraries only other commands need.
// Each run preloads test/cli/fixtures/list-modules.mjs, which lists every module the process
// loaded (ES modules, CommonJS ones, and ES modules loaded by require).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT, WEIR } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages (node_modules/<name>) a `weir` run loaded, and its standard output. */
function packagesLoaded(args: readonly string[]): { packages: Set<string>; stdout: string } {
  const list = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test', 'cli', 'fixtures', 'list-modules.mjs'), WEIR, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', WEIR_MODULE_LIST: list },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const packages = new Set([...readFileSync(list, 'utf8').matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]!));
  return { packages, stdout: r.stdout };
}

// libraries for checkpoints (msgpackr), progress lines (log-update), SHOW tables (cli-table3)
// and terminal widths of non-ASCII text (string-width)
const NOT_FOR_A_PLAIN_QUERY = ['msgpackr', 'log-update', 'cli-table3', 'string-width'];

describe('start-up', () => {
  it('`weir -c "SELECT 1"` loads the parser but none of the libraries it does not use', () => {
    const { packages, stdout } = packagesLoaded(['-c', 'SELECT 1']);
    expect(stdout).toBe('+I[1]\n');
    expect(packages.has('chevrotain') && packages.has('commander')).toBe(true);
    for (const name of NOT_FOR_A_PLAIN_QUERY) expect(packages.has(name), name).toBe(false);
  });

  it('a statement that needs one loads it (the listing sees CommonJS modules required on first use)', () => {
    const file = join(dir, 'show.sql');
    writeFileSync(file, 'SHOW TABLES;\n');
    const { packages, stdout } = packagesLoaded(['run', file]);
    expect(stdout).toContain('0 rows in set');
    expect(packages.has('cli-table3')).toBe(true);
  });
});
