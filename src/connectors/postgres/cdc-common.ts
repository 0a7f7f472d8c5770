// What only the postgres-cdc source needs from PostgreSQL's catalog: its option names and a
// table's primary key and replica identity besides the columns. Connecting, errors, the
// PostgreSQL-to-weir type rules and decoding values are shared with the jdbc connector
// (common.ts).

import type pg from 'pg';
import type { PgColumn, PgOptionNames } from './common.js';

export const CDC_OPTION_NAMES: PgOptionNames = { host: 'hostname', port: 'port', database: 'database-name', user: 'username', password: 'password', table: 'table-name' };

/** The table's columns, or undefined when it does not exist. */
export async function describeCdcTable(client: pg.Client, schema: string, table: string): Promise<{ columns: Omit<PgColumn, 'notNull'>[]; primaryKey: string[]; replicaIdentity: string; oid: string } | undefined> {
  const rel = await client.query(
    'SELECT c.oid::text AS oid, c.relreplident::text AS ident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN (\'r\', \'p\')',
    [schema, table],
  );
  if (rel.rows.length === 0) return undefined;
  const oid = rel.rows[0].oid as string;
  const cols = await client.query(
    'SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum',
    [oid],
  );
  const pk = await client.query(
    'SELECT a.attname AS name FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord',
    [oid],
  );
  return { columns: cols.rows as Omit<PgColumn, 'notNull'>[], primaryKey: pk.rows.map((r) => r.name as string), replicaIdentity: rel.rows[0].ident as string, oid };
}
