// State TTL in the operators (processing time mocked through Date.now), the STATE_TTL hint in
// the planner, and the plan-time notice about unbounded join state.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars, ROW_KIND_TEXT } from '../../src/common/batch.js';
import type { DataType } from '../../src/common/types.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { RegularJoinOperator } from '../../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { unboundedStateNotices } from '../../src/exec/state-notices.js';
import { stateTtlOf } from '../../src/exec/job-runner.js';
import { Session } from '../../src/sql/session.js';
import { WeirError } from '../../src/common/errors.js';
import type { LogicalPlan } from '../../src/plan/logical.js';

const INT: DataType = T.INT;

function ctx(): OperatorContext {
  return { operatorId: '0-test', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
}

function batch(types: readonly DataType[], rows: readonly (readonly (number | string | null)[])[], ops?: readonly number[]): Batch {
  return { length: rows.length, columns: types.map((t, c) => columnFromScalars(t, rows.map((r) => r[c] ?? null))), ops: ops === undefined ? null : [...ops] } as Batch;
}

/** The output rows as `+I[1, a]` strings. */
function drain(out: Collector): string[] {
  const lines: string[] = [];
  for (const b of out.drain()) {
    for (let i = 0; i < b.length; i++) {
      const kind = ROW_KIND_TEXT[(b.ops?.[i] ?? 0) as 0 | 1 | 2 | 3];
      const vals = b.columns.map((c) => (c.nulls !== null && c.nulls[i] === 1 ? 'null' : String(c.values[i])));
      lines.push(`${kind}[${vals.join(', ')}]`);
    }
  }
  return lines;
}

let now = 1_000_000;
afterEach(() => vi.restoreAllMocks());
function clock(): void {
  now = 1_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => now);
}

const innerSpec: JoinOperatorSpec = { joinType: 'inner', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false };

describe('state TTL in the regular join', () => {
  const run = (leftTtl: number, rightTtl: number, leftFirst: boolean): { rows: string[]; c: OperatorContext; op: RegularJoinOperator } => {
    clock();
    const op = new RegularJoinOperator(innerSpec, [INT, T.STRING], [INT, T.STRING], [INT, T.STRING, INT, T.STRING], 1024, leftTtl, rightTtl);
    const c = ctx();
    op.open(c);
    const out = new Collector();
    const l = batch([INT, T.STRING], [[1, 'l1'], [2, 'l2']]);
    const r = batch([INT, T.STRING], [[1, 'r1'], [2, 'r2']]);
    op.processBatch(leftFirst ? l : r, out, leftFirst ? 0 : 1);
    now += 5_000; // both sides' first rows are now 5 s old
    // a row with another key touches nothing but lets expiry run
    op.processBatch(leftFirst ? r : l, out, leftFirst ? 1 : 0);
    return { rows: drain(out).sort(), c, op };
  };

  it('without TTL, rows stored 5 s earlier still match', () => {
    const { rows, c } = run(0, 0, true);
    expect(rows).toEqual(['+I[1, l1, 1, r1]', '+I[2, l2, 2, r2]']);
    expect(c.metrics.stateExpired).toBe(0);
  });

  it('rows idle longer than the TTL are dropped before they can match, and counted', () => {
    const { rows, c, op } = run(1_000, 1_000, true);
    expect(rows).toEqual([]);
    expect(c.metrics.stateExpired).toBe(2);
    expect(op.expired).toBe(2);
    // the right rows just stored are there (2 rows), the left ones gone
    expect(op.stateRows).toBe(2);
  });

  it('rows younger than the TTL still match', () => {
    const { rows, c } = run(10_000, 10_000, true);
    expect(rows).toHaveLength(2);
    expect(c.metrics.stateExpired).toBe(0);
  });

  it('each side has its own TTL (a STATE_TTL hint on one input)', () => {
    // left rows expire after 1 s, right rows are kept forever
    expect(run(1_000, 0, true).rows).toEqual([]); // the stored left rows expired
    expect(run(1_000, 0, false).rows).toHaveLength(2); // the stored right rows did not
    expect(run(0, 1_000, false).rows).toEqual([]);
    expect(run(0, 1_000, true).rows).toHaveLength(2);
  });

  it('a match refreshes a row: it stays while the other side keeps matching it', () => {
    clock();
    const op = new RegularJoinOperator(innerSpec, [INT, T.STRING], [INT, T.STRING], [INT, T.STRING, INT, T.STRING], 1024, 2_000, 2_000);
    const c = ctx();
    op.open(c);
    const out = new Collector();
    op.processBatch(batch([INT, T.STRING], [[1, 'l1']]), out, 0);
    for (let i = 0; i < 4; i++) {
      now += 1_500;
      op.processBatch(batch([INT, T.STRING], [[1, `r${i}`]]), out, 1);
    }
    // l1 was touched by every match: 4 joined rows; the right rows expire after 2 s idle
    expect(drain(out)).toHaveLength(4);
    expect(c.metrics.stateExpired).toBe(2);
  });
});

