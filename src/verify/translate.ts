// Translation of a bound logical plan into one DuckDB query over the same input (DESIGN §6).
//
// Every node becomes a SELECT whose columns are named c0, c1, ... in plan order, so names never
// clash. Values follow duck-expr.ts's representation (TIMESTAMP as TIMESTAMP, DECIMAL as
// DOUBLE, intervals as numbers). Sources:
// - filesystem csv / json: read_csv / read_json over the same files, with the declared types
//   (DECIMAL read exactly, then as DOUBLE; JSON timestamps as text or epoch milliseconds);
// - debezium-json: the changelog folded into its final rows (after +1, before -1);
// - generators (nexmark, datagen): their rows loaded into DuckDB first (duck-load.ts), read
//   by the name the caller gives.
// Windows are derived columns: TUMBLE by arithmetic on epoch milliseconds, HOP and CUMULATE by
// unnesting the windows of each row, SESSION as gaps and islands per group key. Aggregates map
// one to one, with FILTER and DISTINCT; AVG of an integer type truncates as weir's does; a
// GROUP BY without keys over no rows yields no row, as the stream emits nothing.
//
// What cannot be translated faithfully throws a TranslationError naming the plan node and why.

import { duckDecimalAvg, duckDecimalType } from './duck-decimal.js';
import { duckAvgOfSum, duckHuge, duckWrap } from './duck-int64.js';
import { timeZoneById } from '../common/time-zone.js';
import type { Scalar } from '../common/batch.js';
import { assertNever } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, isComposite, isIntegral, typeToString } from '../common/types.js';
import type { TableDef } from '../catalog/catalog.js';
import { metadataKey, sourceColumns } from '../catalog/catalog.js';
import { resolve as resolvePath } from 'node:path';
import type { AggCall, LogicalPlan, OverCall, OverFrame, SortKey, WindowSpec } from '../plan/logical.js';
import { describeNode, isUpdating } from '../plan/logical.js';
import { listDataFiles } from '../connectors/filesystem/filesystem.js';
import { exactJsonFiles } from './json-exact.js';
import { DEFAULT_PARTITION_NAME, filesystemPath } from '../connectors/filesystem/partitions.js';
import { temporalJoinToDuckDb } from './translate-temporal.js';
import { DuckDbTranslationError, constantToDuckDb, duckJsonQuote, duckInstantLatest, duckLocalOf, duckTimeOfMs, exprToDuckDb, sqlString, typeToDuckDb } from './duck-expr.js';
import { tableFunctionToDuckDb, udafCallToDuckDb } from './duck-udf.js';

export class TranslationError extends Error {
  constructor(
    readonly node: string,
    readonly reason: string,
  ) {
    super(`cannot translate ${node} to DuckDB: ${reason}`);
  }
}

export interface TranslateContext {
  /** A generator table's rows must be loaded into DuckDB first: returns the name to read. */
  readonly generatorTable: (table: TableDef) => string;
  /**
   * A node whose rows the stream recorded (one stamping the processing time): the SQL reading
   * them, which stands for the node (verify/verify.ts).
   */
  readonly recorded?: (node: LogicalPlan) => string | undefined;
}

/** DuckDB type to read a declared column with (DECIMAL exactly, as the translation carries it). */
function readType(t: DataType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'INT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'DOUBLE':
      return 'DOUBLE';
    case 'DECIMAL':
      return `DECIMAL(${t.precision ?? 10}, ${t.scale ?? 0})`;
    case 'STRING':
      return 'VARCHAR';
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    case 'TIMESTAMP_LTZ':
      return 'VARCHAR'; // UTC text with an optional Z (Flink's formats): made an instant by toWeir
    case 'DATE':
      return 'DATE';
    case 'TIME':
    case 'BYTES':
      return 'VARCHAR'; // HH:mm:ss[.fff] text / Base64 text: converted by toWeir
    default:
      throw new TranslationError('a source column', `columns of type ${typeToString(t)} cannot be read`);
  }
}

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** DuckDB type to read a JSON field as: timestamps may be text or epoch milliseconds, so text. */
export function jsonType(t: DataType): string {
  // composites: their DuckDB type (nested timestamps as text in the file parse as TIMESTAMP)
  if (isComposite(t)) return typeToDuckDb(t);
  // DECIMAL as text too: DuckDB parses a JSON number through a double, which loses digits
  return t.kind === 'TIMESTAMP' || t.kind === 'DATE' || t.kind === 'TIMESTAMP_LTZ' || t.kind === 'DECIMAL' ? 'VARCHAR' : readType(t);
}

/** A TIMESTAMP_LTZ read as text: the UTC date-time with an optional Z, as an instant. */
export function instantText(x: string): string {
  return `timezone('UTC', CAST(replace(rtrim(${x}, 'Z \t'), 'T', ' ') AS TIMESTAMP))`;
}

