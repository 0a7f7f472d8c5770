// Start-up (issue 13): a plain query does not load the libraries, operators and connectors only
// other statements need. Each run preloads test/cli/fixtures/list-modules.mjs, which lists every
// module the process loaded (ES modules, CommonJS ones, and ES modules loaded by require). The
// runs that check weir's own modules set WEIR_UNBUNDLED=1, so the listing names dist/ files
// rather than chunks of the bundle (scripts/bundle-cli.mjs), which is built only where the
// bundler is installed.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT, WEIR } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The packages (node_modules/<name>) a `weir` run loaded, its files under dist/src/ (relative,
 * without .js), and its standard output.
 */
function packagesLoaded(args: readonly string[], env: Record<string, string> = {}): { packages: Set<string>; files: Set<string>; stdout: string } {
  const list = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test', 'cli', 'fixtures', 'list-modules.mjs'), WEIR, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', WEIR_MODULE_LIST: list, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const text = readFileSync(list, 'utf8');
  const packages = new Set([...text.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]!));
  const files = new Set([...text.matchAll(/\/dist\/src\/([^\s]+)\.js$/gm)].map((m) => m[1]!));
  return { packages, files, stdout: r.stdout };
}

const UNBUNDLED = { WEIR_UNBUNDLED: '1' };

/** Loaded files under a directory of dist/src/ (e.g. 'connectors/'), relative to it. */
function under(files: Set<string>, prefix: string): string[] {
  return [...files].filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length)).sort();
}

// libraries for checkpoints (msgpackr), progress lines (log-update), SHOW tables (cli-table3)
// and terminal widths of non-ASCII text (string-width)
const NOT_FOR_A_PLAIN_QUERY = ['msgpackr', 'log-update', 'cli-table3', 'string-width'];

describe('start-up', () => {
  it('`weir -c "SELECT 1"` loads the parser but none of the libraries it does not use', () => {
    const { packages, files, stdout } = packagesLoaded(['-c', 'SELECT 1'], UNBUNDLED);
    expect(stdout).toBe('+I[1]\n');
    expect(packages.has('chevrotain') && packages.has('commander')).toBe(true);
    for (const name of NOT_FOR_A_PLAIN_QUERY) expect(packages.has(name), name).toBe(false);
    // no connector implementation (print and blackhole are a few lines each), only the two
    // operators the plan has, nothing of verify
    expect(files.has('cli/main')).toBe(true);
    // metadata: the METADATA keys each connector provides (a table of names, no connector code)
    expect(under(files, 'connectors/')).toEqual(['blackhole/sink', 'metadata', 'print/sink', 'registry', 'table-errors']);
    expect(under(files, 'exec/operators/')).toEqual(['calc', 'collect']);
    expect(under(files, 'verify/')).toEqual([]);
  });

  it('each connector still resolves by name, and a query loads the operators its plan has', () => {
    const file = join(dir, 'connectors.sql');
    writeFileSync(
      file,
      [
        "CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'csv', 'csv.ignore-first-line' = 'true');",
        "CREATE TABLE n (auction BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '10');",
        "CREATE TABLE c (a INT, PRIMARY KEY (a) NOT ENFORCED) WITH ('connector' = 'postgres-cdc', 'hostname' = 'h', 'username' = 'u', 'database-name' = 'd', 'schema-name' = 'public', 'table-name' = 't', 'slot.name' = 's');",
        "CREATE TABLE j (a INT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://h:5432/d', 'table-name' = 't');",
        "CREATE TABLE p (a BIGINT) WITH ('connector' = 'print');",
        "CREATE TABLE b (a BIGINT) WITH ('connector' = 'blackhole');",
        "CREATE TABLE g (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '7', 'fields.a.min' = '1', 'fields.a.max' = '3');",
        'SELECT COUNT(*) AS n FROM g;',
        '',
      ].join('\n'),
    );
    const { files, stdout } = packagesLoaded(['run', '-q', file], UNBUNDLED);
    expect(stdout).toContain('+I[7]');
    // the option lists and checks live with each implementation: CREATE TABLE loaded them
    for (const m of ['filesystem/filesystem', 'nexmark/source', 'datagen/source', 'postgres/cdc', 'postgres/jdbc', 'postgres/jdbc-sink']) expect(files.has(`connectors/${m}`), m).toBe(true);
    const operators = under(files, 'exec/operators/');
    expect(operators).toContain('group-aggregate');
    for (const op of ['window-aggregate', 'regular-join', 'interval-join', 'rank', 'over-aggregate']) expect(operators, op).not.toContain(op);
  });

  it('without loading first, the built modules are required on first use; the path tables match the imports', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'test', 'cli', 'fixtures', 'lazy-modules.mjs'), ROOT], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ before: [false, false], rows: 3, after: [true, true], mismatched: [] });
  });

  it('a statement that needs one loads it (the listing sees CommonJS modules required on first use)', () => {
    const file = join(dir, 'show.sql');
    writeFileSync(file, 'SHOW TABLES;\n');
    const { packages, files, stdout } = packagesLoaded(['run', file]);
    expect(stdout).toContain('0 rows in set');
    expect(packages.has('cli-table3')).toBe(true);
    // bin/weir.js runs the bundle exactly when there is one at least as new as the compiled CLI:
    // its code-cached copy (bundle/sys/, read by bin/bundle-loader.js, not loaded as a module)
    // when that is fresh too, else the ES-module bundle
    const mtime = (f: string): number => statSync(join(ROOT, 'dist', 'src', f), { throwIfNoEntry: false })?.mtimeMs ?? -1;
    const bundled = mtime('bundle/main.js') >= mtime('cli/main.js');
    const sys = bundled && mtime('bundle/sys/manifest.json') >= mtime('cli/main.js');
    expect(files.has('bundle/main'), 'bundle/main').toBe(bundled && !sys);
    expect(files.has('cli/main'), 'cli/main').toBe(!bundled);
  });
});
