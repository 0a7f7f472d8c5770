// The postgres-cdc source against a real PostgreSQL: snapshot then changes fold to the final
// table; the slot is confirmed only as checkpoints complete; an updating aggregate killed with
// SIGKILL and restored (parallelism 1 and 2) while a load script writes equals PostgreSQL's own
// aggregate; a TUMBLE window over the snapshot and over the changelog; clear errors for the server's setup.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../support/postgres.js';
import { committedLines, foldDebezium, prng, start, tmp, writeJob, sleep, until } from '../recovery/crash.js';
import { CheckpointStorage } from '../../src/checkpoint/storage.js';
import { Session } from '../../src/sql/session.js';
import { createSourceConnector } from '../../src/connectors/registry.js';
import type { TableDef } from '../../src/catalog/catalog.js';
import { WeirError } from '../../src/common/errors.js';
import { verifyScript } from '../../src/verify/verify.js';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

function source(name: string, table: string, slot: string, extra = ''): string {
  return `CREATE TABLE ${name} (id INT, customer STRING, amount DECIMAL(10, 2), ts TIMESTAMP_LTZ(3), PRIMARY KEY (id) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'postgres-cdc', 'hostname' = '${pg.host}', 'port' = '${pg.port}', 'username' = '${pg.user}', 'password' = '${pg.password}',
  'database-name' = '${pg.database}', 'schema-name' = 'public', 'table-name' = '${table}', 'slot.name' = '${slot}', 'decoding.plugin.name' = 'pgoutput'${extra});`;
}

async function createOrders(table: string, rows: number): Promise<void> {
  await pg.query(`CREATE TABLE ${table} (id int PRIMARY KEY, customer text, amount numeric(10,2), ts timestamptz)`);
  await pg.query(`ALTER TABLE ${table} REPLICA IDENTITY FULL`);
  await pg.query(`INSERT INTO ${table} SELECT g, 'c' || (g % 5), (g * 7 % 1000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${rows}) g`);
}

/** The table's rows as the debezium-json sink writes them (amount as a number, ts as text in UTC). */
async function pgRows(table: string): Promise<string[]> {
  const rows = await pg.query<{ r: string }>(`SELECT json_build_array(id, customer, amount, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'))::text AS r FROM ${table}`);
  return rows.map((r) => JSON.stringify(JSON.parse(r.r))).sort();
}

function tableDef(sql: string, name: string): TableDef {
  const s = new Session();
  s.executeScript({ name: 'job.sql', text: sql });
  const t = s.catalog.get(name);
  if (t?.kind !== 'table') throw new Error(`no table ${name}`);
  return t;
}

async function openReader(sql: string): Promise<void> {
  const t = tableDef(sql, 'src');
  const cols = t.columns.filter((c) => c.kind === 'physical').map((c) => ({ name: c.name, type: c.type, nullable: true }));
  const r = await createSourceConnector(t, 1).createReader({ subtask: 0, parallelism: 1, columns: cols, restored: undefined });
  await r.close();
}

