// Flink's collection functions (ELEMENT, ARRAY_*, SPLIT, MAP_*) and the date-time functions
// FLOOR/CEIL(t TO unit), CONVERT_TZ, UNIX_TIMESTAMP(), one by one: each expression is bound from
// SQL text by the real binder, evaluated by weir's kernel and, translated by exprToDuckDb, by
// real DuckDB over the same rows. Both must give the values worked out by hand from Flink's
// documentation and runtime functions (ArraySliceFunction, ArraySortFunction, ...), written
// in `expect`: composites as JS arrays, a MAP as its [key, value] entries in order, a TIMESTAMP
// or DATE as text. The last test fails when one of these functions has no case.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Binder } from '../../src/sql/binder.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { parseStatement } from '../../src/sql/parse.js';
import type * as ast from '../../src/sql/ast.js';
import { compileExpr } from '../../src/expr/compile.js';
import { allFunctions } from '../../src/expr/registry.js';
import type { BoundExpr } from '../../src/expr/bound.js';
import { batchFromRows, getScalar, type Scalar } from '../../src/common/batch.js';
import type { MapValue } from '../../src/common/composite.js';
import { T, type DataType } from '../../src/common/types.js';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from '../../src/common/time.js';
import { COLLECTION_FUNCTIONS } from './functions-collections-names.js';
import { CalcOperator } from '../../src/exec/operators/calc.js';
import { Collector } from '../../src/exec/operator.js';
import { constantToDuckDb, DuckDbTranslationError, exprToDuckDb } from '../../src/verify/duck-expr.js';

interface Case {
  readonly sql: string;
  /** The input columns and their types. */
  readonly cols: Record<string, DataType>;
  /** Rows of JS values: arrays as arrays, maps as m([[k, v], ...]), TIMESTAMP/DATE as text. */
  readonly rows: readonly (readonly unknown[])[];
  /** Hand-worked results, one per row (see the header for the form). */
  readonly expect: readonly unknown[];
}

/** A MAP value from its entries in order. */
const m = (entries: [unknown, unknown][]): MapValue => ({ keys: entries.map((e) => e[0]), values: entries.map((e) => e[1]) });

const AI = T.array(T.INT);
const AS = T.array(T.STRING);
const MSI = T.map(T.STRING, T.INT);
const TS_ROW = '2020-05-15 10:30:45.123'; // a Friday

/** FLOOR and CEIL of TS_ROW to each unit (WEEK from Sunday), worked out on the calendar. */
const ROUNDED: [string, string, string][] = [
  ['SECOND', '2020-05-15 10:30:45.000', '2020-05-15 10:30:46.000'],
  ['MINUTE', '2020-05-15 10:30:00.000', '2020-05-15 10:31:00.000'],
  ['HOUR', '2020-05-15 10:00:00.000', '2020-05-15 11:00:00.000'],
  ['DAY', '2020-05-15 00:00:00.000', '2020-05-16 00:00:00.000'],
  ['WEEK', '2020-05-10 00:00:00.000', '2020-05-17 00:00:00.000'],
  ['MONTH', '2020-05-01 00:00:00.000', '2020-06-01 00:00:00.000'],
  ['QUARTER', '2020-04-01 00:00:00.000', '2020-07-01 00:00:00.000'],
  ['YEAR', '2020-01-01 00:00:00.000', '2021-01-01 00:00:00.000'],
];

