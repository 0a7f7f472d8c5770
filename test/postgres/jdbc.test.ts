// The jdbc connector against a real PostgreSQL (issue 15): an updating aggregate upserted into
// a table equals the same aggregate computed by PostgreSQL; a table read as a bounded source;
// secrets masked; a wrong password and a missing table are clear errors naming the option.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../support/postgres.js';
import { weir } from '../cli/weir.js';
import { Session } from '../../src/sql/session.js';
import { formatError, WeirError } from '../../src/common/errors.js';
import { createSinkConnector } from '../../src/connectors/registry.js';
import { T } from '../../src/common/types.js';
import { crashAfterCheckpoints, writeJob } from '../recovery/crash.js';

let server: PostgresServer;
let dir: string;
beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'weir-jdbc-'));
});
afterAll(async () => {
  await server?.stop();
});

/** src.csv: k, v, name, ts — rows whose groups rise and fall (HAVING flips them in and out). */
function sourceRows(n: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const ms = Date.UTC(2024, 0, 1) + i * 1537;
    const ts = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    rows.push(`${i % 23},${(i * 7919) % 1009 - 300},n${(i * 31) % 97},${ts}`);
  }
  return rows;
}

function jdbc(table: string, extra = ''): string {
  return `'connector' = 'jdbc', 'url' = '${server.jdbcUrl}', 'table-name' = '${table}', 'username' = '${server.user}', 'password' = '${server.password}'${extra}`;
}

