// Randomised differential testing of exact numbers: 64-bit BIGINT and 32-bit INT
// (common/int64.ts), values drawn near 2^31, 2^53 and 2^63, random integer expressions
// (+ - * / %, unary minus, CASE, comparisons) and GROUP BY aggregates; and DECIMAL(38, 10),
// DECIMAL(20, 2) and DECIMAL(10, 4) columns whose values use all (or nearly all) their digits,
// in + - * /, unary minus, CASE, comparisons, and SUM / AVG / MIN / MAX. Each case runs as a
// stream and as `weir verify`'s DuckDB translation (which wraps as Java does,
// verify/duck-int64.ts, and computes DECIMAL at Flink's result types, verify/duck-decimal.ts),
// compared exactly (no tolerance for INT, BIGINT or DECIMAL columns).
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
/** Unscaled u at scale s as plain text (what a CSV file holds). */
function decText(u: bigint, s: number): string {
  const neg = u < 0n;
  const d = (neg ? -u : u).toString().padStart(s + 1, '0');
  return `${neg ? '-' : ''}${s === 0 ? d : `${d.slice(0, d.length - s)}.${d.slice(d.length - s)}`}`;
}
/** DECIMAL(p, s) values: all p digits used, a 5 at the last place (HALF_UP ties), and small ones. */
function decArb(p: number, s: number, maxDigits = p): fc.Arbitrary<string> {
  const max = 10n ** BigInt(maxDigits) - 1n;
  const full = fc.tuple(fc.bigInt({ min: 10n ** BigInt(maxDigits - 1), max }), fc.boolean()).map(([u, neg]) => (neg ? -u : u));
  return fc.oneof(
    { weight: 4, arbitrary: full.map((u) => decText(u, s)) },
    { weight: 1, arbitrary: full.map((u) => decText((u / 10n) * 10n + 5n, s)) },
    { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** BigInt(s + 2)), max: 10n ** BigInt(s + 2) }).map((u) => decText(u, s)) },
    { weight: 1, arbitrary: fc.constantFrom(decText(0n, s), decText(1n, s), decText(-1n, s)) },
  );
}
// DECIMAL(38, 10) values keep 37 digits, so a SUM over 12 rows stays within DECIMAL(38, 10)
const rowArb = fc.record({
  k: fc.option(bigArb, { freq: 8, nil: null }),
  v: fc.option(bigArb, { freq: 8, nil: null }),
  i: fc.option(intArb, { freq: 8, nil: null }),
  a: fc.option(decArb(38, 10, 37), { freq: 8, nil: null }),
  b: fc.option(decArb(20, 2), { freq: 8, nil: null }),
  c: fc.option(decArb(10, 4), { freq: 8, nil: null }),
});

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

// DECIMAL expressions. A product has a narrow operand (at most 19 digits): the translation
// cannot form the exact product of two wider ones (duck-decimal.ts), so verify would fail
// loudly there.
const narrowDec = fc.constantFrom('c', 'i', '3', '1.5', '0.25', '-7');
const decExpr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 2, depthIdentifier: 'd' },
    fc.constantFrom('a', 'b', 'c', 'a', 'b', 'c', '0.0000000001', '2.50', 'CAST(i AS DECIMAL(12, 2))'),
    fc.tuple(tie('e'), fc.constantFrom('+', '-'), tie('e')).map(([x, op, y]) => `(${x} ${op} ${y})`),
    fc.tuple(tie('e'), fc.constantFrom('*', '/'), narrowDec).map(([x, op, y]) => `(${x} ${op} ${y})`),
    // a divisor of 38 digits under a dividend of more than 32 integer digits has no exact
    // DuckDB translation (verify refuses it, duck-decimal.ts): divide by a column here
    fc.tuple(narrowDec, fc.constantFrom('a', 'b', 'c')).map(([x, y]) => `(${x} / ${y})`),
    tie('e').map((x) => `(- ${x})`),
    fc.tuple(tie('e'), fc.constantFrom('<', '=', '>='), tie('e'), tie('e'), tie('e')).map(([x, c, y, p, q]) => `CASE WHEN ${x} ${c} ${y} THEN ${p} ELSE ${q} END`),
  ),
})).e;

const decQueryArb = fc.oneof(
  fc.tuple(fc.array(decExpr, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(decExpr, fc.constantFrom('<', '<>', '>'), decExpr), { nil: undefined })).map(
    ([items, w]) => `SELECT k, ${items.map((x, j) => `${x} AS d${j}`).join(', ')} FROM t${w === undefined ? '' : ` WHERE ${w[0]} ${w[1]} ${w[2]}`}`,
  ),
  decExpr.map((x) => `SELECT k, COUNT(*) AS n, SUM(${x}) AS s, AVG(${x}) AS av, MIN(${x}) AS lo, MAX(${x}) AS hi, SUM(a) AS sa, AVG(a) AS aa, AVG(b) AS ab, AVG(c) AS ac FROM t GROUP BY k`),
);

const intQueryArb = fc.oneof(
  fc.tuple(fc.array(fc.oneof(bigExpr, intExpr), { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(bigExpr, fc.constantFrom('<', '<>', '>'), bigExpr), { nil: undefined })).map(
    ([items, w]) => `SELECT ${items.map((x, j) => `${x} AS c${j}`).join(', ')} FROM t${w === undefined ? '' : ` WHERE ${w[0]} ${w[1]} ${w[2]}`}`,
  ),
  fc.tuple(bigExpr, intExpr).map(([x, y]) => `SELECT k, COUNT(*) AS n, SUM(${x}) AS s, MIN(${x}) AS lo, MAX(${x}) AS hi, AVG(v) AS a, SUM(${y}) AS si FROM t GROUP BY k`),
);
const queryArb = fc.oneof(intQueryArb, decQueryArb);

const caseArb = fc.record({ rows: fc.array(rowArb, { minLength: 1, maxLength: 12 }), query: queryArb, parallelism: fc.constantFrom(1, 2) });

describe('fuzz: BIGINT near 2^53 and 2^63, INT near 2^31, wide DECIMAL, stream vs DuckDB', () => {
  it(`${RUNS} random cases agree exactly (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = mkdtempSync(join(tmpdir(), 'weir-fuzz-bigint-'));
        try {
          const csv = c.rows.map((r) => [r.k, r.v, r.i, r.a, r.b, r.c].map((x) => (x === null ? '' : String(x))).join(',')).join('\n') + '\n';
          writeFileSync(join(dir, 't.csv'), csv);
          const script = `CREATE TABLE t (k BIGINT, v BIGINT, i INT, a DECIMAL(38, 10), b DECIMAL(20, 2), c DECIMAL(10, 4)) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');\n${c.query};\n`;
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
