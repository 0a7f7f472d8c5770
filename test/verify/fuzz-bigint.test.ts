// Randomised differential testing of 64-bit BIGINT and 32-bit INT (common/int64.ts): values
// drawn near 2^31, 2^53 and 2^63, random integer expressions (+ - * / %, unary minus, CASE,
// comparisons) and GROUP BY aggregates, each run as a stream and as `weir verify`'s DuckDB
// translation (which wraps as Java does, verify/duck-int64.ts), compared exactly.
//
// `npm test` runs WEIR_FUZZ_BIGINT_RUNS cases (default 8) with a fixed seed; a failing case is
// printed with its data and query.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyScript } from '../../src/verify/verify.js';
import { WeirError } from '../../src/common/errors.js';

const RUNS = Number(process.env.WEIR_FUZZ_BIGINT_RUNS ?? 8);
const SEED = process.env.WEIR_FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.WEIR_FUZZ_SEED ?? 20261206);

const P53 = 2n ** 53n;
const P63 = 2n ** 63n;
const bigArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(P53 - 1n, P53, P53 + 1n, -(P53 - 1n), -P53, -(P53 + 1n), P53 * 3n + 7n) },
  { weight: 3, arbitrary: fc.constantFrom(P63 - 1n, -P63, P63 - 2n, -P63 + 1n, 2n ** 62n, -(2n ** 62n) + 3n) },
  { weight: 1, arbitrary: fc.bigInt({ min: -P63, max: P63 - 1n }) },
  { weight: 3, arbitrary: fc.constantFrom(0n, 1n, -1n, 2n, 7n, -3n, 1000n) },
);
const intArb = fc.oneof(fc.constantFrom(2147483647, -2147483648, 2147483646, 65536, 46341, -46341), fc.integer({ min: -5, max: 10 }));
const rowArb = fc.record({ k: fc.option(bigArb, { freq: 8, nil: null }), v: fc.option(bigArb, { freq: 8, nil: null }), i: fc.option(intArb, { freq: 8, nil: null }) });

const bigLit = fc.constantFrom('1', '2', '-3', '7', '9007199254740993', '9223372036854775807', '(-9223372036854775807 - 1)');
const bigExpr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 3, depthIdentifier: 'e' },
    fc.constantFrom('k', 'v', 'k', 'v'),
    bigLit,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `(- ${a})`),
    fc.tuple(tie('e'), fc.constantFrom('<', '=', '>='), tie('e'), tie('e'), tie('e')).map(([a, c, b, x, y]) => `CASE WHEN ${a} ${c} ${b} THEN ${x} ELSE ${y} END`),
    fc.constantFrom('CAST(i AS BIGINT)', '(k + i)'),
  ),
})).e;
const intExpr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 3, depthIdentifier: 'i' },
    fc.constantFrom('i', 'i', '2147483647', '65536', '-2'),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('e').map((a) => `(- ${a})`),
  ),
})).e;

const queryArb = fc.oneof(
  fc.tuple(fc.array(fc.oneof(bigExpr, intExpr), { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(bigExpr, fc.constantFrom('<', '<>', '>'), bigExpr), { nil: undefined })).map(
    ([items, w]) => `SELECT ${items.map((x, j) => `${x} AS c${j}`).join(', ')} FROM t${w === undefined ? '' : ` WHERE ${w[0]} ${w[1]} ${w[2]}`}`,
  ),
  fc.tuple(bigExpr, intExpr).map(([x, y]) => `SELECT k, COUNT(*) AS n, SUM(${x}) AS s, MIN(${x}) AS lo, MAX(${x}) AS hi, AVG(v) AS a, SUM(${y}) AS si FROM t GROUP BY k`),
);

const caseArb = fc.record({ rows: fc.array(rowArb, { minLength: 1, maxLength: 12 }), query: queryArb, parallelism: fc.constantFrom(1, 2) });

describe('fuzz: BIGINT near 2^53 and 2^63, INT near 2^31, stream vs DuckDB', () => {
  it(`${RUNS} random cases agree exactly (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = mkdtempSync(join(tmpdir(), 'weir-fuzz-bigint-'));
        try {
          const csv = c.rows.map((r) => [r.k, r.v, r.i].map((x) => (x === null ? '' : String(x))).join(',')).join('\n') + '\n';
          writeFileSync(join(dir, 't.csv'), csv);
          const script = `CREATE TABLE t (k BIGINT, v BIGINT, i INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');\n${c.query};\n`;
          let report = '';
          try {
            const r = await verifyScript({ name: 'fuzz.sql', text: script }, { parallelism: c.parallelism, set: [] });
            const v = r.verdicts[0]!;
            if (!v.equal) report = `only in the stream: ${String(v.onlyStream.slice(0, 5).map((x) => x.map(String)))}\nonly in DuckDB: ${String(v.onlyBatch.slice(0, 5).map((x) => x.map(String)))}\nDuckDB SQL: ${v.sql}`;
          } catch (e) {
            report = e instanceof WeirError ? `weir error: ${e.message}` : `crash: ${e instanceof Error ? e.stack : String(e)}`;
          }
          expect(report, `${c.query}\n--- t.csv (parallelism ${c.parallelism})\n${csv}`).toBe('');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 300_000);
});
