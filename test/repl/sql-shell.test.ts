// Statements a Flink SQL client user types, in the real shell (tmux): \verify names the
// statement it checked, not a line of a script the user never saw (issue 11 item 23);
// DESCRIBE of a view keeps the *ROWTIME* marker of its time attribute (23); SHOW CREATE TABLE
// and SHOW CREATE VIEW print Flink's form (24); EXPLAIN CHANGELOG_MODE works in the shell (24);
// SET checks its key when typed (20).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Terminal, killServer, tmuxAvailable } from './tmux.js';

describe.skipIf(!tmuxAvailable())('SQL statements in the shell', () => {
  const terminals: Terminal[] = [];
  afterAll(() => {
    for (const t of terminals) t.kill();
    killServer();
  });

  it('\\verify names the statement; DESCRIBE view keeps *ROWTIME*; SHOW CREATE TABLE/VIEW; EXPLAIN CHANGELOG_MODE; SET typo', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-shell-sql-'));
    writeFileSync(join(dir, 't.csv'), '1,10,2024-03-01 12:00:00\n2,20,2024-03-01 12:00:03\n1,5,2024-03-01 12:00:11\n');
    const t = Terminal.start({ cwd: dir, width: 200 });
    terminals.push(t);
    await t.waitFor('weir>');
    t.line(`CREATE TABLE t (k BIGINT NOT NULL, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');`);
    await t.waitFor('table t created');
    t.line('CREATE VIEW big AS SELECT k, v, ts FROM t WHERE v > 1;');
    await t.waitFor('view big created');

    t.line('DESCRIBE big;');
    expect(await t.waitFor(/│ ts\s+│ TIMESTAMP\(3\) \*ROWTIME\*/)).toMatch(/│ k\s+│ BIGINT\s+│/);

    t.line('SHOW CREATE TABLE t;');
    const table = await t.waitFor("'format' = 'csv'\n)");
    expect(table).toContain(
      [
        'CREATE TABLE `default_catalog`.`default_database`.`t` (',
        '  `k` BIGINT NOT NULL,',
        '  `v` BIGINT,',
        '  `ts` TIMESTAMP(3),',
        "  WATERMARK FOR `ts` AS ts - INTERVAL '1' SECOND",
        ')',
        'WITH (',
        "  'connector' = 'filesystem',",
        `  'path' = '${join(dir, 't.csv')}',`,
        "  'format' = 'csv'",
        ')',
      ].join('\n'),
    );
    t.line('SHOW CREATE VIEW big;');
    await t.waitFor('AS SELECT k, v, ts FROM t WHERE v > 1');
    expect(t.screen()).toContain(['CREATE VIEW `default_catalog`.`default_database`.`big` (', '  `k`,', '  `v`,', '  `ts`', ')', 'AS SELECT k, v, ts FROM t WHERE v > 1'].join('\n'));

    t.line('EXPLAIN CHANGELOG_MODE SELECT k, SUM(v) AS s FROM big GROUP BY k;');
    await t.waitFor(/changelogMode=\[I,UB,UA\]/);

    t.line("SET 'paralelism.default' = '2';");
    await t.waitFor("did you mean 'parallelism.default'?");

    t.line("SELECT window_start, SUM(v) AS total FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;");
    await t.waitFor('query finished');
    t.line('\\verify');
    const s = await t.waitFor(/stream and DuckDB agree/);
    // the statement, on one line, cut after 60 characters; never "line 3" of a hidden script
    expect(s).toMatch(/(OK|✓)\s+SELECT window_start, SUM\(v\) AS total FROM TABLE\(TUMBLE\(TABLE …: 2 rows, stream and DuckDB agree/);
    expect(t.after('\\verify')).not.toMatch(/line \d+ SELECT/);
  }, 90_000);
});
