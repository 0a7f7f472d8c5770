// Window joins: which joins the planner makes window joins (EXPLAIN), and the operator on its
// own: SEMI/ANTI, firing only when the watermark passes window_end - 1, late rows, many pairs
// with a residual condition at a small batch size, snapshot/restore at another parallelism.
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { WindowJoinOperator } from '../../src/exec/operators/window-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch, Scalar } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { BoundExpr } from '../../src/expr/bound.js';
import { constant, inputRef } from '../../src/expr/bound.js';
import type { JoinType } from '../../src/plan/logical.js';
import { Session } from '../../src/sql/session.js';

// left: k, name, window_start, window_end; right: k, v, window_start, window_end
const LEFT: DataType[] = [T.BIGINT, T.STRING, T.TIMESTAMP, T.TIMESTAMP];
const RIGHT: DataType[] = [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP];

function spec(joinType: JoinType, condition?: BoundExpr): JoinOperatorSpec {
  return {
    joinType,
    strategy: { kind: 'window', leftEnd: 3, rightEnd: 3 },
    leftKeys: [0, 2, 3],
    rightKeys: [0, 2, 3],
    nullSafe: [false, false, false],
    condition,
    leftUpdating: false,
    rightUpdating: false,
  };
}

/** right.v > n, over left columns then right ones */
function rightVAbove(n: number): BoundExpr {
  return { kind: 'call', fn: 'gt', args: [inputRef(5, T.BIGINT, 'v'), constant(n, T.BIGINT)], type: T.BOOLEAN };
}

function ctx(start = 0, end = 128, parallelism = 1): OperatorContext {
  return { operatorId: 'j', subtask: 0, parallelism, maxParallelism: 128, keyGroups: { start, end }, metrics: newMetrics() };
}

function make(joinType: JoinType, condition?: BoundExpr, batchSize = 1024, c = ctx()): WindowJoinOperator {
  const out = joinType === 'semi' || joinType === 'anti' ? LEFT : [...LEFT, ...RIGHT];
  const op = new WindowJoinOperator(spec(joinType, condition), LEFT, RIGHT, out, batchSize);
  op.open(c);
  return op;
}

function rows(batches: readonly Batch[]): Scalar[][] {
  return batches.flatMap(batchToRows);
}

function sorted(r: Scalar[][]): string[] {
  return r.map((x) => JSON.stringify(x)).sort();
}

const L_ROWS: Scalar[][] = [
  [1, 'a', 0, 10],
  [2, 'b', 0, 10],
  [1, 'c', 10, 20],
  [null, 'd', 0, 10],
];
const R_ROWS: Scalar[][] = [
  [1, 100, 0, 10],
  [1, 200, 0, 10],
  [3, 300, 0, 10],
  [2, 400, 10, 20],
  [null, 500, 0, 10],
];

function feed(op: WindowJoinOperator, out: Collector): void {
  op.processBatch(batchFromRows(LEFT, L_ROWS), out, 0);
  op.processBatch(batchFromRows(RIGHT, R_ROWS), out, 1);
}