const CASES: readonly Case[] = [
  // element: the sole element; NULL for an empty array (more than one: an error, below)
  { sql: 'ELEMENT(a)', cols: { a: AI }, rows: [[[5]], [[]], [null], [[null]]], expect: [5, null, null, null] },
  // array_append / array_prepend: a NULL element is added too; a NULL array gives NULL
  { sql: 'ARRAY_APPEND(a, x)', cols: { a: AI, x: T.INT }, rows: [[[1, 2], 3], [[1, 2], null], [null, 3], [[], 1]], expect: [[1, 2, 3], [1, 2, null], null, [1]] },
  { sql: 'ARRAY_PREPEND(a, x)', cols: { a: AI, x: T.INT }, rows: [[[1, 2], 3], [[1, 2], null], [null, 3], [[], 1]], expect: [[3, 1, 2], [null, 1, 2], null, [1]] },
  { sql: 'ARRAY_APPEND(a, s)', cols: { a: AS, s: T.STRING }, rows: [[['x'], 'y']], expect: [['x', 'y']] },
  // array_contains: a NULL needle finds a NULL element; a NULL array gives NULL
  { sql: 'ARRAY_CONTAINS(a, x)', cols: { a: AI, x: T.INT }, rows: [[[1, 2, null], 2], [[1, 2], 3], [[1, null], null], [[1, 2], null], [null, 1], [[], 1]], expect: [true, false, true, false, null, false] },
  { sql: "ARRAY_CONTAINS(a, 'b')", cols: { a: AS }, rows: [[['a', 'b']], [['B']]], expect: [true, false] },
  // array_position: from 1, 0 when absent, NULL when either is NULL
  { sql: 'ARRAY_POSITION(a, x)', cols: { a: AI, x: T.INT }, rows: [[[1, 2, 1], 1], [[5, 6, 7], 7], [[1, 2], 9], [[1, null], null], [null, 1], [[], 1]], expect: [1, 3, 0, null, null, 0] },
  // array_remove: every equal element; a NULL needle removes the NULLs
  { sql: 'ARRAY_REMOVE(a, x)', cols: { a: AI, x: T.INT }, rows: [[[1, 2, 1, null], 1], [[1, null, null], null], [null, 1], [[1], 2]], expect: [[2, null], [1], null, [1]] },
  // array_distinct: first occurrences in order, one NULL kept in its place
  { sql: 'ARRAY_DISTINCT(a)', cols: { a: AI }, rows: [[[1, null, 1, 2, null]], [[]], [null]], expect: [[1, null, 2], [], null] },
  { sql: 'ARRAY_DISTINCT(a)', cols: { a: AS }, rows: [[['b', 'a', 'b', 'A']]], expect: [['b', 'a', 'A']] },
  { sql: 'ARRAY_REVERSE(a)', cols: { a: AI }, rows: [[[1, null, 3]], [[]], [null]], expect: [[3, null, 1], [], null] },
  // array_slice (ArraySliceFunction): negative offsets from the end, start at least 1, an end of 0 is 1
  {
    sql: 'ARRAY_SLICE(a, s, e)',
    cols: { a: AI, s: T.INT, e: T.INT },
    rows: [
      [[1, 2, 3, 4, 5], 2, 4],
      [[1, 2, 3, 4, 5], -3, -2],
      [[1, 2, 3, 4, 5], 0, 2],
      [[1, 2, 3, 4, 5], 4, 2],
      [[1, 2, 3, 4, 5], 1, 0],
      [[1, 2, 3, 4, 5], 6, 9],
      [[1, 2, 3, 4, 5], -9, 2],
      [[1, 2, 3, 4, 5], 2, null],
      [[], 1, 2],
      [null, 1, 2],
    ],
    expect: [[2, 3, 4], [3, 4], [1, 2], [], [1], [], [1, 2], null, [], null],
  },
  { sql: 'ARRAY_SLICE(a, s)', cols: { a: AI, s: T.INT }, rows: [[[1, 2, 3, 4, 5], 3], [[1, 2, 3, 4, 5], -1], [[1, 2, 3], 7]], expect: [[3, 4, 5], [5], []] },
  // array_sort: ascending with NULLs first by default; descending puts them last; null_first decides alone
  { sql: 'ARRAY_SORT(a)', cols: { a: AI }, rows: [[[3, null, 1, 2]], [[]], [null]], expect: [[null, 1, 2, 3], [], null] },
  { sql: 'ARRAY_SORT(a, FALSE)', cols: { a: AI }, rows: [[[3, null, 1, 2]]], expect: [[3, 2, 1, null]] },
  { sql: 'ARRAY_SORT(a, TRUE, FALSE)', cols: { a: AI }, rows: [[[3, null, 1, 2]]], expect: [[1, 2, 3, null]] },
  { sql: 'ARRAY_SORT(a, FALSE, TRUE)', cols: { a: AI }, rows: [[[3, null, 1, 2]]], expect: [[null, 3, 2, 1]] },
  { sql: 'ARRAY_SORT(a)', cols: { a: AS }, rows: [[['b', 'B', 'a', 'ab']]], expect: [['B', 'a', 'ab', 'b']] },
  // array_union: distinct elements of both in order of first occurrence
  { sql: 'ARRAY_UNION(a, b)', cols: { a: AI, b: AI }, rows: [[[1, 2, 1], [3, 2, null]], [null, [1]], [[1], null], [[], []]], expect: [[1, 2, 3, null], null, null, []] },
  // array_concat: NULL when any array is NULL
  { sql: 'ARRAY_CONCAT(a, b, a)', cols: { a: AI, b: AI }, rows: [[[1], [2, null]], [[1], null], [[], []]], expect: [[1, 2, null, 1], null, []] },
  { sql: 'ARRAY_CONCAT(a)', cols: { a: AI }, rows: [[[1, 2]], [null]], expect: [[1, 2], null] },
  // array_except / array_intersect: distinct elements of the first array, in its order
  { sql: 'ARRAY_EXCEPT(a, b)', cols: { a: AI, b: AI }, rows: [[[1, 2, 2, 3, null], [2]], [[1, null], [null]], [[1], null], [null, [1]], [[1, 1], [1]]], expect: [[1, 3, null], [1], null, null, []] },
  { sql: 'ARRAY_INTERSECT(a, b)', cols: { a: AI, b: AI }, rows: [[[1, 2, 2, 3, null], [null, 3, 2, 4]], [[1], [2]], [null, [1]], [[1], null]], expect: [[2, 3, null], [], null, null] },
  // array_max / array_min: NULL elements are skipped; NULL when none is left
  { sql: 'ARRAY_MAX(a)', cols: { a: AI }, rows: [[[1, null, 5, 3]], [[]], [[null]], [null]], expect: [5, null, null, null] },
  { sql: 'ARRAY_MIN(a)', cols: { a: AI }, rows: [[[4, null, 2, 3]], [[-1]]], expect: [2, -1] },
  { sql: 'ARRAY_MAX(a)', cols: { a: AS }, rows: [[['b', 'c', 'a']]], expect: ['c'] },
  { sql: 'ARRAY_MIN(a)', cols: { a: T.array(T.DOUBLE) }, rows: [[[1.5, -2.25]]], expect: [-2.25] },
  // array_join: NULL elements left out, or replaced; NULL when any argument is NULL
  { sql: 'ARRAY_JOIN(a, d)', cols: { a: AS, d: T.STRING }, rows: [[['a', null, 'c'], ',']], expect: ['a,c'] },
  { sql: 'ARRAY_JOIN(a, d, r)', cols: { a: AS, d: T.STRING, r: T.STRING }, rows: [[['a', null, 'c'], ',', '-'], [[], ',', '-'], [['a'], null, '-'], [null, ',', '-'], [['a', null], ',', null]], expect: ['a,-,c', '', null, null, null] },
  // split (SplitFunction): empty parts kept, an empty delimiter splits into characters, '' has no parts
  {
    sql: 'SPLIT(s, d)',
    cols: { s: T.STRING, d: T.STRING },
    rows: [['a,b,,c', ','], [',a,', ','], ['abc', ''], ['abc', 'x'], ['', ','], [null, ','], ['a', null], ['a::b', '::']],
    expect: [['a', 'b', '', 'c'], ['', 'a', ''], ['a', 'b', 'c'], ['abc'], [], null, null, ['a', 'b']],
  },
  // map_keys / map_values / map_entries: in the map's order
  { sql: 'MAP_KEYS(mp)', cols: { mp: MSI }, rows: [[m([['a', 1], ['b', 2]])], [null]], expect: [['a', 'b'], null] },
  { sql: 'MAP_VALUES(mp)', cols: { mp: MSI }, rows: [[m([['a', 1], ['b', null]])], [null]], expect: [[1, null], null] },
  { sql: 'MAP_ENTRIES(mp)', cols: { mp: MSI }, rows: [[m([['a', 1], ['b', 2]])], [null]], expect: [[['a', 1], ['b', 2]], null] },
  { sql: 'MAP_ENTRIES(mp)[2].`value`', cols: { mp: MSI }, rows: [[m([['a', 1], ['b', 2]])]], expect: [2] },
  // map_from_arrays: keys[i] to values[i]; a repeated key takes its last value (weir's rule)
  { sql: 'MAP_FROM_ARRAYS(k, v)', cols: { k: AS, v: AI }, rows: [[['a', 'b'], [1, 2]], [['a', 'a'], [1, 2]], [null, [1]], [[], []]], expect: [[['a', 1], ['b', 2]], [['a', 2]], null, []] },
  // map_union: later maps' values win
  { sql: 'MAP_UNION(m1, m2)', cols: { m1: MSI, m2: MSI }, rows: [[m([['a', 1], ['b', 2]]), m([['b', 3], ['c', 4]])], [null, m([['a', 1]])]], expect: [[['a', 1], ['b', 3], ['c', 4]], null] },
  // similar_to: the whole string; % and _ as in LIKE, | ( ) [ ] + { } as in regular expressions, . literal
  { sql: "s SIMILAR TO 'a(b|c)%'", cols: { s: T.STRING }, rows: [['abx'], ['acd'], ['ad'], [null], ['']], expect: [true, true, false, null, false] },
  { sql: "s SIMILAR TO 'a.c'", cols: { s: T.STRING }, rows: [['a.c'], ['abc']], expect: [true, false] },
  { sql: "s NOT SIMILAR TO '_b_'", cols: { s: T.STRING }, rows: [['abc'], ['abcd']], expect: [false, true] },
  { sql: "s SIMILAR TO '[a-c]+x{2}'", cols: { s: T.STRING }, rows: [['abcxx'], ['abdxx'], ['axxx']], expect: [true, false, false] },
  // (p0, t0) OVERLAPS (p1, t1): Calcite's convertOverlaps, ends inclusive, each pair sorted; an interval is added to its point
  {
    sql: '(a, b) OVERLAPS (c, d)',
    cols: { a: T.TIMESTAMP, b: T.TIMESTAMP, c: T.TIMESTAMP, d: T.TIMESTAMP },
    rows: [
      ['2020-01-01 09:00:00.000', '2020-01-01 10:00:00.000', '2020-01-01 10:15:00.000', '2020-01-01 13:15:00.000'],
      ['2020-01-01 10:00:00.000', '2020-01-01 11:00:00.000', '2020-01-01 10:30:00.000', '2020-01-01 12:00:00.000'],
      ['2020-01-01 09:00:00.000', '2020-01-01 10:00:00.000', '2020-01-01 10:00:00.000', '2020-01-01 11:00:00.000'],
      ['2020-01-01 11:00:00.000', '2020-01-01 10:00:00.000', '2020-01-01 10:30:00.000', '2020-01-01 10:40:00.000'],
      [null, '2020-01-01 10:00:00.000', '2020-01-01 10:30:00.000', '2020-01-01 11:00:00.000'],
    ],
    expect: [false, true, true, true, null],
  },
  { sql: "(ts, INTERVAL '1' HOUR) OVERLAPS (TIMESTAMP '2020-01-01 03:30:00', INTERVAL '2' HOUR)", cols: { ts: T.TIMESTAMP }, rows: [['2020-01-01 02:55:00.000'], ['2020-01-01 02:29:59.000']], expect: [true, false] },
  { sql: '(d, e) NOT OVERLAPS (DATE \'2020-01-06\', DATE \'2020-01-09\')', cols: { d: T.DATE, e: T.DATE }, rows: [['2020-01-05', '2020-01-01'], ['2020-01-07', '2020-01-01']], expect: [true, false] },
  // floor_time / ceil_time
  ...ROUNDED.flatMap(([unit, floor, ceil]): Case[] => [
    { sql: `FLOOR(ts TO ${unit})`, cols: { ts: T.TIMESTAMP }, rows: [[TS_ROW], [null]], expect: [floor, null] },
    { sql: `CEIL(ts TO ${unit})`, cols: { ts: T.TIMESTAMP }, rows: [[TS_ROW], [null]], expect: [ceil, null] },
  ]),
  // on a boundary CEIL is the value itself; before 1970 FLOOR still rounds down
  { sql: 'CEIL(ts TO QUARTER)', cols: { ts: T.TIMESTAMP }, rows: [['2020-04-01 00:00:00.000'], ['2020-04-01 00:00:00.001']], expect: ['2020-04-01 00:00:00.000', '2020-07-01 00:00:00.000'] },
  { sql: 'FLOOR(ts TO HOUR)', cols: { ts: T.TIMESTAMP }, rows: [['1969-12-31 23:59:59.999']], expect: ['1969-12-31 23:00:00.000'] },
  { sql: 'FLOOR(ts TO MONTH)', cols: { ts: T.TIMESTAMP }, rows: [['1969-12-31 23:59:59.999']], expect: ['1969-12-01 00:00:00.000'] },
  { sql: 'CEILING(ts TO WEEK)', cols: { ts: T.TIMESTAMP }, rows: [['2020-05-17 00:00:00.000'], ['2020-05-17 00:00:00.001']], expect: ['2020-05-17 00:00:00.000', '2020-05-24 00:00:00.000'] },
  { sql: 'FLOOR(d TO MONTH)', cols: { d: T.DATE }, rows: [['2020-02-29'], [null]], expect: ['2020-02-01', null] },
  { sql: 'CEIL(d TO YEAR)', cols: { d: T.DATE }, rows: [['2020-02-29'], ['2020-01-01']], expect: ['2021-01-01', '2020-01-01'] },
  // convert_tz: Flink's documented example, a zone with daylight saving time, Java's short ids, text that does not parse
  { sql: "CONVERT_TZ(s, 'UTC', 'America/Los_Angeles')", cols: { s: T.STRING }, rows: [['1970-01-01 00:00:00'], ['abc'], [null]], expect: ['1969-12-31 16:00:00', null, null] },
  { sql: "CONVERT_TZ(s, 'Asia/Shanghai', 'UTC')", cols: { s: T.STRING }, rows: [['2020-07-01 12:00:00']], expect: ['2020-07-01 04:00:00'] },
  { sql: "CONVERT_TZ(s, 'UTC', 'America/New_York')", cols: { s: T.STRING }, rows: [['2021-03-14 12:00:00'], ['2021-01-14 12:00:00']], expect: ['2021-03-14 08:00:00', '2021-01-14 07:00:00'] },
  { sql: "CONVERT_TZ(s, 'CTT', 'PST')", cols: { s: T.STRING }, rows: [['2020-01-01 08:00:00']], expect: ['2019-12-31 16:00:00'] },
  { sql: "CONVERT_TZ(s, 'GMT+08:00', 'GMT-03:00')", cols: { s: T.STRING }, rows: [['2020-01-01 08:00:00']], expect: ['2019-12-31 21:00:00'] },
];

