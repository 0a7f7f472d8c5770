// What the PostgreSQL connectors share (jdbc here, postgres-cdc beside it): where the server
// is, the password (the option, else PGPASSWORD, else ~/.pgpass, as libpq does), connecting
// with errors a user can act on (naming the option or the server setting, never a stack
// trace, never the password), and the type mapping between PostgreSQL and weir.
//
// Values travel as PostgreSQL's text form in both directions (the client's type parsers are
// switched off): a value is decoded exactly or refused, never rounded on the way.

import { formatTimeOfDay, parseTimeOfDay } from '../../common/time-of-day.js';
import { binaryOfHex, hexOfBinary } from '../../common/bytes.js';
import { canonicalDecimalText, isWideDecimal } from '../../expr/decimal.js';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { WeirError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import { T, typeToString } from '../../common/types.js';
import { HIDDEN_VALUE, isSensitiveKey, maskOptions, maskSqlSecrets, maskUrlPassword, redact } from '../../common/secrets.js';
import type { TableDef } from '../../catalog/catalog.js';
import { OptionValueError, tableError } from '../table-errors.js';

export { HIDDEN_VALUE, isSensitiveKey, maskOptions, maskSqlSecrets, maskUrlPassword, redact };

/** Where a server is and who logs in. `password` is resolved (option, PGPASSWORD, ~/.pgpass). */
export interface PgEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  /** Where the password came from, for messages (never the password itself). */
  readonly passwordSource: 'option' | 'PGPASSWORD' | 'pgpass' | 'none';
}

/** The option names a connector uses for each part of the endpoint, so errors name the right one. */
export interface PgOptionNames {
  readonly host: string;
  readonly port?: string;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  readonly table?: string;
}

export const JDBC_OPTION_NAMES: PgOptionNames = { host: 'url', database: 'url', user: 'username', password: 'password', table: 'table-name' };

/** `jdbc:postgresql://host[:port][/database][?user=..&password=..]` -> its parts. */
export function parseJdbcUrl(url: string): { host: string; port: number; database: string; user?: string; password?: string } {
  const m = /^jdbc:postgresql:\/\/(\[[^\]]+\]|[^:/?]*)(?::(\d+))?(?:\/([^?]*))?(?:\?(.*))?$/i.exec(url.trim());
  if (m === null) throw new OptionValueError('url', `'url' must be jdbc:postgresql://host:port/database, got '${maskUrlPassword(url)}'`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '') || 'localhost';
  const port = m[2] !== undefined ? Number(m[2]) : 5432;
  const params = new URLSearchParams((m[4] ?? '').replace(/;/g, '&'));
  const database = decodeURIComponent(m[3] ?? '') || 'postgres';
  const out: { host: string; port: number; database: string; user?: string; password?: string } = { host, port, database };
  const user = params.get('user');
  const password = params.get('password');
  if (user !== null) out.user = user;
  if (password !== null) out.password = password;
  return out;
}

/**
 * The password libpq would use when none is given: PGPASSWORD, else the first matching line of
 * the password file (PGPASSFILE, else ~/.pgpass; `host:port:database:user:password`, `*`
 * matches anything, `\:` and `\\` escaped; ignored when group or others can read it, as libpq).
 */
export function passwordFromEnvironment(host: string, port: number, database: string, user: string, env: NodeJS.ProcessEnv = process.env): { password: string; source: 'PGPASSWORD' | 'pgpass' } | undefined {
  if (env.PGPASSWORD !== undefined && env.PGPASSWORD !== '') return { password: env.PGPASSWORD, source: 'PGPASSWORD' };
  const file = env.PGPASSFILE ?? join(env.HOME ?? homedir(), '.pgpass');
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile() || (st.mode & 0o077) !== 0) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const hosts = host === '127.0.0.1' || host === '::1' ? [host, 'localhost'] : [host];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = splitPgpassLine(line.replace(/\r$/, ''));
    if (fields.length < 5) continue;
    const [h, p, d, u] = fields as [string, string, string, string];
    const pw = fields.slice(4).join(':');
    const match = (pattern: string, values: readonly string[]): boolean => pattern === '*' || values.includes(pattern);
    if (match(h, hosts) && match(p, [String(port)]) && match(d, [database]) && match(u, [user])) return { password: pw, source: 'pgpass' };
  }
  return undefined;
}

function splitPgpassLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) cur += line[++i]!;
    else if (c === ':' && out.length < 4) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The endpoint of a jdbc table: 'url', 'username' (else the url's user, PGUSER, the OS user), 'password'. */
export function jdbcEndpoint(table: TableDef, env: NodeJS.ProcessEnv = process.env): PgEndpoint {
  const url = table.options.get('url');
  if (url === undefined) throw tableError(table, `table ${table.name}: the jdbc connector needs 'url' = 'jdbc:postgresql://host:port/database'`);
  let parts: ReturnType<typeof parseJdbcUrl>;
  try {
    parts = parseJdbcUrl(url);
  } catch (e) {
    if (e instanceof OptionValueError) throw tableError(table, `table ${table.name}: ${e.message}`, undefined, 'url');
    throw e;
  }
  const user = table.options.get('username') ?? parts.user ?? env.PGUSER ?? env.USER ?? 'postgres';
  const explicit = table.options.get('password') ?? parts.password;
  if (explicit !== undefined) return { host: parts.host, port: parts.port, database: parts.database, user, password: explicit, passwordSource: 'option' };
  const found = passwordFromEnvironment(parts.host, parts.port, parts.database, user, env);
  return { host: parts.host, port: parts.port, database: parts.database, user, password: found?.password, passwordSource: found?.source ?? 'none' };
}

/** Text in, text out: no type parser of the client touches a value (weir decodes it exactly). */
export const RAW_TEXT_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/**
 * A connected client: UTC session time zone (timestamptz in text is then `...+00`), values as
 * text. Failures become a WeirError naming the option to fix, with the password redacted.
 */
export async function connectPg(table: TableDef, ep: PgEndpoint, names: PgOptionNames, extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  // pg is loaded on first use: a job without PostgreSQL does not pay for it at start-up
  const { default: pgm } = await import('pg');
  const client = new pgm.Client({
    host: ep.host,
    port: ep.port,
    database: ep.database,
    user: ep.user,
    // a function, so the client never falls back to its own (deprecated) .pgpass reading
    password: async () => ep.password ?? '',
    types: RAW_TEXT_TYPES,
    connectionTimeoutMillis: 10_000,
    ...extra,
  });
  // a server that goes away must fail the job (an error event without a listener would crash)
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query("SET TimeZone = 'UTC'");
  } catch (e) {
    await client.end().catch(() => undefined);
    throw pgError(table, ep, names, e);
  }
  return client;
}

/** The SQLSTATE of a PostgreSQL error, or the Node error code (ECONNREFUSED). */
export function pgErrorCode(e: unknown): string | undefined {
  return (e as { code?: unknown } | null)?.code as string | undefined;
}

/**
 * A driver error as a WeirError a user can act on. Known causes name the option (wrong
 * password -> 'password', unknown table -> 'table-name', refused connection -> 'url').
 */
export function pgError(table: TableDef, ep: PgEndpoint, names: PgOptionNames, e: unknown, what = 'connecting to PostgreSQL'): WeirError {
  if (e instanceof WeirError) return e;
  const code = pgErrorCode(e);
  const raw = redact(String((e as Error | null)?.message ?? e), [ep.password]);
  const at = `${ep.host}:${ep.port}/${ep.database}`;
  const fail = (message: string, hint: string | undefined, key: string): WeirError => {
    const err = tableError(table, `table ${table.name}: ${message}`, hint, table.options.has(key) ? key : undefined);
    return new WeirError('execution', err.message, { span: err.span, hint: err.hint, source: err.source });
  };
  switch (code) {
    case '28P01':
      return fail(
        `password authentication failed for user '${ep.user}' at ${at} (password from ${ep.passwordSource === 'option' ? `option '${names.password}'` : ep.passwordSource === 'none' ? 'nowhere: no option, PGPASSWORD or ~/.pgpass entry' : ep.passwordSource})`,
        `check '${names.password}' and '${names.user}', or leave '${names.password}' out and set PGPASSWORD or a ~/.pgpass line`,
        ep.passwordSource === 'option' ? names.password : names.user,
      );
    case '28000':
      return fail(`the server refused user '${ep.user}' at ${at}: ${raw}`, `check '${names.user}' and the server's pg_hba.conf`, names.user);
    case '3D000':
      return fail(`database '${ep.database}' does not exist at ${ep.host}:${ep.port}`, `check '${names.database}'`, names.database);
    case '42P01':
      return fail(`${raw} (${what})`, names.table !== undefined ? `check '${names.table}': the table must exist in database '${ep.database}'` : undefined, names.table ?? names.host);
    case '42501':
      return fail(`permission denied (${what}): ${raw}`, `grant user '${ep.user}' the privilege, or use another '${names.user}'`, names.user);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return fail(`cannot reach PostgreSQL at ${ep.host}:${ep.port} (${code})`, `check '${names.host}'${names.port !== undefined ? ` and '${names.port}'` : ''}: is the server running and listening there?`, names.host);
    default:
      return fail(`${what} failed${code !== undefined ? ` (${code})` : ''}: ${raw}`, undefined, names.host);
  }
}