describe('window join operator', () => {
  it('SEMI emits each left row with a match once, when its window closes', () => {
    const op = make('semi');
    const out = new Collector();
    feed(op, out);
    op.processWatermark(8, out);
    expect(out.drain()).toEqual([]);
    op.processWatermark(9, out);
    expect(rows(out.drain())).toEqual([[1, 'a', 0, 10]]);
    op.finish(out);
    expect(rows(out.drain())).toEqual([]);
    expect(op.stateRows).toBe(0);
  });

  it('ANTI emits the left rows without a match (a NULL key matches nothing), per window', () => {
    const op = make('anti');
    const out = new Collector();
    feed(op, out);
    op.processWatermark(9, out);
    expect(sorted(rows(out.drain()))).toEqual(sorted([[2, 'b', 0, 10], [null, 'd', 0, 10]]));
    op.finish(out);
    expect(rows(out.drain())).toEqual([[1, 'c', 10, 20]]);
  });

  it('SEMI and ANTI apply the residual condition', () => {
    const semi = make('semi', rightVAbove(150));
    const anti = make('anti', rightVAbove(250));
    const o1 = new Collector();
    const o2 = new Collector();
    feed(semi, o1);
    feed(anti, o2);
    semi.finish(o1);
    anti.finish(o2);
    expect(rows(o1.drain())).toEqual([[1, 'a', 0, 10]]);
    expect(sorted(rows(o2.drain()))).toEqual(sorted([[1, 'a', 0, 10], [2, 'b', 0, 10], [null, 'd', 0, 10], [1, 'c', 10, 20]]));
  });

  it('FULL OUTER pads both sides, and nothing is emitted twice', () => {
    const op = make('full', rightVAbove(150));
    const out = new Collector();
    feed(op, out);
    op.processWatermark(9, out);
    expect(sorted(rows(out.drain()))).toEqual(
      sorted([
        [1, 'a', 0, 10, 1, 200, 0, 10],
        [2, 'b', 0, 10, null, null, null, null],
        [null, 'd', 0, 10, null, null, null, null],
        [null, null, null, null, 1, 100, 0, 10],
        [null, null, null, null, 3, 300, 0, 10],
        [null, null, null, null, null, 500, 0, 10],
      ]),
    );
    op.processWatermark(9, out);
    expect(out.drain()).toEqual([]);
    op.finish(out);
    expect(sorted(rows(out.drain()))).toEqual(sorted([[1, 'c', 10, 20, null, null, null, null], [null, null, null, null, 2, 400, 10, 20]]));
  });

  it('drops and counts rows for windows already joined', () => {
    const c = ctx();
    const op = make('inner', undefined, 1024, c);
    const out = new Collector();
    op.processBatch(batchFromRows(LEFT, [[1, 'a', 0, 10]]), out, 0);
    op.processWatermark(12, out);
    expect(out.drain()).toEqual([]);
    op.processBatch(batchFromRows(RIGHT, [[1, 100, 0, 10], [1, 150, 10, 20]]), out, 1);
    op.processBatch(batchFromRows(LEFT, [[1, 'b', 10, 20], [1, 'z', 0, 10]]), out, 0);
    expect(c.metrics.lateDropped).toBe(2);
    op.finish(out);
    expect(rows(out.drain())).toEqual([[1, 'b', 10, 20, 1, 150, 10, 20]]);
  });

  it('joins more pairs than one chunk, with the condition, in batches of the batch size', () => {
    const op = make('inner', rightVAbove(49), 7);
    const out = new Collector();
    const l: Scalar[][] = [];
    const r: Scalar[][] = [];
    for (let i = 0; i < 100; i++) l.push([7, `l${i}`, 0, 10]);
    for (let i = 0; i < 100; i++) r.push([7, i, 0, 10]);
    op.processBatch(batchFromRows(LEFT, l), out, 0);
    op.processBatch(batchFromRows(RIGHT, r), out, 1);
    op.finish(out);
    const batches = out.drain();
    expect(batches.every((b) => b.length <= 7)).toBe(true);
    const got = rows(batches);
    expect(got.length).toBe(100 * 50);
    expect(got.every((x) => (x[5] as number) > 49 && x[0] === 7 && x[4] === 7)).toBe(true);
    expect(new Set(got.map((x) => `${x[1]}/${x[5]}`)).size).toBe(5000);
  });

  it('restores at parallelism 2 from a snapshot at parallelism 1, watermark included', () => {
    const full = make('full');
    const out = new Collector();
    const many: Scalar[][] = [];
    const manyR: Scalar[][] = [];
    for (let k = 0; k < 40; k++) {
      many.push([k, `n${k}`, 0, 10], [k, `m${k}`, 10, 20]);
      if (k % 3 !== 0) manyR.push([k, k * 10, 0, 10], [k, k * 10 + 1, 10, 20]);
    }
    manyR.push([99, 990, 0, 10]);
    full.processBatch(batchFromRows(LEFT, many), out, 0);
    full.processBatch(batchFromRows(RIGHT, manyR), out, 1);
    full.processWatermark(5, out);
    const snap = full.snapshot();
    // the uninterrupted run
    full.processBatch(batchFromRows(LEFT, [[1, 'late', 0, 5]]), out, 0);
    full.finish(out);
    const expected = sorted(rows(out.drain()));
    // 80 left rows (matched or padded) and the right row of key 99, padded
    expect(expected.length).toBe(81);
    // two subtasks, each restoring its half of the key groups
    const got: Scalar[][] = [];
    let late = 0;
    for (const [start, end] of [
      [0, 64],
      [64, 128],
    ] as const) {
      const c = ctx(start, end, 2);
      const op = make('full', undefined, 1024, c);
      op.restore(snap.keyed, [snap.operator]);
      const o = new Collector();
      // a row at or below the restored watermark is late on every subtask
      op.processBatch(batchFromRows(LEFT, [[1, 'late', 0, 5]]), o, 0);
      late += c.metrics.lateDropped;
      op.finish(o);
      got.push(...rows(o.drain()));
    }
    expect(late).toBe(2);
    expect(sorted(got)).toEqual(expected);
  });
});

