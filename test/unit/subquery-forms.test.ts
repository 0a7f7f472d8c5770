// The subquery forms of branch subq: how quantified comparisons, LATERAL subqueries and scalar
// subqueries of an aggregating query are planned (the join each becomes), and the forms weir
// refuses, each with a message naming the construct at its position. Results are checked
// against DuckDB by test/sql/cases/subqueries-more.sqltest.
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import { Session } from '../../src/sql/session.js';

const DDL = `CREATE TABLE t (k INT, v INT) WITH ('connector' = 'filesystem', 'path' = '/nonexistent/t.csv', 'format' = 'csv');
CREATE TABLE u (k INT, w INT) WITH ('connector' = 'filesystem', 'path' = '/nonexistent/u.csv', 'format' = 'csv');`;

/** The logical plan of `query` as EXPLAIN prints it (its first section). */
function plan(query: string): string {
  const out = new Session().executeScript({ name: 't.sql', text: `${DDL}\nEXPLAIN ${query};` }).map((r) => r.result);
  const last = out[out.length - 1]!;
  if (last.kind !== 'explain') throw new Error(`not an EXPLAIN result: ${last.kind}`);
  return last.text.slice(0, last.text.indexOf('Optimized'));
}

/** The error planning `query` raises: its message and the source text its span covers. */
function refusal(query: string): { message: string; at: string } {
  const text = `${DDL}\nSELECT * FROM (${query});`;
  try {
    new Session().executeScript({ name: 't.sql', text });
  } catch (e) {
    if (!(e instanceof WeirError)) throw e;
    return { message: e.message, at: e.span === undefined ? '' : text.slice(e.span.start, e.span.end) };
  }
  throw new Error(`planned: ${query}`);
}

describe('quantified comparisons', () => {
  it('plans ANY as a semi join and ALL as an anti join on the comparison, NOT flipping both', () => {
    expect(plan('SELECT k FROM t WHERE v > ANY (SELECT w FROM u)')).toContain('Join(type=SEMI, keys=[], where=(v > w))');
    expect(plan('SELECT k FROM t WHERE v < SOME (SELECT w FROM u)')).toContain('Join(type=SEMI, keys=[], where=(v < w))');
    expect(plan('SELECT k FROM t WHERE v > ALL (SELECT w FROM u)')).toContain('Join(type=ANTI, keys=[], where=(NOT (v > w) OR NOT (v > w) IS NULL))');
    expect(plan('SELECT k FROM t WHERE NOT (v > ALL (SELECT w FROM u))')).toContain('Join(type=SEMI, keys=[], where=NOT (v > w))');
    expect(plan('SELECT k FROM t WHERE NOT (v >= ANY (SELECT w FROM u))')).toContain('Join(type=ANTI, keys=[], where=((v >= w) OR (v >= w) IS NULL))');
    // `= ANY` is IN (an equi-join key), `<> ALL` is NOT IN
    expect(plan('SELECT k FROM t WHERE v = ANY (SELECT w FROM u)')).toContain('Join(type=SEMI, keys=[v = w]');
    expect(plan('SELECT k FROM t WHERE v <> ALL (SELECT w FROM u)')).toContain('Join(type=ANTI');
  });

  it('still parses a function named ANY and ALL as a set quantifier elsewhere', () => {
    expect(refusal('SELECT k FROM t WHERE v = ANY (1)').message).toMatch(/ANY/i);
    expect(plan('SELECT COUNT(ALL v) FROM t')).toContain('Aggregate');
  });

  it('refuses a quantified comparison outside a conjunct of WHERE, and a row before it', () => {
    const r = refusal('SELECT k, v > ALL (SELECT w FROM u) AS b FROM t');
    expect(r.message).toContain('> ALL with a subquery in SELECT is not supported');
    expect(r.at).toBe('v > ALL (SELECT w FROM u)');
    const o = refusal('SELECT k FROM t WHERE k = 1 OR v < ANY (SELECT w FROM u)');
    expect(o.message).toContain('< ANY with a subquery in this position of WHERE');
    const row = refusal('SELECT k FROM t WHERE (k, v) = ANY (SELECT k, w FROM u)');
    expect(row.message).toContain('a row value before = ANY');
    expect(row.at).toBe('(k, v)');
  });
});