// ---------------------------------------------------------------------------------------
// Harness

function bind(sql: string, cols: Record<string, DataType>): BoundExpr {
  const source = { name: 'expr.sql', text: `SELECT ${sql}` };
  const stmt = parseStatement(source);
  if (stmt.kind !== 'query' || stmt.query.kind !== 'select') throw new Error('expected a SELECT');
  const item = stmt.query.items[0] as Extract<ast.SelectItem, { kind: 'expr' }>;
  const schema = Object.entries(cols).map(([name, type]) => ({ name, type, nullable: true, rowtime: false }));
  return new Binder(new Catalog(), source).bindExpr(item.expr, { schema, clause: 'SELECT' });
}

/** Test text of a TIMESTAMP / DATE input to weir's number. */
function toWeir(v: unknown, t: DataType): Scalar {
  if (typeof v === 'string' && t.kind === 'TIMESTAMP') return parseTimestamp(v);
  if (typeof v === 'string' && t.kind === 'DATE') return parseDate(v);
  return v as Scalar;
}

/** weir's value in the form of `expect`. */
function fromWeir(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'ARRAY':
      return (v as unknown[]).map((x) => fromWeir(x, t.element!));
    case 'MAP': {
      const mv = v as MapValue;
      return mv.keys.map((k, i) => [fromWeir(k, t.key!), fromWeir(mv.values[i], t.element!)]);
    }
    case 'ROW':
      return (v as unknown[]).map((x, i) => fromWeir(x, t.fields![i]!.type));
    case 'TIMESTAMP':
      return formatTimestamp(v as number);
    case 'DATE':
      return formatDate(v as number);
    default:
      return typeof v === 'bigint' ? Number(v) : v;
  }
}

