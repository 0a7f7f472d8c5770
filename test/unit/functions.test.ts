// Every scalar function and operator of the registry, one by one, on small tables of inputs
// with NULLs and edge cases: the expression is bound from SQL text by the real binder,
// compiled to a batch kernel and evaluated by weir, translated by exprToDuckDb and evaluated
// by real DuckDB over the same rows, and the two are compared value by value. Where a case
// lists `expect`, the values were worked out by hand from Flink's documented semantics and
// both weir and DuckDB must produce them, so a mistake shared by a kernel and its
// translation is still caught. The last test fails when a registry function has no case.

import { describe, expect, it } from 'vitest';
import { allFunctions } from '../../src/expr/registry.js';
import type { BoundExpr } from '../../src/expr/bound.js';
import type { Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { formatDate } from '../../src/common/time.js';
import { setSessionTimeZone } from '../../src/common/time-zone.js';
import { constantToDuckDb, DuckDbTranslationError, exprToDuckDb, typeToDuckDb } from '../../src/verify/duck-expr.js';
import { COLLECTION_FUNCTIONS } from './functions-collections-names.js';
import { bind, covered, evalDuck, evalWeir, functionsIn, parseCols, runCase, setupDuckDb, toWeir, type Case } from './function-harness.js';
import { E_CALL, PRINTF_CASES, STRING_FUNCTION_CASES, STRING_FUNCTION_SQL } from './functions-strings.cases.js';

const NaN_ = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

// ---------------------------------------------------------------------------------------
// The cases, by function (the registry name is in the comment of each group).

/** PI() has no arguments, so the binder folds it to a constant: its call is built directly. */
const PI_CALL: BoundExpr = { kind: 'call', fn: 'pi', args: [], type: T.DOUBLE };

const TS_ROWS = ['2020-02-29 13:45:30.123', '2021-01-03 00:00:00.000', '1969-12-31 23:59:59.999', '2019-12-30 01:00:00.000', null, '0005-03-04 01:02:03.004'].map((v) => [v]);

const CASES: readonly Case[] = [
  // array_ctor, element_at (ARRAY from 1: 0, negative and past the end are NULL), cardinality
  { sql: 'ARRAY[a, b, NULL][i]', cols: 'a INT, b INT, i INT', rows: [[1, 2, 1], [1, 2, 2], [1, 2, 3], [1, 2, 4], [1, 2, 0], [1, 2, -1], [1, null, 2], [1, 2, null]], expect: [1, 2, null, null, null, null, null, null] },
  { sql: 'CARDINALITY(ARRAY[s, s, s])', cols: 's STRING', rows: [['x'], [null]], expect: [3, 3] },
  // map_ctor, element_at on a MAP (absent key NULL), cardinality of a MAP (a repeated key counts once, the last value wins)
  { sql: "MAP['a', x, 'b', y][k]", cols: 'x DOUBLE, y DOUBLE, k STRING', rows: [[1.5, 2.5, 'a'], [1.5, 2.5, 'b'], [1.5, 2.5, 'c'], [1.5, null, 'b'], [1.5, 2.5, null]], expect: [1.5, 2.5, null, null, null] },
  { sql: "CARDINALITY(MAP[k, 1, 'z', 2])", cols: 'k STRING', rows: [['a'], ['z']], expect: [2, 1] },
  // row_ctor, row_field (a NULL field is a NULL value, never a NULL row)
  { sql: 'ARRAY[ROW(a, s)][1].`EXPR$1`', cols: 'a INT, s STRING', rows: [[1, 'x'], [null, 'y'], [2, null]], expect: ['x', 'y', null] },
  { sql: 'ARRAY[ROW(a, s)][1].`EXPR$0` IS NULL', cols: 'a INT, s STRING', rows: [[1, 'x'], [null, 'y']], expect: [false, true] },
  // add, sub, mul, div, mod, neg
  { sql: 'a + b', cols: 'a INT, b INT', rows: [[1, 2], [null, 3], [-5, 2], [2147483647, 1]], expect: [3, null, -3, -2147483648] }, // INT wraps as Java int (Flink)
  { sql: 'x + y', cols: 'x DOUBLE, y DOUBLE', rows: [[0.1, 0.2], [1e308, 1e308], [null, 1], [-0.5, 0.5], [NaN_, 1]], expect: [0.30000000000000004, INF, null, 0, NaN_] },
  { sql: 'd + a', cols: 'd DECIMAL(10, 2), a INT', rows: [[1.25, 2], [null, 1]], expect: [3.25, null] },
  { sql: 'b + a', cols: 'b BIGINT, a INT', rows: [[9007199254740990, 1], [-1, -2]], expect: [9007199254740991, -3] },
  { sql: "ts + INTERVAL '1' DAY", cols: 'ts TIMESTAMP', rows: [['2020-02-28 23:00:00.000'], [null]], expect: ['2020-02-29 23:00:00.000', null] },
  { sql: "ts + INTERVAL '1' MONTH", cols: 'ts TIMESTAMP', rows: [['2020-01-31 10:00:00.000'], ['2021-01-31 00:00:00.000'], ['2020-12-15 00:00:00.001']], expect: ['2020-02-29 10:00:00.000', '2021-02-28 00:00:00.000', '2021-01-15 00:00:00.001'] },
  { sql: "INTERVAL '1:30' MINUTE TO SECOND + ts", cols: 'ts TIMESTAMP', rows: [['2020-01-01 00:59:00.000']], expect: ['2020-01-01 01:00:30.000'] },
  // Flink: DATE + day-time interval is a DATE, moved by the interval's whole days
  { sql: "dt + INTERVAL '12' HOUR", cols: 'dt DATE', rows: [['2020-02-28']], expect: ['2020-02-28'] },
  { sql: "dt + INTERVAL '36' HOUR", cols: 'dt DATE', rows: [['2020-02-28']], expect: ['2020-02-29'] },
  { sql: "dt + INTERVAL '1' YEAR", cols: 'dt DATE', rows: [['2020-02-29'], ['1999-12-31']], expect: ['2021-02-28', '2000-12-31'] },
  { sql: 'a - b', cols: 'a INT, b INT', rows: [[1, 2], [null, 3], [-2147483648, 1]], expect: [-1, null, 2147483647] }, // wraps
  { sql: 'x - y', cols: 'x DOUBLE, y DECIMAL(5, 1)', rows: [[0.3, 0.1], [1, null]], expect: [0.19999999999999998, null] },
  { sql: "ts - INTERVAL '1' MONTH", cols: 'ts TIMESTAMP', rows: [['2020-03-31 00:00:00.000'], ['2020-01-15 12:00:00.000']], expect: ['2020-02-29 00:00:00.000', '2019-12-15 12:00:00.000'] },
  { sql: "ts - INTERVAL '0.5' SECOND", cols: 'ts TIMESTAMP', rows: [['1970-01-01 00:00:00.000']], expect: ['1969-12-31 23:59:59.500'] },
  { sql: 'a * b', cols: 'a INT, b BIGINT', rows: [[3, -4], [65536, 65536], [null, 2]], expect: [-12, 4294967296, null] },
  { sql: 'x * y', cols: 'x DOUBLE, y DOUBLE', rows: [[0.1, 3], [1e200, 1e200], [-0.0, 5]], expect: [0.30000000000000004, INF, -0] },
  { sql: "INTERVAL '1' SECOND * a", cols: 'a INT', rows: [[3], [null], [-2]], expect: [3000, null, -2000] },
  { sql: "ts + INTERVAL '1' HOUR * x", cols: 'ts TIMESTAMP, x DOUBLE', rows: [['2020-01-01 00:00:00.000', 1.5]], expect: ['2020-01-01 01:30:00.000'] },
  { sql: "INTERVAL '5' MONTH * x", cols: 'x DOUBLE', rows: [[0.5], [-0.5]], expect: [2, -2] },
  { sql: 'a / b', cols: 'a INT, b INT', rows: [[7, 2], [-7, 2], [7, -2], [-7, -2], [1, 0], [0, 5], [null, 1], [5, null], [-2147483648, -1]], expect: [3, -3, -3, 3, null, 0, null, null, -2147483648] }, // MIN / -1 wraps
  { sql: 'x / y', cols: 'x DOUBLE, y DOUBLE', rows: [[7, 2], [1, 0], [-1, 0], [0, 0], [1, -0.0], [1, 3], [INF, INF]], expect: [3.5, null, null, null, null, 1 / 3, NaN_] },
  { sql: 'd / a', cols: 'd DECIMAL(10, 2), a INT', rows: [[1.5, 2], [1, 0]], expect: [0.75, null] },
  { sql: 'a % b', cols: 'a INT, b INT', rows: [[7, 3], [-7, 3], [7, -3], [-7, -3], [5, 0], [null, 3]], expect: [1, -1, 1, -1, null, null] },
  { sql: 'x % y', cols: 'x DOUBLE, y DOUBLE', rows: [[7.5, 2], [-7.5, 2], [1, 0], [INF, 2], [5, INF]], expect: [1.5, -1.5, null, NaN_, 5] },
  { sql: '-a', cols: 'a INT', rows: [[5], [-2147483648], [null], [0]], expect: [-5, -2147483648, null, 0] }, // -MIN wraps to MIN
  { sql: '-x', cols: 'x DOUBLE', rows: [[1.5], [NaN_], [-INF]], expect: [-1.5, NaN_, INF] },
  { sql: "-(INTERVAL '1' DAY * a)", cols: 'a INT', rows: [[2]], expect: [-172800000] },

  // eq, ne, lt, le, gt, ge
  { sql: 'x = y', cols: 'x DOUBLE, y DOUBLE', rows: [[1, 1], [NaN_, NaN_], [NaN_, 1], [null, NaN_], [0, -0.0], [1, 2]], expect: [true, false, false, null, true, false] },
  { sql: 'x <> y', cols: 'x DOUBLE, y DOUBLE', rows: [[1, 1], [NaN_, NaN_], [NaN_, 1], [null, NaN_], [1, 2]], expect: [false, true, true, null, true] },
  { sql: 'a = b', cols: 'a INT, b BIGINT', rows: [[1, 1], [1, 2], [null, 1]], expect: [true, false, null] },
  { sql: 's = t', cols: 's STRING, t STRING', rows: [['a', 'a'], ['a', 'A'], ['', ''], ['é', 'e\u0301'], [null, null]], expect: [true, false, true, false, null] },
  { sql: 's <> t', cols: 's STRING, t STRING', rows: [['a', 'a'], ['a', 'b'], ['a', null]], expect: [false, true, null] },
  { sql: 's < t', cols: 's STRING, t STRING', rows: [['a', 'b'], ['！', '😀'], ['😀', '！'], ['', 'a'], ['B', 'a'], [null, 'a'], ['ab', 'a']], expect: [true, true, false, true, true, null, false] },
  { sql: 's <= t', cols: 's STRING, t STRING', rows: [['a', 'a'], ['\uffff', '😀'], ['b', 'a']], expect: [true, true, false] },
  { sql: 's > t', cols: 's STRING, t STRING', rows: [['😀', '\ue000'], ['a', 'b']], expect: [true, false] },
  { sql: 's >= t', cols: 's STRING, t STRING', rows: [['😀', '😁'], ['z', 'z']], expect: [false, true] },
  { sql: 'x < y', cols: 'x DOUBLE, y DOUBLE', rows: [[1, 2], [NaN_, 1], [1, NaN_], [-INF, INF], [null, 1], [2, 2], [-0.0, 0]], expect: [true, false, false, true, null, false, false] },
  { sql: 'x <= y', cols: 'x DOUBLE, y INT', rows: [[2, 2], [NaN_, 2], [2.5, 2]], expect: [true, false, false] },
  { sql: 'x > y', cols: 'x DOUBLE, y DOUBLE', rows: [[NaN_, 1], [2, 1], [INF, NaN_], [1, 1]], expect: [false, true, false, false] },
  { sql: 'x >= y', cols: 'x DECIMAL(5, 2), y DOUBLE', rows: [[1.5, 1.5], [1, NaN_]], expect: [true, false] },
  { sql: 'a < b', cols: 'a INT, b INT', rows: [[1, 2], [2, 1], [null, 1], [3, 3]], expect: [true, false, null, false] },
  { sql: 'p > q', cols: 'p BOOLEAN, q BOOLEAN', rows: [[true, false], [false, true], [true, true], [null, true]], expect: [true, false, false, null] },
  { sql: 'ts > dt', cols: 'ts TIMESTAMP, dt DATE', rows: [['2020-01-01 00:00:00.001', '2020-01-01'], ['2019-12-31 23:59:59.999', '2020-01-01']], expect: [true, false] },
  { sql: 'ts = dt', cols: 'ts TIMESTAMP, dt DATE', rows: [['2020-01-01 00:00:00.000', '2020-01-01']], expect: [true] },
  { sql: 'dt >= d2', cols: 'dt DATE, d2 DATE', rows: [['2020-01-01', '2020-01-01'], ['2019-01-01', '2020-01-01']], expect: [true, false] },

  // is_distinct_from, is_not_distinct_from
  { sql: 'a IS DISTINCT FROM b', cols: 'a INT, b INT', rows: [[1, 1], [1, null], [null, null], [1, 2]], expect: [false, true, false, true] },
  { sql: 'x IS DISTINCT FROM y', cols: 'x DOUBLE, y DOUBLE', rows: [[NaN_, NaN_], [NaN_, null], [1, 1], [null, null]], expect: [true, true, false, false] },
  { sql: 's IS NOT DISTINCT FROM t', cols: 's STRING, t STRING', rows: [['a', 'a'], ['a', null], [null, null]], expect: [true, false, true] },
  { sql: 'x IS NOT DISTINCT FROM y', cols: 'x DOUBLE, y DOUBLE', rows: [[NaN_, NaN_], [2, 2]], expect: [false, true] },

  // and, or, not
  {
    sql: 'p AND q',
    cols: 'p BOOLEAN, q BOOLEAN',
    rows: [[true, true], [true, false], [true, null], [false, true], [false, false], [false, null], [null, true], [null, false], [null, null]],
    expect: [true, false, null, false, false, false, null, false, null],
  },
  {
    sql: 'p OR q',
    cols: 'p BOOLEAN, q BOOLEAN',
    rows: [[true, true], [true, false], [true, null], [false, true], [false, false], [false, null], [null, true], [null, false], [null, null]],
    expect: [true, true, true, true, false, null, true, null, null],
  },
  { sql: 'NOT p', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: [false, true, null] },
  { sql: 'a BETWEEN 1 AND 3', cols: 'a INT', rows: [[1], [3], [4], [null]], expect: [true, true, false, null] },
  { sql: 'a NOT BETWEEN SYMMETRIC 3 AND 1', cols: 'a INT', rows: [[2], [0]], expect: [false, true] },

  // is_null, is_not_null, is_true, is_not_true, is_false, is_not_false
  { sql: 'a IS NULL', cols: 'a INT', rows: [[1], [null]], expect: [false, true] },
  { sql: 's IS NOT NULL', cols: 's STRING', rows: [[''], [null]], expect: [true, false] },
  { sql: 'p IS TRUE', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: [true, false, false] },
  { sql: 'p IS NOT TRUE', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: [false, true, true] },
  { sql: 'p IS FALSE', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: [false, true, false] },
  { sql: 'p IS NOT FALSE', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: [true, false, true] },
  { sql: 'p IS UNKNOWN', cols: 'p BOOLEAN', rows: [[true], [null]], expect: [false, true] },

  // CASE, COALESCE, NULLIF, IF (bound as CASE): only the selected branch is evaluated
  { sql: "CASE WHEN s = 'x' THEN 0 ELSE CAST(s AS INT) END", cols: 's STRING', rows: [['x'], ['5'], [null]], expect: [0, 5, null] },
  { sql: "CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", cols: 'a INT', rows: [[1], [2], [3], [null]], expect: ['one', 'two', null, null] },
  { sql: 'COALESCE(a, b, 0)', cols: 'a INT, b INT', rows: [[1, 2], [null, 2], [null, null]], expect: [1, 2, 0] },
  { sql: 'COALESCE(x, a)', cols: 'x DOUBLE, a INT', rows: [[null, 2], [1.5, 2]], expect: [2, 1.5] },
  { sql: 'NULLIF(a, 0)', cols: 'a INT', rows: [[0], [5], [null]], expect: [null, 5, null] },
  { sql: 'IF(p, a, b)', cols: 'p BOOLEAN, a INT, b INT', rows: [[true, 1, 2], [false, 1, 2], [null, 1, 2]], expect: [1, 2, 2] },
  { sql: 'IF(a > 0, 10 / a, -1)', cols: 'a INT', rows: [[0], [3]], expect: [-1, 3] },

  // CAST and TRY_CAST
  { sql: 'CAST(x AS INT)', cols: 'x DOUBLE', rows: [[1.9], [-1.9], [2.5], [null], [-0.5]], expect: [1, -1, 2, null, 0] },
  { sql: 'CAST(x AS INT)', cols: 'x DOUBLE', rows: [[3e9]], error: /cannot cast/ },
  { sql: 'CAST(x AS BIGINT)', cols: 'x DOUBLE', rows: [[NaN_]], error: /cannot cast/ },
  { sql: 'TRY_CAST(x AS INT)', cols: 'x DOUBLE', rows: [[3e9], [NaN_], [1.5], [-2147483648.9]], expect: [null, null, 1, -2147483648] },
  { sql: 'TRY_CAST(b AS INT)', cols: 'b BIGINT', rows: [[3000000000], [-5]], expect: [null, -5] },
  { sql: 'CAST(d AS BIGINT)', cols: 'd DECIMAL(10, 2)', rows: [[-7.99], [7.99]], expect: [-7, 7] },
  { sql: 'CAST(p AS STRING)', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: ['TRUE', 'FALSE', null] },
  {
    sql: 'CAST(x AS STRING)',
    cols: 'x DOUBLE',
    rows: [[1], [1.5], [0.1], [1e7], [12345678.9], [1e21], [1.5e-7], [1e-6], [-0.0], [NaN_], [INF], [-INF], [100], [0.30000000000000004], [1e-300], [123456789012345680000], [-2.5e-5], [9999999]],
    expect: ['1.0', '1.5', '0.1', '10000000', '12345678.9', '1.0E21', '1.5E-7', '0.000001', '0.0', 'NaN', 'Infinity', '-Infinity', '100.0', '0.30000000000000004', '1.0E-300', '123456789012345680000', '-0.000025', '9999999.0'],
  },
  // DECIMAL(10, 2) values are exact at two places (the DuckDB side is a DECIMAL(10, 2) too)
  { sql: 'CAST(d AS STRING)', cols: 'd DECIMAL(10, 2)', rows: [[1.5], [0.13], [2.67], [-0.13], [null], [-0.01], [12345.6], [0]], expect: ['1.50', '0.13', '2.67', '-0.13', null, '-0.01', '12345.60', '0.00'] },
  { sql: 'CAST(d AS STRING)', cols: 'd DECIMAL(10, 0)', rows: [[2.5], [-3]], expect: ['3', '-3'] },
  { sql: 'CAST(a AS STRING)', cols: 'a INT', rows: [[-12], [0]], expect: ['-12', '0'] },
  { sql: 'CAST(ts AS STRING)', cols: 'ts TIMESTAMP', rows: [['2020-01-01 00:00:00.000'], ['1969-12-31 23:59:59.999'], ['0005-03-04 01:02:03.004'], [null]], expect: ['2020-01-01 00:00:00.000', '1969-12-31 23:59:59.999', '0005-03-04 01:02:03.004', null] },
  { sql: 'CAST(dt AS STRING)', cols: 'dt DATE', rows: [['2020-02-29'], ['0099-01-01']], expect: ['2020-02-29', '0099-01-01'] },
  { sql: 'CAST(s AS INT)', cols: 's STRING', rows: [[' 12 '], ['-7'], ['1.9'], ['1e3'], ['+5'], [null], ['\u00a08\u3000'], ['-0']], expect: [12, -7, 1, 1000, 5, null, 8, 0] },
  { sql: 'CAST(s AS INT)', cols: 's STRING', rows: [['abc']], error: /cannot cast/ },
  { sql: 'CAST(s AS INT)', cols: 's STRING', rows: [['2147483648']], error: /cannot cast/ },
  { sql: 'CAST(s AS INT)', cols: 's STRING', rows: [['']], error: /cannot cast/ },
  { sql: 'TRY_CAST(s AS INT)', cols: 's STRING', rows: [['abc'], [''], ['1e10'], ['NaN'], [' 3 '], ['0x10'], ['1_000'], ['nan']], expect: [null, null, null, null, 3, null, null, null] },
  { sql: 'TRY_CAST(s AS BIGINT)', cols: 's STRING', rows: [['9007199254740991'], ['-9007199254740991'], ['9223372036854775808']], expect: [9007199254740991, -9007199254740991, null] }, // 64-bit: 2^63 is out of range (beyond 2^53: bigint.sqltest)
  { sql: 'CAST(s AS DOUBLE)', cols: 's STRING', rows: [['1.5'], ['-1e-3'], ['NaN'], ['Infinity'], ['-Infinity'], ['.5'], ['1.'], [' 2 '], ['1e400'], ['1e-400']], expect: [1.5, -0.001, NaN_, INF, -INF, 0.5, 1, 2, INF, 0] },
  { sql: 'TRY_CAST(s AS DOUBLE)', cols: 's STRING', rows: [['abc'], ['inf'], ['1,5'], ['1.5.']], expect: [null, null, null, null] },
  { sql: 'TRY_CAST(s AS DECIMAL(5, 2))', cols: 's STRING', rows: [['1.005'], ['2.675'], ['-1.005'], ['999.995'], ['123'], ['x'], ['999.994']], expect: [1.01, 2.68, -1.01, null, 123, null, 999.99] },
  { sql: 'CAST(s AS BOOLEAN)', cols: 's STRING', rows: [['true'], ['FALSE'], ['1'], ['0'], [' True '], [null]], expect: [true, false, true, false, true, null] },
  { sql: 'TRY_CAST(s AS BOOLEAN)', cols: 's STRING', rows: [['yes'], ['t'], ['2']], expect: [null, null, null] },
  {
    sql: 'TRY_CAST(s AS TIMESTAMP)',
    cols: 's STRING',
    rows: [['2020-01-05 10:11:12'], ['2020-1-5 1:2'], ['2020-01-05T10:11:12.1234'], ['2020-01-05'], [' 2020-01-05 10:11:12.5 '], ['+2020-01-05'], ['2020-02-30'], ['2020-13-01'], ['2020-01-05 24:00:00'], ['2020/01/05'], ['2020-01-05 10:11:12.1234567891'], ['2020-01-05 10'], ['-0001-01-01 00:00:00']],
    expect: ['2020-01-05 10:11:12.000', '2020-01-05 01:02:00.000', '2020-01-05 10:11:12.123', '2020-01-05 00:00:00.000', '2020-01-05 10:11:12.500', '2020-01-05 00:00:00.000', null, null, null, null, null, null, '-0001-01-01 00:00:00.000'],
  },
  { sql: 'CAST(s AS TIMESTAMP)', cols: 's STRING', rows: [['2020-02-30 00:00:00']], error: /cannot cast/ },
  { sql: 'TRY_CAST(s AS DATE)', cols: 's STRING', rows: [['2020-02-29'], ['2020-2-9'], ['2021-02-29'], ['2020-01-05 10:00'], ['\t2020-01-01 ']], expect: ['2020-02-29', '2020-02-09', null, null, '2020-01-01'] },
  { sql: 'CAST(a AS BOOLEAN)', cols: 'a INT', rows: [[0], [5], [null], [-1]], expect: [false, true, null, true] },
  { sql: 'CAST(x AS BOOLEAN)', cols: 'x DOUBLE', rows: [[0], [NaN_], [0.1]], expect: [false, true, true] },
  { sql: 'CAST(p AS INT)', cols: 'p BOOLEAN', rows: [[true], [false], [null]], expect: [1, 0, null] },
  { sql: 'CAST(p AS DOUBLE)', cols: 'p BOOLEAN', rows: [[true]], expect: [1] },
  { sql: 'CAST(ts AS DATE)', cols: 'ts TIMESTAMP', rows: [['1969-12-31 23:59:59.999'], ['2020-01-01 12:00:00.000']], expect: ['1969-12-31', '2020-01-01'] },
  { sql: 'CAST(dt AS TIMESTAMP)', cols: 'dt DATE', rows: [['2020-02-29']], expect: ['2020-02-29 00:00:00.000'] },
  { sql: 'TRY_CAST(x AS DECIMAL(5, 2))', cols: 'x DOUBLE', rows: [[2.675], [0.285], [999.999], [-1.005], [NaN_]], expect: [2.68, 0.29, null, -1.01, null] },
  { sql: 'CAST(d AS DECIMAL(6, 1))', cols: 'd DECIMAL(6, 3)', rows: [[1.25], [-1.25], [1.249]], expect: [1.3, -1.3, 1.2] },
  { sql: 'CAST(a AS DECIMAL(10, 2))', cols: 'a INT', rows: [[5]], expect: [5] },
  { sql: 'CAST(a AS DOUBLE) / 3', cols: 'a BIGINT', rows: [[1]], expect: [1 / 3] },

  // upper, lower, initcap, char_length
  { sql: 'UPPER(s)', cols: 's STRING', rows: [['abc'], ['äöü'], ['straße'], ['ﬁne'], ['σας'], [null], [''], ['ǆ'], ['😀a'], ['ŉ']], expect: ['ABC', 'ÄÖÜ', 'STRASSE', 'FINE', 'ΣΑΣ', null, '', 'Ǆ', '😀A', 'ʼN'] },
  { sql: 'LOWER(s)', cols: 's STRING', rows: [['ABC'], ['ÄÖÜ'], ['ΟΔΟΣ'], ['İ'], ['ΣΑΣ ΟΔΟΣ'], [null], ['Σ']], expect: ['abc', 'äöü', 'οδος', 'i\u0307', 'σας οδος', null, 'σ'] },
  { sql: 'INITCAP(s)', cols: 's STRING', rows: [['hello wORLD'], ['élan vital'], ["2nd-place o'neil"], ['ßx'], [''], [null], ['a1b c_d'], ['ÉCOLE']], expect: ['Hello World', 'Élan Vital', "2nd-Place O'Neil", 'SSx', '', null, 'A1b C_D', 'École'] },
  { sql: 'CHAR_LENGTH(s)', cols: 's STRING', rows: [['abc'], [''], ['😀é'], ['e\u0301'], [null]], expect: [3, 0, 2, 2, null] },

  // trim_both, trim_leading, trim_trailing
  { sql: 'TRIM(s)', cols: 's STRING', rows: [['  a b  '], ['\ta\t'], [' '], [''], [null], ['\u00a0a ']], expect: ['a b', '\ta\t', '', '', null, '\u00a0a'] },
  { sql: "TRIM(BOTH 'xy' FROM s)", cols: 's STRING', rows: [['xyaxbyx'], ['yyy'], ['😀a😀']], expect: ['axb', '', '😀a😀'] },
  { sql: 'TRIM(BOTH c FROM s)', cols: 's STRING, c STRING', rows: [['😀a😁', '😀'], ['aba', 'a'], ['abc', ''], ['abc', null], ['😁a😁', '😀']], expect: ['a😁', 'b', 'abc', null, '😁a😁'] },
  { sql: 'LTRIM(s)', cols: 's STRING', rows: [['  a  '], [null]], expect: ['a  ', null] },
  { sql: "TRIM(LEADING 'x' FROM s)", cols: 's STRING', rows: [['xxaxx']], expect: ['axx'] },
  { sql: 'RTRIM(s)', cols: 's STRING', rows: [['  a  '], ['\t ']], expect: ['  a', '\t'] },
  { sql: "TRIM(TRAILING 'x' FROM s)", cols: 's STRING', rows: [['xxaxx']], expect: ['xxa'] },

  // substring, left, right
  {
    sql: 'SUBSTRING(s, p, l)',
    cols: 's STRING, p INT, l INT',
    rows: [['hello', 2, 3], ['hello', 0, 2], ['hello', -3, 2], ['hello', -5, 2], ['hello', -6, 2], ['hello', 6, 1], ['hello', 2, -1], ['', 0, 1], ['😀ab', 1, 2], [null, 1, 1], ['hello', 3, 100], ['hello', 1, 0], ['😀ab', -2, 1], ['hello', 5, 1]],
    expect: ['ell', 'he', 'll', 'he', '', '', null, '', '😀a', null, 'llo', '', 'a', 'o'],
  },
  { sql: 'SUBSTRING(s FROM p)', cols: 's STRING, p INT', rows: [['hello', -2], ['hello', 0], ['hello', 9], ['hello', 2], ['', -1]], expect: ['lo', 'hello', '', 'ello', ''] },
  { sql: 'SUBSTR(s, 2, 2)', cols: 's STRING', rows: [['a😀bc']], expect: ['😀b'] },
  { sql: 'LEFT(s, n)', cols: 's STRING, n INT', rows: [['hello', 2], ['hello', 0], ['hello', -1], ['hello', 9], ['😀b', 1], [null, 1]], expect: ['he', '', '', 'hello', '😀', null] },
  { sql: 'RIGHT(s, n)', cols: 's STRING, n INT', rows: [['hello', 2], ['hello', 0], ['hello', -1], ['hello', 9], ['a😀', 1], ['hello', null]], expect: ['lo', '', '', 'hello', '😀', null] },

  // replace, reverse, repeat, ascii, chr
  {
    sql: 'REPLACE(s, a, b)',
    cols: 's STRING, a STRING, b STRING',
    rows: [['banana', 'an', 'AN'], ['abc', '', '-'], ['', '', '-'], ['a😀b', '', '.'], ['aaa', 'aa', 'b'], ['abc', 'x', 'y'], [null, 'a', 'b'], ['a.b', '.', '\\'], ['abc', '', '\\1']],
    expect: ['bANANa', '-a-b-c-', '-', '.a.😀.b.', 'ba', 'abc', null, 'a\\b', '\\1a\\1b\\1c\\1'],
  },
  { sql: 'REVERSE(s)', cols: 's STRING', rows: [['abc'], ['😀é'], [''], [null], ['e\u0301x']], expect: ['cba', 'é😀', '', null, 'x\u0301e'] },
  { sql: 'REPEAT(s, n)', cols: 's STRING, n INT', rows: [['ab', 3], ['ab', 0], ['ab', -1], ['', 5], [null, 2], ['😀', 2]], expect: ['ababab', '', '', '', null, '😀😀'] },
  { sql: 'ASCII(s)', cols: 's STRING', rows: [['abc'], ['é'], ['😀'], [''], [null]], expect: [97, 233, 128512, 0, null] },
  { sql: 'CHR(n)', cols: 'n INT', rows: [[97], [353], [0], [-1], [255], [null], [256]], expect: ['a', 'a', '\u0000', '', 'ÿ', null, '\u0000'] },

  // position, instr, lpad, rpad
  { sql: 'POSITION(n IN s)', cols: 'n STRING, s STRING', rows: [['b', 'abc'], ['', 'abc'], ['x', 'abc'], ['c', '😀c'], [null, 'a'], ['', '']], expect: [2, 1, 0, 2, null, 1] },
  { sql: 'LOCATE(n, s)', cols: 'n STRING, s STRING', rows: [['lo', 'hello lo'], ['é', 'eé']], expect: [4, 2] },
  { sql: 'INSTR(s, n)', cols: 's STRING, n STRING', rows: [['abcabc', 'ca'], ['abc', 'x'], ['😀😀a', 'a']], expect: [3, 0, 3] },
  {
    sql: 'LPAD(s, n, p)',
    cols: 's STRING, n INT, p STRING',
    rows: [['hi', 5, 'ab'], ['hello', 2, 'x'], ['hi', -1, 'x'], ['hi', 5, ''], ['hello', 2, ''], ['hi', 0, 'x'], ['😀', 3, 'é'], ['hi', 0, ''], [null, 3, 'x'], ['hi', 3, null]],
    expect: ['abahi', 'he', null, null, null, '', 'éé😀', null, null, null],
  },
  {
    sql: 'RPAD(s, n, p)',
    cols: 's STRING, n INT, p STRING',
    rows: [['hi', 5, 'ab'], ['hello', 2, 'x'], ['hi', -1, 'x'], ['hi', 5, ''], ['hello', 2, ''], ['hi', 0, 'x'], ['😀', 3, 'é']],
    expect: ['hiaba', 'he', null, null, null, '', '😀éé'],
  },

  // split_index
  {
    sql: 'SPLIT_INDEX(s, sep, i)',
    cols: 's STRING, sep STRING, i INT',
    rows: [['a/b//c', '/', 3], ['a/b//c', '/', 2], ['a/b//c', '/', 4], ['a/b//c', '/', -1], ['', '/', 0], ['a--b--c', '--', 1], ['a b  c', '', 3], ['abc', '/', 0], [null, '/', 0], ['a/b/', '/', 2], ['a\tb', '', 1], ['/', '/', 1], ['aaa', 'aa', 1]],
    expect: ['c', '', null, null, null, 'b', 'c', 'abc', null, '', 'b', '', 'a'],
  },

  // regexp_extract, regexp, regexp_replace
  { sql: "REGEXP_EXTRACT(s, 'foo(.*?)(bar)', 2)", cols: 's STRING', rows: [['foothebar'], ['xbar'], [null], ['foobar']], expect: ['bar', null, null, 'bar'] },
  { sql: "REGEXP_EXTRACT(s, 'foo(.*?)(bar)')", cols: 's STRING', rows: [['xfoothebarx']], expect: ['foothebar'] },
  { sql: "REGEXP_EXTRACT(s, '[0-9]+')", cols: 's STRING', rows: [['abc123def456'], ['none'], ['']], expect: ['123', null, null] },
  { sql: "REGEXP_EXTRACT(s, '(\\d+)-(\\d+)', g)", cols: 's STRING, g INT', rows: [['12-34', 0], ['12-34', 1], ['12-34', 2], ['12-34', 3], ['12-34', -1], ['x', 1], ['12-34', null]], expect: ['12-34', '12', '34', null, null, null, null] },
  { sql: "REGEXP_EXTRACT(s, 'a.c')", cols: 's STRING', rows: [['a\rc'], ['abc'], ['a😀c'], ['a\nc']], expect: [null, 'abc', 'a😀c', null] },
  { sql: "REGEXP_EXTRACT(s, 'a\\sb')", cols: 's STRING', rows: [['a\u00a0b'], ['a\u000bb'], ['ab']], expect: ['a\u00a0b', 'a\u000bb', null] },
  { sql: "REGEXP_EXTRACT(s, '(?i)ABC')", cols: 's STRING', rows: [['xabcx'], ['xAbCx']], expect: ['abc', 'AbC'] },
  { sql: "REGEXP_EXTRACT(s, '\\p{L}+')", cols: 's STRING', rows: [['123éèa456']], expect: ['éèa'] },
  { sql: "REGEXP_EXTRACT(s, '^(?<y>\\d{4})-(\\d\\d)$', 2)", cols: 's STRING', rows: [['2020-05'], ['20-05']], expect: ['05', null] },
  { sql: "REGEXP(s, 'b+')", cols: 's STRING', rows: [['abc'], ['xyz'], [null], ['']], expect: [true, false, null, false] },
  { sql: "REGEXP(s, '')", cols: 's STRING', rows: [['abc'], [null]], expect: [false, null] },
  { sql: "REGEXP(s, '^a.c$')", cols: 's STRING', rows: [['a\nc'], ['a\u2028c'], ['abc']], expect: [false, false, true] },
  { sql: "REGEXP(s, '^[^]$')", cols: 's STRING', rows: [['\n'], ['ab']], expect: [true, false] },
  { sql: "REGEXP_REPLACE(s, 'o+', '0')", cols: 's STRING', rows: [['foo boo'], ['bar'], [null]], expect: ['f0 b0', 'bar', null] },
  { sql: "REGEXP_REPLACE(s, '(\\d+)', '$1!')", cols: 's STRING', rows: [['a12b']], expect: ['a$1!b'] },
  { sql: "REGEXP_REPLACE(s, '[aeiou]', '')", cols: 's STRING', rows: [['education'], ['xyz'], ['']], expect: ['dctn', 'xyz', ''] },
  { sql: "REGEXP_REPLACE(s, '(?i)É|😀', '_')", cols: 's STRING', rows: [['éÉ😀x']], expect: ['___x'] },
  { sql: "REGEXP_REPLACE(s, '\\.', r)", cols: 's STRING, r STRING', rows: [['a.b', '\\1'], ['a.b.c', '$0'], ['a.b', null]], expect: ['a\\1b', 'a$0b$0c', null] },

  // concat, concat_ws
  { sql: 'CONCAT(a, b, c)', cols: 'a STRING, b STRING, c STRING', rows: [['a', 'b', 'c'], ['a', null, 'c'], ['', '', '']], expect: ['abc', null, ''] },
  { sql: 'a || b', cols: 'a STRING, b STRING', rows: [['x', 'y'], [null, 'y'], ['😀', '']], expect: ['xy', null, '😀'] },
  { sql: 'CONCAT_WS(sep, a, b)', cols: 'sep STRING, a STRING, b STRING', rows: [[',', 'a', 'b'], [',', null, 'b'], [null, 'a', 'b'], [',', null, null], ['', 'a', 'b'], [',', '', 'b']], expect: ['a,b', 'b', null, '', 'ab', ',b'] },

  // like
  {
    sql: 's LIKE p',
    cols: 's STRING, p STRING',
    rows: [['abc', 'a%'], ['abc', '%c'], ['abc', '%b%'], ['abc', 'a_c'], ['abc', 'ab'], ['a\nb', 'a_b'], ['😀', '_'], ['', '%'], [null, '%'], ['abc', null], ['abc', 'a.c'], ['a.c', 'a.c'], ['a+', 'a+'], ['ABC', 'abc']],
    expect: [true, true, true, true, false, true, true, true, null, null, false, true, true, false],
  },
  { sql: "s LIKE 'a!%%' ESCAPE '!'", cols: 's STRING', rows: [['a%bc'], ['abc'], [null]], expect: [true, false, null] },
  { sql: "s LIKE p ESCAPE '!'", cols: 's STRING, p STRING', rows: [['a_c', 'a!_c'], ['abc', 'a!_c'], ['a!c', 'a!!c'], ['ab', 'a!b']], expect: [true, false, true, true] },
  { sql: "s NOT LIKE '%x%'", cols: 's STRING', rows: [['axb'], ['ab'], [null]], expect: [false, true, null] },
  { sql: "s LIKE 'ab%'", cols: 's STRING', rows: [['abc'], ['xab']], expect: [true, false] },
  { sql: "s LIKE '%ab'", cols: 's STRING', rows: [['xab'], ['abx']], expect: [true, false] },
  { sql: "s LIKE 'abc'", cols: 's STRING', rows: [['abc'], ['abcd']], expect: [true, false] },

  // in_list
  { sql: 'a IN (1, 2, NULL)', cols: 'a INT', rows: [[1], [3], [null]], expect: [true, null, null] },
  { sql: 'a IN (1, 2)', cols: 'a INT', rows: [[3], [2]], expect: [false, true] },
  { sql: 'a NOT IN (1, 2)', cols: 'a INT', rows: [[3], [2], [null]], expect: [true, false, null] },
  { sql: "s IN ('x', 'y')", cols: 's STRING', rows: [['x'], ['z'], ['']], expect: [true, false, false] },
  { sql: 'x IN (1.5, 2)', cols: 'x DOUBLE', rows: [[2], [1.5], [1]], expect: [true, true, false] },
  { sql: 'a IN (b, 2)', cols: 'a INT, b INT', rows: [[1, 1], [2, 1], [3, null]], expect: [true, true, null] },
  { sql: "dt IN (DATE '2020-01-01')", cols: 'dt DATE', rows: [['2020-01-01'], ['2020-01-02']], expect: [true, false] },

  // abs, floor, ceil, sign
  { sql: 'ABS(a)', cols: 'a INT', rows: [[-5], [5], [null], [-2147483648]], expect: [5, 5, null, -2147483648] }, // Java's Math.abs(int): ABS(MIN) is MIN
  { sql: 'ABS(x)', cols: 'x DOUBLE', rows: [[-0.5], [NaN_], [-INF]], expect: [0.5, NaN_, INF] },
  { sql: 'ABS(d)', cols: 'd DECIMAL(5, 2)', rows: [[-1.25]], expect: [1.25] },
  { sql: 'FLOOR(x)', cols: 'x DOUBLE', rows: [[1.5], [-1.5], [NaN_], [null], [-0.5], [2]], expect: [1, -2, NaN_, null, -1, 2] },
  { sql: 'CEIL(x)', cols: 'x DOUBLE', rows: [[1.5], [-1.5], [NaN_], [-0.5], [INF]], expect: [2, -1, NaN_, -0, INF] },
  { sql: 'FLOOR(d)', cols: 'd DECIMAL(10, 2)', rows: [[2.25], [-2.25]], expect: [2, -3] },
  { sql: 'CEILING(a)', cols: 'a INT', rows: [[7], [null]], expect: [7, null] },
  { sql: 'SIGN(x)', cols: 'x DOUBLE', rows: [[-2.5], [0], [3], [NaN_], [null], [-INF]], expect: [-1, 0, 1, NaN_, null, -1] },
  { sql: 'SIGN(a)', cols: 'a INT', rows: [[-7], [0], [4]], expect: [-1, 0, 1] },

  // sqrt, exp, ln, log10, log2, log, power
  { sql: 'SQRT(x)', cols: 'x DOUBLE', rows: [[4], [2], [-1], [0], [null], [INF], [NaN_], [-INF]], expect: [2, Math.SQRT2, NaN_, 0, null, INF, NaN_, NaN_] },
  { sql: 'SQRT(a)', cols: 'a INT', rows: [[9], [-9]], expect: [3, NaN_] },
  { sql: 'EXP(x)', cols: 'x DOUBLE', rows: [[0], [1], [1000], [-INF], [NaN_]], expect: [1, Math.E, INF, 0, NaN_] },
  { sql: 'LN(x)', cols: 'x DOUBLE', rows: [[1], [Math.E], [0], [-1], [null], [INF], [NaN_]], expect: [0, 1, -INF, NaN_, null, INF, NaN_] },
  { sql: 'LOG10(x)', cols: 'x DOUBLE', rows: [[100], [0.001], [0], [-5]], expect: [2, -3, -INF, NaN_] },
  { sql: 'LOG2(a)', cols: 'a INT', rows: [[8], [1], [0], [-2]], expect: [3, 0, -INF, NaN_] },
  { sql: 'LOG(b, x)', cols: 'b DOUBLE, x DOUBLE', rows: [[2, 8], [10, 1000], [1, 5], [2, 0], [-2, 4], [1, 1], [null, 2]], expect: [3, 2.9999999999999996, INF, -INF, NaN_, NaN_, null] },
  { sql: 'POWER(x, y)', cols: 'x DOUBLE, y DOUBLE', rows: [[2, 10], [2, 0.5], [-8, 1 / 3], [1, NaN_], [-1, INF], [0, -1], [NaN_, 0], [null, 1], [10, 400], [-2, 3], [null, NaN_], [NaN_, null]], expect: [1024, Math.SQRT2, NaN_, NaN_, NaN_, INF, 1, null, INF, -8, null, null] },
  { sql: 'POW(a, b)', cols: 'a INT, b INT', rows: [[2, -1], [3, 3]], expect: [0.5, 27] },

  // trigonometry, degrees, radians, pi
  { sql: 'SIN(x)', cols: 'x DOUBLE', rows: [[0], [Math.PI / 2], [INF], [null]], expect: [0, 1, NaN_, null] },
  { sql: 'COS(x)', cols: 'x DOUBLE', rows: [[0], [Math.PI]], expect: [1, -1] },
  { sql: 'TAN(x)', cols: 'x DOUBLE', rows: [[0], [Math.PI / 4]], expect: [0, 0.9999999999999999] },
  { sql: 'ASIN(x)', cols: 'x DOUBLE', rows: [[1], [2], [-1], [NaN_]], expect: [Math.PI / 2, NaN_, -Math.PI / 2, NaN_] },
  { sql: 'ACOS(x)', cols: 'x DOUBLE', rows: [[1], [-1], [-1.5]], expect: [0, Math.PI, NaN_] },
  { sql: 'ATAN(x)', cols: 'x DOUBLE', rows: [[1], [INF]], expect: [Math.PI / 4, Math.PI / 2] },
  { sql: 'ATAN2(y, x)', cols: 'y DOUBLE, x DOUBLE', rows: [[1, 1], [0, -1], [-1, 0], [null, 1]], expect: [Math.PI / 4, Math.PI, -Math.PI / 2, null] },
  { sql: 'DEGREES(x)', cols: 'x DOUBLE', rows: [[Math.PI], [-Math.PI / 2]], expect: [180, -90] },
  { sql: 'RADIANS(a)', cols: 'a INT', rows: [[180], [null]], expect: [Math.PI, null] },

  // mod_fn (MOD)
  { sql: 'MOD(a, b)', cols: 'a INT, b INT', rows: [[7, 3], [-7, 3], [7, -3], [5, 0], [null, 1]], expect: [1, -1, 1, null, null] },
  { sql: 'MOD(x, y)', cols: 'x DOUBLE, y DOUBLE', rows: [[7.5, 2], [-7.5, 2], [1, 0], [NaN_, 2], [INF, 2]], expect: [1.5, -1.5, null, NaN_, NaN_] },
  { sql: 'MOD(d, a)', cols: 'd DECIMAL(5, 2), a INT', rows: [[5.5, 2]], expect: [1.5] },

  // round, truncate
  { sql: 'ROUND(x, 2)', cols: 'x DOUBLE', rows: [[2.675], [0.285], [1.005], [-2.675], [123.456], [NaN_], [null], [1e300], [5e-324], [-0.001], [INF]], expect: [2.68, 0.29, 1.01, -2.68, 123.46, NaN_, null, 1e300, 0, 0, INF] },
  { sql: 'ROUND(x)', cols: 'x DOUBLE', rows: [[2.5], [-2.5], [0.49999999999999994], [1.5], [-0.4]], expect: [3, -3, 0, 2, 0] },
  { sql: 'ROUND(x, -2)', cols: 'x DOUBLE', rows: [[1249.9], [1250], [-1250], [12345678901234567890], [49.99]], expect: [1200, 1300, -1300, 12345678901234567000, 0] },
  { sql: 'ROUND(x, 9)', cols: 'x DOUBLE', rows: [[123456.7890123455], [0.1234567895]], expect: [123456.789012346, 0.12345679] },
  { sql: 'ROUND(a, -1)', cols: 'a INT', rows: [[15], [-15], [14], [null]], expect: [20, -20, 10, null] },
  { sql: 'ROUND(a, 1)', cols: 'a BIGINT', rows: [[15]], expect: [15] },
  { sql: 'ROUND(d, 1)', cols: 'd DECIMAL(6, 2)', rows: [[1.25], [-1.25], [1.24]], expect: [1.3, -1.3, 1.2] },
  { sql: 'ROUND(x, n)', cols: 'x DOUBLE, n INT', rows: [[2.675, 2], [1234.5, -2], [1.5, 0], [1.5, null], [0.125, 2]], expect: [2.68, 1200, 2, null, 0.13] },
  { sql: 'TRUNCATE(x, 2)', cols: 'x DOUBLE', rows: [[2.675], [-2.675], [0.3], [1.999], [NaN_], [0.29], [1e-20]], expect: [2.67, -2.67, 0.3, 1.99, NaN_, 0.29, 0] },
  { sql: 'TRUNCATE(x)', cols: 'x DOUBLE', rows: [[-2.7], [2.7], [null]], expect: [-2, 2, null] },
  { sql: 'TRUNC(a, -2)', cols: 'a INT', rows: [[1299], [-1299], [99]], expect: [1200, -1200, 0] },
  { sql: 'TRUNCATE(x, n)', cols: 'x DOUBLE, n INT', rows: [[1.99, 1], [1299.9, -2]], expect: [1.9, 1200] },

  // year, quarter, month, week, dayofmonth, dayofweek, dayofyear, hour, minute, second, millisecond
  { sql: 'YEAR(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [2020, 2021, 1969, 2019, null, 5] },
  { sql: 'EXTRACT(YEAR FROM dt)', cols: 'dt DATE', rows: [['2020-02-29'], ['1969-12-31']], expect: [2020, 1969] },
  { sql: 'QUARTER(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [1, 1, 4, 4, null, 1] },
  { sql: 'MONTH(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [2, 1, 12, 12, null, 3] },
  { sql: 'WEEK(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [9, 53, 1, 1, null, undefined] },
  { sql: 'EXTRACT(WEEK FROM dt)', cols: 'dt DATE', rows: [['2021-01-04'], ['2020-12-31'], ['2015-12-31']], expect: [1, 53, 53] },
  { sql: 'DAYOFMONTH(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [29, 3, 31, 30, null, 4] },
  { sql: 'EXTRACT(DAY FROM dt)', cols: 'dt DATE', rows: [['2020-02-29']], expect: [29] },
  { sql: 'DAYOFWEEK(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [7, 1, 4, 2, null, undefined] },
  { sql: 'EXTRACT(DOW FROM dt)', cols: 'dt DATE', rows: [['2023-01-01'], ['2023-01-07']], expect: [1, 7] },
  { sql: 'DAYOFYEAR(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [60, 3, 365, 364, null, 63] },
  { sql: 'EXTRACT(DOY FROM dt)', cols: 'dt DATE', rows: [['2020-12-31']], expect: [366] },
  { sql: 'HOUR(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [13, 0, 23, 1, null, 1] },
  { sql: 'MINUTE(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [45, 0, 59, 0, null, 2] },
  { sql: 'SECOND(ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [30, 0, 59, 0, null, 3] },
  { sql: 'EXTRACT(MILLISECOND FROM ts)', cols: 'ts TIMESTAMP', rows: TS_ROWS, expect: [30123, 0, 59999, 0, null, 3004] },
  { sql: 'EXTRACT(HOUR FROM dt)', cols: 'dt DATE', rows: [['2020-02-29']], expect: [0] },

  // date_format, from_unixtime
  { sql: "DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123'], [null], ['0005-03-04 01:02:03.004']], expect: ['2020-02-29 13:45:30', null, '0005-03-04 01:02:03'] },
  { sql: "DATE_FORMAT(ts, 'yy/M/d h:m:s a')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123'], ['2020-01-05 00:05:06.000']], expect: ['20/2/29 1:45:30 PM', '20/1/5 12:5:6 AM'] },
  { sql: "DATE_FORMAT(ts, 'EEE, MMM d yyyy')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123']], expect: ['Sat, Feb 29 2020'] },
  { sql: "DATE_FORMAT(ts, 'EEEE MMMM dd')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123']], expect: ['Saturday February 29'] },
  { sql: "DATE_FORMAT(ts, 'D DDD S SS SSS SSSSSS')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123'], ['2020-01-05 00:00:00.007']], expect: ['60 060 1 12 123 123000', '5 005 0 00 007 007000'] },
  { sql: "DATE_FORMAT(ts, '''T''HH ''o''''clock'' y yyy')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123'], ['0005-01-01 00:00:00.000']], expect: ["T13 o'clock 2020 2020", "T00 o'clock 5 005"] },
  { sql: "DATE_FORMAT(ts, '100% yyyy')", cols: 'ts TIMESTAMP', rows: [['2020-02-29 13:45:30.123']], expect: ['100% 2020'] },
  { sql: "DATE_FORMAT(dt, 'yyyy/MM/dd')", cols: 'dt DATE', rows: [['2020-02-29']], expect: ['2020/02/29'] },
  { sql: "DATE_FORMAT(s, 'yyyy')", cols: 's STRING', rows: [['2020-01-05 10:00:00'], ['bad'], [null]], expect: ['2020', null, null] },
  { sql: 'FROM_UNIXTIME(n)', cols: 'n BIGINT', rows: [[0], [1578182400], [-1], [null]], expect: ['1970-01-01 00:00:00', '2020-01-05 00:00:00', '1969-12-31 23:59:59', null] },
  { sql: "FROM_UNIXTIME(n, 'yyyy-MM-dd')", cols: 'n INT', rows: [[86400]], expect: ['1970-01-02'] },

  // to_timestamp, to_date, unix_timestamp, to_timestamp_ltz
  { sql: 'TO_TIMESTAMP(s)', cols: 's STRING', rows: [[' 2020-01-05 10:11:12 '], ['2020-01-05'], ['bad'], [null], ['2020-02-30 00:00:00'], ['2020-01-05 10:11:12.345']], expect: ['2020-01-05 10:11:12.000', '2020-01-05 00:00:00.000', null, null, null, '2020-01-05 10:11:12.345'] },
  { sql: "TO_TIMESTAMP(s, 'dd/MM/yyyy HH:mm')", cols: 's STRING', rows: [['05/01/2020 10:11'], ['5/01/2020 10:11'], ['32/01/2020 10:11'], ['05/01/2020 10:11 ']], expect: ['2020-01-05 10:11:00.000', null, null, null] },
  { sql: "TO_TIMESTAMP(s, 'yyyyMMddHHmmss')", cols: 's STRING', rows: [['20200105101112'], ['2020010510111']], expect: ['2020-01-05 10:11:12.000', null] },
  { sql: "TO_TIMESTAMP(s, 'yy-MM-dd')", cols: 's STRING', rows: [['20-01-05'], ['99-12-31']], expect: ['2020-01-05 00:00:00.000', '2099-12-31 00:00:00.000'] },
  { sql: "TO_TIMESTAMP(s, 'MMM d, yyyy h:mm a')", cols: 's STRING', rows: [['Jan 5, 2020 1:02 PM'], ['jan 5, 2020 12:00 am'], ['Jan 5, 2020 13:02 PM']], expect: ['2020-01-05 13:02:00.000', '2020-01-05 00:00:00.000', null] },
  { sql: "TO_TIMESTAMP(s, 'EEE yyyy-MM-dd')", cols: 's STRING', rows: [['Sun 2020-01-05'], ['Mon 2020-01-05']], expect: ['2020-01-05 00:00:00.000', null] },
  { sql: "TO_TIMESTAMP(s, 'yyyy D')", cols: 's STRING', rows: [['2020 60'], ['2021 366'], ['2020 0']], expect: ['2020-02-29 00:00:00.000', null, '2020-01-01 00:00:00.000'] },
  { sql: "TO_TIMESTAMP(s, 'HH:mm')", cols: 's STRING', rows: [['10:30'], ['24:00']], expect: ['1970-01-01 10:30:00.000', null] },
  { sql: "TO_TIMESTAMP(s, 'yyyy-MM-dd HH:mm:ss.SSS')", cols: 's STRING', rows: [['2020-01-05 10:11:12.345'], ['2020-01-05 10:11:12.34']], expect: ['2020-01-05 10:11:12.345', null] },
  { sql: "TO_TIMESTAMP(s, 'MMMM yyyy')", cols: 's STRING', rows: [['February 2020'], ['Feb 2020']], expect: ['2020-02-01 00:00:00.000', null] },
  { sql: "TO_TIMESTAMP(s, 'yyyy-MM-dd''T''HH')", cols: 's STRING', rows: [['-0001-01-01T05'], ['+2020-01-01T05']], expect: ['-0001-01-01 05:00:00.000', '2020-01-01 05:00:00.000'] },
  { sql: 'TO_DATE(s)', cols: 's STRING', rows: [['2020-02-29'], [' 2020-3-1 '], ['2021-02-29'], [null]], expect: ['2020-02-29', '2020-03-01', null, null] },
  { sql: "TO_DATE(s, 'dd.MM.yyyy')", cols: 's STRING', rows: [['29.02.2020'], ['29.02.2021']], expect: ['2020-02-29', null] },
  { sql: 'UNIX_TIMESTAMP(s)', cols: 's STRING', rows: [['1970-01-01 00:00:01'], ['1969-12-31 23:59:59.500'], ['x']], expect: [1, -1, null] },
  { sql: "UNIX_TIMESTAMP(s, 'yyyy/MM/dd')", cols: 's STRING', rows: [['2020/01/05']], expect: [1578182400] },
  { sql: 'TO_TIMESTAMP_LTZ(n, 3)', cols: 'n BIGINT', rows: [[1578182400123], [null], [-1]], expect: ['2020-01-05 00:00:00.123', null, '1969-12-31 23:59:59.999'] },
  { sql: 'TO_TIMESTAMP_LTZ(n, 0)', cols: 'n BIGINT', rows: [[1578182400]], expect: ['2020-01-05 00:00:00.000'] },
  { sql: 'TO_TIMESTAMP_LTZ(x, 3)', cols: 'x DOUBLE', rows: [[1.5], [-1.5]], expect: ['1970-01-01 00:00:00.001', '1969-12-31 23:59:59.998'] },
  { sql: 'TO_TIMESTAMP_LTZ(n, p)', cols: 'n BIGINT, p INT', rows: [[1, 0], [1, 3], [1, 6]], expect: ['1970-01-01 00:00:01.000', '1970-01-01 00:00:00.001', null] },

  // timestampadd, timestampdiff
  {
    sql: 'TIMESTAMPADD(MONTH, n, ts)',
    cols: 'n INT, ts TIMESTAMP',
    rows: [[1, '2020-01-31 10:00:00.000'], [-1, '2020-03-31 00:00:00.000'], [12, '2020-02-29 00:00:00.000'], [null, '2020-01-01 00:00:00.000']],
    expect: ['2020-02-29 10:00:00.000', '2020-02-29 00:00:00.000', '2021-02-28 00:00:00.000', null],
  },
  { sql: 'TIMESTAMPADD(HOUR, n, ts)', cols: 'n INT, ts TIMESTAMP', rows: [[25, '2020-01-01 00:00:00.000'], [-1, '1970-01-01 00:00:00.000']], expect: ['2020-01-02 01:00:00.000', '1969-12-31 23:00:00.000'] },
  { sql: 'TIMESTAMPADD(DAY, n, dt)', cols: 'n INT, dt DATE', rows: [[1, '2020-02-28'], [-366, '2021-01-01']], expect: ['2020-02-29', '2020-01-01'] },
  { sql: 'TIMESTAMPADD(QUARTER, n, ts)', cols: 'n INT, ts TIMESTAMP', rows: [[1, '2020-11-30 00:00:00.000']], expect: ['2021-02-28 00:00:00.000'] },
  { sql: 'TIMESTAMPADD(WEEK, n, ts)', cols: 'n INT, ts TIMESTAMP', rows: [[2, '2020-02-20 00:00:00.000']], expect: ['2020-03-05 00:00:00.000'] },
  { sql: 'TIMESTAMPADD(YEAR, n, dt)', cols: 'n INT, dt DATE', rows: [[1, '2020-02-29']], expect: ['2021-02-28'] },
  { sql: 'TIMESTAMPADD(SECOND, n, ts)', cols: 'n INT, ts TIMESTAMP', rows: [[90, '2020-01-01 00:00:00.000']], expect: ['2020-01-01 00:01:30.000'] },
  {
    sql: 'TIMESTAMPDIFF(DAY, a, b)',
    cols: 'a TIMESTAMP, b TIMESTAMP',
    rows: [['2020-01-01 00:00:00.000', '2020-01-02 23:59:59.999'], ['2020-01-02 23:59:59.999', '2020-01-01 00:00:00.000'], [null, '2020-01-01 00:00:00.000']],
    expect: [1, -1, null],
  },
  {
    sql: 'TIMESTAMPDIFF(MONTH, a, b)',
    cols: 'a TIMESTAMP, b TIMESTAMP',
    rows: [['2020-01-31 00:00:00.000', '2020-02-29 00:00:00.000'], ['2020-02-29 00:00:00.000', '2020-01-30 00:00:00.000'], ['2020-01-01 10:00:00.000', '2020-02-01 09:59:59.999'], ['2020-02-01 12:00:00.000', '2020-01-01 10:00:00.000'], ['2020-01-15 00:00:00.000', '2021-03-14 00:00:00.000']],
    expect: [1, 0, 0, -1, 13],
  },
  { sql: 'TIMESTAMPDIFF(YEAR, a, b)', cols: 'a TIMESTAMP, b TIMESTAMP', rows: [['2019-02-28 00:00:00.000', '2020-02-29 00:00:00.000'], ['2020-02-29 00:00:00.000', '2021-02-28 00:00:00.000'], ['2021-01-01 00:00:00.000', '2019-06-01 00:00:00.000'], ['2020-03-01 00:00:00.000', '2021-02-28 23:59:59.999']], expect: [1, 1, -1, 0] },
  { sql: 'TIMESTAMPDIFF(QUARTER, a, b)', cols: 'a DATE, b DATE', rows: [['2020-01-01', '2020-12-31'], ['2020-12-31', '2020-01-01']], expect: [3, -3] },
  { sql: 'TIMESTAMPDIFF(SECOND, a, b)', cols: 'a TIMESTAMP, b TIMESTAMP', rows: [['2020-01-01 00:00:00.000', '2020-01-01 00:00:01.999'], ['2020-01-01 00:00:01.999', '2020-01-01 00:00:00.000']], expect: [1, -1] },
  { sql: 'TIMESTAMPDIFF(HOUR, a, b)', cols: 'a DATE, b TIMESTAMP', rows: [['2020-01-01', '2020-01-02 01:59:00.000']], expect: [25] },
  { sql: 'TIMESTAMPDIFF(MINUTE, a, b)', cols: 'a TIMESTAMP, b TIMESTAMP', rows: [['2020-01-01 00:00:00.000', '2020-01-01 00:10:59.000']], expect: [10] },
  { sql: 'TIMESTAMPDIFF(WEEK, a, b)', cols: 'a DATE, b DATE', rows: [['2020-01-01', '2020-01-15'], ['2020-01-01', '2020-01-14']], expect: [2, 1] },
  // is_json, json_exists, json_value (translated: json_valid, json_type, json_extract_string)
  { sql: 'j IS JSON', cols: 'j STRING', rows: [['{"a":1}'], ['[1]'], ['1'], ['"s"'], ['nope'], ['{"a":'], [null], ['']], expect: [true, true, true, true, false, false, false, false] },
  { sql: 'j IS JSON OBJECT', cols: 'j STRING', rows: [['{"a":1}'], ['[1]'], ['1'], ['nope'], [null]], expect: [true, false, false, false, false] },
  { sql: 'j IS JSON ARRAY', cols: 'j STRING', rows: [['{"a":1}'], ['[1]'], ['1'], ['nope']], expect: [false, true, false, false] },
  { sql: 'j IS NOT JSON SCALAR', cols: 'j STRING', rows: [['{"a":1}'], ['[1]'], ['1'], ['null'], ['nope'], [null]], expect: [true, true, false, false, true, true] },
  { sql: "JSON_EXISTS(j, '$.a.b')", cols: 'j STRING', rows: [['{"a":{"b":0}}'], ['{"a":{"b":null}}'], ['{"a":[1]}'], ['{}'], ['x'], [null]], expect: [true, false, false, false, false, null] },
  { sql: "JSON_EXISTS(j, 'lax $[-1]')", cols: 'j STRING', rows: [['[1,2]'], ['[]'], ['{"a":1}']], expect: [true, false, false] },
  { sql: "JSON_VALUE(j, '$.a')", cols: 'j STRING', rows: [['{"a":"x"}'], ['{"a":12}'], ['{"a":-1.25}'], ['{"a":true}'], ['{"a":null}'], ['{"a":[1]}'], ['{"a":{}}'], ['{}'], ['no'], [null], ['{"a":"\\u00e9\\"q"}']], expect: ['x', '12', '-1.25', 'true', null, null, null, null, null, null, 'é"q'] },
  { sql: "JSON_VALUE(j, '$[''k y''][1]' RETURNING INT)", cols: 'j STRING', rows: [['{"k y":[5,6]}'], ['{"k y":[5,"7"]}'], ['{"k y":[5,"z"]}'], ['{"k y":[5]}']], expect: [6, 7, null, null] },
  // json_query, json_object, json_array, json_string: verify refuses them (Jackson's JSON text)
  { sql: "JSON_QUERY(j, '$.a')", cols: 'j STRING', rows: [['{"a":{"y":1,"x":[1.0,2e3]}}'], ['{"a":1}'], ['{}']], expect: ['{"y":1,"x":[1.0,2000.0]}', null, null], weirOnly: 'Jackson text' },
  { sql: "JSON_OBJECT(KEY 'k' VALUE s, 'n' VALUE x)", cols: 's STRING, x DOUBLE', rows: [['a', 1], [null, 1e-5]], expect: ['{"k":"a","n":1.0}', '{"k":null,"n":1.0E-5}'], weirOnly: 'Jackson text' },
  { sql: 'JSON_ARRAY(s, a)', cols: 's STRING, a INT', rows: [['\u0001', 1], [null, null]], expect: ['["\\u0001",1]', '[]'], weirOnly: 'Jackson text' },
  // json_string of a STRING, BOOLEAN or integer translates (to_json, Jackson's upper-case \u00XX escapes; branch jsonagg)
  { sql: 'JSON_STRING(b)', cols: 'b BOOLEAN', rows: [[true], [false], [null]], expect: ['true', 'false', null] },
  { sql: 'JSON_STRING(s)', cols: 's STRING', rows: [['a"b\\c/'], ['\u001b\u0001\n\u000b\t'], ['é€'], [null]], expect: ['"a\\"b\\\\c/"', '"\\u001B\\u0001\\n\\u000B\\t"', '"é€"', null] },
  { sql: 'JSON_STRING(i)', cols: 'i BIGINT', rows: [[-42], [9007199254740991], [null]], expect: ['-42', '9007199254740991', null] },
  { sql: 'JSON_STRING(d)', cols: 'd DOUBLE', rows: [[1e10], [null]], expect: ['1.0E10', null], weirOnly: 'Jackson text' },
];

setupDuckDb();

describe('scalar functions: weir vs DuckDB, and hand-worked values', () => {
  for (const c of CASES) {
    it(`${c.sql} (${c.cols})`, async () => {
      await runCase(c);
    });
  }

  it('PI()', async () => {
    // PI() has no arguments, so the binder folds it to a constant; evaluate the call itself.
    const e = PI_CALL;
    functionsIn(e, covered);
    const rows = [[], []];
    expect(evalWeir(e, [], rows)).toEqual([Math.PI, Math.PI]);
    expect(await evalDuck(e, [], rows)).toEqual([Math.PI, Math.PI]);
    // and the folded constant is the same value
    expect(bind('PI()', [])).toEqual({ kind: 'const', value: Math.PI, type: T.DOUBLE });
  });
});

/** The clock functions: no DuckDB comparison is possible (verify refuses them); checked against the time of evaluation. */
const CLOCK_SQL = ['CURRENT_TIMESTAMP', 'NOW()', 'CURRENT_ROW_TIMESTAMP()', 'LOCALTIMESTAMP', 'CURRENT_DATE'];

describe('the clock functions', () => {
  it('CURRENT_TIMESTAMP, NOW() and CURRENT_ROW_TIMESTAMP() give the instant of evaluation; LOCALTIMESTAMP and CURRENT_DATE its date-time and date in the session zone', () => {
    // GMT-10:00: local time is 10 hours behind, so the local date differs from UTC's for 10 hours a day
    setSessionTimeZone('GMT-10:00');
    try {
      const bound = CLOCK_SQL.map((sql) => bind(sql, []));
      expect(bound.map((e) => typeToDuckDb(e.type))).toEqual(['TIMESTAMPTZ', 'TIMESTAMPTZ', 'TIMESTAMPTZ', 'TIMESTAMP', 'DATE']);
      for (const e of bound) expect(e.kind, 'not folded to a constant').toBe('call');
      const before = Date.now();
      const [ct, now, row, local, date] = bound.map((e) => evalWeir(e, [], [[], []])) as number[][];
      const after = Date.now();
      for (const v of [...ct!, ...now!, ...row!]) {
        expect(v).toBeGreaterThanOrEqual(before);
        expect(v).toBeLessThanOrEqual(after);
      }
      const shift = -10 * 3_600_000;
      for (const v of local!) {
        expect(v).toBeGreaterThanOrEqual(before + shift);
        expect(v).toBeLessThanOrEqual(after + shift);
      }
      const days = [before, after].map((t) => formatDate(Math.floor((t + shift) / 86_400_000)));
      for (const d of date!) expect(days).toContain(formatDate(d));
      for (const e of bound) expect(() => exprToDuckDb(e, () => 'x')).toThrow(/reads the wall clock/);
    } finally {
      setSessionTimeZone('UTC');
    }
  });
});

describe('PROCTIME()', () => {
  it('stamps every row of a batch with one reading of the clock, never going back; DuckDB has no value for it', () => {
    const e = bind('PROCTIME()', []);
    expect(e).toEqual({ kind: 'call', fn: 'proctime', args: [], type: T.TIMESTAMP_LTZ });
    functionsIn(e, covered);
    const before = Date.now();
    const first = evalWeir(e, [], [[], [], []]);
    const second = evalWeir(e, [], [[]]);
    const after = Date.now();
    expect(new Set(first).size).toBe(1);
    expect(first[0] as number).toBeGreaterThanOrEqual(before);
    expect(second[0] as number).toBeGreaterThanOrEqual(first[0] as number);
    expect(second[0] as number).toBeLessThanOrEqual(after);
    // verify gives DuckDB the recorded times instead (src/verify/verify.ts)
    expect(() => exprToDuckDb(e, () => 'x')).toThrow(/PROCTIME\(\).*no recorded value/);
  });
});

describe('ROUND and TRUNCATE against DuckDB on many values', () => {
  it('agree on random doubles at several digits', async () => {
    let s = 12345;
    const rnd = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const rows: Scalar[][] = [];
    for (let i = 0; i < 300; i++) {
      const mag = Math.pow(10, Math.floor(rnd() * 12) - 4);
      const x = (rnd() - 0.5) * mag;
      // values with few decimals are where ties happen
      rows.push([i % 3 === 0 ? Number(x.toFixed(3)) : i % 3 === 1 ? Number(x.toFixed(2)) + 0.005 : x]);
    }
    for (const sql of ['ROUND(x, 2)', 'ROUND(x, 0)', 'ROUND(x, -1)', 'TRUNCATE(x, 2)', 'ROUND(x, 4)', 'CAST(x AS DECIMAL(20, 3))', 'CAST(x AS STRING)']) {
      await runCase({ sql, cols: 'x DOUBLE', rows });
    }
  });
});

describe('translation limits are reported, not silently wrong', () => {
  it('refuses what it cannot translate, naming the function', () => {
    const cols = parseCols('s STRING, p STRING');
    const fail = (sql: string): string => {
      try {
        exprToDuckDb(bind(sql, cols), (i) => `c${i}`);
      } catch (err) {
        expect(err).toBeInstanceOf(DuckDbTranslationError);
        return (err as Error).message;
      }
      throw new Error(`${sql} was translated`);
    };
    expect(fail("REGEXP_EXTRACT(s, '(a)|(b)', 2)")).toMatch(/REGEXP_EXTRACT.*may not take part/);
    expect(fail("REGEXP_EXTRACT(s, 'a(b)?', 1)")).toMatch(/may not take part/);
    expect(fail("REGEXP(s, 'a(?=b)')")).toMatch(/REGEXP.*look-around/);
    expect(fail("REGEXP_REPLACE(s, '(a)\\1', 'x')")).toMatch(/backreference/);
    expect(fail("REGEXP_REPLACE(s, 'x*', '-')")).toMatch(/REGEXP_REPLACE.*empty string/);
    expect(fail('REGEXP(s, p)')).toMatch(/REGEXP.*constant/);
    expect(fail('DATE_FORMAT(CAST(s AS TIMESTAMP), p)')).toMatch(/DATE_FORMAT.*constant/);
  });

  it('maps types as the contract says', () => {
    expect(typeToDuckDb(T.INT)).toBe('INTEGER');
    expect(typeToDuckDb(T.BIGINT)).toBe('BIGINT');
    expect(typeToDuckDb(T.decimal(10, 2))).toBe('DECIMAL(10, 2)');
    expect(typeToDuckDb(T.STRING)).toBe('VARCHAR');
    expect(typeToDuckDb(T.TIMESTAMP)).toBe('TIMESTAMP');
    expect(typeToDuckDb(T.DATE)).toBe('DATE');
    expect(typeToDuckDb(T.BOOLEAN)).toBe('BOOLEAN');
    expect(typeToDuckDb(T.INTERVAL_DAY_TIME)).toBe('BIGINT');
    expect(constantToDuckDb(Date.UTC(2015, 6, 15), T.TIMESTAMP)).toBe("TIMESTAMP '2015-07-15 00:00:00.000'");
  });
});

describe('weir-only hand-worked values (no DuckDB translation)', () => {
  const one = (sql: string, cols: string, row: Scalar[]): Scalar => {
    const c = parseCols(cols);
    return evalWeir(bind(sql, c), c, [row.map((v, k) => toWeir(v, c[k]!.type) as Scalar)])[0]!;
  };
  it('REGEXP_REPLACE replaces empty matches as Java does, and inserts the replacement literally', () => {
    expect(one("REGEXP_REPLACE(s, 'x*', '-')", 's STRING', ['axb'])).toBe('-a--b-');
    expect(one("REGEXP_REPLACE(s, '.*', '<>')", 's STRING', ['b'])).toBe('<><>');
    expect(one("REGEXP_REPLACE(s, '(b)', '[$1\\]')", 's STRING', ['abc'])).toBe('a[$1\\]c');
  });
  it('REGEXP with a computed pattern: empty and invalid patterns are FALSE, as in Flink', () => {
    expect(one('REGEXP(s, p)', 's STRING, p STRING', ['abc', ''])).toBe(false);
    expect(one('REGEXP(s, p)', 's STRING, p STRING', ['abc', '(b'])).toBe(false);
    expect(one('REGEXP(s, p)', 's STRING, p STRING', ['abc', 'b$|^a'])).toBe(true);
    expect(one('REGEXP_EXTRACT(s, p)', 's STRING, p STRING', ['abc', '(b'])).toBe(null);
  });
});

describe('coverage', () => {
  it('has a case for every scalar function and operator in the registry', () => {
    // from the bound expressions of the cases (independent of which tests ran)
    for (const c of CASES) functionsIn(bind(c.sql, parseCols(c.cols)), covered);
    // the functions of test/unit/functions-strings.test.ts
    for (const c of [...STRING_FUNCTION_CASES, ...PRINTF_CASES, ...STRING_FUNCTION_SQL.map((sql) => ({ sql, cols: '' }))]) functionsIn(bind(c.sql, parseCols(c.cols)), covered);
    functionsIn(E_CALL, covered);
    for (const sql of CLOCK_SQL) functionsIn(bind(sql, []), covered);
    functionsIn(PI_CALL, covered);
    // tested value by value in test/unit/types-time-bytes.test.ts
    functionsIn(bind('CURRENT_TIME', []), covered);
    functionsIn(bind("DECODE(ENCODE(s, 'UTF-8'), 'UTF-8')", parseCols('s STRING')), covered);
    // EXTRACT's DECADE ... EPOCH: against DuckDB in test/sql/cases/functions-fsql.sqltest
    for (const f of ['DECADE', 'CENTURY', 'MILLENNIUM', 'ISODOW', 'ISOYEAR', 'MICROSECOND', 'NANOSECOND', 'EPOCH']) functionsIn(bind(`EXTRACT(${f} FROM ts)`, parseCols('ts TIMESTAMP')), covered);
    // UNNEST of a MULTISET (no expression calls it): against DuckDB in test/sql/cases/multiset.sqltest
    covered.add('multiset_elements');
    const missing = allFunctions()
      .map((f) => f.name)
      .filter((n) => !covered.has(n) && !COLLECTION_FUNCTIONS.test(n)); // those: functions-collections.test.ts
    expect(missing, `registry functions without a test case: ${missing.join(', ')}`).toEqual([]);
  });
});
