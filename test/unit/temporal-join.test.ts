// The temporal join operator on its own: emission only once the watermark passes a row,
// versions freed as the watermark advances, late rows, and snapshot/restore split by key
// group across two subtasks.
import { describe, expect, it } from 'vitest';
import type { Scalar } from '../../src/common/batch.js';
import { RowKind, batchFromRows, batchToRows } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorSnapshot } from '../../src/exec/operator.js';
import { TemporalJoinOperator } from '../../src/exec/operators/temporal-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { keyGroupRange } from '../../src/state/key-groups.js';

// left: (key, time, amount); right: (key, time, rate)
const LEFT = [T.STRING, T.TIMESTAMP, T.BIGINT];
const RIGHT = [T.STRING, T.TIMESTAMP, T.DOUBLE];
const OUT = [...LEFT, ...RIGHT];

function operator(joinType: 'inner' | 'left', subtask = 0, parallelism = 1): TemporalJoinOperator {
  const spec: JoinOperatorSpec = {
    joinType,
    strategy: { kind: 'temporal', leftTime: 1, rightTime: 1 },
    leftKeys: [0],
    rightKeys: [0],
    nullSafe: [false],
    condition: undefined,
    leftUpdating: false,
    rightUpdating: true,
  };
  const op = new TemporalJoinOperator(spec, LEFT, RIGHT, OUT, 1024);
  op.open({ operatorId: 'j', subtask, parallelism, maxParallelism: 128, keyGroups: keyGroupRange(subtask, parallelism, 128), metrics: newMetrics() });
  return op;
}

function rows(out: Collector): Scalar[][] {
  return out.drain().flatMap((b) => batchToRows(b));
}

const left = (rs: Scalar[][]) => batchFromRows(LEFT, rs);
const right = (rs: Scalar[][], ops?: RowKind[]) => batchFromRows(RIGHT, rs, ops);

