// Rows/s into the jdbc sink (issue 15) beside PostgreSQL's own INSERT ... SELECT of the same
// rows, on a throwaway server (test/support/postgres.ts). Run: `npx tsc -p tsconfig.json &&
// node dist/bench/jdbc-sink.js [rows]` (default 300,000).
//
// 1. append: datagen rows (k INT, v BIGINT, s STRING, ts TIMESTAMP(3)) -> a jdbc table without
//    a key, at-least-once and exactly-once, with Flink's default flush size (100 rows) and 5,000.
// 2. upsert: the same rows' updating GROUP BY k (COUNT, SUM) -> a jdbc table keyed by k; the
//    changelog rows the sink receives are counted from weir's summary.
// PostgreSQL's side: INSERT INTO copy SELECT * FROM <the appended table> (same rows, same
// types), and INSERT ... SELECT k, count(*), sum(v) ... GROUP BY k for the aggregate.
// weir's time is its own "finished in" (job start to committed end, process start excluded).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../test/support/postgres.js';

const ROWS = Number(process.argv[2] ?? 300_000);
const WEIR = join(import.meta.dirname, '..', '..', 'bin', 'weir.js'); // from dist/bench

async function main(): Promise<void> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-jdbc-'));
  try {
    const ddl = (name: string, extra: string, pk = ''): string =>
      `CREATE TABLE ${name} (k INT, v BIGINT, s STRING, ts TIMESTAMP(3)${pk}) WITH ('connector' = 'jdbc', 'url' = '${pg.jdbcUrl}', 'table-name' = '${name}', 'username' = '${pg.user}', 'password' = '${pg.password}'${extra});`;
    const gen = `CREATE TABLE g (k INT, v BIGINT, s STRING, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}', 'fields.k.min' = '0', 'fields.k.max' = '9999', 'fields.s.length' = '12');`;
    const timed = (sql: string): { seconds: number } => {
      writeFileSync(join(dir, 'job.sql'), sql);
      const r = spawnSync(process.execPath, [WEIR, 'run', 'job.sql', '--checkpoint-dir', join(dir, `chk-${Date.now()}`), '--checkpoint-interval', '1s'], { cwd: dir, encoding: 'utf8' });
      const m = /finished in ([\d.]+)s/.exec(r.stderr);
      if (r.status !== 0 || m === null) throw new Error(`weir failed (${r.status}): ${r.stderr}`);
      return { seconds: Number(m[1]) };
    };
    const results: string[] = [];
    for (const [label, extra] of [
      ['append, at-least-once, flush 100 rows (Flink default)', ''],
      ['append, at-least-once, flush 5,000 rows', ", 'sink.buffer-flush.max-rows' = '5000'"],
      ['append, exactly-once, flush 5,000 rows', ", 'sink.buffer-flush.max-rows' = '5000', 'sink.semantic' = 'exactly-once'"],
    ] as const) {
      await pg.query('DROP TABLE IF EXISTS a');
      await pg.query('CREATE TABLE a (k int, v bigint, s text, ts timestamp(3))');
      const r = timed(`${gen}\n${ddl('a', extra)}\nINSERT INTO a SELECT * FROM g;`);
      const n = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM a'))[0]!.n);
      if (n !== ROWS) throw new Error(`${label}: ${n} rows in the table, expected ${ROWS}`);
      results.push(`| ${label} | ${ROWS.toLocaleString('en')} | ${r.seconds.toFixed(2)} | ${(ROWS / r.seconds / 1000).toFixed(0)}k |`);
    }
    await pg.query('CREATE TABLE b (k int, v bigint, s text, ts timestamp(3))');
    const c = await pg.connect();
    let t0 = process.hrtime.bigint();
    await c.query('INSERT INTO b SELECT * FROM a');
    let s = Number(process.hrtime.bigint() - t0) / 1e9;
    results.push(`| PostgreSQL INSERT INTO b SELECT * FROM a (same rows) | ${ROWS.toLocaleString('en')} | ${s.toFixed(2)} | ${(ROWS / s / 1000).toFixed(0)}k |`);
    await pg.query('CREATE TABLE agg (k int PRIMARY KEY, n bigint, total bigint)');
    const u = timed(`${gen}\nCREATE TABLE agg (k INT, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '${pg.jdbcUrl}', 'table-name' = 'agg', 'username' = '${pg.user}', 'password' = '${pg.password}', 'sink.buffer-flush.max-rows' = '5000');\nINSERT INTO agg SELECT k, count(*), sum(v) FROM g GROUP BY k;`);
    results.push(`| upsert: updating GROUP BY k (10,000 keys) into a keyed table, flush 5,000 | ${ROWS.toLocaleString('en')} input rows | ${u.seconds.toFixed(2)} | ${(ROWS / u.seconds / 1000).toFixed(0)}k input rows/s |`);
    await pg.query('CREATE TABLE agg2 (k int PRIMARY KEY, n bigint, total bigint)');
    t0 = process.hrtime.bigint();
    await c.query('INSERT INTO agg2 SELECT k, count(*), sum(v) FROM a GROUP BY k');
    s = Number(process.hrtime.bigint() - t0) / 1e9;
    results.push(`| PostgreSQL INSERT INTO agg2 SELECT k, count(*), sum(v) FROM a GROUP BY k | ${ROWS.toLocaleString('en')} input rows | ${s.toFixed(3)} | ${(ROWS / s / 1000).toFixed(0)}k input rows/s |`);
    const diff = await pg.query('SELECT count(*)::int AS n FROM (SELECT * FROM agg EXCEPT SELECT * FROM agg2) d');
    await c.end();
    console.log('| what | rows | seconds (weir: its own \"finished in\", job start to committed end) | rows/s |\n| --- | --- | --- | --- |');
    console.log(results.join('\n'));
    console.log(`\nupsert result differs from PostgreSQL's aggregate in ${diff[0]!.n} rows`);
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