/** A JSON field read with jsonType as weir carries it. */
export function jsonValue(x: string, t: DataType): string {
  if (t.kind === 'TIMESTAMP') return `CASE WHEN regexp_full_match(${x}, '-?[0-9]+') THEN epoch_ms(CAST(${x} AS BIGINT)) ELSE CAST(replace(${x}, 'T', ' ') AS TIMESTAMP) END`;
  if (t.kind === 'TIMESTAMP_LTZ') return `CASE WHEN regexp_full_match(${x}, '-?[0-9]+') THEN make_timestamptz(CAST(${x} AS BIGINT) * 1000) ELSE ${instantText(x)} END`;
  if (t.kind === 'DATE') return `CAST(${x} AS DATE)`;
  if (t.kind === 'TIME') return duckTimeOfMs(`epoch_ms(CAST(${x} AS TIME))`, t.precision ?? 0);
  if (t.kind === 'BYTES') return `from_base64(${x})`;
  if (t.kind === 'DECIMAL') return `CAST(${x} AS ${duckDecimalType(t)})`;
  return x;
}

/** The table's physical columns as p0, p1, ... (typed as weir carries them). */
export function readPhysical(table: TableDef, ctx: TranslateContext): string {
  // the scan's inputs: physical columns, and METADATA columns where they were declared
  const physical = sourceColumns(table);
  const metadata = physical.some((c) => c.kind === 'metadata');
  const connector = table.options.get('connector');
  const asP = (expr: (name: string, i: number, t: DataType) => string): string => physical.map((c, i) => `${expr(c.name, i, c.type)} AS p${i}`).join(', ');
  // text columns DuckDB reads as VARCHAR: TIMESTAMP_LTZ, TIME (HH:mm:ss[.fff]) and BYTES (Base64)
  const toWeir = (x: string, t: DataType): string => (t.kind === 'TIMESTAMP_LTZ' ? instantText(x) : t.kind === 'TIME' || t.kind === 'BYTES' ? jsonValue(x, t) : x);
  if (connector === 'nexmark' || connector === 'datagen' || connector === 'postgres-cdc') {
    const name = ctx.generatorTable(table);
    return `SELECT ${asP((n) => q(n))} FROM ${q(name)}`;
  }
  if (connector !== 'filesystem') throw new TranslationError(`table ${table.name}`, `the ${connector} connector cannot be read in DuckDB`);
  const path = filesystemPath(table);
  const found = metadata ? listDataFiles(path).map((f) => resolvePath(f)) : listDataFiles(path);
  if (metadata) {
    const format = table.options.get('format');
    if (format !== 'csv') throw new TranslationError(`table ${table.name}`, `the METADATA columns of a ${format} table cannot be read in DuckDB yet (a csv table's can)`);
    const mtime = physical.find((c) => c.kind === 'metadata' && metadataKey(c) === 'file.modification-time');
    if (mtime !== undefined) throw new TranslationError(`table ${table.name}`, `METADATA column ${mtime.name} (file.modification-time) cannot be read in DuckDB: its file times have whole seconds`);
  }
  // no files (an empty directory): an empty table, as the stream reads it; DuckDB's readers
  // refuse an empty list
  if (found.length === 0) return `SELECT ${asP((_, i, t) => toWeir(`CAST(NULL AS ${readType(t)})`, t))} WHERE false`;
  const format = table.options.get('format');
  // json: numbers DuckDB would read through a double are handed to it as text (json-exact.ts)
  const files = `[${(format === 'json' || format === 'debezium-json' ? exactJsonFiles(found) : found).map(sqlString).join(', ')}]`;
  // PARTITIONED BY: the files hold the other columns; DuckDB reads the `k=v` directory names
  // itself (hive partitioning, which undoes the %XX escapes), as text, and the default
  // partition name is NULL
  const keys = table.partitionKeys ?? [];
  const isKey = (name: string): boolean => keys.includes(name);
  const defaultName = table.options.get('partition.default-name') ?? DEFAULT_PARTITION_NAME;
  const hive = keys.length === 0 ? '' : `, hive_partitioning = true, hive_types = {${keys.map((k) => `${sqlString(k)}: 'VARCHAR'`).join(', ')}}`;
  const keyValue = (name: string, t: DataType): string => toWeir(`CAST(NULLIF(${q(name)}, ${sqlString(defaultName)}) AS ${readType(t)})`, t);
  if (keys.length > 0 && format === 'debezium-json') throw new TranslationError(`table ${table.name}`, 'a partitioned debezium-json table cannot be read in DuckDB yet');
  if (format === 'csv') {
    const cols = `{${physical.flatMap((c, i) => (isKey(c.name) || c.kind === 'metadata' ? [] : [`'p${i}': '${readType(c.type)}'`])).join(', ')}}`;
    const delim = table.options.get('csv.field-delimiter') ?? ',';
    const quote = table.options.get('csv.quote-character') ?? '"';
    const ignore = table.options.get('csv.ignore-parse-errors') === 'true';
    // 'csv.ignore-first-line': each file's first line is a header; DuckDB skips it per file too
    const header = table.options.get('csv.ignore-first-line') === 'true';
    const read = `read_csv(${files}, header = ${header}, delim = ${sqlString(delim)}, quote = ${sqlString(quote)}, escape = ${sqlString(quote)}, allow_quoted_nulls = false, auto_detect = false, columns = ${cols}${ignore ? ', ignore_errors = true' : ''}${hive}${metadata ? ', filename = true' : ''})`;
    if (!metadata) return `SELECT ${asP((n, i, t) => (isKey(n) ? keyValue(n, t) : toWeir(`p${i}`, t)))} FROM ${read}`;
    // METADATA: DuckDB's own file name of each row, and read_blob's size of each file
    const meta = (key: string): string => (key === 'file.path' ? 'r.filename' : key === 'file.name' ? "regexp_extract(r.filename, '[^/]*$')" : 'CAST(b.size AS BIGINT)');
    const select = physical.map((c, i) => `${c.kind === 'metadata' ? meta(metadataKey(c)) : isKey(c.name) ? keyValue(c.name, c.type) : toWeir(`r.p${i}`, c.type)} AS p${i}`).join(', ');
    return `SELECT ${select} FROM ${read} r LEFT JOIN read_blob(${files}) b ON b.filename = r.filename`;
  }
  // json and debezium-json: timestamps may be text or epoch milliseconds, so they are read as text
  if (format === 'json') {
    const cols = `{${physical.flatMap((c) => (isKey(c.name) ? [] : [`${sqlString(c.name)}: '${jsonType(c.type)}'`])).join(', ')}}`;
    const ignore = table.options.get('json.ignore-parse-errors') === 'true';
    return `SELECT ${asP((n, _, t) => (isKey(n) ? keyValue(n, t) : jsonValue(q(n), t)))} FROM read_json(${files}, format = 'newline_delimited', columns = ${cols}${ignore ? ', ignore_errors = true' : ''}${hive})`;
  }
  if (format === 'debezium-json') {
    const struct = `STRUCT(${physical.map((c) => `${q(c.name)} ${jsonType(c.type)}`).join(', ')})`;
    const field = (side: string, n: string): string => `${side}.${q(n)}`;
    const after = physical.map((c, i) => `${field('after', c.name)} AS p${i}`).join(', ');
    const before = physical.map((c, i) => `${field('before', c.name)} AS p${i}`).join(', ');
    const pcols = physical.map((_, i) => `p${i}`).join(', ');
    // net count of each row: +1 per after image, -1 per before image; keep what remains
    const live = `SELECT ${pcols}, sum(m) AS m FROM (SELECT ${after}, 1 AS m FROM ev WHERE after IS NOT NULL UNION ALL SELECT ${before}, -1 AS m FROM ev WHERE before IS NOT NULL) GROUP BY ALL HAVING sum(m) > 0`;
    return `WITH ev AS (SELECT * FROM read_json(${files}, format = 'newline_delimited', columns = {'before': '${struct}', 'after': '${struct}', 'op': 'VARCHAR'}) WHERE op IS NOT NULL), live AS (${live}) SELECT ${asP((_, i, t) => jsonValue(`p${i}`, t))} FROM live, range(CAST(live.m AS BIGINT))`;
  }
  throw new TranslationError(`table ${table.name}`, `format '${format}' cannot be read in DuckDB`);
}

