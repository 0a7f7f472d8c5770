// The real PostgreSQL server the postgres-cdc and jdbc tests run against: it starts, takes a
// password login over TCP, and has the settings exactly-once needs (logical replication for the
// CDC source, prepared transactions for the two-phase-commit sink).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../support/postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describe('the test PostgreSQL server', () => {
  it('runs with logical replication and prepared transactions', async () => {
    const rows = await server.query<{ wal_level: string; mpt: string }>(
      "SELECT current_setting('wal_level') AS wal_level, current_setting('max_prepared_transactions') AS mpt",
    );
    expect(rows).toEqual([{ wal_level: 'logical', mpt: '20' }]);
  });

  it('refuses a wrong password', async () => {
    const c = new pg.Client({ host: server.host, port: server.port, user: server.user, password: 'wrong', database: server.database });
    await expect(c.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('commits a prepared transaction from another session', async () => {
    await server.query('CREATE TABLE t (k int PRIMARY KEY, v text)');
    const a = await server.connect();
    await a.query('BEGIN');
    await a.query("INSERT INTO t VALUES (1, 'x')");
    await a.query("PREPARE TRANSACTION 'weir-harness-1'");
    await a.end();
    expect(await server.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
    await server.query("COMMIT PREPARED 'weir-harness-1'");
    expect(await server.query('SELECT k, v FROM t')).toEqual([{ k: 1, v: 'x' }]);
  });
});
