// The harness of the scalar function tests (functions.test.ts, functions-strings.test.ts): an
// expression is bound from SQL text by the real binder, compiled to a batch kernel and
// evaluated by weir, translated by exprToDuckDb and evaluated by real DuckDB over the same
// rows, and the two are compared value by value (and with hand-worked values when given).

import { decimalKey } from '../../src/verify/compare.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Binder } from '../../src/sql/binder.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { parseStatement } from '../../src/sql/parse.js';
import type * as ast from '../../src/sql/ast.js';
import { compileExpr } from '../../src/expr/compile.js';
import type { BoundExpr } from '../../src/expr/bound.js';
import { batchFromRows, getScalar, type Scalar } from '../../src/common/batch.js';
import { T, type DataType } from '../../src/common/types.js';
import { parseDate, parseTimestamp } from '../../src/common/time.js';
import { constantToDuckDb, DuckDbTranslationError, exprToDuckDb } from '../../src/verify/duck-expr.js';

export interface Case {
  /** A SQL expression over the columns. */
  readonly sql: string;
  /** Columns, `name TYPE, ...` (INT, BIGINT, DOUBLE, DECIMAL(p,s), STRING, BOOLEAN, TIMESTAMP, DATE). */
  readonly cols: string;
  /** Rows; TIMESTAMP and DATE values are written as text. */
  readonly rows: readonly (readonly Scalar[])[];
  /** Hand-worked results per row (undefined: not worked out); TIMESTAMP/DATE as text. */
  readonly expect?: readonly (Scalar | undefined)[];
  /** Both engines must fail on the (single) row with a message matching this. */
  readonly error?: RegExp;
  /** Why verify refuses to translate it: weir's values are checked against `expect` only. */
  readonly weirOnly?: string;
}

export function parseCols(spec: string): { name: string; type: DataType }[] {
  const out: { name: string; type: DataType }[] = [];
  for (const m of spec.matchAll(/(\w+)\s+(DECIMAL\(\s*(\d+)\s*,\s*(\d+)\s*\)|\w+)/g)) {
    const t = m[2]!;
    const type: DataType = t.startsWith('DECIMAL') ? T.decimal(Number(m[3]), Number(m[4])) : ({ INT: T.INT, BIGINT: T.BIGINT, DOUBLE: T.DOUBLE, STRING: T.STRING, BOOLEAN: T.BOOLEAN, TIMESTAMP: T.TIMESTAMP, DATE: T.DATE } as Record<string, DataType>)[t]!;
    if (type === undefined) throw new Error(`unknown type ${t}`);
    out.push({ name: m[1]!, type });
  }
  return out;
}

/** Text of TIMESTAMP / DATE test values to weir's numbers. */
export function toWeir(v: Scalar | undefined, t: DataType): Scalar | undefined {
  if (typeof v !== 'string') return v;
  // TIMESTAMP_LTZ expectations are written in UTC (the session zone of these tests)
  if (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') {
    const ms = parseTimestamp(v);
    if (Number.isNaN(ms)) throw new Error(`bad timestamp in test: ${v}`);
    return ms;
  }
  if (t.kind === 'DATE') {
    const d = parseDate(v);
    if (Number.isNaN(d)) throw new Error(`bad date in test: ${v}`);
    return d;
  }
  return v;
}

export function bind(sql: string, cols: { name: string; type: DataType }[]): BoundExpr {
  const source = { name: 'expr.sql', text: `SELECT ${sql}` };
  const stmt = parseStatement(source);
  if (stmt.kind !== 'query' || stmt.query.kind !== 'select') throw new Error('expected a SELECT');
  const item = stmt.query.items[0] as Extract<ast.SelectItem, { kind: 'expr' }>;
  const schema = cols.map((c) => ({ name: c.name, type: c.type, nullable: true, rowtime: false }));
  return new Binder(new Catalog(), source).bindExpr(item.expr, { schema, clause: 'SELECT' });
}

export function functionsIn(e: BoundExpr, out: Set<string>): Set<string> {
  switch (e.kind) {
    case 'call':
      out.add(e.fn);
      for (const a of e.args) functionsIn(a, out);
      break;
    case 'case':
      for (const w of e.whens) {
        functionsIn(w.cond, out);
        functionsIn(w.then, out);
      }
      functionsIn(e.else, out);
      break;
    case 'cast':
      functionsIn(e.operand, out);
      break;
    default:
      break;
  }
  return out;
}