describe('scalar subqueries of an aggregating query', () => {
  it('joins the aggregation with the subquery (uncorrelated: LEFT JOIN ON TRUE; correlated: on the group key)', () => {
    expect(plan('SELECT k, COUNT(*), (SELECT MAX(w) FROM u) FROM t GROUP BY k')).toMatch(/Join\(type=LEFT, keys=\[\][^]*Aggregate/);
    expect(plan('SELECT t.k, (SELECT SUM(w) FROM u WHERE u.k = t.k) FROM t GROUP BY t.k')).toContain('Join(type=LEFT, keys=[k = $k0]');
  });

  it('refuses an outer column that is not grouped', () => {
    const r = refusal('SELECT k, (SELECT SUM(w) FROM u WHERE u.k = t.v) FROM t GROUP BY k');
    expect(r.message).toContain("column 't.v' of the outer query is not grouped");
    expect(r.at).toBe('t.v');
  });

  it('plans subqueries inside aggregate calls and in GROUP BY below the aggregation (correlated with the input row), and those in the ON of an inner join above it', () => {
    const below = (q: string): void => {
      const p = plan(q);
      // the outer aggregation first, the subquery's left join beneath it
      expect(p.indexOf('Aggregate(groupBy=[k')).toBeGreaterThanOrEqual(0);
      expect(p.indexOf('Join(type=LEFT')).toBeGreaterThan(p.indexOf('Aggregate(groupBy=[k'));
    };
    below('SELECT k, SUM((SELECT MAX(w) FROM u)) FROM t GROUP BY k');
    below('SELECT k, SUM((SELECT MAX(w) FROM u WHERE u.k = t.v)) FROM t GROUP BY k');
    below('SELECT COUNT(*) FROM t GROUP BY k, (SELECT MAX(w) FROM u)');
    expect(plan('SELECT t.k FROM t JOIN u ON t.k = u.k AND t.v IN (SELECT w FROM u)')).toContain('Join(type=SEMI');
    const o = refusal('SELECT t.k FROM t LEFT JOIN u ON t.k = u.k AND u.w > (SELECT MIN(w) FROM u)');
    expect(o.message).toContain('a scalar subquery in ON is not supported');
  });
});

describe('LATERAL subqueries', () => {
  it('decorrelates into a join on the correlation conditions, any of them', () => {
    expect(plan('SELECT t.k, x.w FROM t, LATERAL (SELECT w FROM u WHERE u.k = t.k) x')).toContain('Join(type=INNER, keys=[k = k]');
    expect(plan('SELECT t.k, x.w FROM t, LATERAL (SELECT w FROM u WHERE u.w < t.v) x')).toContain('Join(type=INNER, keys=[], where=(w < v))');
    expect(plan('SELECT t.k, x.w FROM t LEFT JOIN LATERAL (SELECT w, 1 AS one FROM u WHERE u.k = t.k) x ON TRUE')).toContain('Join(type=LEFT, keys=[k = k]');
  });

  it('refuses what it cannot decorrelate, naming it', () => {
    const g = refusal('SELECT * FROM t, LATERAL (SELECT k, COUNT(*) AS n FROM u WHERE u.k = t.k GROUP BY k) x');
    expect(g.message).toContain('a correlated LATERAL subquery with GROUP BY, HAVING, DISTINCT, ORDER BY or LIMIT is not supported');
    expect(g.at).toBe('LATERAL (SELECT k, COUNT(*) AS n FROM u WHERE u.k = t.k GROUP BY k) x');
    expect(refusal('SELECT * FROM t, LATERAL (SELECT w FROM u WHERE u.k = t.k LIMIT 1) x').message).toContain('a correlated LATERAL subquery with');
    const l = refusal('SELECT * FROM t LEFT JOIN LATERAL (SELECT w FROM u WHERE u.k = t.k) x ON x.w > 1');
    expect(l.message).toContain('LEFT JOIN LATERAL (subquery) with a condition other than ON TRUE');
    expect(l.at).toBe('x.w > 1');
    expect(refusal('SELECT * FROM t RIGHT JOIN LATERAL (SELECT w FROM u WHERE u.k = t.k) x ON TRUE').message).toContain('RIGHT JOIN LATERAL (subquery)');
    expect(refusal('SELECT * FROM LATERAL (SELECT w FROM u) x').message).toContain('a LATERAL subquery first in FROM');
    const s = refusal('SELECT * FROM t, LATERAL (SELECT SUM(w) AS s FROM u WHERE u.k < t.k) x');
    expect(s.message).toContain('a condition on the outer query other than an equality in a scalar subquery');
  });
});