describe('window join keyed by the window alone (rows kept in their input batches)', () => {
  // as Nexmark q5: each left row against the window's right rows, condition left.k >= right.v
  const onlyWindow: JoinOperatorSpec = {
    joinType: 'inner',
    strategy: { kind: 'window', leftEnd: 3, rightEnd: 3, leftStart: 2, rightStart: 2 },
    leftKeys: [2, 3],
    rightKeys: [2, 3],
    nullSafe: [false, false],
    condition: { kind: 'call', fn: 'ge', args: [inputRef(0, T.BIGINT, 'k'), inputRef(5, T.BIGINT, 'v')], type: T.BOOLEAN },
    leftUpdating: false,
    rightUpdating: false,
  };
  const makeOnly = (c = ctx()): WindowJoinOperator => {
    const op = new WindowJoinOperator(onlyWindow, LEFT, RIGHT, [...LEFT, ...RIGHT], 2);
    op.open(c);
    return op;
  };
  const before = (op: WindowJoinOperator, out: Collector): void => {
    op.processBatch(batchFromRows(LEFT, [[1, 'a', 0, 10], [2, 'b', 0, 10], [3, 'c', 0, 10], [1, 'd', 10, 20]]), out, 0);
    op.processBatch(batchFromRows(RIGHT, [[0, 3, 0, 10]]), out, 1);
    op.processWatermark(5, out);
  };
  const after = (op: WindowJoinOperator, out: Collector): void => {
    op.processBatch(batchFromRows(LEFT, [[4, 'e', 0, 10], [5, 'f', 0, 10], [6, 'g', 0, 10], [0, 'late', 0, 5]]), out, 0);
    op.processBatch(batchFromRows(RIGHT, [[0, 5, 0, 10], [0, 0, 10, 20]]), out, 1);
    op.finish(out);
  };
  // worked out: window [0, 10) pairs k >= 3 with v = 3 (k 3..6) and k >= 5 with v = 5 (k 5, 6);
  // window [10, 20) pairs k = 1 with v = 0
  const expected = sorted([
    [3, 'c', 0, 10, 0, 3, 0, 10],
    [4, 'e', 0, 10, 0, 3, 0, 10],
    [5, 'f', 0, 10, 0, 3, 0, 10],
    [6, 'g', 0, 10, 0, 3, 0, 10],
    [5, 'f', 0, 10, 0, 5, 0, 10],
    [6, 'g', 0, 10, 0, 5, 0, 10],
    [1, 'd', 10, 20, 0, 0, 10, 20],
  ]);

  it('joins every row of a window with the other side, condition applied', () => {
    const op = makeOnly();
    const out = new Collector();
    before(op, out);
    expect(out.drain().length).toBe(0);
    after(op, out);
    expect(sorted(rows(out.drain()))).toEqual(expected);
  });

  it('a snapshot holds the kept rows: restored at parallelism 1 and 2, the result is unchanged', () => {
    const op = makeOnly();
    const out = new Collector();
    before(op, out);
    expect(op.stateRows).toBe(5);
    const snap = op.snapshot();
    // at parallelism 1
    const one = makeOnly();
    one.restore(snap.keyed, [snap.operator]);
    expect(one.stateRows).toBe(5);
    const o1 = new Collector();
    after(one, o1);
    expect(sorted(rows(o1.drain()))).toEqual(expected);
    // at parallelism 2: each subtask restores its key groups; together they hold every row
    let held = 0;
    for (const [start, end] of [
      [0, 64],
      [64, 128],
    ] as const) {
      const sub = makeOnly(ctx(start, end, 2));
      sub.restore(snap.keyed, [snap.operator]);
      held += sub.stateRows;
    }
    expect(held).toBe(5);
  });
});

