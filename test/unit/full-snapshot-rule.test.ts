// When an incremental checkpoint's snapshot is full (issue 14 item 5): only when the chain would
// hold more superseded entries than live ones (deltaFits, against the state's size now, so a
// growing state writes only its new entries) or would reach 'state.backend.incremental.full-every'
// files (default 100); and free snapshot buffers nothing takes any more are dropped.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { SessionOptions } from '../../src/catalog/catalog.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { DeltaPolicy, deltaFits } from '../../src/exec/operators/delta-policy.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { RegularJoinOperator } from '../../src/exec/operators/regular-join.js';
import type { JoinOperatorSpec } from '../../src/exec/operators/regular-join.js';
import { DEFAULT_FULL_EVERY, incrementalFullEvery } from '../../src/exec/job-runner.js';
import { dropFreeBuffers, freeBufferBytes, recycle, takeBuffer, trimFreeBuffers } from '../../src/common/snapshot-buffers.js';

/** The kinds of `steps` snapshots through a policy: [changed entries, state size now, completes]. */
function kinds(policy: DeltaPolicy, steps: readonly (readonly [number, number, boolean?])[]): string {
  let id = 0;
  let out = '';
  for (const [changed, size, completes = true] of steps) {
    const previous = policy.next(++id, false, changed, size);
    if (previous < 0) policy.full(size);
    out += previous < 0 ? 'F' : 'D';
    if (completes) policy.complete(id);
  }
  return out;
}

describe('DeltaPolicy: when a snapshot is full', () => {
  it('a growing state writes deltas of its new entries only', () => {
    // 1000 new entries per checkpoint: the old rule (the deltas since the full may hold no more
    // entries than it did) took a full at the 3rd, 5th, 9th...
    const steps = Array.from({ length: 12 }, (_, i) => [1000, 1000 * (i + 1)] as const);
    expect(kinds(new DeltaPolicy(100), steps)).toBe('FDDDDDDDDDDD');
  });

  it('entries changed over and over: a full once the chain would hold more superseded entries than live ones', () => {
    // 5000 entries, 1% changing: the chain holds 5000 + 50 k entries, at most 10000, so 100 deltas
    // would fit; the cap of 100 files comes first (a full and 99 deltas)
    const steady = Array.from({ length: 201 }, () => [50, 5000] as const);
    expect(kinds(new DeltaPolicy(100), steady)).toBe(`F${'D'.repeat(99)}F${'D'.repeat(99)}F`);
    // 20% changing: 5000 + 1000 k <= 10000 for k <= 5
    const hot = Array.from({ length: 8 }, () => [1000, 5000] as const);
    expect(kinds(new DeltaPolicy(100), hot)).toBe('FDDDDDFD');
  });

  it('full-every is the cap on the files of a chain; a state that shrank keeps its full snapshot’s bound', () => {
    expect(kinds(new DeltaPolicy(4), Array.from({ length: 9 }, () => [1, 5000] as const))).toBe('FDDDFDDDF');
    // a full of 5000, then the state shrinks to 1000: deltas still fit while the chain holds at
    // most 2 x 5000 entries (as before this rule), not 2 x 1000
    expect(kinds(new DeltaPolicy(100), [[0, 5000], [2000, 3000], [2000, 1000], [1000, 1000], [1, 1000]])).toBe('FDDDF');
  });

  it('a savepoint, the first snapshot and one after an uncompleted checkpoint are full', () => {
    const p = new DeltaPolicy(100);
    expect(kinds(p, [[10, 100], [10, 100, false], [10, 100], [10, 100]])).toBe('FDFD');
    expect(p.next(5, true, 1, 100)).toBe(-1);
  });

  it('deltaFits: twice what a full snapshot would hold', () => {
    expect(deltaFits(1000, 0, 1000, 1000)).toBe(true);
    expect(deltaFits(1000, 500, 500, 1000)).toBe(true);
    expect(deltaFits(1000, 500, 501, 1000)).toBe(false);
  });
});

describe("'state.backend.incremental.full-every'", () => {
  it('defaults to 100 files; the user’s value is kept; 0 when incremental checkpoints are off', () => {
    const o = new SessionOptions();
    expect(incrementalFullEvery(o)).toBe(0);
    o.set('state.backend.incremental', 'true');
    expect(DEFAULT_FULL_EVERY).toBe(100);
    expect(incrementalFullEvery(o)).toBe(100);
    o.set('state.backend.incremental.full-every', '10');
    expect(incrementalFullEvery(o)).toBe(10);
  });
});