describe('postgres-cdc', () => {
  it('snapshot, then inserts, updates and deletes: the folded changelog equals the table; the slot is confirmed as checkpoints complete', async () => {
    await createOrders('o1', 40);
    const dir = tmp();
    const cols = ['id', 'customer', 'amount', 'ts'];
    writeJob(
      dir,
      `${source('src', 'o1', 's1')}
CREATE TABLE out1 (id INT, customer STRING, amount DECIMAL(10, 2), ts STRING) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO out1 SELECT id, customer, amount, DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss.SSS') FROM src;`,
    );
    const { child, done } = start(['run', 'job.sql', '--checkpoint-dir', join(dir, 'chk'), '--checkpoint-interval', '200ms', '-q'], dir);
    let exited = false;
    void done.then(() => (exited = true));
    const folded = (): string[] => foldDebezium(committedLines(join(dir, 'out')), cols).rows;
    await until(() => exited || folded().length === 40, 30_000, 'the snapshot');
    const slotLsn = async (): Promise<string> => (await pg.query<{ l: string }>("SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 's1'"))[0]!.l;
    const first = await slotLsn();
    // changes: single statements, a multi-statement transaction, an update of the key, a delete
    await pg.query("INSERT INTO o1 VALUES (100, 'new', 12.34, '2024-02-01 10:00:00.123+00'), (101, 'new', NULL, NULL)");
    await pg.query("UPDATE o1 SET amount = amount + 1.01, customer = 'x''y' WHERE id <= 5");
    const c = await pg.connect();
    await c.query('BEGIN');
    await c.query('DELETE FROM o1 WHERE id BETWEEN 10 AND 14');
    await c.query('UPDATE o1 SET id = 1000 WHERE id = 20');
    await c.query("INSERT INTO o1 VALUES (102, 'tx', 0.01, date_trunc('milliseconds', now()))");
    await c.query('UPDATE o1 SET amount = 99999999.99 WHERE id = 102');
    await c.query('COMMIT');
    await c.end();
    await pg.query("UPDATE o1 SET ts = '2024-03-01 00:00:00+00' WHERE id = 30");
    const want = await pgRows('o1');
    await until(async () => exited || JSON.stringify(folded()) === JSON.stringify(want), 30_000, 'the changes');
    // the slot moved to a completed checkpoint's position, not before
    await until(async () => exited || (await slotLsn()) !== first, 30_000, 'the slot to be confirmed');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(foldDebezium(committedLines(join(dir, 'out')), cols).negative).toEqual([]);
    expect(folded()).toEqual(want);
  }, 60_000);

  it('an updating aggregate, killed with SIGKILL twice (runs at parallelism 1 then 2; the final run at 2) while a load script writes, equals PostgreSQL\'s aggregate', async () => {
    await createOrders('o2', 200);
    const dir = tmp();
    const chk = join(dir, 'chk');
    writeJob(
      dir,
      `${source('src', 'o2', 's2')}
CREATE TABLE agg (customer STRING, n BIGINT, total DECIMAL(38, 2), hi INT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO agg SELECT customer, COUNT(*), SUM(amount), MAX(id) FROM src GROUP BY customer;`,
    );
    // the load: seeded inserts, updates (customer moves between groups) and deletes, in small transactions
    let loading = true;
    const load = (async () => {
      const rand = prng(15);
      const c = await pg.connect();
      c.on('error', () => {});
      let next = 1000;
      while (loading) {
        await c.query('BEGIN');
        for (let i = 0; i < 5; i++) {
          const x = rand();
          const id = 1 + Math.floor(rand() * next);
          if (x < 0.4) await c.query(`INSERT INTO o2 VALUES (${next++}, 'c${Math.floor(rand() * 7)}', ${(Math.floor(rand() * 100000) / 100).toFixed(2)}, date_trunc('milliseconds', now()))`);
          else if (x < 0.8) await c.query(`UPDATE o2 SET customer = 'c${Math.floor(rand() * 7)}', amount = amount + 0.25 WHERE id = ${id}`);
          else await c.query(`DELETE FROM o2 WHERE id = ${id}`);
        }
        await c.query('COMMIT');
        await sleep(5);
      }
      await c.end();
    })();
    const rand = prng(7);
    try {
      for (let i = 0; i < 2; i++) {
        const before = new CheckpointStorage(chk).latest().id;
        const args = ['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', '200ms', '-p', String(1 + (i % 2)), '-q', ...(before !== undefined ? ['--restore', 'latest'] : [])];
        const { child, done } = start(args, dir);
        let ended = false;
        void done.then(() => (ended = true));
        await until(() => ended || (new CheckpointStorage(chk).latest().id ?? 0) > (before ?? 0), 30_000, 'a checkpoint');
        await sleep(100 + rand() * 600);
        child.kill('SIGKILL');
        const r = await done;
        expect(r.signal, r.stderr).toBe('SIGKILL');
      }
    } finally {
      loading = false;
      await load;
    }
    const want = (await pg.query<{ r: string }>('SELECT json_build_array(customer, count(*), sum(amount), max(id))::text AS r FROM o2 GROUP BY customer')).map((r) => JSON.stringify(JSON.parse(r.r))).sort();
    const { child, done } = start(['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', '200ms', '-p', '2', '-q', '--restore', 'latest'], dir);
    const cols = ['customer', 'n', 'total', 'hi'];
    let ended = false;
    void done.then(() => (ended = true));
    await until(() => ended || JSON.stringify(foldDebezium(committedLines(join(dir, 'out')), cols).rows) === JSON.stringify(want), 30_000, 'the aggregate to converge');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const got = foldDebezium(committedLines(join(dir, 'out')), cols);
    expect(got.negative).toEqual([]);
    expect(got.rows).toEqual(want);
  }, 120_000);

  it('errors name the setting or option: REPLICA IDENTITY, REPLICATION privilege, wrong password, missing table, wal_level', async () => {
    await pg.query('CREATE TABLE o3 (id int PRIMARY KEY, customer text, amount numeric(10,2), ts timestamptz)');
    const msg = async (sql: string): Promise<string> => {
      try {
        await openReader(sql);
      } catch (e) {
        expect(e).toBeInstanceOf(WeirError);
        return `${(e as WeirError).message} | ${(e as WeirError).hint ?? ''}`;
      }
      return 'no error';
    };
    expect(await msg(source('src', 'o3', 's3'))).toMatch(/REPLICA IDENTITY DEFAULT.*\| ALTER TABLE "public"."o3" REPLICA IDENTITY FULL/);
    await pg.query('ALTER TABLE o3 REPLICA IDENTITY FULL');
    await pg.query("CREATE ROLE norepl LOGIN PASSWORD 'pw1'");
    await pg.query('GRANT SELECT ON o3 TO norepl');
    const asUser = (u: string, pw: string): string => source('src', 'o3', 's3').replace(`'username' = '${pg.user}'`, `'username' = '${u}'`).replace(`'password' = '${pg.password}'`, `'password' = '${pw}'`);
    expect(await msg(asUser('norepl', 'pw1'))).toMatch(/user 'norepl' lacks the REPLICATION privilege.*\| ALTER ROLE "norepl" REPLICATION/);
    const wrong = await msg(asUser(pg.user, 'not-the-password'));
    expect(wrong).toMatch(/password authentication failed for user 'weir'.*\| check 'password'/);
    expect(wrong).not.toContain('not-the-password');
    expect(await msg(source('src', 'nope', 's3'))).toMatch(/table public.nope does not exist.*check 'table-name'/);
    // the jdbc connector's type rules: a text column is not read as INT
    expect(await msg(source('src', 'o3', 's3').replace('customer STRING', 'customer INT'))).toMatch(/table src: column customer: declared INT, but the PostgreSQL column is text/);
    // a value the declared type cannot hold exactly is a data error naming the column, never rounded
    await pg.query('CREATE TABLE o3w (id int PRIMARY KEY, customer text, amount numeric(12,4), ts timestamptz)');
    await pg.query("INSERT INTO o3w VALUES (1, 'a', 1.25, '2024-01-01 00:00:01+00'), (2, 'b', 1.2345, '2024-01-01 00:00:02+00')");
    const t = tableDef(source('src', 'o3w', 's3w', ", 'scan.startup.mode' = 'snapshot'"), 'src');
    const cols = t.columns.filter((c) => c.kind === 'physical').map((c) => ({ name: c.name, type: c.type, nullable: true }));
    const r = await createSourceConnector(t, 1).createReader({ subtask: 0, parallelism: 1, columns: cols, restored: undefined });
    let valueError: unknown;
    try {
      while ((await r.next(100)) !== null);
    } catch (e) {
      valueError = e;
    } finally {
      await r.close();
    }
    expect(valueError).toBeInstanceOf(WeirError);
    expect((valueError as WeirError).message).toMatch(/table src, column amount: numeric 1.2345 has more than 2 fraction digits/);
    const pg2 = await startPostgres({ wal_level: 'replica' });
    try {
      const sql = source('src', 'o3', 's3').replace(`'port' = '${pg.port}'`, `'port' = '${pg2.port}'`);
      await pg2.query('CREATE TABLE o3 (id int PRIMARY KEY, customer text, amount numeric(10,2), ts timestamptz)');
      expect(await msg(sql)).toMatch(/wal_level is 'replica'; logical replication needs wal_level = logical/);
    } finally {
      await pg2.stop();
    }
  }, 60_000);

  it("a TUMBLE window on the timestamptz column's WATERMARK over a postgres table ('scan.startup.mode' = 'snapshot') equals PostgreSQL's; over the changelog, updates and deletes retract from open windows", async () => {
    await createOrders('o4', 40); // ts = 00:00:01 .. 00:00:40
    await pg.query("UPDATE o4 SET ts = ts + interval '0.5 second', amount = 1000 WHERE id = 35");
    const dir = tmp();
    const job = (mode: string): string => `SET 'table.local-time-zone' = 'UTC';
${source('src', 'o4', 's4', mode)}
CREATE TABLE w (ws STRING, n BIGINT, total DECIMAL(38, 2), lo DECIMAL(10, 2)) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'csv');
INSERT INTO w SELECT DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss'), COUNT(*), SUM(amount), MIN(amount) FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;`;
    const pgWindows = async (): Promise<string[]> =>
      (
        await pg.query<{ r: string }>(
          "SELECT to_char(w AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ',' || count(*) || ',' || sum(amount) || ',' || min(amount) AS r FROM (SELECT date_bin('10 seconds', ts, timestamptz '2024-01-01 00:00:00+00') AS w, amount FROM o4 WHERE ts < timestamptz '2024-01-01 00:00:50+00') x GROUP BY w",
        )
      )
        .map((x) => x.r)
        .sort();
    writeJob(dir, job(", 'scan.startup.mode' = 'snapshot'"));
    const r = await start(['run', 'job.sql', '-q'], dir).done;
    expect(r.code, r.stderr).toBe(0);
    const want = await pgWindows();
    expect(want.length).toBe(5);
    expect(committedLines(join(dir, 'out')).sort()).toEqual(want);
    // the changelog: after the snapshot the watermark is 39 s, so [30 s, 40 s) is still open when
    // id 38 is deleted and id 36's minimum-making update arrives; the 45 s row then closes it,
    // and a 100 s row closes [40 s, 50 s)
    const dir2 = tmp();
    writeJob(dir2, job('').replace(/'table-name' = 'o4', 'slot.name' = 's4'/, "'table-name' = 'o4', 'slot.name' = 's4c'"));
    const { child, done } = start(['run', 'job.sql', '--checkpoint-dir', join(dir2, 'chk'), '--checkpoint-interval', '200ms', '-q'], dir2);
    let ended = false;
    void done.then(() => (ended = true));
    await until(() => ended || committedLines(join(dir2, 'out')).length >= 3, 30_000, 'the snapshot windows to fire');
    await pg.query("BEGIN; DELETE FROM o4 WHERE id = 38; UPDATE o4 SET amount = 0.01 WHERE id = 36; INSERT INTO o4 VALUES (45, 'c0', 4.5, timestamptz '2024-01-01 00:00:45+00'); COMMIT");
    await pg.query("INSERT INTO o4 VALUES (100, 'c0', 1, timestamptz '2024-01-01 00:01:40+00')");
    const want2 = await pgWindows();
    expect(want2.length).toBe(5);
    expect(want2).not.toEqual(want);
    await until(() => ended || committedLines(join(dir2, 'out')).length >= 5, 30_000, 'the changed windows to fire');
    child.kill('SIGTERM');
    const r2 = await done;
    expect(r2.stderr).not.toMatch(/\n\s+at /);
    expect(committedLines(join(dir2, 'out')).sort(), r2.stderr).toEqual(want2);
  }, 60_000);

  it("weir verify on a postgres-cdc query ('scan.startup.mode' = 'snapshot'): DuckDB over the table copied out agrees", async () => {
    await createOrders('o5', 30);
    await pg.query("UPDATE o5 SET amount = 12345678.91 WHERE id = 3");
    const sql = `${source('src', 'o5', 's5', ", 'scan.startup.mode' = 'snapshot'")}
SELECT customer, COUNT(*) AS n, SUM(amount) AS total, MAX(ts) AS last_ts FROM src GROUP BY customer;
SELECT id, amount FROM src WHERE amount > 5;`;
    const r = await verifyScript({ name: 'v.sql', text: sql }, { parallelism: 2 });
    expect(r.verdicts.map((v) => [v.equal, v.streamRows > 0])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(r.equal).toBe(true);
    // the initial mode is unbounded: verify says how to bound it
    await expect(verifyScript({ name: 'v.sql', text: `${source('src', 'o5', 's5')}\nSELECT COUNT(*) FROM src;` })).rejects.toThrow(/unbounded/);
  }, 60_000);
});

describe('postgres-cdc, BIGINT beyond 2^53', () => {
  it('the snapshot reads int8 values beyond 2^53 and near 2^63 exactly (as PostgreSQL prints them), and verify agrees', async () => {
    await pg.query('CREATE TABLE w6 (id int PRIMARY KEY, k bigint, v bigint)');
    await pg.query('ALTER TABLE w6 REPLICA IDENTITY FULL');
    await pg.query('INSERT INTO w6 VALUES (1, 9007199254740993, 9223372036854775807), (2, 9007199254740992, -9223372036854775808), (3, 9007199254740993, 5), (4, NULL, -9007199254740993)');
    const ddl = `CREATE TABLE src (id INT, k BIGINT, v BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'postgres-cdc', 'hostname' = '${pg.host}', 'port' = '${pg.port}', 'username' = '${pg.user}', 'password' = '${pg.password}',
  'database-name' = '${pg.database}', 'schema-name' = 'public', 'table-name' = 'w6', 'slot.name' = 's6', 'decoding.plugin.name' = 'pgoutput', 'scan.startup.mode' = 'snapshot');`;
    const t = tableDef(ddl, 'src');
    const cols = t.columns.filter((c) => c.kind === 'physical').map((c) => ({ name: c.name, type: c.type, nullable: true }));
    const r = await createSourceConnector(t, 1).createReader({ subtask: 0, parallelism: 1, columns: cols, restored: undefined });
    const got: string[] = [];
    for (let b = await r.next(100); b !== null; b = await r.next(100)) {
      for (let i = 0; i < b.length; i++) got.push(b.columns.map((c) => (c.nulls !== null && c.nulls[i] === 1 ? 'null' : String(c.values[i]))).join(','));
    }
    await r.close();
    const want = await pg.query<{ r: string }>("SELECT concat_ws(',', id, coalesce(k::text, 'null'), v) AS r FROM w6");
    expect(got.sort()).toEqual(want.map((x) => x.r).sort());
    const v = await verifyScript({ name: 'v.sql', text: `${ddl}\nSELECT k, COUNT(*) AS n, SUM(v) AS s, MAX(v) AS hi FROM src GROUP BY k;` }, { parallelism: 1 });
    expect(v.equal).toBe(true);
  }, 60_000);
});
