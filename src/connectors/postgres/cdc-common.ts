// What the postgres-cdc source needs from the shared PostgreSQL module (branch pgsink owns
// src/connectors/postgres/common.ts). Until the two branches are merged this file holds the
// CDC's own copies, under the names of /work/notes/pg-design.md (PgEndpoint, connectPg,
// pgError, quoteIdent, describeTable, pgTypeToWeir, textDecoder), so that the merge replaces
// this file by imports from common.ts.

import { type PgOptionNames, quoteIdent } from './common.js';
import type pg from 'pg';
import { WeirError } from '../../common/errors.js';
import { type DataType, physicalKind } from '../../common/types.js';
import { daysFromCivil } from '../../common/time.js';

export interface PgEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
}

export type { PgOptionNames };
export { quoteIdent };

export const CDC_OPTION_NAMES: PgOptionNames = { host: 'hostname', port: 'port', database: 'database-name', user: 'username', password: 'password', table: 'table-name' };

/** Every value arrives as text (the snapshot casts to text; pgoutput sends text). */
const RAW_TEXT_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;


/** A user-facing error from a PostgreSQL failure, naming the option to fix; never the password. */
export function pgError(tableName: string, ep: PgEndpoint, names: PgOptionNames, e: unknown, what = 'PostgreSQL'): WeirError {
  if (e instanceof WeirError) return e;
  const err = e as { code?: string; message?: string };
  let msg = String(err.message ?? e);
  if (ep.password !== undefined && ep.password !== '') msg = msg.split(ep.password).join('******');
  const at = `${ep.host}:${ep.port}/${ep.database}`;
  const make = (m: string, hint?: string): WeirError => new WeirError('execution', `table ${tableName}: ${m}`, { hint });
  switch (err.code) {
    case '28P01':
      return make(`password authentication failed for user '${ep.user}' at ${at}`, `check '${names.password}' (or PGPASSWORD / ~/.pgpass when '${names.password}' is absent) and '${names.user}'`);
    case '28000':
      return make(`the server refused user '${ep.user}' at ${at}: ${msg}`, `check '${names.user}' and the server's pg_hba.conf`);
    case '3D000':
      return make(`database '${ep.database}' does not exist at ${ep.host}:${ep.port}`, `check '${names.database}'`);
    case '42501':
      return make(`permission denied: ${msg}`, `grant user '${ep.user}' the privilege (option '${names.user}')`);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return make(`cannot connect to ${what} at ${ep.host}:${ep.port} (${err.code})`, `check '${names.host}' and '${names.port ?? 'port'}'`);
    default:
      return make(`${what} at ${at}: ${msg}`);
  }
}

/** A connected client: UTC session, ISO dates, exact floats, every value as text. */
export async function connectPg(tableName: string, ep: PgEndpoint, names: PgOptionNames, extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  // pg is loaded on first use: a job without PostgreSQL does not pay for it at start-up
  const { default: pgm } = await import('pg');
  const c = new pgm.Client({
    host: ep.host,
    port: ep.port,
    database: ep.database,
    user: ep.user,
    password: ep.password ?? process.env.PGPASSWORD,
    options: '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=3 -c IntervalStyle=iso_8601',
    types: RAW_TEXT_TYPES,
    connectionTimeoutMillis: 30_000,
    ...extra,
  });
  // a server-side failure after connecting surfaces through the next query; never crash
  c.on('error', () => {});
  try {
    await c.connect();
  } catch (e) {
    throw pgError(tableName, ep, names, e);
  }
  return c;
}

export interface PgColumn {
  readonly name: string;
  /** format_type(), e.g. numeric(10,2), timestamp with time zone. */
  readonly type: string;
  readonly typname: string;
}

/** The table's columns, or undefined when it does not exist. */
export async function describeTable(client: pg.Client, schema: string, table: string): Promise<{ columns: PgColumn[]; primaryKey: string[]; replicaIdentity: string; oid: string } | undefined> {
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
  return { columns: cols.rows as PgColumn[], primaryKey: pk.rows.map((r) => r.name as string), replicaIdentity: rel.rows[0].ident as string, oid };
}