/** DuckDB's JSON text of a value, parsed, in the form of `expect`. */
function fromDuckJson(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'ARRAY':
      return (v as unknown[]).map((x) => fromDuckJson(x, t.element!));
    case 'MAP': // given as map_entries (below)
      return (v as { key: unknown; value: unknown }[]).map((e) => [fromDuckJson(e.key, t.key!), fromDuckJson(e.value, t.element!)]);
    case 'ROW':
      return t.fields!.map((f) => fromDuckJson((v as Record<string, unknown>)[f.name], f.type));
    default:
      return v;
  }
}

function evalWeir(e: BoundExpr, types: DataType[], rows: Scalar[][]): unknown[] {
  const batch = batchFromRows(types, rows);
  const col = compileExpr(e)({ length: rows.length, columns: batch.columns, ops: null });
  return rows.map((_, i) => fromWeir(getScalar(col, i), e.type));
}

let duck: DuckDBConnection;
let instance: DuckDBInstance;

async function evalDuck(e: BoundExpr, names: string[], types: DataType[], rows: Scalar[][]): Promise<unknown[]> {
  const quoted = names.map((n) => `"${n}"`);
  let x = exprToDuckDb(e, (i) => quoted[i]!);
  if (e.type.kind === 'MAP') x = `map_entries(${x})`;
  const out = e.type.kind === 'TIMESTAMP' ? `strftime(${x}, '%Y-%m-%d %H:%M:%S.%g')` : e.type.kind === 'DATE' ? `CAST(${x} AS VARCHAR)` : `CAST(to_json(${x}) AS VARCHAR)`;
  const values = rows.map((r, i) => `(${[String(i), ...types.map((t, k) => constantToDuckDb(r[k] ?? null, t))].join(', ')})`).join(', ');
  const sql = `SELECT ${out} FROM (VALUES ${values}) AS t(__i, ${quoted.join(', ')}) ORDER BY __i`;
  const reader = await duck.runAndReadAll(sql);
  return reader.getRowsJS().map((r) => {
    const v = r[0];
    if (v === null || v === undefined) return null;
    if (e.type.kind === 'TIMESTAMP' || e.type.kind === 'DATE') return v;
    return fromDuckJson(JSON.parse(String(v)), e.type);
  });
}