describe('state TTL across a checkpoint', () => {
  it('a join row keeps its last-touched time through snapshot and restore (at another parallelism)', () => {
    clock();
    const make = (): RegularJoinOperator => new RegularJoinOperator(innerSpec, [INT, T.STRING], [INT, T.STRING], [INT, T.STRING, INT, T.STRING], 1024, 2_000, 2_000);
    const before = make();
    before.open(ctx());
    before.processBatch(batch([INT, T.STRING], [[1, 'l1'], [2, 'l2']]), new Collector(), 0);
    const snap = before.snapshot();
    now += 1_000;
    // restored into a subtask that owns every key group; 1 s later the rows are 2.5 s old
    const after = make();
    const c = ctx();
    after.open(c);
    after.restore(snap.keyed);
    expect(after.stateRows).toBe(2);
    now += 1_500;
    const out = new Collector();
    after.processBatch(batch([INT, T.STRING], [[1, 'r1']]), out, 1);
    expect(drain(out)).toEqual([]);
    expect(c.metrics.stateExpired).toBe(2);
    // the same snapshot restored while the rows are 1.5 s old: they still match
    now -= 1_000;
    const young = make();
    young.open(ctx());
    young.restore(snap.keyed);
    const out2 = new Collector();
    young.processBatch(batch([INT, T.STRING], [[1, 'r1']]), out2, 1);
    expect(drain(out2)).toEqual(['+I[1, l1, 1, r1]']);
  });
});

describe('state TTL in the updating aggregate', () => {
  const run = (ttl: number): { rows: string[]; c: OperatorContext } => {
    clock();
    // SELECT k, COUNT(*) GROUP BY k
    const op = new GroupAggregateOperator([INT], [0], [{ fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'COUNT(*)' }], false, [INT, T.BIGINT], 1024, ttl);
    const c = ctx();
    op.open(c);
    const out = new Collector();
    op.processBatch(batch([INT], [[1], [2]]), out);
    now += 1_000;
    op.processBatch(batch([INT], [[2]]), out);
    now += 1_500;
    op.processBatch(batch([INT], [[1], [2]]), out);
    return { rows: drain(out), c };
  };

  it('without TTL the counts go on', () => {
    const { rows, c } = run(0);
    expect(rows).toEqual(['+I[1, 1]', '+I[2, 1]', '-U[2, 1]', '+U[2, 2]', '-U[1, 1]', '+U[1, 2]', '-U[2, 2]', '+U[2, 3]']);
    expect(c.metrics.stateExpired).toBe(0);
  });

  it('a group idle longer than the TTL is forgotten silently and starts again with +I', () => {
    // TTL 2 s: group 1 is 2.5 s idle at the third batch (expired), group 2 only 1.5 s (kept)
    const { rows, c } = run(2_000);
    expect(rows).toEqual(['+I[1, 1]', '+I[2, 1]', '-U[2, 1]', '+U[2, 2]', '+I[1, 1]', '-U[2, 2]', '+U[2, 3]']);
    expect(c.metrics.stateExpired).toBe(1);
  });
});

function plan(sql: string, sets: Record<string, string> = {}): { session: Session; queries: LogicalPlan[] } {
  const session = new Session();
  for (const [k, v] of Object.entries(sets)) session.options.set(k, v);
  const queries: LogicalPlan[] = [];
  for (const { result } of session.executeScript({ name: 'q.sql', text: sql })) if (result.kind === 'query') queries.push(result.plan);
  return { session, queries };
}

function explain(sql: string): string {
  const session = new Session();
  const out: string[] = [];
  for (const { result } of session.executeScript({ name: 'q.sql', text: sql })) if (result.kind === 'explain') out.push(result.text);
  return out.join('\n');
}