function cols(n: number, prefix = 't'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}.c${i}`);
}

/** A select list; a node without columns (e.g. under COUNT(*)) still yields its rows. */
function list(items: readonly string[]): string {
  return items.length === 0 ? '1 AS __none' : items.join(', ');
}

function wrapExpr<R = string>(node: LogicalPlan, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof DuckDbTranslationError) throw new TranslationError(describeNode(node), e.message);
    throw e;
  }
}

function aggToDuckDb(a: AggCall, inputTypes: readonly DataType[], col: (i: number) => string): string {
  const arg = a.args[0] === undefined ? '' : col(a.args[0]);
  const d = a.distinct ? 'DISTINCT ' : '';
  const filter = a.filter === undefined ? '' : ` FILTER (WHERE ${col(a.filter)})`;
  switch (a.fn) {
    case 'count_star':
      return `count(*)${filter}`;
    case 'count':
      return `count(${d}${arg})${filter}`;
    // integer sums wrap as Java's int / long (duck-int64.ts); DuckDB's would be a HUGEINT
    case 'sum':
      return isIntegral(a.type) ? duckWrap(`sum(${d}${duckHuge(arg)})${filter}`, a.type.kind === 'INT' ? 32 : 64) : decimalSum(`sum(${d}${arg})${filter}`, a.type);
    case 'sum0':
      return isIntegral(a.type) ? `coalesce(${duckWrap(`sum(${d}${duckHuge(arg)})${filter}`, a.type.kind === 'INT' ? 32 : 64)}, 0)` : `coalesce(${decimalSum(`sum(${d}${arg})${filter}`, a.type)}, 0)`;
    case 'min':
      return `min(${arg})${filter}`;
    case 'max':
      return `max(${arg})${filter}`;
    case 'collect': {
      // DuckDB has no multiset: histogram() gives the same MAP of each non-NULL value to its
      // count (NULL for no values, where COLLECT gives an empty multiset)
      const t = typeToDuckDb(a.type);
      return `coalesce(CAST(histogram(${d}${arg})${filter} AS ${t}), CAST(MAP {} AS ${t}))`;
    }
    case 'array_agg':
      throw new TranslationError('ARRAY_AGG', 'its elements come in the order rows arrive in the stream, which a batch query cannot reproduce');
    case 'json_arrayagg':
      throw new TranslationError('JSON_ARRAYAGG', 'its elements come in the order rows arrive in the stream, which a batch query cannot reproduce');
    case 'json_objectagg': {
      // weir's text, built from the JSON text of the keys and values (the binder made each value
      // JSON_STRING(v)), keys sorted as Flink's; NULL ON NULL writes null, ABSENT ON NULL skips it
      const v = col(a.args[1]!);
      const conds = [...(a.filter === undefined ? [] : [col(a.filter)]), ...(a.absentOnNull === true ? [`${v} IS NOT NULL`] : [])];
      const where = conds.length === 0 ? '' : ` FILTER (WHERE ${conds.join(' AND ')})`;
      return `('{' || coalesce(string_agg(${duckJsonQuote(arg)} || ':' || coalesce(${v}, 'null'), ',' ORDER BY ${arg})${where}, '') || '}')`;
    }
    case 'udaf':
      return udafCallToDuckDb(a.udf!.key, a.args.map(col), filter);
    case 'avg': {
      const t = inputTypes[a.args[0]!]!;
      // weir's AVG of an integer type truncates toward zero (Flink's), DuckDB's is a DOUBLE
      // Flink: the long sum (wrapping) divided by the count, truncated
      if (isIntegral(t)) return duckAvgOfSum(`sum(${d}${duckHuge(arg)})${filter}`, `count(${d}${arg})${filter}`, 'BIGINT');
      // DECIMAL: the exact sum / count, HALF_UP at Flink's scale (DuckDB's avg is a DOUBLE)
      if (a.type.kind === 'DECIMAL') return duckDecimalAvg(`sum(${d}${arg})${filter}`, `count(${d}${arg})${filter}`, t, a.type);
      return `avg(${d}${arg})${filter}`;
    }
    case 'first_value':
    case 'last_value':
    case 'listagg':
      // Their value is the arrival order of the group's rows, which a batch query does not have
      // (DuckDB's first()/string_agg() take whatever order its scan gives). A translation could
      // agree by accident and call a wrong order OK, so verify refuses instead.
      throw new DuckDbTranslationError(a.name, 'its value depends on the order rows arrive in, which a batch result in DuckDB does not have');
  }
}

/** SUM of a DECIMAL as Flink's DECIMAL(38, s) (DuckDB's is the same type; NULL on overflow); other sums as they are. */
function decimalSum(sum: string, t: DataType): string {
  return t.kind === 'DECIMAL' ? `TRY_CAST(${sum} AS ${duckDecimalType(t)})` : sum;
}

const ts = (ms: string): string => `epoch_ms(CAST(${ms} AS BIGINT))`;

/** window_time from window_end - 1 (ms): a TIMESTAMP, or over TIMESTAMP_LTZ the instant of that local time (the later one if it occurs twice). */
const windowTime = (ms: string, w: WindowSpec): string => (w.zone === undefined ? ts(ms) : duckInstantLatest(ts(ms), timeZoneById(w.zone)));

/** SQL rows of `input` (columns c0..c(n-1)) with the window's start and end (epoch ms) as __ws, __we. */
function assignWindows(w: Exclude<WindowSpec, { kind: 'session' }>, input: string, n: number, timeIndex: number): string {
  // over a TIMESTAMP_LTZ attribute: on the local date-time in the window's zone
  const e = w.zone === undefined ? `epoch_ms(t.c${timeIndex})` : `epoch_ms(${duckLocalOf(`t.c${timeIndex}`, timeZoneById(w.zone))})`;
  const floor = (size: number, off: number): string => `(${e} - ((((${e} - ${off}) % ${size}) + ${size}) % ${size}))`;
  const all = cols(n).join(', ');
  switch (w.kind) {
    case 'tumble':
      return `SELECT ${all}, ${floor(w.size, w.offset)} AS __ws, ${floor(w.size, w.offset)} + ${w.size} AS __we FROM (${input}) t WHERE t.c${timeIndex} IS NOT NULL`;
    case 'hop': {
      const last = floor(w.slide, w.offset);
      const k = w.size / w.slide;
      const inner = `SELECT ${all}, unnest(generate_series(${last} - ${(k - 1) * w.slide}, ${last}, ${w.slide})) AS __ws FROM (${input}) t WHERE t.c${timeIndex} IS NOT NULL`;
      return `SELECT ${cols(n, 'h').join(', ')}, h.__ws, h.__ws + ${w.size} AS __we FROM (${inner}) h`;
    }
    case 'cumulate': {
      const s = floor(w.size, w.offset);
      const inner = `SELECT ${all}, ${e} AS __e, ${s} AS __ws, unnest(generate_series(${s} + ${w.step}, ${s} + ${w.size}, ${w.step})) AS __we FROM (${input}) t WHERE t.c${timeIndex} IS NOT NULL`;
      return `SELECT ${cols(n, 'h').join(', ')}, h.__ws, h.__we FROM (${inner}) h WHERE h.__we > h.__e`;
    }
  }
}

/**
 * A join as a SQL join of the two inputs: the equi-keys (`IS NOT DISTINCT FROM` where null-safe)
 * and the residual condition in ON; SEMI and ANTI as [NOT] EXISTS, so each left row counts
 * once however many rows match it. Interval and window joins are the same SQL join: their
 * time bounds and window columns are part of the condition and keys.
 */
function joinToDuckDb(p: Extract<LogicalPlan, { kind: 'join' }>, left: string, right: string): string {
  const nl = p.left.schema.length;
  const nr = p.right.schema.length;
  const col = (j: number): string => (j < nl ? `l.c${j}` : `r.c${j - nl}`);
  const conds = p.leftKeys.map((k, i) => `l.c${k} ${p.nullSafe[i] ? 'IS NOT DISTINCT FROM' : '='} r.c${p.rightKeys[i]!}`);
  if (p.condition !== undefined) conds.push(`(${wrapExpr(p, () => exprToDuckDb(p.condition!, col))})`);
  const on = conds.length === 0 ? 'TRUE' : conds.join(' AND ');
  if (p.joinType === 'semi' || p.joinType === 'anti') {
    return `SELECT ${list(cols(nl, 'l'))} FROM (${left}) l WHERE ${p.joinType === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (${right}) r WHERE ${on})`;
  }
  const kind = p.joinType === 'inner' ? 'INNER' : p.joinType === 'left' ? 'LEFT' : p.joinType === 'right' ? 'RIGHT' : 'FULL OUTER';
  const out = [...cols(nl, 'l').map((c, i) => `${c} AS c${i}`), ...cols(nr, 'r').map((c, i) => `${c} AS c${nl + i}`)];
  return `SELECT ${list(out)} FROM (${left}) l ${kind} JOIN (${right}) r ON ${on}`;
}

/** The OVER clause of a rank with Flink's null order spelled out (DuckDB's default differs). */
export function rankWindowSql(p: Extract<LogicalPlan, { kind: 'rank' }>, alias: string): string {
  const part = p.partitionKeys.length > 0 ? `PARTITION BY ${p.partitionKeys.map((k) => `${alias}.c${k}`).join(', ')} ` : '';
  const order = p.orderKeys.map((k) => `${alias}.c${k.index}${k.desc ? ' DESC' : ' ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
  return `(${part}ORDER BY ${order})`;
}