const ctx = (operatorId: string): OperatorContext => ({ operatorId, subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() });
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('the operators under the rule', () => {
  it('a regular join whose state grows writes deltas of its new rows only', () => {
    const spec: JoinOperatorSpec = { joinType: 'inner', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false };
    const op = new RegularJoinOperator(spec, [T.BIGINT, T.BIGINT], [T.BIGINT, T.BIGINT], [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, 0, 100);
    op.open(ctx('2-join'));
    const seen: string[] = [];
    for (let c = 1; c <= 6; c++) {
      const keys = range(c * 100, 100);
      const b = { length: keys.length, columns: [columnFromScalars(T.BIGINT, keys), columnFromScalars(T.BIGINT, keys)], ops: null } as unknown as Batch;
      op.processBatch(b, new Collector(), 0);
      const s = op.snapshot(c) as OperatorSnapshot & { deltaOf?: number };
      seen.push(s.deltaOf === undefined ? 'F' : 'D');
      op.notifyCheckpointComplete(c);
    }
    expect(seen.join('')).toBe('FDDDDD');
  });

  it('the group aggregate in the steady state: a full snapshot, then a delta of the changed keys per checkpoint up to the cap', () => {
    const aggs = [{ fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' }] as const;
    const op = new GroupAggregateOperator([T.BIGINT], [0], aggs as never, false, [T.BIGINT, T.BIGINT], 4096, 0, DEFAULT_FULL_EVERY);
    op.open(ctx('1-group-aggregate'));
    const out = new Collector();
    const feed = (keys: number[]): void => {
      op.processBatch({ length: keys.length, columns: [columnFromScalars(T.BIGINT, keys)], ops: null } as unknown as Batch, out);
      out.drain();
    };
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let c = 1; c <= 102; c++) {
      feed(c === 1 ? range(0, 2000) : range(0, 20).map((k) => k * 100)); // 1% of the keys change
      const s = op.snapshot(c) as OperatorSnapshot & { deltaOf?: number };
      seen.push(s.deltaOf === undefined ? 'F' : 'D');
      const e = s.keyed.get(-1)![0] as { high?: number; slots?: Int32Array };
      sizes.push(e.slots !== undefined ? e.slots.length : e.high!);
      op.notifyCheckpointComplete(c);
    }
    expect(seen.join('')).toBe(`F${'D'.repeat(99)}FD`);
    expect(sizes.slice(0, 3)).toEqual([2000, 20, 20]);
    expect(sizes[100]).toBe(2000);
  });
});

describe('snapshot buffers of a rare full snapshot', () => {
  it('a free buffer no snapshot took again is dropped once idle; a recent one stays', () => {
    trimFreeBuffers(0);
    const a = takeBuffer(Float64Array, 100_000);
    recycle([a.buffer as ArrayBuffer]);
    expect(freeBufferBytes()).toBeGreaterThanOrEqual(800_000);
    expect(trimFreeBuffers(60_000)).toBe(0); // not idle that long
    expect(freeBufferBytes()).toBeGreaterThanOrEqual(800_000);
    expect(trimFreeBuffers(0)).toBeGreaterThanOrEqual(800_000);
    expect(freeBufferBytes()).toBe(0);
  });

  it('a free buffer two later checkpoints passed over is dropped (the smaller buffers of a state that grew)', () => {
    dropFreeBuffers();
    const bytes = (b: { buffer: ArrayBufferLike }): number => b.buffer.byteLength;
    const a = takeBuffer(Float64Array, 100_000); // checkpoint 1's copy
    recycle([a.buffer as ArrayBuffer], 1);
    const b = takeBuffer(Float64Array, 300_000); // checkpoint 2 needs more: a fresh buffer
    recycle([b.buffer as ArrayBuffer], 2);
    expect(freeBufferBytes()).toBe(bytes(a) + bytes(b)); // a may still serve checkpoint 3
    const c = takeBuffer(Float64Array, 300_000); // checkpoint 3 takes b again, not a
    expect(c.buffer).toBe(b.buffer);
    recycle([c.buffer as ArrayBuffer], 3);
    expect(freeBufferBytes()).toBe(bytes(b)); // a was passed over by checkpoints 2 and 3
    dropFreeBuffers();
  });
});
