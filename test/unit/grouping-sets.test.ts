// GROUPING SETS / ROLLUP / CUBE expand into the grouping sets Flink (Calcite) gives them, and
// the plans EXPLAIN shows: one aggregation per set over one shared scan (a window aggregation
// per set over a window TVF), and INTERSECT / EXCEPT ALL as counts per side and an unnest of
// the count. The results are checked against DuckDB in test/sql/cases/grouping-sets.sqltest.
import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/sql/parse.js';
import { Session } from '../../src/sql/session.js';
import { expandGroupingSets } from '../../src/sql/bind-grouping-sets.js';
import type * as ast from '../../src/sql/ast.js';

/** The grouping sets of `SELECT 1 FROM t GROUP BY <groupBy>`, each as its expressions' text. */
function sets(groupBy: string): string[] | undefined {
  const text = `SELECT 1 FROM t GROUP BY ${groupBy}`;
  const st = parseStatement({ name: 'q.sql', text }) as unknown as { query: ast.Select };
  return expandGroupingSets(st.query.groupBy)?.map((s) => `(${s.map((e) => text.slice(e.span.start, e.span.end)).join(', ')})`);
}

describe('grouping sets', () => {
  it('expands ROLLUP, CUBE, GROUPING SETS and their cross product in Calcite\'s order', () => {
    expect(sets('a, b')).toBeUndefined();
    expect(sets('ROLLUP (a, b, c)')).toEqual(['(a, b, c)', '(a, b)', '(a)', '()']);
    expect(sets('CUBE (a, b)')).toEqual(['(a, b)', '(a)', '(b)', '()']);
    expect(sets('GROUPING SETS ((a, b), a, ())')).toEqual(['(a, b)', '(a)', '()']);
    expect(sets('a, ROLLUP (b, c)')).toEqual(['(a, b, c)', '(a, b)', '(a)']);
    expect(sets('ROLLUP ((a, b), c)')).toEqual(['(a, b, c)', '(a, b)', '()']);
    expect(sets('GROUPING SETS (a, ROLLUP (b), GROUPING SETS (c, (d, e)))')).toEqual(['(a)', '(b)', '()', '(c)', '(d, e)']);
    expect(sets('ROLLUP (a), CUBE (b)')).toEqual(['(a, b)', '(a)', '(b)', '()']);
    expect(sets('()')).toEqual(['()']);
  });

  const DDL = `CREATE TABLE t (a BIGINT, b STRING, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '/tmp/t.csv', 'format' = 'csv');`;
  const explain = (query: string): string => {
    const res = new Session().executeScript({ name: 't.sql', text: `${DDL}\nEXPLAIN ${query};` }).map((r) => r.result);
    const ex = res[res.length - 1];
    if (ex?.kind !== 'explain') throw new Error(`no explain result: ${JSON.stringify(ex)}`);
    return ex.text.slice(ex.text.indexOf('== Physical Plan =='));
  };

  it('plans one aggregation per grouping set over one scan, unioned', () => {
    const text = explain('SELECT a, b, COUNT(*), GROUPING_ID(a, b) FROM t GROUP BY ROLLUP (a, b)');
    expect(text).toContain('reused by [1, 4, 8]');
    expect(text).toContain('GlobalGroupAggregate(groupBy=[a, b]');
    expect(text).toContain('GlobalGroupAggregate(groupBy=[a]');
    expect(text).toContain('GlobalGroupAggregate(groupBy=[]');
    expect(text).toContain('Calc(select=[a, NULL AS b, EXPR$0 AS EXPR$2, 1 AS EXPR$3])');
    expect(text).toContain('Calc(select=[NULL AS a, NULL AS b, EXPR$0 AS EXPR$2, 3 AS EXPR$3])');
    expect(text).toMatch(/\[12\] Union .*<- 3 via FORWARD, 7 via FORWARD, 11 via FORWARD/);
  });

  it('plans a window aggregation per grouping set over a window TVF, append-only', () => {
    const text = explain("SELECT window_start, b, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, GROUPING SETS ((b), ())");
    expect(text.match(/GlobalWindowAggregate\(TUMBLE\(size=5s\)/g)?.length).toBe(2);
    expect(text).not.toContain('(changelog)');
  });

  it('plans EXCEPT ALL as counts per side and the rows repeated by their difference', () => {
    const text = explain('SELECT a, b FROM t EXCEPT ALL SELECT a, b FROM t WHERE v > 3');
    expect(text).toContain('Calc(where=(v > 3), select=[a, b, FALSE AS $left, TRUE AS $right])');
    expect(text).toContain('GroupAggregate(groupBy=[a, b], aggs=[COUNT(*) FILTER (WHERE $left), COUNT(*) FILTER (WHERE $right)]');
    expect(text).toContain('Calc(where=(CAST(($left_count - $right_count) AS INT) > 0)');
    expect(text).toContain('Unnest($times)');
    expect(text).toContain('(changelog)');
  });
});
