// What keeps a checkpoint cheap on the task thread (issue 14 item 5): when the group aggregate
// takes a full snapshot (a growing state writes only its new groups; a chain never holds more
// superseded slots than live ones), snapshot buffers reused from checkpoint to checkpoint
// (the state writer hands them back, and what it wrote stays what was copied), and the
// coordinator's file system calls off the thread: `_metadata` that cannot be made durable fails
// the checkpoint (sinks never commit it); a delete retention could not do is reported and
// loses no checkpoint.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Batch } from '../../src/common/batch.js';
import { columnFromScalars } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator, deltaFits } from '../../src/exec/operators/group-aggregate.js';
import { CheckpointStorage } from '../../src/checkpoint/storage.js';
import type { StateHandle } from '../../src/checkpoint/storage.js';
import { readStateFile } from '../../src/checkpoint/state-file.js';
import { StateWriter } from '../../src/checkpoint/state-writer.js';
import { CheckpointRunner } from '../../src/checkpoint/runner.js';
import type { JobHandle } from '../../src/exec/cluster.js';
import { copyForSnapshot, freeBufferBytes, snapshotBufferStats, takeBuffer } from '../../src/common/snapshot-buffers.js';

const ctx: OperatorContext = { operatorId: '1-group-aggregate', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: newMetrics() };
const AGGS = [
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  { fn: 'sum', args: [1], distinct: false, filter: undefined, type: T.BIGINT, name: 's' },
] as const;

function batch(keys: readonly number[]): Batch {
  return { length: keys.length, columns: [columnFromScalars(T.BIGINT, [...keys]), columnFromScalars(T.BIGINT, keys.map((k) => k % 7))], ops: null } as unknown as Batch;
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'weir-ckpt-cost-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('when the group aggregate takes a full snapshot', () => {
  it('deltaFits: a chain may hold at most twice the slots of the state', () => {
    expect(deltaFits(1000, 0, 1000, 2000)).toBe(true); // all new groups: nothing superseded
    expect(deltaFits(1000, 1000, 1000, 1500)).toBe(true); // 3000 entries, 3000 allowed
    expect(deltaFits(1000, 1000, 1001, 1500)).toBe(false);
  });

  it('a growing state writes deltas of its new groups only; groups changed over and over bring a full snapshot back', () => {
    const op = new GroupAggregateOperator([T.BIGINT, T.BIGINT], [0], AGGS as never, false, [T.BIGINT, T.BIGINT, T.BIGINT], 4096, 0, 100);
    op.open(ctx);
    const out = new Collector();
    const kinds: string[] = [];
    const sizes: number[] = [];
    let id = 0;
    const snap = (): void => {
      const s = op.snapshot(++id) as OperatorSnapshot & { deltaOf?: number };
      kinds.push(s.deltaOf === undefined ? 'F' : 'D');
      const e = s.keyed.get(-1)![0] as { high?: number; slots?: Int32Array };
      sizes.push(e.slots !== undefined ? e.slots.length : e.high!);
      op.notifyCheckpointComplete(id);
      out.drain();
    };
    // 5 checkpoints of 1000 new keys each: the old rule (deltas since the full may not hold
    // more slots than it did) took a full at the 3rd; each delta here holds only the new keys
    for (let c = 0; c < 5; c++) {
      op.processBatch(batch(range(c * 1000, 1000)), out);
      snap();
    }
    expect(kinds).toEqual(['F', 'D', 'D', 'D', 'D']);
    expect(sizes).toEqual([1000, 1000, 1000, 1000, 1000]);
    // now 1000 of the 5000 keys change between checkpoints: the chain holds 5000 + 1000 x k
    // entries; a delta fits while that is at most 2 x 5000, so 5 such deltas, then a full
    for (let c = 0; c < 7; c++) {
      op.processBatch(batch(range(0, 1000)), out);
      snap();
    }
    expect(kinds.slice(5)).toEqual(['D', 'D', 'D', 'D', 'D', 'F', 'D']);
    expect(sizes.slice(5)).toEqual([1000, 1000, 1000, 1000, 1000, 5000, 1000]);
  });
});

describe('snapshot buffers', () => {
  it('a written snapshot hands its buffers back; the next snapshot copies into them; each file holds what was copied', async () => {
    const dir = tempDir();
    const writer = new StateWriter(dir);
    try {
      const src = new Float64Array(50_000);
      for (let i = 0; i < src.length; i++) src[i] = i * 1.5;
      const before = { ...snapshotBufferStats };
      const a = copyForSnapshot(src, 40_000); // a view of a prefix of a larger pooled buffer
      expect(a.buffer.byteLength).toBeGreaterThan(a.byteLength);
      const h1 = await writer.write(1, 'op', 0, { keyed: new Map([[-1, [{ v: a }]]]), operator: null });
      expect(a.length).toBe(0); // transferred (no copy), not cloned
      expect(freeBufferBytes()).toBeGreaterThanOrEqual(40_000 * 8);
      // the next copy reuses that buffer, with other values
      for (let i = 0; i < src.length; i++) src[i] = -i;
      const b = copyForSnapshot(src, 45_000);
      expect(snapshotBufferStats.reused).toBe(before.reused + 1);
      const h2 = await writer.write(2, 'op', 0, { keyed: new Map([[-1, [{ v: b }]]]), operator: null });
      const first = readStateFile(join(dir, 'chk-1', h1.file)).keyed.get(-1)![0] as { v: Float64Array };
      const second = readStateFile(join(dir, 'chk-2', h2.file)).keyed.get(-1)![0] as { v: Float64Array };
      expect(first.v.length).toBe(40_000);
      expect(first.v[39_999]).toBe(39_999 * 1.5);
      expect(second.v.length).toBe(45_000);
      expect(second.v[44_999]).toBe(-44_999);
      // small requests are plain allocations, never pooled
      expect(takeBuffer(Uint8Array, 100).buffer.byteLength).toBe(100);
    } finally {
      await writer.close();
    }
  });
});