describe('temporal join operator', () => {
  it('emits a left row only when the watermark passes it, with the version valid at its time', () => {
    const op = operator('left');
    const out = new Collector();
    op.processBatch(right([['a', 10, 1.5], ['a', 20, 2.5]]), out, 1);
    op.processBatch(left([['a', 15, 1], ['a', 20, 2], ['a', 5, 3], ['b', 12, 4]]), out, 0);
    expect(rows(out)).toEqual([]);
    op.processWatermark(14, out);
    expect(rows(out)).toEqual([['a', 5, 3, null, null, null], ['b', 12, 4, null, null, null]]);
    // a version arriving before the watermark passes 15 and 20 still counts
    op.processBatch(right([['a', 18, 9.5]]), out, 1);
    op.processWatermark(100, out);
    expect(rows(out)).toEqual([['a', 15, 1, 'a', 10, 1.5], ['a', 20, 2, 'a', 20, 2.5]]);
  });

  it('a -D ends the row from its own time; -U is not a version; a later row at the same time replaces', () => {
    const op = operator('left');
    const out = new Collector();
    op.processBatch(
      right(
        [['a', 10, 1], ['a', 10, 1], ['a', 20, 2], ['a', 20, 3], ['a', 30, 3]],
        [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.UpdateAfter, RowKind.Delete],
      ),
      out,
      1,
    );
    op.processBatch(left([['a', 12, 1], ['a', 25, 2], ['a', 35, 3]]), out, 0);
    op.processWatermark(50, out);
    expect(rows(out)).toEqual([['a', 12, 1, 'a', 10, 1], ['a', 25, 2, 'a', 20, 3], ['a', 35, 3, null, null, null]]);
  });

  it('frees versions older than the one valid at the watermark, and a delete that is the oldest', () => {
    const op = operator('inner');
    const out = new Collector();
    const versions: Scalar[][] = [];
    for (let t = 0; t < 1000; t++) versions.push(['a', t * 10, t]);
    op.processBatch(right(versions), out, 1);
    expect(op.stateRows).toBe(1000);
    op.processWatermark(4995, out);
    // the version of 4990 (valid at 4995) and the 500 after it
    expect(op.stateRows).toBe(501);
    op.processBatch(right([['a', 20000, 0]], [RowKind.Delete]), out, 1);
    op.processWatermark(15000, out);
    expect(op.stateRows).toBe(2);
    op.processWatermark(20000, out);
    expect(op.stateRows).toBe(0);
    // an order after the delete finds nothing
    op.processBatch(left([['a', 30000, 1]]), out, 0);
    op.processWatermark(40000, out);
    expect(rows(out)).toEqual([]);
  });

  it('a left row already behind the watermark is joined at once with the versions kept', () => {
    const op = operator('inner');
    const out = new Collector();
    op.processBatch(right([['a', 10, 1], ['a', 20, 2]]), out, 1);
    op.processWatermark(30, out);
    op.processBatch(left([['a', 25, 7], ['a', 15, 8]]), out, 0);
    // 15 would have joined the version of 10, which the watermark 30 has already freed
    expect(rows(out)).toEqual([['a', 25, 7, 'a', 20, 2]]);
  });

  it('snapshot restored into two subtasks by key group gives the same output as no restore', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const feed = (ops: TemporalJoinOperator[], phase: 0 | 1, out: Collector): void => {
      for (const op of ops) {
        const rs: Scalar[][] = [];
        const ls: Scalar[][] = [];
        for (const [i, k] of keys.entries()) {
          if (phase === 0) {
            rs.push([k, 100, i], [k, 200, i + 0.5]);
            ls.push([k, 150, i], [k, 250, i], [k, 400, i]);
          } else {
            rs.push([k, 300, i + 0.25]);
            ls.push([k, 350, i]);
          }
        }
        // every subtask sees every row here; each keeps only its own key groups on restore,
        // so feed a restored subtask only its keys (as the hash exchange would)
        const mine = (k: Scalar): boolean => ops.length === 1 || owns(op, k as string);
        op.processBatch(right(rs.filter((r) => mine(r[0]!))), out, 1);
        op.processBatch(left(ls.filter((r) => mine(r[0]!))), out, 0);
        op.processWatermark(phase === 0 ? 160 : 1000, out);
      }
    };
    const owners = new Map<TemporalJoinOperator, (k: string) => boolean>();
    const owns = (op: TemporalJoinOperator, k: string): boolean => owners.get(op)!(k);

    const straight = operator('left');
    const outA = new Collector();
    feed([straight], 0, outA);
    const snap: OperatorSnapshot = straight.snapshot();
    feed([straight], 1, outA);
    const expected = rows(outA).map((r) => JSON.stringify(r)).sort();

    const outB = new Collector();
    const first = operator('left');
    feed([first], 0, outB);
    const before = rows(outB).map((r) => JSON.stringify(r));
    const s2 = first.snapshot();
    expect(JSON.stringify([...s2.keyed.entries()])).toEqual(JSON.stringify([...snap.keyed.entries()]));
    const parts = [operator('left', 0, 2), operator('left', 1, 2)];
    for (const p of parts) p.restore(s2.keyed, [s2.operator]);
    // which keys each part owns: the ones whose waiting orders it restored (a key's versions
    // and orders are in one key group)
    for (const p of parts) {
      const probe = new Collector();
      const owned = new Set<string>();
      const clone = operator('left', parts.indexOf(p), 2);
      clone.restore(s2.keyed, [s2.operator]);
      clone.processWatermark(1e9, probe);
      for (const r of rows(probe)) owned.add(r[0] as string);
      owners.set(p, (k) => owned.has(k));
    }
    expect([...keys].filter((k) => owns(parts[0]!, k)).length + [...keys].filter((k) => owns(parts[1]!, k)).length).toBe(40);
    feed(parts, 1, outB);
    const after = rows(outB).map((r) => JSON.stringify(r));
    expect([...before, ...after].sort()).toEqual(expected);
    // the restored parts emitted the orders of 250 with the version of 200 and of 350 with 300
    expect(after.length).toBe(40 * 3);
  });
});