const DDL = `
CREATE TABLE orders (auction BIGINT, bidder BIGINT) WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '0');
CREATE TABLE customers (id BIGINT, name STRING) WITH ('connector' = 'datagen');
CREATE TABLE items (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
`;

describe('the STATE_TTL hint', () => {
  it('sets the TTL of each join side by alias or table name, and of an updating aggregate', () => {
    const text = explain(`${DDL}
      EXPLAIN SELECT /*+ STATE_TTL('o' = '1d', 'customers' = '12 h', 'i' = '90 s') */ o.auction FROM orders o JOIN customers ON o.bidder = customers.id JOIN items i ON i.id = o.auction;
      EXPLAIN SELECT /*+ STATE_TTL('orders' = '30 min') */ bidder, COUNT(*) FROM orders GROUP BY bidder;
      EXPLAIN SELECT /*+ STATE_TTL('o' = '1h') */ * FROM orders o WHERE o.bidder IN (SELECT id FROM customers);`);
    expect(text).toContain('Join(type=INNER, keys=[bidder = id], stateTtl=[left=1d, right=12h])');
    // the second join's left input (orders joined with customers) has no name: session TTL
    expect(text).toContain('stateTtl=[right=90s])');
    // (in two phases: the TTL is the global phase's; the local one holds no state)
    expect(text).toContain('GlobalGroupAggregate(groupBy=[bidder], aggs=[SUM0($partial0)], stateTtl=30min)');
    expect(text).toContain('Join(type=SEMI, keys=[bidder = id], stateTtl=[left=1h])');
  });

  it('a key that names no input is an error at the key, with the inputs as the hint', () => {
    let err: unknown;
    try {
      plan(`${DDL} SELECT /*+ STATE_TTL('orders' = '1d') */ o.auction FROM orders o JOIN customers c ON o.bidder = c.id;`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeirError);
    expect((err as WeirError).message).toContain("STATE_TTL names 'orders', which is no input");
    expect((err as WeirError).hint).toContain('o, c');
  });

  it('a value that is not a duration is an error', () => {
    expect(() => plan(`${DDL} SELECT /*+ STATE_TTL('o' = 'a while') */ o.auction FROM orders o JOIN customers c ON o.bidder = c.id;`)).toThrow(/must be a duration/);
  });

  it("SET 'table.exec.state.ttl' takes Flink durations and refuses others", () => {
    const { session } = plan(`SET 'table.exec.state.ttl' = '1 h';`);
    expect(stateTtlOf(session.options)).toBe(3_600_000);
    expect(() => plan(`SET 'table.exec.state.ttl' = 'one hour';`)).toThrow(/must be a duration/);
  });
});

describe('the notice about unbounded join state', () => {
  const notices = (hint: string, sets: Record<string, string> = {}): string[] => {
    const { session, queries } = plan(`${DDL} SELECT ${hint} o.auction, c.name FROM orders o JOIN customers c ON o.bidder = c.id;`, sets);
    return unboundedStateNotices(session.physicalPlan([], queries), stateTtlOf(session.options));
  };

  it('names the join, the inputs whose state grows, and the option that bounds it', () => {
    const n = notices('');
    expect(n).toHaveLength(1);
    expect(n[0]).toContain('regular join');
    expect(n[0]).toContain('the left input (orders) and of the right input (customers)');
    expect(n[0]).toContain("'table.exec.state.ttl'");
    expect(n[0]).toContain('STATE_TTL');
  });

  it('is not given when TTL bounds the state, and names only the side a hint leaves unbounded', () => {
    expect(notices('', { 'table.exec.state.ttl': '1 h' })).toEqual([]);
    expect(notices("/*+ STATE_TTL('o' = '1h', 'c' = '1h') */")).toEqual([]);
    const one = notices("/*+ STATE_TTL('o' = '1h') */");
    expect(one).toHaveLength(1);
    expect(one[0]).toContain('the right input (customers)');
    expect(one[0]).not.toContain('left input');
  });

  it('is not given for bounded inputs', () => {
    const { session, queries } = plan(`${DDL} SELECT i.id FROM items i JOIN items j ON i.id = j.id;`);
    expect(unboundedStateNotices(session.physicalPlan([], queries), 0)).toEqual([]);
  });
});