const covered = new Set<string>();

function functionsIn(e: BoundExpr, out: Set<string>): void {
  if (e.kind === 'call') {
    out.add(e.fn);
    for (const a of e.args) functionsIn(a, out);
  } else if (e.kind === 'cast') functionsIn(e.operand, out);
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  duck = await instance.connect();
});

afterAll(() => {
  duck?.closeSync();
});

describe('collection and date-time functions: weir and DuckDB against hand-worked values', () => {
  for (const c of CASES) {
    it(`${c.sql} (${Object.entries(c.cols).map(([n, t]) => `${n} ${t.kind}`).join(', ')})`, async () => {
      const names = Object.keys(c.cols);
      const types = Object.values(c.cols);
      const rows = c.rows.map((r) => r.map((v, k) => toWeir(v, types[k]!)));
      const e = bind(c.sql, c.cols);
      functionsIn(e, covered);
      expect(evalWeir(e, types, rows), `weir: ${c.sql}`).toEqual(c.expect);
      expect(await evalDuck(e, names, types, rows), `DuckDB: ${c.sql}`).toEqual(c.expect);
    });
  }
});

describe('errors, clocks and what verify refuses', () => {
  it('ELEMENT of more than one element and MAP_FROM_ARRAYS of different lengths fail the query, in weir and in DuckDB', async () => {
    for (const [sql, cols, row, message] of [
      ['ELEMENT(a)', { a: AI }, [[1, 2]], /ELEMENT of an array with 2 elements/],
      ['MAP_FROM_ARRAYS(k, v)', { k: AS, v: AI }, [['a', 'b'], [1]], /MAP_FROM_ARRAYS of 2 keys and 1 values/],
    ] as const) {
      const e = bind(sql, cols);
      functionsIn(e, covered);
      const types = Object.values(cols);
      expect(() => evalWeir(e, types, [[...row] as Scalar[]])).toThrow(message);
      await expect(evalDuck(e, Object.keys(cols), types, [[...row] as Scalar[]])).rejects.toThrow(/ELEMENT|MAP_FROM_ARRAYS/);
    }
  });

  it('a constant call is folded at bind time, with the same values', () => {
    expect(bind('ARRAY_POSITION(ARRAY[3, 4], 4)', {})).toEqual({ kind: 'const', value: 2, type: T.INT });
    expect(bind("SPLIT('a-b', '-')", {})).toEqual({ kind: 'const', value: ['a', 'b'], type: AS });
    expect(bind("FLOOR(TIMESTAMP '2020-05-15 10:30:00' TO HOUR)", {})).toEqual({ kind: 'const', value: parseTimestamp('2020-05-15 10:00:00'), type: T.TIMESTAMP });
  });

  it('FLOOR(x) of a number is still the numeric FLOOR; a bad unit is a bind error', () => {
    expect(bind('FLOOR(x)', { x: T.DOUBLE })).toMatchObject({ kind: 'call', fn: 'floor' });
    expect(() => bind('FLOOR(s TO HOUR)', { s: T.STRING })).toThrow(/cannot apply FLOOR/);
    expect(() => bind('ts OVERLAPS (ts, ts)', { ts: T.TIMESTAMP })).toThrow(/OVERLAPS compares two periods/);
    expect(() => bind('ARRAY_SORT(a)', { a: T.array(T.array(T.INT)) })).toThrow(/cannot apply ARRAY_SORT/);
    expect(() => bind("ARRAY_CONTAINS(a, 'x')", { a: AI })).toThrow(/ARRAY_CONTAINS/);
  });

  it('FLOOR/CEIL of a TIMESTAMP_LTZ round its local time in the session zone and stay instants', () => {
    const e = bind('FLOOR(t TO DAY)', { t: T.TIMESTAMP_LTZ });
    expect(e.type).toEqual(T.TIMESTAMP_LTZ);
    // UTC session: midnight UTC
    expect(evalWeir(e, [T.TIMESTAMP_LTZ], [[Date.UTC(2020, 4, 15, 10, 30)]])).toEqual([Date.UTC(2020, 4, 15)]);
    expect(() => exprToDuckDb(e, () => 'x')).toThrow(DuckDbTranslationError);
  });

  it('UNIX_TIMESTAMP() reads the clock in whole seconds; verify refuses it', () => {
    const e = bind('UNIX_TIMESTAMP()', {});
    expect(e).toEqual({ kind: 'call', fn: 'unix_timestamp_now', args: [], type: T.BIGINT });
    functionsIn(e, covered);
    const before = Math.floor(Date.now() / 1000);
    const [v] = evalWeir(e, [], [[]]) as number[];
    expect(v).toBeGreaterThanOrEqual(before);
    expect(v).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(() => exprToDuckDb(e, () => 'x')).toThrow(/UNIX_TIMESTAMP\(\).*wall clock/);
    // with an argument it is still the deterministic parse
    expect(bind("UNIX_TIMESTAMP('1970-01-01 00:01:40')", {})).toEqual({ kind: 'const', value: 100, type: T.BIGINT });
  });

  it('ARRAY_SORT with a computed order has no DuckDB form', () => {
    expect(() => exprToDuckDb(bind('ARRAY_SORT(a, b)', { a: AI, b: T.BOOLEAN }), (i) => `c${i}`)).toThrow(/ARRAY_SORT.*constants/);
  });
});