describe('jdbc sink', () => {
  it('upserts an updating aggregate (and deletes groups HAVING drops) equal to PostgreSQL computing it', async () => {
    const rows = sourceRows(1200);
    writeFileSync(join(dir, 'src.csv'), rows.join('\n') + '\n');
    await server.query('CREATE TABLE src (k int, v bigint, name text, ts timestamp(3))');
    await server.query(`INSERT INTO src SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::timestamp[])`, [
      rows.map((r) => r.split(',')[0]),
      rows.map((r) => r.split(',')[1]),
      rows.map((r) => r.split(',')[2]),
      rows.map((r) => r.split(',')[3]),
    ]);
    await server.query('CREATE TABLE agg (k int PRIMARY KEY, n bigint, total bigint, top text, last_ts timestamp(3), avg_v numeric(20,4))');
    await server.query('CREATE TABLE odd (k int PRIMARY KEY, n bigint)');
    writeFileSync(
      join(dir, 'job.sql'),
      `CREATE TABLE src (k INT, v BIGINT, name STRING, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = 'src.csv', 'format' = 'csv');
CREATE TABLE agg (k INT, n BIGINT, total BIGINT, top STRING, last_ts TIMESTAMP(3), avg_v DECIMAL(20, 4), PRIMARY KEY (k) NOT ENFORCED)
  WITH (${jdbc('agg', ", 'sink.buffer-flush.max-rows' = '20'")});
CREATE TABLE odd (k INT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH (${jdbc('odd')});
EXECUTE STATEMENT SET BEGIN
INSERT INTO agg SELECT k, count(*), sum(v), max(name), max(ts), CAST(sum(v) AS DECIMAL(20, 4)) / 4 FROM src GROUP BY k;
INSERT INTO odd SELECT k, count(*) FROM src GROUP BY k HAVING MOD(count(*), 2) = 1;
END;
`,
    );
    const r = await weir(['run', 'job.sql', '-p', '2', '-q', '--checkpoint-interval', '50ms'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = await server.query('SELECT k, n::text, total::text, top, last_ts::text, avg_v::text FROM agg ORDER BY k');
    const want = await server.query(
      `SELECT k, count(*)::text AS n, sum(v)::text AS total, max(name COLLATE "C") AS top, max(ts)::text AS last_ts, (sum(v)::numeric(20,4) / 4)::numeric(20,4)::text AS avg_v FROM src GROUP BY k ORDER BY k`,
    );
    expect(got.length).toBe(23);
    expect(got).toEqual(want);
    const odd = await server.query('SELECT k, n::int FROM odd ORDER BY k');
    expect(odd).toEqual(await server.query('SELECT k, count(*)::int AS n FROM src GROUP BY k HAVING count(*) % 2 = 1 ORDER BY k'));
    expect(odd.length).toBeGreaterThan(0);
    expect(odd.length).toBeLessThan(23);
  });
});

describe('jdbc sink, exactly-once', () => {
  it('killed with SIGKILL at seeded moments and restored at parallelism 1 and 2: the tables equal PostgreSQL\'s own result, and no prepared transaction is left', async () => {
    const cdir = mkdtempSync(join(tmpdir(), 'weir-jdbc-crash-'));
    const rows = sourceRows(2400);
    writeFileSync(join(cdir, 'src.csv'), rows.join('\n') + '\n');
    await server.query('CREATE TABLE src2 (k int, v bigint, name text, ts timestamp(3))');
    await server.query(`INSERT INTO src2 SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::timestamp[])`, [0, 1, 2, 3].map((c) => rows.map((r) => r.split(',')[c])));
    await server.query('CREATE TABLE agg2 (k int PRIMARY KEY, n bigint, total bigint)');
    await server.query('CREATE TABLE out2 (k int, v bigint, name text, ts timestamp(3))');
    const eo = ", 'sink.semantic' = 'exactly-once', 'sink.buffer-flush.max-rows' = '50'";
    writeJob(
      cdir,
      `CREATE TABLE src (k INT, v BIGINT, name STRING, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = 'src.csv', 'format' = 'csv', 'rows-per-second' = '1000');
CREATE TABLE agg2 (k INT, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH (${jdbc('agg2', eo)});
CREATE TABLE out2 (k INT, v BIGINT, name STRING, ts TIMESTAMP(3)) WITH (${jdbc('out2', eo)});
EXECUTE STATEMENT SET BEGIN
INSERT INTO agg2 SELECT k, count(*), sum(v) FROM src GROUP BY k;
INSERT INTO out2 SELECT * FROM src WHERE v > 0;
END;
`,
    );
    // each kill a seeded time after the run's first new checkpoint (a loaded machine starts slowly)
    const runs = await crashAfterCheckpoints(cdir, 3, 15, (i) => (i % 2 === 0 ? 1 : 2), [50, 450]);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(3);
    expect(await server.query('SELECT k, n::int, total::int FROM agg2 ORDER BY k')).toEqual(
      await server.query('SELECT k, count(*)::int AS n, sum(v)::int AS total FROM src2 GROUP BY k ORDER BY k'),
    );
    // append-only: a row written twice (a replay after a crash) would show here
    const got = await server.query('SELECT k, v::int, name, ts::text FROM out2 ORDER BY k, v, name, ts');
    expect(got).toEqual(await server.query('SELECT k, v::int, name, ts::text FROM src2 WHERE v > 0 ORDER BY k, v, name, ts'));
    expect(await server.query('SELECT gid FROM pg_prepared_xacts')).toEqual([]);
  }, 180_000);
});

describe('jdbc secrets and errors', () => {
  const ddl = (table: string, password: string): string =>
    `CREATE TABLE ${table} (k INT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '${server.jdbcUrl}', 'table-name' = '${table}', 'username' = '${server.user}', 'password' = '${password}');`;

  it('the password is masked in SHOW CREATE TABLE and EXPLAIN', () => {
    const s = new Session();
    const text = `${ddl('t1', 'Sw0rdfish!')}
CREATE TABLE g (k INT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5');
SHOW CREATE TABLE t1;
EXPLAIN INSERT INTO t1 SELECT k, count(*) FROM g GROUP BY k;`;
    const out = s.executeScript({ name: 'x.sql', text }).map((r) => (r.result.kind === 'explain' ? r.result.text : ''));
    expect(out[2]).toContain("'password' = '******'");
    expect(out[2]).toContain(`'url' = '${server.jdbcUrl}'`);
    expect(out[3]).toContain('Sink(table=t1, connector=jdbc)');
    expect(out.join('\n')).not.toContain('Sw0rdfish');
  });

  it('a wrong password: an error naming the option, without the password or a stack trace', async () => {
    const edir = mkdtempSync(join(tmpdir(), 'weir-jdbc-err-'));
    writeFileSync(join(edir, 'job.sql'), `CREATE TABLE g (k INT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5');\n${ddl('t2', 'Sw0rdfish!')}\nINSERT INTO t2 SELECT k, count(*) FROM g GROUP BY k;\n`);
    const r = await weir(['run', 'job.sql', '-q'], { cwd: edir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: table t2: password authentication failed for user 'weir' at 127\.0\.0\.1:\d+\/postgres \(password from option 'password'\)/);
    expect(r.stderr).toContain("hint: check 'password' and 'username'");
    expect(r.stderr).toMatch(/'password' = '\*+'/); // the source line under the error, masked
    expect(r.stderr).not.toContain('Sw0rdfish');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing table: an error naming table-name', async () => {
    const s = new Session();
    s.executeScript({ name: 'x.sql', text: ddl('nope', server.password) });
    const table = s.catalog.get('nope');
    if (table?.kind !== 'table') throw new Error('no table');
    const sink = createSinkConnector(table);
    let err: unknown;
    try {
      await sink.createWriter({ subtask: 0, parallelism: 1, schema: [{ name: 'k', type: T.INT, nullable: true, rowtime: false }, { name: 'n', type: T.BIGINT, nullable: true, rowtime: false }], updating: true, jobId: 'j' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeirError);
    const text = formatError(err as WeirError);
    expect(text).toMatch(/error: table nope: table 'nope' does not exist in database 'postgres' at 127\.0\.0\.1:\d+/);
    expect(text).toContain("hint: check 'table-name'");
    expect(text).not.toContain(server.password);
  });

  it('no password option: PGPASSWORD, then ~/.pgpass, as libpq', async () => {
    const { passwordFromEnvironment } = await import('../../src/connectors/postgres/common.js');
    const home = mkdtempSync(join(tmpdir(), 'weir-pgpass-'));
    const file = join(home, '.pgpass');
    writeFileSync(file, `# comment\nother:5432:*:weir:nope\nlocalhost:${server.port}:*:weir:pa\\:ss\n`, { mode: 0o600 });
    expect(passwordFromEnvironment('127.0.0.1', server.port, 'postgres', 'weir', { HOME: home })).toEqual({ password: 'pa:ss', source: 'pgpass' });
    expect(passwordFromEnvironment('127.0.0.1', server.port, 'postgres', 'weir', { HOME: home, PGPASSWORD: 'env' })).toEqual({ password: 'env', source: 'PGPASSWORD' });
    expect(passwordFromEnvironment('127.0.0.1', server.port + 1, 'postgres', 'weir', { HOME: home })).toBeUndefined();
    writeFileSync(file, `*:*:*:*:x\n`);
    chmodSync(file, 0o644);
    expect(passwordFromEnvironment('127.0.0.1', server.port, 'postgres', 'weir', { HOME: home })).toBeUndefined(); // readable by others: ignored
  });
});

describe('lookup join against a jdbc table', () => {
  it('INNER and LEFT, with a residual condition and a partial cache, equal the same joins in PostgreSQL; the table scanned as a source', async () => {
    const ldir = mkdtempSync(join(tmpdir(), 'weir-jdbc-lookup-'));
    await server.query(`CREATE TABLE customers (id int PRIMARY KEY, name text, tier text, credit numeric(10,2), since timestamptz(3))`);
    await server.query(`INSERT INTO customers SELECT i, 'c' || i, CASE WHEN i % 3 = 0 THEN 'gold' ELSE 'basic' END, i * 1.25, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour' FROM generate_series(1, 40) i`);
    const orders: string[] = [];
    for (let i = 0; i < 600; i++) orders.push(`${i},${i % 11 === 0 ? '' : (i * 13) % 50},${i % 7}`); // ids 40..49 and NULL have no customer
    writeFileSync(join(ldir, 'orders.csv'), orders.join('\n') + '\n');
    await server.query('CREATE TABLE orders (id int, customer_id int, amount int)');
    await server.query('INSERT INTO orders SELECT * FROM unnest($1::int[], $2::int[], $3::int[])', [0, 1, 2].map((c) => orders.map((r) => r.split(',')[c] || null)));
    await server.query('CREATE TABLE j_inner (id int, amount int, name text, credit numeric(10,2), since timestamptz(3))');
    await server.query('CREATE TABLE j_left (id int, name text, tier text)');
    await server.query('CREATE TABLE cust_copy (id int, name text, credit numeric(10,2), since timestamptz(3))');
    writeFileSync(
      join(ldir, 'job.sql'),
      `CREATE TABLE orders (id INT, customer_id INT, amount INT, proc_time AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv');
CREATE TABLE customers (id INT, name STRING, tier STRING, credit DECIMAL(10, 2), since TIMESTAMP_LTZ(3), PRIMARY KEY (id) NOT ENFORCED)
  WITH (${jdbc('customers', ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10', 'lookup.partial-cache.expire-after-write' = '1 min'")});
CREATE TABLE j_inner (id INT, amount INT, name STRING, credit DECIMAL(10, 2), since TIMESTAMP_LTZ(3)) WITH (${jdbc('j_inner')});
CREATE TABLE j_left (id INT, name STRING, tier STRING) WITH (${jdbc('j_left')});
CREATE TABLE cust_copy (id INT, name STRING, credit DECIMAL(10, 2), since TIMESTAMP_LTZ(3)) WITH (${jdbc('cust_copy')});
EXECUTE STATEMENT SET BEGIN
INSERT INTO cust_copy SELECT id, name, credit, since FROM customers WHERE MOD(id, 2) = 0;
INSERT INTO j_inner SELECT o.id, o.amount, c.name, c.credit, c.since FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer_id = c.id;
INSERT INTO j_left SELECT o.id, c.name, c.tier FROM orders AS o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer_id = c.id AND c.tier = 'gold';
END;
`,
    );
    const r = await weir(['run', 'job.sql', '-p', '2', '-q'], { cwd: ldir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const inner = await server.query('SELECT id, amount, name, credit::text, since::text FROM j_inner ORDER BY id');
    expect(inner).toEqual(await server.query('SELECT o.id, o.amount, c.name, c.credit::text, c.since::text FROM orders o JOIN customers c ON o.customer_id = c.id ORDER BY o.id'));
    expect(inner.length).toBeGreaterThan(300);
    const left = await server.query('SELECT id, name, tier FROM j_left ORDER BY id');
    expect(left).toEqual(await server.query("SELECT o.id, c.name, c.tier FROM orders o LEFT JOIN customers c ON o.customer_id = c.id AND c.tier = 'gold' ORDER BY o.id"));
    expect(left.length).toBe(600);
    expect(left.filter((x) => x.name !== null).length).toBeGreaterThan(50);
    // the jdbc table read as a bounded source (a scan), its numeric and timestamptz values exact
    expect(await server.query('SELECT id, name, credit::text, since::text FROM cust_copy ORDER BY id')).toEqual(
      await server.query('SELECT id, name, credit::text, since::text FROM customers WHERE id % 2 = 0 ORDER BY id'),
    );
  });
});

describe('lookup join against a jdbc table, BIGINT beyond 2^53', () => {
  it('keys beyond 2^53 (2^53 and 2^53+1 apart) and values near 2^63 are looked up, joined, read and written exactly', async () => {
    const ldir = mkdtempSync(join(tmpdir(), 'weir-jdbc-wide-'));
    await server.query('CREATE TABLE wide_side (k bigint PRIMARY KEY, w bigint)');
    await server.query(`INSERT INTO wide_side VALUES (9007199254740993, -9223372036854775808), (9007199254740992, 1152921504606846977), (-9223372036854775807, 9223372036854775807), (7, 8)`);
    const orders = ['1,9007199254740993,9223372036854775807', '2,9007199254740992,5', '3,9007199254740994,1', '4,-9223372036854775807,', '5,7,-9007199254740993', '6,,2'];
    writeFileSync(join(ldir, 'orders.csv'), orders.join('\n') + '\n');
    await server.query('CREATE TABLE wide_orders (id int, k bigint, v bigint)');
    await server.query('INSERT INTO wide_orders SELECT * FROM unnest($1::int[], $2::bigint[], $3::bigint[])', [0, 1, 2].map((c) => orders.map((r) => r.split(',')[c] || null)));
    await server.query('CREATE TABLE wide_inner (id int, k bigint, v bigint, w bigint, s bigint)');
    await server.query('CREATE TABLE wide_left (id int, w bigint)');
    await server.query('CREATE TABLE wide_copy (k bigint, w bigint)');
    writeFileSync(
      join(ldir, 'job.sql'),
      `CREATE TABLE orders (id INT, k BIGINT, v BIGINT, proc_time AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = 'orders.csv', 'format' = 'csv');
CREATE TABLE side (k BIGINT, w BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH (${jdbc('wide_side', ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10'")});
CREATE TABLE wide_inner (id INT, k BIGINT, v BIGINT, w BIGINT, s BIGINT) WITH (${jdbc('wide_inner')});
CREATE TABLE wide_left (id INT, w BIGINT) WITH (${jdbc('wide_left')});
CREATE TABLE wide_copy (k BIGINT, w BIGINT) WITH (${jdbc('wide_copy')});
EXECUTE STATEMENT SET BEGIN
INSERT INTO wide_copy SELECT k, w FROM side;
INSERT INTO wide_inner SELECT o.id, o.k, o.v, c.w, c.w + o.v FROM orders AS o JOIN side FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.k = c.k;
INSERT INTO wide_left SELECT o.id, c.w FROM orders AS o LEFT JOIN side FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.k = c.k AND c.w > 0;
END;
`,
    );
    const r = await weir(['run', 'job.sql', '-p', '1', '-q'], { cwd: ldir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // PostgreSQL computes the same joins; int8 comes back as text, so the comparison is exact
    // (the sum wraps as Java long: computed in numeric and wrapped by hand)
    const wrap = (x: string): string => `((((${x})::numeric + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 - 9223372036854775808)::bigint`;
    const inner = await server.query('SELECT id, k, v, w, s FROM wide_inner ORDER BY id');
    expect(inner).toEqual(await server.query(`SELECT o.id, o.k, o.v, c.w, ${wrap('c.w::numeric + o.v')} AS s FROM wide_orders o JOIN wide_side c ON o.k = c.k ORDER BY o.id`));
    expect(inner.map((x) => x.id)).toEqual([1, 2, 4, 5]);
    expect(await server.query('SELECT id, w FROM wide_left ORDER BY id')).toEqual(await server.query('SELECT o.id, c.w FROM wide_orders o LEFT JOIN wide_side c ON o.k = c.k AND c.w > 0 ORDER BY o.id'));
    expect(await server.query('SELECT k, w FROM wide_copy ORDER BY k')).toEqual(await server.query('SELECT k, w FROM wide_side ORDER BY k'));
  });
});
