// The REPL in a real terminal (tmux): live queries, Ctrl-C, EXPLAIN, errors with their caret,
// completion, history across restarts, background jobs, meta-commands; and piped use.
// Expected rows come from DuckDB over the same generated events, or are worked out by hand.

import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';
import type { TableDef } from '../../src/catalog/catalog.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { collectScript } from '../../src/verify/collect.js';
import { weir } from '../cli/weir.js';
import { Terminal, killServer, tmuxAvailable } from './tmux.js';

const BID_COLUMNS = 'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3), extra STRING';
const WATERMARK = "WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND";
/** A nexmark bid table rate-limited to 20,000 events a second, typed over three lines. */
const CREATE_BID = [`CREATE TABLE bid (${BID_COLUMNS},`, `  ${WATERMARK})`, "WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'rows-per-second' = '20000');"];

let duck: DuckDBConnection;

/** The first `events` nexmark events' bids as DuckDB view `bid` (table `bid__raw` holds them in generation order). */
async function loadBids(events: number): Promise<void> {
  const session = new Session();
  session.executeScript({ name: 'bids.sql', text: `CREATE TABLE bid (${BID_COLUMNS}, ${WATERMARK}) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${events}');` });
  await loadTable(duck, session.catalog.get('bid') as TableDef, 'bid');
}