export function same(a: Scalar | undefined, b: Scalar | undefined): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  // a DECIMAL(p > 15) is exact text: equal when it is the same decimal as the number's shortest text
  if (typeof a === 'string' && typeof b === 'number' && /^-?\d+(\.\d+)?$/.test(a)) return decimalKey(a) === decimalKey(String(b));
  if (typeof b === 'string' && typeof a === 'number' && /^-?\d+(\.\d+)?$/.test(b)) return decimalKey(b) === decimalKey(String(a));
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
    return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

const show = (v: Scalar | undefined): string => (typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : String(v));

let duck: DuckDBConnection;
let instance: DuckDBInstance;
export const covered = new Set<string>();

export async function evalDuck(e: BoundExpr, cols: { name: string; type: DataType }[], rows: readonly (readonly Scalar[])[]): Promise<Scalar[]> {
  const names = cols.map((c) => `"${c.name}"`);
  const translated = exprToDuckDb(e, (i) => names[i]!);
  const out = e.type.kind === 'TIMESTAMP' || e.type.kind === 'TIMESTAMP_LTZ' ? `epoch_ms(${translated})` : e.type.kind === 'DATE' ? `(${translated} - DATE '1970-01-01')` : translated;
  const values = rows.map((r, i) => `(${[String(i), ...cols.map((c, k) => constantToDuckDb(r[k] ?? null, c.type))].join(', ')})`).join(', ');
  const from = cols.length === 0 ? `(VALUES ${rows.map((_, i) => `(${i})`).join(', ')}) AS t(__i)` : `(VALUES ${values}) AS t(__i, ${names.join(', ')})`;
  const sql = `SELECT ${out} FROM ${from} ORDER BY __i`;
  const reader = await duck.runAndReadAll(sql);
  return reader.getRowsJS().map((r) => {
    const v = r[0];
    if (typeof v === 'bigint') return Number(v);
    if (v === null || v === undefined) return null;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return v as unknown as Scalar; // an ARRAY (of strings)
    throw new Error(`unexpected DuckDB value ${String(v)} for ${sql}`);
  });
}

export function evalWeir(e: BoundExpr, cols: { name: string; type: DataType }[], rows: readonly (readonly Scalar[])[]): Scalar[] {
  const batch = batchFromRows(
    cols.map((c) => c.type),
    rows,
  );
  const col = compileExpr(e)({ length: rows.length, columns: batch.columns, ops: null });
  return rows.map((_, i) => getScalar(col, i));
}

export async function runCase(c: Case): Promise<void> {
  const cols = parseCols(c.cols);
  const rows = c.rows.map((r) => r.map((v, k) => toWeir(v, cols[k]!.type) as Scalar));
  const e = bind(c.sql, cols);
  functionsIn(e, covered);
  const label = `${c.sql} over (${c.cols})`;
  if (c.error !== undefined) {
    expect(() => evalWeir(e, cols, rows), `weir: ${label}`).toThrow(c.error);
    await expect(evalDuck(e, cols, rows), `DuckDB: ${label}`).rejects.toThrow(c.error);
    return;
  }
  const weir = evalWeir(e, cols, rows);
  if (c.weirOnly !== undefined) {
    expect(() => exprToDuckDb(e, (i) => `c${i}`), `${label} is refused by verify`).toThrow(DuckDbTranslationError);
    expect(weir, label).toEqual(c.expect);
    return;
  }
  const duckValues = await evalDuck(e, cols, rows);
  const problems: string[] = [];
  rows.forEach((row, i) => {
    const input = c.rows[i]!.map(show).join(', ');
    if (!same(weir[i], duckValues[i])) problems.push(`row ${i} (${input}): weir ${show(weir[i])}, DuckDB ${show(duckValues[i])}`);
    const want = c.expect?.[i];
    if (want !== undefined) {
      const w = toWeir(want, e.type) as Scalar;
      if (!same(weir[i], w)) problems.push(`row ${i} (${input}): weir ${show(weir[i])}, expected ${show(want)}`);
      if (!same(duckValues[i], w)) problems.push(`row ${i} (${input}): DuckDB ${show(duckValues[i])}, expected ${show(want)}`);
    }
  });
  expect(problems, label).toEqual([]);
}

/** Opens DuckDB before the tests of the calling file and closes it after them. */
export function setupDuckDb(): void {
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
  });

  afterAll(() => {
    duck?.closeSync();
  });
}
