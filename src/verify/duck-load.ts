// Loads a bounded source table into DuckDB through its data-chunk appender, so a batch
// query can run over exactly the rows the stream reads (generators: nexmark, datagen; files
// can be read by DuckDB directly, but loading them works too).
//
// Representation in DuckDB: INT -> INTEGER, BIGINT -> BIGINT, DOUBLE -> DOUBLE, DECIMAL(p, s)
// -> DECIMAL(p, s) (appended as exact text), STRING -> VARCHAR, BOOLEAN -> BOOLEAN, TIMESTAMP ->
// TIMESTAMP (millisecond values), DATE -> DATE. The rows are appended to `<name>__raw` with
// timestamps as epoch-millisecond BIGINTs, and `<name>` is a view converting them.

import type { DuckDBConnection, DuckDBType } from '@duckdb/node-api';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Column } from '../common/batch.js';
import { WeirError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import type { TableDef } from '../catalog/catalog.js';
import { createSourceConnector } from '../connectors/registry.js';
import { isUpstreamNexmarkTable } from '../connectors/nexmark/source.js';
import { NEXMARK_COLUMNS } from '../connectors/nexmark/generator.js';
import { duckTimeOfMs, typeToDuckDb } from './duck-expr.js';
import { hexOfBinary } from '../common/bytes.js';

function rawType(t: DataType): { sql: string; duck: DuckDBType } {
  switch (t.kind) {
    case 'BOOLEAN':
      return { sql: 'BOOLEAN', duck: BOOLEAN };
    case 'INT':
      return { sql: 'INTEGER', duck: INTEGER };
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'DATE':
    case 'TIME':
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
      return { sql: 'BIGINT', duck: BIGINT };
    case 'BYTES':
      // hex text, unhex() in the view
      return { sql: 'VARCHAR', duck: VARCHAR };
    case 'DOUBLE':
    case 'NULL':
      return { sql: 'DOUBLE', duck: DOUBLE };
    case 'DECIMAL':
      // exact text (a DECIMAL(p <= 15) double written at its scale), DECIMAL(p, s) in the view
      return { sql: 'VARCHAR', duck: VARCHAR };
    case 'STRING':
      return { sql: 'VARCHAR', duck: VARCHAR };
    case 'ROW':
    case 'ARRAY':
    case 'MAP':
    case 'MULTISET':
      throw new WeirError('not-supported', `loading a generated ${t.kind} column into DuckDB is not supported yet`);
  }
}

function viewExpr(name: string, t: DataType): string {
  const q = `"${name.replace(/"/g, '""')}"`;
  switch (t.kind) {
    case 'TIMESTAMP':
      return `epoch_ms(${q}) AS ${q}`;
    case 'TIMESTAMP_LTZ':
      return `make_timestamptz(${q} * 1000) AS ${q}`;
    case 'DATE':
      return `(DATE '1970-01-01' + CAST(${q} AS INTEGER)) AS ${q}`;
    case 'TIME':
      return `${duckTimeOfMs(q, 3)} AS ${q}`;
    case 'BYTES':
      return `unhex(${q}) AS ${q}`;
    case 'DECIMAL':
      return `CAST(${q} AS ${typeToDuckDb(t)}) AS ${q}`;
    default:
      return q;
  }
}

/** Values of a column as a DuckDB data-chunk column. */
function chunkValues(c: Column, n: number): unknown[] {
  const out = new Array<unknown>(n);
  const nulls = c.nulls;
  const v = c.values;
  const kind = c.type.kind;
  for (let i = 0; i < n; i++) {
    if (nulls !== null && nulls[i] === 1) {
      out[i] = null;
      continue;
    }
    const x = v[i]!;
    switch (kind) {
      case 'BIGINT':
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ':
      case 'DATE':
      case 'TIME':
      case 'INTERVAL_DAY_TIME':
      case 'INTERVAL_YEAR_MONTH':
        out[i] = BigInt(x as number);
        break;
      case 'BYTES':
        out[i] = hexOfBinary(x as string);
        break;
      case 'BOOLEAN':
        out[i] = x === 1;
        break;
      case 'DECIMAL':
        out[i] = typeof x === 'number' ? (Object.is(x, -0) ? 0 : x).toFixed(c.type.scale ?? 0) : String(x);
        break;
      default:
        out[i] = x;
    }
  }
  return out;
}

export interface LoadedTable {
  readonly name: string;
  readonly rows: number;
}

/** Reads the whole (bounded) source of `table` and appends it to DuckDB as view `name`. */
export async function loadTable(conn: DuckDBConnection, table: TableDef, name: string, maxParallelism = 128): Promise<LoadedTable> {
  if (table.options.get('connector') === 'nexmark' && isUpstreamNexmarkTable(table)) return loadUpstreamNexmark(conn, table, name, maxParallelism);
  const connector = createSourceConnector(table, maxParallelism);
  if (!connector.bounded) {
    const hint = table.options.get('connector') === 'postgres-cdc' ? "read the table's snapshot with 'scan.startup.mode' = 'snapshot'" : "bound it, e.g. 'events.num' for nexmark or 'number-of-rows' for datagen";
    throw new WeirError('plan', `table ${table.name} is unbounded: it cannot be compared with a batch run`, { hint, span: table.span, source: table.source });
  }
  const physical = table.columns.filter((c) => c.kind === 'physical');
  const columns = physical.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
  const raw = `${name}__raw`;
  const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  await conn.run(`CREATE OR REPLACE TABLE ${quoted(raw)} (${columns.map((c) => `${quoted(c.name)} ${rawType(c.type).sql}`).join(', ')})`);
  const appender = await conn.createAppender(raw);
  const types = columns.map((c) => rawType(c.type).duck);
  const reader = await connector.createReader({ subtask: 0, parallelism: 1, columns, restored: undefined });
  let rows = 0;
  try {
    for (;;) {
      const b = await reader.next(2048);
      if (b === null) break;
      if (b.length === 0) continue;
      if (b.ops !== null && b.ops.some((k) => k !== 0)) {
        throw new WeirError('plan', `table ${table.name} is a changelog: load its final state instead`);
      }
      // DuckDB chunks hold at most 2048 rows
      for (let off = 0; off < b.length; off += 2048) {
        const n = Math.min(2048, b.length - off);
        const cols = b.columns.map((c) => (off === 0 && n === b.length ? c : { type: c.type, values: (c.values as Float64Array).subarray ? (c.values as Float64Array).subarray(off, off + n) : (c.values as string[]).slice(off, off + n), nulls: c.nulls === null ? null : c.nulls.subarray(off, off + n) }));
        const chunk = DuckDBDataChunk.create(types, n);
        chunk.setColumns(cols.map((c) => chunkValues(c as Column, n)) as never);
        appender.appendDataChunk(chunk);
      }
      rows += b.length;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
    await reader.close();
  }
  await conn.run(`CREATE OR REPLACE VIEW ${quoted(name)} AS SELECT ${columns.map((c) => viewExpr(c.name, c.type)).join(', ')} FROM ${quoted(raw)}`);
  return { name, rows };
}

/**
 * Upstream Nexmark's single table: each kind loaded as its own table (all its columns), then a
 * view with event_type and one STRUCT column per kind (the declared fields), NULL for the
 * other kinds: the same rows the stream reads.
 */
async function loadUpstreamNexmark(conn: DuckDBConnection, table: TableDef, name: string, maxParallelism: number): Promise<LoadedTable> {
  const kinds = ['person', 'auction', 'bid'] as const;
  const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const physical = table.columns.filter((c) => c.kind === 'physical');
  let rows = 0;
  const parts: string[] = [];
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[k]!;
    const perKind: TableDef = {
      ...table,
      options: new Map([...table.options, ['nexmark.table', kind]]),
      columns: NEXMARK_COLUMNS[kind].map((c) => ({ kind: 'physical' as const, name: c.name, type: c.type, nullable: true })),
      watermark: undefined,
    } as TableDef;
    const loaded = await loadTable(conn, perKind, `${name}__${kind}`, maxParallelism);
    rows += loaded.rows;
    const items = physical.map((c) => {
      if (c.name.toLowerCase() === 'event_type') return `CAST(${k} AS ${typeToDuckDb(c.type)}) AS ${quoted(c.name)}`;
      if (c.name.toLowerCase() !== kind) return `CAST(NULL AS ${typeToDuckDb(c.type)}) AS ${quoted(c.name)}`;
      const fields = (c.type.fields ?? []).map((f) => `${quoted(f.name)} := ${quoted(f.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase())}`);
      return `CAST(struct_pack(${fields.join(', ')}) AS ${typeToDuckDb(c.type)}) AS ${quoted(c.name)}`;
    });
    parts.push(`SELECT ${items.join(', ')} FROM ${quoted(`${name}__${kind}`)}`);
  }
  await conn.run(`CREATE OR REPLACE VIEW ${quoted(name)} AS ${parts.join(' UNION ALL ')}`);
  return { name, rows };
}