/** Can a PostgreSQL column of this type be read as the declared weir type? */
export function pgTypeToWeir(typname: string): readonly string[] {
  switch (typname) {
    case 'int2':
    case 'int4':
      return ['INT', 'BIGINT'];
    case 'int8':
      return ['BIGINT'];
    case 'numeric':
      return ['DECIMAL'];
    case 'float4':
    case 'float8':
      return ['DOUBLE'];
    case 'bool':
      return ['BOOLEAN'];
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'json':
    case 'jsonb':
    case 'uuid':
      return ['STRING'];
    case 'date':
      return ['DATE'];
    case 'timestamp':
      return ['TIMESTAMP'];
    case 'timestamptz':
      return ['TIMESTAMP_LTZ'];
    default:
      return [];
  }
}

/** Thrown by a text decoder: the value cannot be carried exactly in the declared type. */
export class PgValueError extends Error {}

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::(\d{2}))?)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Text (PostgreSQL's output) to weir's physical value for `type`; exact or throws PgValueError. */
export function textDecoder(type: DataType): (text: string) => number | bigint | string {
  switch (type.kind) {
    case 'INT':
    case 'BIGINT':
      return (t) => {
        const v = Number(t);
        if (Number.isSafeInteger(v)) return v;
        // a BIGINT beyond ±(2^53-1) is carried as its bigint (common/int64.ts)
        if (type.kind === 'BIGINT' && /^-?\d+$/.test(t)) {
          const b = BigInt(t);
          if (b >= -9223372036854775808n && b <= 9223372036854775807n) return b;
        }
        throw new PgValueError(`${t} is out of range for ${type.kind}`);
      };
    case 'DOUBLE':
      return (t) => Number(t);
    case 'BOOLEAN':
      return (t) => (t === 't' || t === 'true' ? 1 : 0);
    case 'STRING':
      return (t) => t;
    case 'DECIMAL': {
      const scale = type.scale ?? 0;
      const precision = type.precision ?? 10;
      const asText = physicalKind(type) === 'str';
      return (t) => {
        const m = DECIMAL_RE.exec(t);
        if (m === null) throw new PgValueError(`${t} is not a finite number`);
        const frac = (m[3] ?? '').replace(/0+$/, '');
        if (frac.length > scale) throw new PgValueError(`${t} has more than ${scale} fraction digits (DECIMAL(${precision}, ${scale}) would round it)`);
        const int = m[2]!.replace(/^0+(?=\d)/, '');
        if (int !== '0' && int.length > precision - scale) throw new PgValueError(`${t} does not fit DECIMAL(${precision}, ${scale})`);
        if (asText) return `${m[1] === '-' && (int !== '0' || frac !== '') ? '-' : ''}${int}${scale > 0 ? '.' + frac.padEnd(scale, '0') : ''}`;
        const digits = (int === '0' ? '' : int) + frac;
        if (digits.replace(/^0+/, '').length > 15) throw new PgValueError(`${t} has more than 15 significant digits, which weir's DECIMAL cannot carry exactly yet`);
        return Number(t);
      };
    }
    case 'DATE':
      return (t) => {
        const m = DATE_RE.exec(t);
        if (m === null) throw new PgValueError(`date '${t}' is outside weir's range`);
        return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
      };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (t) => {
        const m = TS_RE.exec(t);
        if (m === null) throw new PgValueError(`timestamp '${t}' is outside weir's range`);
        const frac = (m[7] ?? '').padEnd(6, '0');
        if (frac.slice(3) !== '000') throw new PgValueError(`timestamp '${t}' has microseconds; weir's TIMESTAMP(3) would round them`);
        let ms = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) * 86_400_000 + (Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6])) * 1000 + Number(frac.slice(0, 3));
        if (m[8] !== undefined) {
          const off = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
          ms -= m[8] === '-' ? -off : off;
        }
        return ms;
      };
    default:
      throw new PgValueError(`type ${type.kind} cannot be read from PostgreSQL`);
  }
}