// -----------------------------------------------------------------------------------------
// Identifiers

export function quoteIdent(name: string): string {
  return '"' + name.replaceAll('"', '""') + '"';
}

/** 'schema.table' or 'table' (a name with a dot is schema-qualified, as Flink's jdbc table-name). */
export function splitTableName(name: string): { schema: string | undefined; table: string } {
  const dot = name.indexOf('.');
  if (dot < 0) return { schema: undefined, table: name };
  return { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

export function quoteTableName(name: string): string {
  const { schema, table } = splitTableName(name);
  return schema === undefined ? quoteIdent(table) : `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** A column of a PostgreSQL table as the catalog describes it. */
export interface PgColumn {
  readonly name: string;
  /** format_type(): 'integer', 'numeric(10,2)', 'timestamp with time zone', 'text', ... */
  readonly type: string;
  /** pg_type.typname: 'int4', 'numeric', 'timestamptz', 'text', ... */
  readonly typname: string;
  readonly notNull: boolean;
}

/** The columns of `tableName` in order, or undefined when there is no such table. */
export async function describeTable(client: pg.Client, tableName: string): Promise<PgColumn[] | undefined> {
  const { schema, table } = splitTableName(tableName);
  const rel = schema === undefined ? quoteIdent(table) : `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const r = await client.query<{ name: string; type: string; typname: string; notnull: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS typname, a.attnotnull AS notnull
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [rel],
  );
  if (r.rows.length === 0) {
    const exists = await client.query<{ c: string | null }>('SELECT to_regclass($1)::text AS c', [rel]);
    if (exists.rows[0]?.c === null || exists.rows[0]?.c === undefined) return undefined;
  }
  return r.rows.map((x) => ({ name: x.name, type: x.type, typname: x.typname, notNull: x.notnull === 't' }));
}

// -----------------------------------------------------------------------------------------
// Types: PostgreSQL -> weir
//   numeric(p,s) -> DECIMAL(p,s)      timestamptz -> TIMESTAMP_LTZ(3)   timestamp -> TIMESTAMP(3)
//   text, varchar, char, jsonb, json, uuid -> STRING                     date -> DATE
//   int2, int4 -> INT   int8 -> BIGINT   bool -> BOOLEAN   float4, float8 -> DOUBLE
//   time(p) -> TIME(min(p, 3))   bytea -> BYTES

/** The weir type a PostgreSQL column maps to, or undefined for types weir does not carry. */
export function pgTypeToWeir(typname: string, formatted?: string): DataType | undefined {
  switch (typname) {
    case 'int2':
    case 'int4':
      return T.INT;
    case 'int8':
      return T.BIGINT;
    case 'bool':
      return T.BOOLEAN;
    case 'float4':
    case 'float8':
      return T.DOUBLE;
    case 'numeric': {
      const m = formatted !== undefined ? /numeric\((\d+),(\d+)\)/.exec(formatted) : null;
      return m !== null ? T.decimal(Number(m[1]), Number(m[2])) : T.decimal(38, 18);
    }
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'json':
    case 'jsonb':
    case 'uuid':
    case 'name':
      return T.STRING;
    case 'timestamp':
      return T.TIMESTAMP;
    case 'timestamptz':
      return T.TIMESTAMP_LTZ;
    case 'date':
      return T.DATE;
    case 'time': {
      const m = formatted !== undefined ? /time\((\d+)\)/.exec(formatted) : null;
      return T.time(m !== null ? Number(m[1]) : 6);
    }
    case 'bytea':
      return T.BYTES;
    default:
      return undefined;
  }
}

/**
 * Whether a column declared `declared` in weir can hold (read) or fill (write) a PostgreSQL
 * column of type `typname`; undefined if so, else why not. Widening only: an INT column may
 * be written into int8 or numeric, never a DOUBLE into an integer.
 */
export function typeMismatch(declared: DataType, typname: string, formatted: string, direction: 'read' | 'write'): string | undefined {
  const natural = pgTypeToWeir(typname, formatted);
  if (natural === undefined) return `PostgreSQL type ${formatted} is not supported (weir reads numeric, integers, float8, bool, text/varchar/jsonb, bytea, date, time, timestamp, timestamptz)`;
  const d = declared.kind;
  if (d === natural.kind) return undefined;
  if (d === 'STRING' && direction === 'write') return undefined; // PostgreSQL parses the text
  if (direction === 'write') {
    if (d === 'INT' && (typname === 'int8' || typname === 'numeric')) return undefined;
    if (d === 'BIGINT' && typname === 'numeric') return undefined;
  } else {
    if (d === 'BIGINT' && natural.kind === 'INT') return undefined;
    if (d === 'DECIMAL' && (natural.kind === 'INT' || natural.kind === 'BIGINT')) return undefined;
  }
  return `declared ${typeToString(declared)}, but the PostgreSQL column is ${formatted} (${typeToString(natural)} in weir)`;
}

/** The largest integer weir carries exactly (DESIGN: integers are exact up to 2^53-1). */
const MAX_EXACT = 9007199254740991n;

/** Decodes PostgreSQL's text form of a value into weir's physical value for `t`; throws a message when it cannot be exact. */
export type TextDecoder = (text: string) => number | bigint | string | boolean;

export function textDecoder(t: DataType): TextDecoder {
  switch (t.kind) {
    case 'INT':
    case 'BIGINT':
      return (s) => {
        if (s.length > 15) {
          const b = BigInt(s);
          // a BIGINT beyond ±(2^53-1) is carried as its bigint (common/int64.ts)
          if (b > MAX_EXACT || b < -MAX_EXACT) {
            if (t.kind === 'BIGINT') return b;
            throw new Error(`integer ${s} is out of range for INT`);
          }
        }
        return Number(s);
      };
    case 'DOUBLE':
      return (s) => Number(s);
    case 'DECIMAL':
      return isWideDecimal(t) ? (s) => wideDecimalFromText(s, t) : (s) => decimalFromText(s, t.precision ?? 38, t.scale ?? 18);
    case 'BOOLEAN':
      return (s) => s === 't' || s === 'true';
    case 'STRING':
      return (s) => s;
    case 'DATE':
      return (s) => {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
        if (m === null) throw new Error(`date '${s}' is outside what weir carries`);
        return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
      };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (s) => timestampFromText(s, t.kind === 'TIMESTAMP_LTZ');
    case 'TIME':
      return (s) => timeFromText(s, t.precision ?? 0);
    case 'BYTES':
      return (s) => {
        // bytea's hex output ('\x0aff', PostgreSQL's default bytea_output)
        const b = s.startsWith('\\x') ? binaryOfHex(s.slice(2)) : null;
        if (b === null) throw new Error("bytea value is not in hex form: set bytea_output = 'hex'");
        return b;
      };
    default:
      throw new Error(`type ${typeToString(t)} cannot be read from PostgreSQL`);
  }
}

/**
 * numeric text -> weir DECIMAL. weir carries DECIMAL as a double today, which holds 15
 * significant digits exactly: a value with more, or more fraction digits than the declared
 * scale, or more integer digits than precision - scale, is an error, never a rounded number.
 */
export function decimalFromText(s: string, precision: number, scale: number): number {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (m === null) throw new Error(`numeric '${s}' is not a finite number weir can carry`);
  const intDigits = m[2]!.replace(/^0+/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new Error(`numeric ${s} has more than ${scale} fraction digits (the column is DECIMAL(${precision}, ${scale})); it would be rounded`);
  if (intDigits.length > precision - scale) throw new Error(`numeric ${s} does not fit DECIMAL(${precision}, ${scale})`);
  const significant = (intDigits + frac).replace(/^0+/, '').length;
  if (significant > 15) throw new Error(`numeric ${s} has ${significant} significant digits; weir's DECIMAL carries 15 exactly today`);
  return Number(s);
}

/**
 * numeric text -> a DECIMAL wider than 15 digits, which weir carries as exact text with the
 * column's scale: an error when it has more fraction digits than the scale (never rounded) or
 * does not fit the precision.
 */
export function wideDecimalFromText(s: string, t: DataType): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (m === null) throw new Error(`numeric '${s}' is not a finite number weir can carry`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > (t.scale ?? 0)) throw new Error(`numeric ${s} has more than ${t.scale ?? 0} fraction digits (the column is ${typeToString(t)}); it would be rounded`);
  const text = canonicalDecimalText(s, t);
  if (text === undefined) throw new Error(`numeric ${s} does not fit ${typeToString(t)}`);
  return text;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]' -> epoch milliseconds; sub-millisecond digits must be zero. */
export function timestampFromText(s: string, withZone: boolean): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::(\d{2}))?)?$/.exec(s);
  if (m === null) throw new Error(`timestamp '${s}' is outside what weir carries`);
  const frac = m[7] ?? '';
  if (/[1-9]/.test(frac.slice(3))) throw new Error(`timestamp ${s} has sub-millisecond digits; weir's TIMESTAMP(3) would truncate them`);
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  if (Number(m[1]) < 100) t = new Date(t).setUTCFullYear(Number(m[1]));
  if (withZone && m[8] !== undefined) {
    const off = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1000;
    t -= m[8] === '+' ? off : -off;
  }
  return t;
}