/**
 * A rank (Top-N, deduplication, window rank) as the window function over its input, filtered
 * to the range. Among rows tied on the ORDER BY keys DuckDB's ROW_NUMBER may pick other rows
 * than the stream did; verify compares such results tie-aware (see tie-aware.ts).
 */
function rankToDuckDb(p: Extract<LogicalPlan, { kind: 'rank' }>, input: string): string {
  if (p.range === undefined) throw new TranslationError(describeNode(p), 'a rank without a filter on it has no streaming result');
  const n = p.input.schema.length;
  const ranked = `SELECT ${list(cols(n))}, ${p.fn}() OVER ${rankWindowSql(p, 't')} AS __rank FROM (${input}) t`;
  const out = [...cols(n, 'r').map((c, i) => `${c} AS c${i}`), ...(p.outputRank ? [`r.__rank AS c${n}`] : [])];
  return `SELECT ${list(out)} FROM (${ranked}) r WHERE r.__rank BETWEEN ${p.range.start} AND ${p.range.end}`;
}

function sortKeyToDuckDb(k: SortKey): string {
  return `t.c${k.index} ${k.desc ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`;
}

/**
 * A LIMIT without ORDER BY at the top of a query: its rows are whichever arrive first, so verify
 * checks that the stream's rows are `fetch` rows (fewer when the input has fewer) of the input's.
 */
