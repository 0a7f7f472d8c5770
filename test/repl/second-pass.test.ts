// The shell in a real terminal (tmux), second pass (issue 11): records skipped by
// ignore-parse-errors are reported, STOP JOB takes an unquoted id, and start-up files
// (`weir -i FILE`, ~/.weirrc) run before the prompt.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Terminal, killServer, tmuxAvailable } from './tmux.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-repl2-'));

describe.skipIf(!tmuxAvailable())('the shell, second pass', () => {
  const terminals: Terminal[] = [];
  const open = (opts: Parameters<typeof Terminal.start>[0] = {}): Terminal => {
    const t = Terminal.start(opts);
    terminals.push(t);
    return t;
  };
  afterAll(() => {
    for (const t of terminals) t.kill();
    killServer();
  });

  it("says how many records 'json.ignore-parse-errors' skipped, as weir run does", async () => {
    const dir = tmp();
    // 2 good records, 4 that are not JSON objects of the table
    writeFileSync(join(dir, 'in.json'), '{"id": 1, "name": "a"}\nnot json\n{"id": 2, "name": "b"}\n{"id": "x"\n{broken\n[1,2\n');
    const t = open({ cwd: dir });
    await t.waitFor('weir>');
    t.line(`CREATE TABLE t (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.json')}', 'format' = 'json', 'json.ignore-parse-errors' = 'true');`);
    await t.waitFor('table t created');
    t.line('SELECT * FROM t;');
    const s = await t.waitFor(/query finished in [\d.]+s: 2 changes, 2 rows read/, 30_000);
    await t.waitFor('4 unparseable records skipped (ignore-parse-errors)');
    expect(s).toMatch(/│?\s*1\s+│?\s*a\b/);
  }, 60_000);

  it('STOP JOB takes the job id unquoted, as SHOW JOBS prints it', async () => {
    const dir = tmp();
    const t = open({ cwd: dir });
    await t.waitFor('weir>');
    t.line("CREATE TABLE bid (auction BIGINT, price BIGINT, date_time TIMESTAMP(3)) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'rows-per-second' = '1000');");
    t.line("CREATE TABLE sink (auction BIGINT, price BIGINT) WITH ('connector' = 'blackhole');");
    await t.waitFor('table sink created');
    t.line('INSERT INTO sink SELECT auction, price FROM bid;');
    const started = await t.waitFor(/job ([0-9a-f]{8}) started/);
    const id = /job ([0-9a-f]{8}) started/.exec(started)![1]!;
    t.line(`STOP JOB ${id};`);
    const s = await t.waitFor(new RegExp(`job ${id} stopped`), 30_000);
    expect(s).not.toContain('unexpected');
  }, 60_000);

  it('a pasted script runs every statement in it, in order (keys after the first Enter are kept, not lost)', async () => {
    const t = open({ cwd: tmp() });
    await t.waitFor('weir>');
    t.paste(
      [
        "CREATE TABLE a (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');",
        "CREATE TABLE b (y INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2');",
        'SHOW TABLES;',
        'SELECT COUNT(*) AS n FROM a;',
        'SELECT 6 * 7 AS answer;',
        '',
      ].join('\n'),
    );
    const s = await t.waitFor(/│\s+42 │/, 30_000);
    const at = (re: RegExp): number => s.search(re);
    expect(at(/table a created/)).toBeGreaterThanOrEqual(0);
    expect(at(/table b created/)).toBeGreaterThan(at(/table a created/));
    expect(at(/│ b\s+│/)).toBeGreaterThan(at(/table b created/));
    // COUNT(*) over the 3 generated rows, before the last statement's result
    expect(at(/│ 3 │/)).toBeGreaterThan(at(/│ b\s+│/));
    expect(at(/│\s+42 │/)).toBeGreaterThan(at(/│ 3 │/));
  }, 60_000);

  it('weir -i FILE runs the file, then the prompt; ~/.weirrc runs at start (HOME decides where ~ is)', async () => {
    const home = tmp();
    writeFileSync(join(home, '.weirrc'), "CREATE TABLE from_rc (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2');\n");
    const rc = open({ env: { HOME: home, WEIR_HISTORY: join(home, 'history') } });
    await rc.waitFor('table from_rc created');
    await rc.waitFor(/weir> *$/);
    rc.line('SHOW TABLES;');
    await rc.waitFor(/│ from_rc\s+│/);
    const init = join(home, 'init.sql');
    writeFileSync(init, "CREATE TABLE from_init (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5');\nSET 'parallelism.default' = '2';\n");
    const t = open({ env: { HOME: home, WEIR_HISTORY: join(home, 'history') }, args: ['-i', init] });
    await t.waitFor(/weir> *$/);
    t.line('SHOW TABLES;');
    const s = await t.waitFor(/│ from_init\s+│/);
    // -i runs instead of ~/.weirrc
    expect(s).not.toContain('from_rc');
    t.line('\\q');
    await t.waitFor('[exited 0]');
  }, 60_000);
});
