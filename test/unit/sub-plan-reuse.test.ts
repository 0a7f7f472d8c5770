// Sub-plan reuse in the planner (src/plan/reuse.ts): which sub-trees are shared. The end-to-end
// behaviour (rows read, EXPLAIN through the CLI, crash and restore) is in test/cli and
// test/recovery.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/sql/session.js';

function physical(sql: string, sets: Record<string, string> = {}): string {
  const s = new Session();
  for (const [k, v] of Object.entries(sets)) s.options.set(k, v);
  const results = s.executeScript({ name: 't.sql', text: sql }).map((r) => r.result);
  const last = results[results.length - 1]!;
  if (last.kind !== 'explain') throw new Error(`expected EXPLAIN, got ${last.kind}`);
  return last.text.slice(last.text.indexOf('== Physical Plan =='));
}

const T = `CREATE TABLE t (k BIGINT, x DOUBLE) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n`;

describe('sub-plan reuse', () => {
  it('a view read twice (a self-join) is planned once', () => {
    const p = physical(`${T}CREATE VIEW v AS SELECT k, x * 2 AS y FROM t WHERE x > 0;
EXPLAIN SELECT a.k, b.y FROM v a JOIN v b ON a.k = b.k;`);
    expect(p.match(/Source\(/g)).toHaveLength(1);
    expect(p.match(/Calc\(where=\(x > 0\)/g)).toHaveLength(1);
    expect(p).toMatch(/Calc\(where=\(x > 0\)[^\n]*reused by \[\d+, \d+\]/);
  });

  it('constants JSON cannot tell apart (NaN and NULL, -0 and 0) keep sub-plans apart', () => {
    const p = physical(`${T}EXPLAIN SELECT a.y, b.y, c.z, d.z FROM
  (SELECT k, x + CAST('NaN' AS DOUBLE) AS y FROM t) a JOIN (SELECT k, x + CAST(NULL AS DOUBLE) AS y FROM t) b ON a.k = b.k
  JOIN (SELECT k, x * -0.0E0 AS z FROM t) c ON a.k = c.k JOIN (SELECT k, x * 0.0E0 AS z FROM t) d ON a.k = d.k;`);
    expect(p.match(/Source\(/g)).toHaveLength(1);
    expect(p.match(/Calc\(/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("with 'table.optimizer.reuse-source-enabled' = 'false' sources are not shared, the sub-plans above them are", () => {
    const sql = `${T}CREATE VIEW v AS SELECT k, x * 2 AS y FROM t WHERE x > 0;
EXPLAIN SELECT a.k, b.y, c.x FROM v a JOIN v b ON a.k = b.k JOIN t c ON a.k = c.k;`;
    const off = physical(sql, { 'table.optimizer.reuse-source-enabled': 'false' });
    // the view's scan + calc once (shared as a whole), the plain scan of t separately
    expect(off.match(/Source\(/g)).toHaveLength(2);
    expect(off.match(/Calc\(where=\(x > 0\)/g)).toHaveLength(1);
    const on = physical(sql);
    expect(on.match(/Source\(/g)).toHaveLength(1);
  });
});
