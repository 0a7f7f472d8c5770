// Flink's string, hash, math and conditional functions added together (OVERLAY ... LEAST:
// src/expr/functions/strings-more.ts, hashes.ts, conditionals.ts, the end of math.ts), value by
// value: weir against DuckDB (through verify's translation) and against values worked out by
// hand from Flink's documentation and source (functions-strings.cases.ts); the nondeterministic
// RAND, RAND_INTEGER and UUID against java.util.Random's algorithm and their contracts.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyScript } from '../../src/verify/verify.js';
import { collectScript } from '../../src/verify/collect.js';
import type { Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { JavaRandom } from '../../src/expr/functions/math.js';
import { DuckDbTranslationError, exprToDuckDb } from '../../src/verify/duck-expr.js';
import { bind, evalDuck, evalWeir, parseCols, runCase, setupDuckDb, toWeir } from './function-harness.js';
import { E_CALL, PRINTF_CASES, STRING_FUNCTION_CASES } from './functions-strings.cases.js';

setupDuckDb();

describe('string, hash, math and conditional functions: weir vs DuckDB, and hand-worked values', () => {
  for (const c of [...STRING_FUNCTION_CASES, ...PRINTF_CASES]) {
    it(`${c.sql} (${c.cols})`, async () => {
      await runCase(c);
    });
  }

  it('E()', async () => {
    const rows = [[], []];
    expect(evalWeir(E_CALL, [], rows)).toEqual([Math.E, Math.E]);
    expect(await evalDuck(E_CALL, [], rows)).toEqual([2.718281828459045, 2.718281828459045]);
    expect(bind('E()', [])).toEqual({ kind: 'const', value: Math.E, type: T.DOUBLE });
  });
});

const one = (sql: string, cols: string, row: Scalar[]): Scalar => {
  const c = parseCols(cols);
  return evalWeir(bind(sql, c), c, [row.map((v, k) => toWeir(v, c[k]!.type) as Scalar)])[0]!;
};

describe('errors, as Flink fails the query', () => {
  it('REGEXP_EXTRACT_ALL: a group out of range or an invalid pattern', () => {
    expect(() => one("REGEXP_EXTRACT_ALL(s, '(a)', 2)", 's STRING', ['a'])).toThrow(/group index 2 is out of range \[0, 1\]/);
    expect(() => one('REGEXP_EXTRACT_ALL(s, p)', 's STRING, p STRING', ['a', '('])).toThrow(/invalid regular expression/);
  });
  it('PRINTF: a conversion of the wrong kind, a missing argument', () => {
    expect(() => one("PRINTF('%d', x)", 'x DOUBLE', [1.5])).toThrow(/PRINTF: %d != DOUBLE/);
    expect(() => one("PRINTF('%s %s', s)", 's STRING', ['a'])).toThrow(/PRINTF.*no argument/);
  });
  it('SHA2 with a constant bit length other than 224, 256, 384, 512', () => {
    expect(() => one('SHA2(s, 100)', 's STRING', ['a'])).toThrow(/SHA2: the bit length must be 224, 256, 384 or 512/);
  });
  it('RAND_INTEGER with a bound <= 0', () => {
    expect(() => one('RAND_INTEGER(1, a)', 'a INT', [0])).toThrow(/RAND_INTEGER: the bound must be positive/);
  });
});

/** java.util.Random written plainly on 64-bit integers (the reference for weir's 24-bit halves). */
class ReferenceRandom {
  private seed: bigint;
  constructor(seed: number) {
    this.seed = BigInt.asUintN(48, BigInt(seed) ^ 0x5deece66dn);
  }
  next(bits: number): number {
    this.seed = BigInt.asUintN(48, this.seed * 0x5deece66dn + 0xbn);
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextDouble(): number {
    return Number((BigInt(this.next(26)) << 27n) + BigInt(this.next(27))) / 2 ** 53;
  }
  nextInt(bound: number): number {
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
    for (let u = r; u - (r = u % bound) + m > 2147483647; u = this.next(31));
    return r;
  }
}

describe('RAND, RAND_INTEGER, UUID: nondeterministic, never folded, refused by verify', () => {
  it("JavaRandom draws java.util.Random's sequences", () => {
    // known values of Java: new Random(42).nextInt() is -1170105035, nextDouble() is 0.7275636800328681
    expect(new ReferenceRandom(42).next(32)).toBe(-1170105035);
    expect(new JavaRandom(42).nextDouble()).toBe(0.7275636800328681);
    for (const seed of [42, 0, -1, 2147483647, -2147483648, 123456]) {
      const a = new JavaRandom(seed);
      const b = new ReferenceRandom(seed);
      for (let i = 0; i < 200; i++) expect(a.nextDouble()).toBe(b.nextDouble());
      for (const bound of [1, 2, 10, 16, 100, 1 << 30, 1_500_000_000, 2147483647]) expect(a.nextInt(bound)).toBe(b.nextInt(bound));
    }
  });

  it('RAND(seed) and RAND_INTEGER(seed, bound): the seeded sequence from its start in every compiled instance (subtask); a NULL bound is NULL', () => {
    const e = bind('RAND(7)', []);
    expect(e.kind, 'not folded').toBe('call');
    const ref = new ReferenceRandom(7);
    const want = [ref.nextDouble(), ref.nextDouble(), ref.nextDouble()];
    expect(evalWeir(e, [], [[], [], []])).toEqual(want);
    expect(evalWeir(bind('RAND(7)', []), [], [[], [], []]), 'another instance starts over').toEqual(want);
    const ri = new ReferenceRandom(42);
    const cols = parseCols('b INT');
    expect(evalWeir(bind('RAND_INTEGER(42, b)', cols), cols, [[10], [null], [1000]])).toEqual([ri.nextInt(10), null, ri.nextInt(1000)]);
    for (const v of evalWeir(bind('RAND()', []), [], [[], [], [], []]) as number[]) expect(v >= 0 && v < 1).toBe(true);
    for (const v of evalWeir(bind('RAND_INTEGER(3)', []), [], [[], [], [], []]) as number[]) expect([0, 1, 2]).toContain(v);
    expect(() => bind('RAND(b)', cols)).not.toThrow();
    expect(() => evalWeir(bind('RAND(b)', cols), cols, [[1]])).toThrow(/RAND: the seed must be a constant/);
  });

  it('UUID() is a version 4 UUID, a new one per row', () => {
    const values = evalWeir(bind('UUID()', []), [], [[], [], []]) as string[];
    for (const v of values) expect(v).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(values).size).toBe(3);
  });

  it('verify refuses them with the reason', () => {
    for (const sql of ['RAND()', 'RAND(1)', 'RAND_INTEGER(5)', 'UUID()']) {
      const e = bind(sql, []);
      expect(e.kind).toBe('call');
      expect(() => exprToDuckDb(e, () => 'x')).toThrow(DuckDbTranslationError);
      expect(() => exprToDuckDb(e, () => 'x')).toThrow(/draws random values/);
    }
  });
});

describe('weir verify of a query file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-fnstr-'));
  writeFileSync(join(dir, 't.csv'), '1,Hello\n2,\n3,a b\n');
  const table = `CREATE TABLE t (id INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');\n`;

  it('agrees with DuckDB on the deterministic functions', async () => {
    const text = `${table}SELECT id, MD5(s), OVERLAY(s PLACING 'x' FROM 1), GREATEST(id, 2), URL_ENCODE(s), HEX(id * 1000), ELT(id, s, 'two', 'three') FROM t;\n`;
    const r = await verifyScript({ name: 'q.sql', text });
    for (const v of r.verdicts) expect(v.equal, `${v.label}: ${JSON.stringify(v.onlyStream)} / ${JSON.stringify(v.onlyBatch)}`).toBe(true);
    expect(r.verdicts.length).toBe(1);
  });

  it('refuses RAND with the reason', async () => {
    await expect(verifyScript({ name: 'q.sql', text: `${table}SELECT id, RAND(1) FROM t;\n` })).rejects.toThrow(/cannot translate RAND to DuckDB: it draws random values/);
  });
});

describe('a random value is computed once per row', () => {
  it('a filter over a projection of RAND() reads the projected value (one evaluation), at parallelism 1 and 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-fnstr-rand-'));
    writeFileSync(join(dir, 't.csv'), Array.from({ length: 3000 }, (_, i) => `${i},a`).join('\n') + '\n');
    const text = `CREATE TABLE t (id INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');
SELECT id, r, u FROM (SELECT id, RAND() AS r, UUID() AS u FROM t) WHERE r > 0.5 AND u <> '';\n`;
    for (const parallelism of [1, 2]) {
      const res = await collectScript({ name: 'q.sql', text }, { parallelism });
      const rows = res.queries[0]!.rows;
      expect(rows.length).toBeGreaterThan(1000);
      expect(rows.length).toBeLessThan(2000);
      for (const row of rows) expect(Number(row[1]), `row ${JSON.stringify(row)}`).toBeGreaterThan(0.5);
    }
  });
});
