// The shell's display and editing in a real terminal (tmux): finished results printed whole,
// wide characters aligned, the live table on a resized screen, a status line never behind
// its table, deleted rows gone at once, print-sink rows above the prompt, \mode csv|markdown,
// \o, \x, one NULL spelling, Ctrl-R, and completion. Expected values are worked out by hand
// from the small inputs written here.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weir } from '../cli/weir.js';
import { Terminal, killServer, tmuxAvailable } from './tmux.js';

const BID_COLUMNS = 'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, date_time TIMESTAMP(3), extra STRING';
const bidTable = (name: string, options: string): string =>
  `CREATE TABLE ${name} (${BID_COLUMNS}, WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', ${options});`;

const tmp = (): string => mkdtempSync(join(tmpdir(), 'weir-shell-'));
/** Columns a captured line takes: CJK ideographs take two. */
const columns = (line: string): number => line.length + (line.match(/[\u4e00-\u9fff]/g) ?? []).length;
const count = (s: string, re: RegExp): number => (s.match(new RegExp(re.source, `${re.flags.replace('g', '')}g`)) ?? []).length;

describe.skipIf(!tmuxAvailable())('the shell display in a terminal', () => {
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

  it('a finished result taller than the screen is printed whole, wide characters keep columns aligned; \\mode csv|markdown, \\o, \\x, NULL and "1 change"', async () => {
    const dir = tmp();
    // 120 rows: every tenth name in CJK, every seventh note NULL
    const rows = Array.from({ length: 120 }, (_, k) => {
      const i = k + 1;
      return `${i},${i % 10 === 0 ? `東京${i}` : `n${i}`},${i % 7 === 0 ? '' : 'x'}`;
    });
    writeFileSync(join(dir, 't.csv'), `${rows.join('\n')}\n`);
    const t = open({ cwd: dir, width: 100, height: 30 });
    await t.waitFor('weir>');
    t.line(`CREATE TABLE t (id BIGINT, name STRING, note STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');`);
    await t.waitFor('table t created');
    t.line('SELECT id, name, note FROM t;');
    const s = await t.waitFor(/query finished in [\d.]+s: 120 changes, 120 rows read/, 30_000);
    // every row is in the scrollback, not only the last screenful
    for (let i = 1; i <= 120; i++) {
      const name = i % 10 === 0 ? `東京${i}` : `n${i}`;
      const note = i % 7 === 0 ? 'NULL' : 'x';
      expect.soft(s).toMatch(new RegExp(`^│ +${i} │ ${name} +│ ${note} +│$`, 'm'));
    }
    expect.soft(s).toMatch(/^120 rows$/m);
    expect.soft(s).not.toContain('not shown');
    // a CJK name takes two columns per character: its line is as wide as the others
    const cjk = s.split('\n').find((l) => l.startsWith('│  ') && l.includes('東京10 ')) ?? '';
    const ascii = s.split('\n').find((l) => /^│ +11 │/.test(l)) ?? 'none';
    expect.soft(columns(cjk)).toBe(columns(ascii));

    // a query that fails shows its error, not an empty table
    t.line(`CREATE TABLE gone (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'gone.csv')}', 'format' = 'csv');`);
    await t.waitFor('table gone created');
    t.line('SELECT id FROM gone;');
    await t.waitFor(/error: table gone: path .* does not exist/);
    expect.soft(t.after('SELECT id FROM gone;')).not.toMatch(/rows?$/m);

    t.line('SELECT name FROM t WHERE id = 3;');
    await t.waitFor(/query finished in [\d.]+s: 1 change, 120 rows read/);
    expect.soft(t.after('WHERE id = 3;')).toMatch(/^1 row$/m);

    // one NULL spelling in the scrolling modes too
    t.line('\\mode changelog');
    await t.waitFor('result mode: changelog');
    t.line('SELECT id, note FROM t WHERE id = 14;');
    await t.waitFor((x) => /query finished/.test(x.slice(x.lastIndexOf('WHERE id = 14'))));
    const changelog = t.after('WHERE id = 14;');
    expect.soft(changelog).toMatch(/│ \+I │ +14 │ NULL +│/);
    expect.soft(t.screen()).not.toMatch(/<NULL>|\bnull\b/);

    // \o FILE takes the results, in the format of \mode
    t.line('\\mode csv');
    await t.waitFor('result mode: csv');
    t.line(`\\o ${join(dir, 'out.txt')}`);
    await t.waitFor('results go to');
    t.line('SELECT id, name, note FROM t WHERE id = 7 OR id = 10;');
    await t.waitFor((x) => /result written to/.test(x.slice(x.lastIndexOf('id = 7 OR'))));
    t.line('\\mode markdown');
    await t.waitFor('result mode: markdown');
    t.line('SELECT id, name, note FROM t WHERE id = 7 OR id = 10;');
    await t.waitFor((x) => count(x, /result written to/) === 2);
    t.line('\\o');
    await t.waitFor('results go to the screen');
    expect.soft(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(
      'id,name,note\n7,n7,\n10,東京10,x\n' + '| id | name   | note |\n|---:|--------|------|\n|  7 | n7     | NULL |\n| 10 | 東京10 | x    |\n',
    );
    // \x: a record per row
    t.line('\\mode table');
    await t.waitFor('result mode: table');
    t.line('\\x on');
    await t.waitFor('expanded display is on');
    t.line('SELECT id, name FROM t WHERE id = 20;');
    await t.waitFor((x) => /query finished/.test(x.slice(x.lastIndexOf('WHERE id = 20'))));
    expect.soft(t.after('WHERE id = 20;')).toMatch(/-\[ RECORD 1 \]-+\nid +│ 20\nname │ 東京20\n1 row\n/);
  }, 120_000);

  it('the live table: a status line never behind the rows, rows whole after a resize to 60 columns, deleted rows gone at once', async () => {
    const t = open({ width: 120, height: 30 });
    await t.waitFor('weir>');
    t.line(bidTable('bid', "'rows-per-second' = '20000'"));
    await t.waitFor('table bid created');
    // keep the final table small: only the newest 200 rows are kept
    t.line("SET 'sql-client.execution.max-table-result.rows' = '200';");
    await t.waitFor(/✓.*max-table-result/);
    t.line('SELECT auction, bidder, price, channel, date_time FROM bid;');
    // rows read (sampled when the frame is drawn) are never fewer than the rows received
    for (let k = 0; k < 6; k++) {
      let frame = '';
      await t.waitFor(() => /rows read/.test((frame = t.visible().join('\n'))) && /^[\d,]+ rows/m.test(frame));
      const shown = Number(/^([\d,]+) rows/m.exec(frame)![1]!.replace(/,/g, ''));
      const dropped = Number(/([\d,]+) oldest dropped/.exec(frame)?.[1]?.replace(/,/g, '') ?? '0');
      const read = Number(/([\d,]+) rows read/.exec(frame)![1]!.replace(/,/g, ''));
      expect.soft(read).toBeGreaterThanOrEqual(shown + dropped);
      await new Promise((r) => setTimeout(r, 150));
    }
    // the rows above the screen are reachable with keys: Home goes to the first row kept
    t.press('Home');
    await t.waitFor(() => t.visible().some((l) => /^200 rows, rows 1-24 shown/.test(l)));
    t.press('End');
    await t.waitFor(() => t.visible().some((l) => /^200 rows, rows 177-200 shown/.test(l)));
    t.resize(60, 30);
    // the frame is drawn again for 60 columns: no fragments of the old one, no value cut,
    // the columns that do not fit are named, the status still says how to stop
    const frameLine = /^(  [┌├└][─┬┼┴┐┤┘]+|  │( [a-z_ ]+│)+|[ +~] │( +\d+ │){3}( [^│]+│)?|[\d,]+ rows.*|.*q or Ctrl-C to stop)$/;
    const narrow = (lines: string[]): boolean =>
      lines.every((l) => frameLine.test(l)) && lines.some((l) => /columns 1-[34] of 5/.test(l)) && lines[lines.length - 1]!.endsWith('q or Ctrl-C to stop');
    let screen: string[] = [];
    await t.waitFor(() => narrow((screen = t.visible())));
    expect.soft(screen.join('\n')).not.toContain('…');
    // → shows the next columns: the timestamps, whole
    t.press('Right', 'Right', 'Right');
    await t.waitFor(() => t.visible().some((l) => /columns 4-5 of 5/.test(l)));
    await t.waitFor(() => t.visible().filter((l) => /^[ +~] │ .+ │ 2015-07-15 \d\d:\d\d:\d\d\.\d{3} │$/.test(l)).length > 10);
    t.press('q');
    await t.waitFor('query cancelled');
    t.resize(120, 30);

    // an updating result with deletes: how many of five groups have n bids; a count that no
    // group has any more is deleted, and its row goes at once (the counts shown add up to at
    // most the five groups)
    t.line('SELECT n, COUNT(*) AS c FROM (SELECT auction % 5 AS g, COUNT(*) AS n FROM bid GROUP BY auction % 5) GROUP BY n;');
    for (let k = 0; k < 8; k++) {
      let lines: string[] = [];
      await t.waitFor(() => {
        lines = t.visible();
        const x = lines.join('\n');
        return /q or Ctrl-C to stop/.test(x) && /^[\d,]+ rows?/m.test(x) && /│ +n │/.test(x);
      });
      const body = lines.filter((l) => /^[ +~] │ +\d+ │ +\d+ │$/.test(l));
      const note = lines.find((l) => /^[\d,]+ rows?/.test(l))!;
      const total = Number(/^([\d,]+)/.exec(note)![1]!.replace(/,/g, ''));
      const range = /rows (\d+)-(\d+) shown/.exec(note);
      expect.soft(body.length).toBe(range === null ? total : Number(range[2]) - Number(range[1]) + 1);
      // one row per count
      const ns = body.map((l) => /│ +(\d+) │/.exec(l)![1]!);
      expect.soft(new Set(ns).size).toBe(ns.length);
      expect.soft(body.map((l) => Number(/(\d+) │$/.exec(l)![1])).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
      await new Promise((r) => setTimeout(r, 200));
    }
    t.press('q');
    // the second query's own end (the first one's line may be redrawn over when the terminal
    // reflows its wrapped lines on the resize to 120 columns)
    await t.waitFor((x) => /query cancelled/.test(x.slice(x.lastIndexOf('GROUP BY n;'))));
  }, 120_000);

  it("print-sink rows land above the prompt and the line being typed; Ctrl-R finds a statement; completion after FROM, and never a function weir refuses", async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'o.csv'), '1\n');
    const t = open({ cwd: dir, width: 100, height: 30 });
    await t.waitFor('weir>');
    t.line(bidTable('bid', "'rows-per-second' = '15', 'events.num' = '50'"));
    await t.waitFor('table bid created');
    t.line("CREATE TABLE p (auction BIGINT, price BIGINT) WITH ('connector' = 'print');");
    await t.waitFor('table p created');
    t.line("CREATE TABLE orders (id BIGINT) WITH ('connector' = 'filesystem', 'path' = 'o.csv', 'format' = 'csv');");
    await t.waitFor('table orders created');
    t.line('INSERT INTO p SELECT auction, price FROM bid;');
    await t.waitFor(/job [0-9a-f]{8} started/);
    t.type("SELECT 'typed'");
    const done = await t.waitFor(/job [0-9a-f]{8} finished: [\d,]+ rows read, ([\d,]+) rows written/, 30_000);
    const written = Number(/([\d,]+) rows written/.exec(done)![1]);
    expect.soft(written).toBeGreaterThan(5);
    // every printed row on a line of its own, none on the prompt line
    expect.soft(count(done, /^\+I\[\d+, \d+\]$/gm)).toBe(written);
    expect.soft(done).not.toMatch(/weir> .*\+I\[/);
    await t.waitFor(/weir> SELECT 'typed'$/);
    t.press('C-u');

    t.type('SELECT * FROM o');
    t.press('Tab');
    await t.waitFor(/weir> SELECT \* FROM orders$/);
    t.press('C-u');
    // CURRENT_TIMESTAMP is the one completion of current_times (CURRENT_TIME is a shorter one)
    t.type('SELECT current_times');
    t.press('Tab', 'Tab');
    t.type('X');
    await t.waitFor(/weir> SELECT current_timestampX$/);
    t.press('C-u');

    t.line("SELECT 'alpha' AS x;");
    await t.waitFor('query finished');
    t.line("SELECT 'beta' AS y;");
    await t.waitFor((x) => count(x, /query finished/g) === 2);
    t.press('C-r');
    t.type('alp');
    await t.waitFor(/\(reverse-i-search\)'alp': SELECT 'alpha' AS x;$/);
    t.press('Enter');
    await t.waitFor((x) => count(x, /│ alpha │/g) === 2);
  }, 120_000);
});

describe('the shell with piped input', () => {
  it('prints NULL as the shell spells it, and finished results in the format of \\mode', async () => {
    const input = [
      "SELECT 'a' AS s, CAST(NULL AS BIGINT) AS n;",
      '\\mode csv',
      "SELECT 'a,b' AS s, CAST(NULL AS BIGINT) AS n, 1.5 AS d;",
      '\\mode json',
      "SELECT 'q\"' AS s, CAST(NULL AS BIGINT) AS n, 7 AS k;",
      '',
    ].join('\n');
    const r = await weir([], { input });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('+I[a, NULL]\ns,n,d\n"a,b",,1.5\n[{"s":"q\\"","n":null,"k":7}]\n');
  });
});