async function duckRows(sql: string): Promise<unknown[][]> {
  return (await duck.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-repl-'));
const skip = !tmuxAvailable();

describe.skipIf(skip)('the REPL in a terminal', () => {
  const terminals: Terminal[] = [];
  const open = (opts: Parameters<typeof Terminal.start>[0] = {}): Terminal => {
    const t = Terminal.start(opts);
    terminals.push(t);
    return t;
  };

  beforeAll(async () => {
    duck = await (await DuckDBInstance.create(':memory:')).connect();
    await loadBids(250_000);
  });
  afterAll(() => {
    for (const t of terminals) t.kill();
    killServer();
    duck.closeSync();
  });

  it('a live tumbling-window SELECT over a rate-limited nexmark table: rows appear as windows close; Ctrl-C cancels it and the shell goes on', async () => {
    const t = open({ env: { WEIR_HISTORY: join(tmp(), 'history') } });
    await t.waitFor('weir>');
    for (const l of CREATE_BID) t.line(l);
    await t.waitFor('table bid created');
    t.line("SELECT window_start, COUNT(*) AS bids, MAX(price) AS top FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(date_time), INTERVAL '1' SECOND)) GROUP BY window_start, window_end;");
    // the first three one-second windows, as DuckDB computes them from the same events
    const want = await duckRows("SELECT strftime(date_trunc('second', date_time), '%Y-%m-%d %H:%M:%S.000'), count(*), max(price) FROM bid GROUP BY 1 ORDER BY 1 LIMIT 3");
    const rowPattern = (r: unknown[]): RegExp => new RegExp(`${String(r[0])} │ +${String(r[1])} │ +${String(r[2])} │`);
    const screen = await t.waitFor((s) => want.every((r) => rowPattern(r).test(s)), 30_000);
    // the status line: rate, watermark
    expect(screen).toMatch(/rows\/s · [\d,]+ rows read · watermark 2015-07-15 00:00:\d\d\.\d{3}/);
    // still running (an unbounded source): more windows keep coming, newest at the bottom
    const more = await t.waitFor(/2015-07-15 00:00:0[5-9]\.000 │ +9200/, 30_000);
    const starts = [...more.matchAll(/^[ +~] │ (2015-07-15 \d\d:\d\d:\d\d\.000) │ +\d+/gm)].map((m) => m[1]!);
    expect(starts.length).toBeGreaterThan(3);
    expect([...starts].sort()).toEqual(starts);
    t.press('C-c');
    await t.waitFor(/query cancelled after [\d.]+s/);
    await t.waitFor(/weir>$/);
    t.line('SHOW TABLES;');
    await t.waitFor(/│ bid\s+│[\s\S]*1 row in set/);
  }, 90_000);

  it('a SELECT ... LIMIT 5 over an unbounded nexmark table ends by itself once its 5 rows are there', async () => {
    const t = open();
    await t.waitFor('weir>');
    for (const l of CREATE_BID) t.line(l);
    await t.waitFor('table bid created');
    t.line('SELECT auction, price FROM bid LIMIT 5;');
    const screen = await t.waitFor(/query finished in [\d.]+s: 5 changes/, 30_000);
    // the first five bids in generation order (one source subtask)
    const want = await duckRows('SELECT auction, price FROM bid__raw ORDER BY rowid LIMIT 5');
    for (const r of want) expect(screen).toMatch(new RegExp(`${String(r[0])} │ +${String(r[1])} │`));
    await t.waitFor(/weir>\s*$/);
  }, 60_000);

  it('an updating aggregate is shown as a table updated in place, and \\mode changelog shows the retractions', async () => {
    const t = open();
    await t.waitFor('weir>');
    for (const l of CREATE_BID) t.line(l);
    await t.waitFor('table bid created');
    t.line('SELECT auction % 3 AS k, COUNT(*) AS n FROM bid GROUP BY auction % 3;');
    const rowsOf = (s: string): Map<number, number> => {
      const frame = s.slice(s.lastIndexOf('├'));
      return new Map([...frame.matchAll(/^[ +~] │ +([0-2]) │ +(\d+) │$/gm)].map((m) => [Number(m[1]), Number(m[2])]));
    };
    const first = rowsOf(await t.waitFor((s) => rowsOf(s).size === 3 && /3 rows/.test(s)));
    await new Promise((r) => setTimeout(r, 1500));
    const screen = t.screen();
    const second = rowsOf(screen);
    // still one row per key: updated where it stood, not appended
    expect([...second.keys()].sort()).toEqual([0, 1, 2]);
    expect(screen.slice(screen.lastIndexOf('├'))).toMatch(/^3 rows$/m);
    for (const k of [0, 1, 2]) expect(second.get(k)!).toBeGreaterThan(first.get(k)!);
    expect(screen).toMatch(/^~ │ +[0-2] │ +\d+ │$/m);
    t.press('C-c');
    await t.waitFor('query cancelled');
    t.line('\\mode changelog');
    await t.waitFor('result mode: changelog');
    t.line('SELECT auction % 3 AS k, COUNT(*) AS n FROM bid GROUP BY auction % 3;');
    await t.waitFor(/│ -U │ +[0-2] │[\s\S]*│ \+U │ +[0-2] │/);
    t.press('C-c');
    await t.waitFor('query cancelled');
    // in table mode `q` stops the live view too, as in Flink's client
    t.line('\\mode table');
    await t.waitFor('result mode: table');
    t.line('SELECT auction % 3 AS k, COUNT(*) AS n FROM bid GROUP BY auction % 3;');
    // the live table has the (alternate) screen to itself
    await t.waitFor(() => t.visible().some((l) => /q or Ctrl-C to stop/.test(l)));
    t.press('q');
    const after = await t.waitFor((s) => (s.slice(s.lastIndexOf('result mode: table')).match(/query cancelled/g) ?? []).length === 1);
    // the shell is back at its prompt and the `q` was not typed into it
    expect(after.slice(after.lastIndexOf('query cancelled'))).toMatch(/weir> *$/m);
    expect(after.slice(after.lastIndexOf('query cancelled'))).not.toMatch(/weir> q/);
  }, 90_000);

  it('EXPLAIN prints the plans; a syntax error shows its caret under the statement and the session stays alive', async () => {
    const t = open();
    await t.waitFor('weir>');
    t.line(`CREATE TABLE bid (${BID_COLUMNS}, ${WATERMARK}) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid');`);
    await t.waitFor('table bid created');
    t.line('EXPLAIN SELECT price FROM bid WHERE price > 10;');
    const s = await t.waitFor('== Physical Plan ==');
    expect(s).toContain('== Logical Plan ==');
    expect(s).toMatch(/Source\(table=bid, connector=nexmark, read=\[price, date_time\]/);
    t.line('SELECT price');
    t.line('FRM bid;');
    const e = await t.waitFor('hint:');
    expect(e).toMatch(/-->\s+repl:2:1/);
    expect(e).toMatch(/2 \| FRM bid;\n\s+\| \^\^\^/);
    t.line("SELECT UPPER('still here') AS s;");
    await t.waitFor(/STILL HERE/);
  }, 60_000);

  it('Tab completes a column name; history is recalled after a restart; Ctrl-D exits with 0', async () => {
    const history = join(tmp(), 'history');
    const a = open({ env: { WEIR_HISTORY: history } });
    await a.waitFor('weir>');
    for (const l of CREATE_BID) a.line(l);
    await a.waitFor('table bid created');
    a.type('SELECT bidd');
    a.press('Tab');
    await a.waitFor(/weir> SELECT bidder$/);
    a.press('C-u');
    a.line("SELECT 'first' AS x;");
    await a.waitFor('query finished');
    a.press('C-d');
    await a.waitFor('[exited 0]');
    const oneLine = CREATE_BID.map((l) => l.trim()).join(' ');
    expect(readFileSync(history, 'utf8')).toContain(`${oneLine}\n`);

    const b = open({ env: { WEIR_HISTORY: history } });
    await b.waitFor('weir>');
    b.press('Up');
    await b.waitFor(/weir> SELECT 'first' AS x;$/);
    b.press('Up');
    // the statement typed over three lines comes back as one
    await b.waitFor(`weir> ${oneLine}`);
    b.press('C-u');
    b.line('\\q');
    await b.waitFor('[exited 0]');
  }, 60_000);

  it('INSERT INTO runs as a background job: SHOW JOBS lists it, STOP JOB takes a savepoint, and the same INSERT resumes from it without loss or duplicates', async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const t = open({ cwd: dir });
    await t.waitFor('weir>');
    for (const l of CREATE_BID) t.line(l);
    t.line(`CREATE TABLE counts (k BIGINT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'debezium-json');`);
    await t.waitFor('table counts created');
    const insert = 'INSERT INTO counts SELECT auction % 3, COUNT(*) FROM bid GROUP BY auction % 3;';
    t.line(insert);
    const started = await t.waitFor(/job ([0-9a-f]{8}) started/);
    const id = /job ([0-9a-f]{8}) started/.exec(started)![1]!;
    await new Promise((r) => setTimeout(r, 1500));
    t.line('SHOW JOBS;');
    await t.waitFor(new RegExp(`│ ${id} │ RUNNING`));
    t.line(`STOP JOB '${id}';`);
    const stopped = await t.waitFor(/stopped with a savepoint at (\S+);/);
    const savepoint = /stopped with a savepoint at (\S+);/.exec(stopped)![1]!;
    expect(existsSync(join(dir, savepoint, '_metadata'))).toBe(true);
    t.line('SHOW JOBS;');
    await t.waitFor(new RegExp(`│ ${id} │ STOPPED`));
    t.line(`SET 'execution.savepoint.path' = '${savepoint}';`);
    t.line(insert);
    await t.waitFor(`restoring from ${join(dir, savepoint)}`);
    const second = /job ([0-9a-f]{8}) started/g;
    await t.waitFor((s) => [...s.matchAll(second)].length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    // leaving stops it with a savepoint too, which commits its output
    t.line('\\q');
    await t.waitFor('[exited 0]');
    // the committed changelog, folded: counts over the first T bids, T their sum
    const folded = await collectScript({ name: 'r.sql', text: `CREATE TABLE c (k BIGINT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'debezium-json'); SELECT k, n FROM c;` });
    const got = folded.queries[0]!.rows.map((r) => [Number(r[0]), Number(r[1])]).sort((x, y) => x[0]! - y[0]!);
    expect(folded.queries[0]!.unmatchedRetractions).toEqual([]);
    const total = got.reduce((a, r) => a + r[1]!, 0);
    expect(total).toBeGreaterThan(20_000);
    expect(total).toBeLessThan(230_000);
    const want = await duckRows(`SELECT auction % 3, count(*) FROM (SELECT auction FROM bid__raw ORDER BY rowid LIMIT ${total}) GROUP BY 1 ORDER BY 1`);
    expect(got).toEqual(want.map((r) => [Number(r[0]), Number(r[1])]));
  }, 90_000);

  it('\\i runs a file, \\timing times statements, \\verify checks the last query against DuckDB, \\help lists the commands', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 't.csv'), '1,10,2024-03-01 12:00:00\n2,20,2024-03-01 12:00:03\n1,5,2024-03-01 12:00:11\n');
    writeFileSync(join(dir, 'setup.sql'), `CREATE TABLE t (k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n  WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');\n`);
    const t = open({ cwd: dir });
    await t.waitFor('weir>');
    t.line('\\help');
    await t.waitFor('\\verify');
    t.line('\\i setup.sql');
    await t.waitFor('table t created');
    t.line('\\timing on');
    await t.waitFor('timing is on');
    t.line("SELECT window_start, SUM(v) AS total FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;");
    // worked out by hand: [12:00:00, 12:00:10) holds 10 + 20, [12:00:10, 12:00:20) holds 5
    const s = await t.waitFor('query finished');
    expect(s).toMatch(/2024-03-01 12:00:00\.000 │ +30 │/);
    expect(s).toMatch(/2024-03-01 12:00:10\.000 │ +5 │/);
    await t.waitFor(/Time: [\d.]+ ms/);
    t.line('\\verify');
    await t.waitFor(/(OK|✓)\s+SELECT window_start, SUM\(v\) AS total FROM TABLE\(TUMBLE\(TABLE …: 2 rows, stream and DuckDB agree/);
    t.line('\\nope');
    await t.waitFor('unknown command \\nope');
  }, 60_000);
});

describe('the REPL with piped input', () => {
  it('prints plain rows and exits 0', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 't.csv'), '1,a,2024-03-01 12:00:00\n2,b,2024-03-01 12:00:01\n1,c,2024-03-01 12:00:12\n');
    const input = `CREATE TABLE t (k BIGINT, g STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');
SELECT window_start, COUNT(*) AS n, MAX(g) AS g
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
SELECT k, COUNT(*) AS n FROM t GROUP BY k
`;
    const r = await weir([], { input });
    expect(r.code, r.stderr).toBe(0);
    // by hand: window 12:00:00 has a and b, window 12:00:10 has c; k=1 twice, k=2 once
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['+I[2024-03-01 12:00:00.000, 2, b]', '+I[2024-03-01 12:00:10.000, 1, c]']);
    const folded = new Map<string, number>();
    for (const l of lines.slice(2)) {
      const m = /^([+-][IUD])\[(.*)\]$/.exec(l)!;
      folded.set(m[2]!, (folded.get(m[2]!) ?? 0) + (m[1] === '+I' || m[1] === '+U' ? 1 : -1));
    }
    expect([...folded].filter(([, n]) => n > 0).map(([row]) => row).sort()).toEqual(['1, 2', '2, 1']);
  });

  it('stops at an error with its position and exits 1', async () => {
    const r = await weir([], { input: "SELECT 1 AS one;\nSELEC 2;\nSELECT 3;\n" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('+I[1]\n');
    expect(r.stderr).toContain("unexpected 'SELEC'");
    expect(r.stderr).toContain('--> stdin:2:1');
  });
});