describe('coverage', () => {
  it('has a case for every function of this file', () => {
    for (const c of CASES) functionsIn(bind(c.sql, c.cols), covered);
    functionsIn(bind('UNIX_TIMESTAMP()', {}), covered);
    functionsIn(bind('CURRENT_WATERMARK(ts)', { ts: T.TIMESTAMP }), covered); // tested above, on a CalcOperator
    const mine = allFunctions()
      .map((f) => f.name)
      .filter((n) => COLLECTION_FUNCTIONS.test(n));
    expect(mine.length).toBe(29);
    expect(mine.filter((n) => !covered.has(n))).toEqual([]);
  });
});

describe('CURRENT_WATERMARK', () => {
  it('is the projection or filter operator\'s last watermark, NULL before the first; elsewhere an error; verify refuses it', () => {
    const cols = { ts: T.TIMESTAMP };
    const wm = bind('CURRENT_WATERMARK(ts)', cols);
    expect(wm).toEqual({ kind: 'call', fn: 'current_watermark', args: [{ kind: 'input', index: 0, type: T.TIMESTAMP, name: 'ts' }], type: T.TIMESTAMP });
    functionsIn(wm, covered);
    // WHERE CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts): Flink's documented filter of late rows
    const late = bind('CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts)', cols);
    const op = new CalcOperator(late, [{ kind: 'input', index: 0, type: T.TIMESTAMP, name: 'ts' }, wm]);
    const out = new Collector();
    const run = (...ts: number[]): unknown[][] => {
      op.processBatch(batchFromRows([T.TIMESTAMP], ts.map((t) => [t])), out);
      return out.drain().flatMap((b) => Array.from({ length: b.length }, (_, i) => b.columns.map((c) => getScalar(c, i))));
    };
    expect(run(5000, 1000)).toEqual([[5000, null], [1000, null]]);
    op.processWatermark!(3000, out);
    expect(run(2000, 3000, 4000)).toEqual([[4000, 3000]]);
    op.processWatermark!(4500, out);
    expect(run(4000, 6000)).toEqual([[6000, 4500]]);
    // outside a projection or filter there is no watermark to read
    expect(() => evalWeir(wm, [T.TIMESTAMP], [[1]])).toThrow(/CURRENT_WATERMARK\(\.\.\.\) is supported in a SELECT list/);
    expect(() => exprToDuckDb(wm, () => 'x')).toThrow(/CURRENT_WATERMARK/);
    expect(() => bind('CURRENT_WATERMARK(s)', { s: T.STRING })).toThrow(/cannot apply CURRENT_WATERMARK/);
  });
});

describe('CONVERT_TZ with zones from columns', () => {
  it('reads each row its zones (weir only: verify takes constant zones)', () => {
    const cols = { s: T.STRING, f: T.STRING, t: T.STRING };
    const e = bind('CONVERT_TZ(s, f, t)', cols);
    expect(evalWeir(e, Object.values(cols), [['1970-01-01 00:00:00', 'UTC', 'America/Los_Angeles'], ['2020-01-01 08:00:00', 'CTT', 'PST'], ['2020-01-01 08:00:00', 'No/Such_Zone', 'UTC'], ['x', 'UTC', 'UTC']])).toEqual(['1969-12-31 16:00:00', '2019-12-31 16:00:00', '2020-01-01 08:00:00', null]);
    expect(() => exprToDuckDb(e, (i) => `c${i}`)).toThrow(/CONVERT_TZ.*constant/);
  });
});