export function sampleLimitOf(p: LogicalPlan): { readonly input: LogicalPlan; readonly offset: number; readonly fetch: number } | undefined {
  if (p.kind === 'sink') return sampleLimitOf(p.input);
  if (p.kind === 'limit' && p.input.kind !== 'sort') return { input: p.input, offset: p.offset, fetch: p.fetch };
  return undefined;
}

function frameToDuckDb(f: OverFrame): string {
  if (f.preceding === undefined) return `${f.unit.toUpperCase()} BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  return `${f.unit.toUpperCase()} BETWEEN ${f.preceding} PRECEDING AND CURRENT ROW`;
}

/**
 * OVER aggregation as DuckDB window functions with the same frame, ordered by the time in epoch
 * milliseconds (so a RANGE frame is a number of ms). FIRST_VALUE / LAST_VALUE skip NULLs, as
 * Flink's do; AVG of an integer type truncates. Rows of equal time are peers in both for RANGE
 * frames; for ROWS frames their order is arrival order in the stream and unspecified in DuckDB,
 * so such ties can differ (documented).
 */
function overToDuckDb(p: Extract<LogicalPlan, { kind: 'over-aggregate' }>, input: string): string {
  const n = p.input.schema.length;
  const types = p.input.schema.map((f) => f.type);
  const part = p.partitionKeys.length > 0 ? `PARTITION BY ${p.partitionKeys.map((k) => `t.c${k}`).join(', ')} ` : '';
  const order = `ORDER BY epoch_ms(t.c${p.timeIndex})`;
  const win = `OVER (${part}${order} ${frameToDuckDb(p.frame)})`;
  const call = (c: OverCall): string => {
    const arg = c.args[0] === undefined ? '' : `t.c${c.args[0]}`;
    switch (c.fn) {
      case 'first_value':
        return `first_value(${arg} IGNORE NULLS) ${win}`;
      case 'last_value':
        return `last_value(${arg} IGNORE NULLS) ${win}`;
      case 'lag':
        return `lag(${arg}, ${c.offset}${c.default !== null ? `, ${constantToDuckDb(c.default, c.type)}` : ''}) OVER (${part}${order})`;
      case 'avg':
        if (c.type.kind === 'DECIMAL') return duckDecimalAvg(`sum(${arg}) ${win}`, `count(${arg}) ${win}`, types[c.args[0]!]!, c.type);
        return isIntegral(types[c.args[0]!]!) ? `CAST(trunc(avg(${arg}) ${win}) AS BIGINT)` : `avg(${arg}) ${win}`;
      case 'count_star':
        return `count(*) ${win}`;
      case 'sum0':
        return isIntegral(c.type) ? `coalesce(${duckWrap(`sum(${duckHuge(arg)}) ${win}`, c.type.kind === 'INT' ? 32 : 64)}, 0)` : `coalesce(${decimalSum(`sum(${arg}) ${win}`, c.type)}, 0)`;
      case 'sum':
        // integer sums wrap as Java's int / long (duck-int64.ts)
        return isIntegral(c.type) ? duckWrap(`sum(${duckHuge(arg)}) ${win}`, c.type.kind === 'INT' ? 32 : 64) : decimalSum(`sum(${arg}) ${win}`, c.type);
      case 'listagg':
        // DuckDB joins a frame's values in the frame's order (time order)
        return `string_agg(${arg}, ${constantToDuckDb(c.separator ?? ',', T.STRING)}) ${win}`;
      default:
        return `${c.fn}(${arg}) ${win}`;
    }
  };
  const items = [...cols(n), ...p.calls.map((c, i) => `${call(c)} AS c${n + i}`)];
  return `SELECT ${items.join(', ')} FROM (${input}) t WHERE t.c${p.timeIndex} IS NOT NULL`;
}

export function planToDuckDb(p: LogicalPlan, ctx: TranslateContext): string {
  const recorded = ctx.recorded?.(p);
  if (recorded !== undefined) return recorded;
  switch (p.kind) {
    case 'scan': {
      const raw = readPhysical(p.table, ctx);
      const exprs = wrapExpr(p, () => list(p.outputs.map((e, i) => `${exprToDuckDb(e, (j) => `s.p${j}`)} AS c${i}`)));
      return `SELECT ${exprs} FROM (${raw}) s`;
    }
    case 'project': {
      const input = planToDuckDb(p.input, ctx);
      const exprs = wrapExpr(p, () => list(p.exprs.map((e, i) => `${exprToDuckDb(e, (j) => `t.c${j}`)} AS c${i}`)));
      return `SELECT ${exprs} FROM (${input}) t`;
    }
    case 'filter': {
      const input = planToDuckDb(p.input, ctx);
      const pred = wrapExpr(p, () => exprToDuckDb(p.predicate, (j) => `t.c${j}`));
      return `SELECT ${list(cols(p.schema.length))} FROM (${input}) t WHERE ${pred}`;
    }
    case 'correlate': {
      // the same module, as a DuckDB function returning the rows as a list, unnested (duck-udf.ts)
      const input = planToDuckDb(p.input, ctx);
      const n = p.input.schema.length;
      const args = p.args.map((e) => ({ sql: wrapExpr(p, () => exprToDuckDb(e, (j) => `t.c${j}`)), type: e.type }));
      const { call, columns } = tableFunctionToDuckDb(p.fn, args);
      const out = columns.map((c, j) => `${c} AS c${n + j}`);
      const lateral = `LATERAL (SELECT unnest(${call}) AS u) r`;
      return `SELECT ${[...cols(n), ...out].join(', ')} FROM (${input}) t ${p.joinType === 'left' ? `LEFT JOIN ${lateral} ON TRUE` : `CROSS JOIN ${lateral}`}`;
    }
    case 'window-tvf': {
      if (p.window.kind === 'session') throw new TranslationError(describeNode(p), 'a SESSION window must be aggregated');
      const n = p.input.schema.length;
      const rows = assignWindows(p.window, planToDuckDb(p.input, ctx), n, p.timeIndex);
      return `SELECT ${cols(n, 'w').join(', ')}, ${ts('w.__ws')} AS c${n}, ${ts('w.__we')} AS c${n + 1}, ${windowTime('w.__we - 1', p.window)} AS c${n + 2} FROM (${rows}) w`;
    }
    case 'unnest': {
      // each row joined with 1..len (the longest collection; at least 1 when outer), elements
      // taken by position: DuckDB lists and MAP key/value lists are 1-based, past the end NULL
      const input = planToDuckDb(p.input, ctx);
      const n = p.input.schema.length;
      const colls = p.exprs.map((e) => wrapExpr(p, () => exprToDuckDb(e, (j) => `t.c${j}`)));
      // an INT is a count: the row repeated that many times (INTERSECT ALL / EXCEPT ALL)
      const lens = p.exprs.map((e, i) => (e.type.kind === 'INT' ? `greatest(coalesce(${colls[i]}, 0), 0)` : `coalesce(${e.type.kind === 'MAP' ? 'cardinality' : 'len'}(${colls[i]}), 0)`));
      let len = lens.length === 1 ? lens[0]! : `greatest(${lens.join(', ')})`;
      if (p.outer) len = `greatest(${len}, 1)`;
      const out: string[] = [];
      p.exprs.forEach((e, i) => {
        const c = colls[i]!;
        if (e.type.kind === 'INT') return;
        if (e.type.kind === 'MAP') out.push(`map_keys(${c})[u.i]`, `map_values(${c})[u.i]`);
        else if (e.type.element!.kind === 'ROW') for (const f of e.type.element!.fields!) out.push(`struct_extract(${c}[u.i], ${sqlString(f.name)})`);
        else out.push(`${c}[u.i]`);
      });
      if (p.ordinality) out.push('CAST(u.i AS INTEGER)');
      const items = [...cols(n), ...out.map((x, j) => `${x} AS c${n + j}`)];
      return `SELECT ${items.join(', ')} FROM (${input}) t, LATERAL (SELECT unnest(range(1, CAST(${len} AS BIGINT) + 1)) AS i) u`;
    }
    case 'aggregate': {
      const input = planToDuckDb(p.input, ctx);
      const types = p.input.schema.map((f) => f.type);
      const keys = p.groupKeys.map((k, i) => `t.c${k} AS c${i}`);
      const aggs = wrapExpr(p, () => p.aggs.map((a, i) => `${aggToDuckDb(a, types, (j) => `t.c${j}`)} AS c${p.groupKeys.length + i}`));
      const group = p.groupKeys.length > 0 ? ` GROUP BY ${p.groupKeys.map((k) => `t.c${k}`).join(', ')}` : ' HAVING count(*) > 0';
      return `SELECT ${[...keys, ...aggs].join(', ')} FROM (${input}) t${group}`;
    }
    case 'window-aggregate': {
      const input = planToDuckDb(p.input, ctx);
      const n = p.input.schema.length;
      const types = p.input.schema.map((f) => f.type);
      const k = p.groupKeys.length;
      const m = p.aggs.length;
      const keyCols = p.groupKeys.map((g) => `t.c${g}`);
      const aggs = wrapExpr(p, () => p.aggs.map((a, i) => `${aggToDuckDb(a, types, (j) => `t.c${j}`)} AS c${k + i}`));
      const keys = keyCols.map((c, i) => `${c} AS c${i}`);
      if (p.attached !== undefined) {
        // windows assigned upstream: group by the rows' own window bounds
        const ws = `t.c${p.attached.start}`;
        const we = `t.c${p.attached.end}`;
        return `SELECT ${[...keys, ...aggs].join(', ')}, ${ws} AS c${k + m}, ${we} AS c${k + m + 1}, ${windowTime(`epoch_ms(${we}) - 1`, p.window)} AS c${k + m + 2} FROM (${input}) t WHERE ${ws} IS NOT NULL AND ${we} IS NOT NULL GROUP BY ${[...keyCols, ws, we].join(', ')}`;
      }
      if (p.window.kind === 'session') {
        // the stream's sessions also span the times of rows retracted since (sessions only
        // grow), which the folded final rows no longer have
        if (isUpdating(p.input)) throw new TranslationError(describeNode(p), 'a SESSION window over a changelog keeps the bounds its retracted rows gave it; DuckDB sees only the final rows');
        const gap = p.window.gap;
        const part = keyCols.length > 0 ? `PARTITION BY ${keyCols.join(', ')} ` : '';
        // over TIMESTAMP_LTZ: on local date-times in the window's zone, as the stream does
        const e = p.window.zone === undefined ? `epoch_ms(t.c${p.timeIndex})` : `epoch_ms(${duckLocalOf(`t.c${p.timeIndex}`, timeZoneById(p.window.zone))})`;
        const flagged = `SELECT ${cols(n).join(', ')}, ${e} AS __e, CASE WHEN ${e} - lag(${e}) OVER (${part}ORDER BY ${e}) <= ${gap} THEN 0 ELSE 1 END AS __fresh FROM (${input}) t WHERE t.c${p.timeIndex} IS NOT NULL`;
        // Order-stable among rows with equal times: of the rows sharing a time, lag() marks at
        // most one (whichever its sort puts first) as the start of a session, and the running
        // sum must not depend on where its own sort puts that row. RANGE (not ROWS) sums over all
        // rows with the same time, so every one of them gets the same session id. With ROWS, a
        // tied row sorted before the marked one kept the previous session's id, which split a
        // session in two with the same start (a false DIFF on Nexmark q11 at 10M events/s).
        const grouped = `SELECT f.*, sum(f.__fresh) OVER (${keyCols.length > 0 ? `PARTITION BY ${keyCols.map((c) => c.replace('t.', 'f.')).join(', ')} ` : ''}ORDER BY f.__e RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __sid FROM (${flagged}) f`;
        return `SELECT ${[...keys, ...aggs].join(', ')}, ${ts('min(t.__e)')} AS c${k + m}, ${ts(`max(t.__e) + ${gap}`)} AS c${k + m + 1}, ${windowTime(`max(t.__e) + ${gap - 1}`, p.window)} AS c${k + m + 2} FROM (${grouped}) t GROUP BY ${[...keyCols, 't.__sid'].join(', ')}`;
      }
      const rows = assignWindows(p.window, input, n, p.timeIndex);
      const group = [...keyCols, 't.__ws', 't.__we'].join(', ');
      return `SELECT ${[...keys, ...aggs].join(', ')}, ${ts('t.__ws')} AS c${k + m}, ${ts('t.__we')} AS c${k + m + 1}, ${windowTime('t.__we - 1', p.window)} AS c${k + m + 2} FROM (${rows}) t GROUP BY ${group}`;
    }
    case 'join':
      // a temporal join reads the versioned table's changelog, not its final rows
      if (p.strategy.kind === 'temporal') return temporalJoinToDuckDb(p, planToDuckDb(p.left, ctx), ctx);
      // a file lookup joins every row of the file: a plain join against its rows (below)
      if (p.strategy.kind === 'lookup' && p.strategy.leftTime !== undefined) throw new TranslationError(describeNode(p), 'a lookup join reads a PostgreSQL table, which verify cannot give DuckDB');
      return joinToDuckDb(p, planToDuckDb(p.left, ctx), planToDuckDb(p.right, ctx));
    case 'rank':
      return rankToDuckDb(p, planToDuckDb(p.input, ctx));
    case 'over-aggregate':
      return overToDuckDb(p, planToDuckDb(p.input, ctx));
    case 'sort': {
      // a multiset: the order is the stream's business; rows without a time are dropped by the sort
      return `SELECT ${list(cols(p.schema.length))} FROM (${planToDuckDb(p.input, ctx)}) t WHERE t.c${p.keys[0]!.index} IS NOT NULL`;
    }
    case 'match-recognize':
      throw new TranslationError(describeNode(p), 'MATCH_RECOGNIZE (row pattern recognition) has no DuckDB equivalent: DuckDB cannot match row patterns, so weir verify cannot check this query');
    case 'limit': {
      if (p.input.kind !== 'sort') {
        throw new TranslationError(describeNode(p), 'a LIMIT without ORDER BY keeps whichever rows arrive first; weir verify checks that only for the LIMIT of the whole query (the rows must be some of the query\'s rows)');
      }
      const s = p.input;
      const order = s.keys.map((k) => sortKeyToDuckDb(k)).join(', ');
      return `SELECT ${list(cols(p.schema.length))} FROM (${planToDuckDb(s.input, ctx)}) t WHERE t.c${s.keys[0]!.index} IS NOT NULL ORDER BY ${order} LIMIT ${p.fetch} OFFSET ${p.offset}`;
    }
    case 'union':
      return p.inputs.map((i) => `(${planToDuckDb(i, ctx)})`).join(' UNION ALL ');
    case 'values': {
      if (p.schema.length === 0) return `SELECT 1 AS __one`;
      const rows = p.rows.map((r) => `(${r.map((v: Scalar, i) => constantToDuckDb(v, p.schema[i]!.type)).join(', ')})`);
      return `SELECT * FROM (VALUES ${rows.join(', ')}) AS v(${p.schema.map((_, i) => `c${i}`).join(', ')})`;
    }
    case 'sink':
      return planToDuckDb(p.input, ctx);
    default:
      return assertNever(p, 'plan node');
  }
}