/** 'HH:MM:SS[.ffffff]' -> milliseconds of the day; digits beyond TIME(p)'s precision must be zero (never truncated). */
export function timeFromText(s: string, precision: number): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(s);
  const ms = m === null ? NaN : parseTimeOfDay(s);
  if (m === null || Number.isNaN(ms)) throw new Error(`time '${s}' is outside what weir carries`);
  if (/[1-9]/.test((m[4] ?? '').slice(precision))) throw new Error(`time ${s} has more fraction digits than TIME(${precision}) carries; it would be truncated`);
  return ms;
}

// -----------------------------------------------------------------------------------------
// Types: weir -> PostgreSQL (parameters in text form)

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** epoch ms -> 'YYYY-MM-DD HH:MM:SS.sss' (UTC wall clock). */
export function timestampToText(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function dateToText(days: number): string {
  return timestampToText(days * 86_400_000).slice(0, 10);
}

/** A weir value (physical) -> what the pg client sends for it in text form. */
export type ValueEncoder = (v: unknown) => string | number;

export function valueEncoder(t: DataType): ValueEncoder {
  switch (t.kind) {
    case 'BOOLEAN':
      return (v) => (v === 1 || v === true ? 't' : 'f');
    case 'TIMESTAMP':
      return (v) => timestampToText(v as number);
    case 'TIMESTAMP_LTZ':
      return (v) => timestampToText(v as number) + '+00';
    case 'DATE':
      return (v) => dateToText(v as number);
    case 'TIME':
      return (v) => formatTimeOfDay(v as number, 3);
    case 'BYTES':
      return (v) => '\\x' + hexOfBinary(v as string);
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
    case 'DECIMAL':
      return (v) => {
        // a DECIMAL wider than 15 digits is exact text, which PostgreSQL reads as numeric
        if (typeof v === 'string') return v;
        if (typeof v === 'bigint') return String(v); // a BIGINT beyond ±(2^53-1): its digits
        const n = v as number;
        if (Number.isNaN(n)) return 'NaN';
        if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
        return n;
      };
    case 'STRING':
      return (v) => v as string;
    default:
      throw new Error(`type ${typeToString(t)} cannot be written to PostgreSQL`);
  }
}

/** The PostgreSQL type weir writes a column of type `t` as (CREATE TABLE for tests and docs). */
export function weirTypeToPg(t: DataType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT':
      return 'integer';
    case 'BIGINT':
      return 'bigint';
    case 'DOUBLE':
      return 'double precision';
    case 'DECIMAL':
      return `numeric(${t.precision ?? 38},${t.scale ?? 18})`;
    case 'STRING':
      return 'text';
    case 'TIMESTAMP':
      return 'timestamp(3)';
    case 'TIMESTAMP_LTZ':
      return 'timestamptz(3)';
    case 'DATE':
      return 'date';
    case 'TIME':
      return `time(${t.precision ?? 0})`;
    case 'BYTES':
      return 'bytea';
    default:
      throw new Error(`type ${typeToString(t)} has no PostgreSQL column type in weir`);
  }
}

/** Options shown to users (SHOW CREATE TABLE, status lines): sensitive ones masked. */
export function shownOptions(table: TableDef): Map<string, string> {
  return maskOptions(table.options);
}

/** For checks: true when `text` holds no sensitive option value of `table`. */
export function leaksSecret(table: TableDef, text: string): boolean {
  for (const [k, v] of table.options) if (isSensitiveKey(k) && v.length > 0 && text.includes(v)) return true;
  return false;
}

export const MASK = HIDDEN_VALUE;

/**
 * A PostgreSQL array literal of encoded values ('{1,2,NULL}', '{"a","b\\"c"}'), built in
 * one pass: the client's own array serialisation escapes every element through several
 * calls, which was a fifth of a sink's CPU time. Numbers go bare; text is quoted, escaped
 * only when it holds a quote or backslash.
 */
export function arrayLiteral(values: readonly unknown[], n: number = values.length): string {
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (typeof v === 'number') parts[i] = String(v);
    else {
      const s = v as string;
      parts[i] = s.includes('"') || s.includes('\\') ? `"${s.replace(/[\\"]/g, '\\$&')}"` : `"${s}"`;
    }
  }
  return `{${parts.join(',')}}`;
}