/** A job that only records what the coordinator tells it. */
function fakeJob(): JobHandle & { notified: number[]; failed: Error[] } {
  const j = {
    events: undefined as unknown,
    notified: [] as number[],
    failed: [] as Error[],
    triggerCheckpoint(): void {},
    async notifyCheckpointComplete(id: number): Promise<void> {
      j.notified.push(id);
    },
    fail(e: Error): void {
      j.failed.push(e);
    },
  };
  return j as unknown as JobHandle & { notified: number[]; failed: Error[] };
}

const CFG = { intervalMs: 1, timeoutMs: 60_000, minPauseMs: 0, tolerableFailures: 10 };

/** Takes checkpoint `id` through the runner: its task acknowledges a state file written for it. */
async function checkpoint(runner: CheckpointRunner, dir: string, id: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 3));
  runner.tick();
  mkdirSync(join(dir, `chk-${id}`), { recursive: true });
  writeFileSync(join(dir, `chk-${id}`, 'op-0.state'), 'x'.repeat(40));
  const h: StateHandle = { operatorId: 'op', subtask: 0, file: 'op-0.state', bytes: 40, checksum: '0000000000000000' };
  runner.onAck('t0', id, [h], 0);
  for (let i = 0; i < 100 && runner.stats.completed + runner.stats.failed < id; i++) await new Promise((r) => setTimeout(r, 5));
  await runner.settled();
}

describe('the coordinator’s file system calls off the task thread', () => {
  it('the checkpoint completes once _metadata is durable (written synchronously); retention then keeps the newest N', async () => {
    const dir = tempDir();
    const job = fakeJob();
    const runner = new CheckpointRunner(job, new CheckpointStorage(dir), CFG, { fingerprint: 'f', maxParallelism: 128, tasks: ['t0'], sources: ['t0'] }, 2, 1);
    for (let id = 1; id <= 4; id++) await checkpoint(runner, dir, id);
    await runner.settled(); // retention's deletes run after completion, off the task thread
    expect(runner.stats.completed).toBe(4);
    expect(job.notified).toEqual([1, 2, 3, 4]);
    expect(readdirSync(dir).sort()).toEqual(['chk-3', 'chk-4']);
    expect(existsSync(join(dir, 'chk-4', '_metadata'))).toBe(true);
    expect(runner.stats.cleanupFailure).toBeUndefined();
  });

  it('_metadata that cannot be written fails the checkpoint: sinks are not told to commit it', async () => {
    const dir = tempDir();
    const job = fakeJob();
    const runner = new CheckpointRunner(job, new CheckpointStorage(dir), CFG, { fingerprint: 'f', maxParallelism: 128, tasks: ['t0'], sources: ['t0'] }, 3, 1);
    await checkpoint(runner, dir, 1);
    // a directory where _metadata goes: the rename onto it fails
    mkdirSync(join(dir, 'chk-2', '_metadata', 'x'), { recursive: true });
    await checkpoint(runner, dir, 2);
    expect(runner.stats.completed).toBe(1);
    expect(runner.stats.failed).toBe(1);
    expect(runner.stats.lastFailure).toMatch(/writing _metadata/);
    expect(job.notified).toEqual([1]);
    expect(new CheckpointStorage(dir).validate(1).checkpointId).toBe(1);
    expect(existsSync(join(dir, 'chk-2'))).toBe(false);
  });

  it('a delete that fails is reported; every checkpoint kept is intact and the next one completes', async () => {
    const dir = tempDir();
    const job = fakeJob();
    class FailingDeletes extends CheckpointStorage {
      override async retainAsync(): Promise<void> {
        await new Promise((r) => setTimeout(r, 1));
        throw new Error('retention could not delete chk-1/op-0.state: EBUSY');
      }
    }
    const runner = new CheckpointRunner(job, new FailingDeletes(dir), CFG, { fingerprint: 'f', maxParallelism: 128, tasks: ['t0'], sources: ['t0'] }, 1, 1);
    await checkpoint(runner, dir, 1);
    await checkpoint(runner, dir, 2);
    expect(runner.stats.cleanupFailure).toMatch(/EBUSY/);
    await checkpoint(runner, dir, 3);
    expect(runner.stats.completed).toBe(3);
    expect(runner.stats.failed).toBe(0);
    expect(job.failed).toEqual([]);
    expect(job.notified).toEqual([1, 2, 3]);
    expect(new CheckpointStorage(dir).validate(3).checkpointId).toBe(3);
  });
});