describe('window join planning', () => {
  const ddl = `
CREATE TABLE l (k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '/x/l.csv', 'format' = 'csv');
CREATE TABLE r (k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '/x/r.csv', 'format' = 'csv');
`;
  function explain(sql: string, parallelism = 1): string {
    const res = new Session().executeScript({ name: 't.sql', text: `${ddl}SET 'parallelism.default' = '${parallelism}';\nEXPLAIN ${sql};` }).map((r) => r.result);
    const ex = res[res.length - 1];
    if (ex?.kind !== 'explain') throw new Error(`no explain: ${JSON.stringify(ex)}`);
    return ex.text;
  }
  const tum = (t: string, size = 10): string => `TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '${size}' SECOND))`;

  it('two window TVFs joined on window_start and window_end (and a key) are a window join', () => {
    const t = explain(`SELECT * FROM ${tum('l')} L LEFT JOIN ${tum('r')} R ON L.k = R.k AND L.window_start = R.window_start AND L.window_end = R.window_end`);
    expect(t).toContain('WindowJoin(type=LEFT');
    expect(t).not.toMatch(/\bJoin\(type/);
  });

  it('HOP and CUMULATE TVFs, and comma joins with the bounds in WHERE', () => {
    const hop = (x: string): string => `TABLE(HOP(TABLE ${x}, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))`;
    const cum = (x: string): string => `TABLE(CUMULATE(TABLE ${x}, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))`;
    expect(explain(`SELECT L.v, R.v FROM ${hop('l')} L, ${hop('r')} R WHERE L.window_start = R.window_start AND L.window_end = R.window_end`)).toContain('WindowJoin(type=INNER');
    expect(explain(`SELECT L.v, R.v FROM ${cum('l')} L FULL JOIN ${cum('r')} R ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.v < R.v`)).toContain('WindowJoin(type=FULL OUTER');
  });

  it('window aggregations joined on their window bounds are a window join; the window_time stays a time attribute', () => {
    const t = explain(
      `SELECT * FROM (SELECT k, COUNT(*) AS n, window_start, window_end, window_time FROM ${tum('l')} GROUP BY k, window_start, window_end, window_time) A
       JOIN (SELECT k, window_start AS s, window_end AS e FROM ${tum('r')} GROUP BY k, window_start, window_end) B
       ON A.k = B.k AND A.window_start = B.s AND A.window_end = B.e`,
    );
    expect(t).toContain('WindowJoin(type=INNER');
    expect(t).toMatch(/window_time TIMESTAMP\(3\) \*ROWTIME\*/);
  });

  it('stays a regular join without the window_end equality, with different windows, or after a computed window column', () => {
    expect(explain(`SELECT * FROM ${tum('l')} L JOIN ${tum('r')} R ON L.k = R.k AND L.window_start = R.window_start`)).toMatch(/\bJoin\(type=INNER/);
    expect(explain(`SELECT * FROM ${tum('l')} L JOIN ${tum('r', 20)} R ON L.window_start = R.window_start AND L.window_end = R.window_end`)).toMatch(/\bJoin\(type=INNER/);
    expect(
      explain(`SELECT * FROM (SELECT k, window_start, window_end + INTERVAL '0' SECOND AS window_end FROM ${tum('l')}) L JOIN ${tum('r')} R ON L.window_start = R.window_start AND L.window_end = R.window_end`),
    ).toMatch(/\bJoin\(type=INNER/);
  });

  it('GROUP BY the window bounds of a window aggregation is a window aggregation over those windows (q5), and joins as a window join', () => {
    const t = explain(
      `SELECT C.k, C.n FROM (SELECT k, COUNT(*) AS n, window_start AS s, window_end AS e FROM ${tum('l')} GROUP BY k, window_start, window_end) C
       JOIN (SELECT MAX(n) AS maxn, s, e FROM (SELECT k, COUNT(*) AS n, window_start AS s, window_end AS e FROM ${tum('l')} GROUP BY k, window_start, window_end) GROUP BY s, e) M
       ON C.s = M.s AND C.e = M.e AND C.n >= M.maxn`,
      2,
    );
    // without grouping keys in two phases: a partial per window and subtask, merged by one subtask
    expect(t).toContain('LocalWindowAggregate(TUMBLE(size=10s), window=[s, e], groupBy=[], aggs=[MAX(n), COUNT(*)], preAggregate=ALWAYS)');
    expect(t).toMatch(/GlobalWindowAggregate\(TUMBLE\(size=10s\), groupBy=\[\], aggs=\[MAX\(\$partial0\)\]\)  parallelism=1  <- \d+ via SINGLE/);
    expect(t).toContain('WindowJoin(type=INNER');
    expect(t).not.toContain('GroupAggregate');
    expect(t).not.toContain('changelog');
  });

  it('GROUP BY only one window bound of a window aggregation stays an updating aggregate', () => {
    const t = explain(`SELECT s, MAX(n) FROM (SELECT k, COUNT(*) AS n, window_start AS s, window_end AS e FROM ${tum('l')} GROUP BY k, window_start, window_end) GROUP BY s`);
    expect(t).toContain('GroupAggregate');
    expect(t).not.toContain('window=[');
  });

  it('a window TVF on one side only is a regular join', () => {
    expect(explain(`SELECT * FROM ${tum('l')} L JOIN r ON L.k = r.k AND L.window_end = r.ts AND L.window_start = r.ts`)).toMatch(/\bJoin\(type=INNER/);
  });
});
