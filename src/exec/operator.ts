// The operator contract (after Arroyo): push-based, few hooks. An operator processes a
// batch, may react to a watermark, snapshots on request and flushes at the end of input.
// It never sees a barrier or a half-aligned input: the runtime (task.ts) aligns barriers,
// merges watermarks and calls the hooks in order.

import type { CowSource } from '../checkpoint/cow.js';
import type { Batch } from '../common/batch.js';
import type { KeyGroupRange } from '../state/key-groups.js';

/** Where an operator puts its output. Emitting is synchronous; the task moves the batches on. */
export class Collector {
  private pending: Batch[] = [];

  emit(batch: Batch): void {
    if (batch.length > 0) this.pending.push(batch);
  }

  drain(): Batch[] {
    if (this.pending.length === 0) return EMPTY;
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

const EMPTY: Batch[] = [];

export interface OperatorMetrics {
  rowsIn: number;
  rowsOut: number;
  /** Records dropped because every window they belong to had already fired. */
  lateDropped: number;
  /** Records skipped as unparseable (ignore-parse-errors). */
  skipped: number;
  /** Rows (join) or groups (aggregate) dropped from state by state TTL. */
  stateExpired: number;
  /** Rows an adaptive local pre-aggregation passed straight through (window-aggregate.ts). */
  passedThrough: number;
}

export function newMetrics(): OperatorMetrics {
  return { rowsIn: 0, rowsOut: 0, lateDropped: 0, skipped: 0, stateExpired: 0, passedThrough: 0 };
}

export interface OperatorContext {
  /** The plan node's operator id, e.g. `3-window-aggregate`. */
  readonly operatorId: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly keyGroups: KeyGroupRange;
  readonly metrics: OperatorMetrics;
  /**
   * Full snapshots may be copy-on-write (checkpoint/cow.ts): the job hands every snapshot to
   * its state writer, which takes such a snapshot's columns block by block. Unset (tests that
   * read snapshots themselves): snapshots are ordinary copies.
   */
  readonly cowSnapshots?: boolean;
}

/** State of one operator subtask in a checkpoint: entries by key group, plus unkeyed state. */
export interface OperatorSnapshot {
  /** Keyed state: key group -> opaque entries (msgpack-encodable). */
  readonly keyed: Map<number, unknown[]>;
  /** Operator (unkeyed) state, e.g. a sink's pending files or a source's offsets. */
  readonly operator: unknown;
  /**
   * Set on a delta (incremental checkpoints): the keyed entries hold only what changed since
   * the operator's snapshot for this checkpoint, and are read after that snapshot's entries.
   */
  readonly deltaOf?: number;
  /** A copy-on-write snapshot (checkpoint/cow.ts): the columns its entries' placeholders stand for. Only the state writer reads it. */
  readonly cow?: CowSource;
}

export interface Operator {
  /**
   * The operator reads BIGINT columns in the wide form (common/int64.ts) correctly. Without
   * it, the runtime refuses a batch holding one with a clear error (Task.pushThrough).
   */
  readonly wideInts?: boolean;
  open?(ctx: OperatorContext): void | Promise<void>;
  /** `input` is the index of the input the batch came from (for operators with several). */
  processBatch(batch: Batch, out: Collector, input: number): void | Promise<void>;
  /** The combined watermark advanced to `wm`; the runtime forwards it after this returns. */
  processWatermark?(wm: number, out: Collector): void | Promise<void>;
  /**
   * The watermark of input `input` alone (the minimum over that input's channels) advanced to
   * `wm`. Called for the first operator of a task fed by channels, before the combined
   * watermark moves, and in order with the input's records. Unlike the combined watermark, it
   * does not depend on how the inputs interleave: an operator with two inputs that decides
   * lateness by it (an interval join) drops the same rows in every run.
   */
  processInputWatermark?(input: number, wm: number): void;
  /**
   * The watermark the operator passes on when its input watermark is `wm` (default: `wm`). An
   * operator that may still emit rows older than its input watermark (an interval join) holds
   * it back; the result must grow with `wm` and be +Infinity for +Infinity.
   */
  outputWatermark?(wm: number): number;
  /** All inputs ended (after the final watermark): flush everything. */
  finish?(out: Collector): void | Promise<void>;
  /**
   * Called after barrier alignment, before this operator snapshots: an operator that keeps
   * no state across a barrier (a local pre-aggregation) emits what it holds here; the runtime
   * passes it down the chain before any later operator snapshots. Also called when the task
   * goes idle (every input idle), before it tells its outputs so.
   */
  prepareSnapshotPreBarrier?(out: Collector): void;
  /** Called after barrier alignment, before the barrier is forwarded. */
  /** `savepoint`: the snapshot must be full (self-contained), never a delta. */
  snapshot?(checkpointId: number, savepoint?: boolean): OperatorSnapshot | Promise<OperatorSnapshot>;
  /**
   * Restores from the snapshots of the subtasks that held this subtask's key groups
   * (keyed entries already filtered to `ctx.keyGroups`); operator state of every old subtask.
   * The restore owns what it is given: it may keep the entries' typed arrays as its own state
   * and modify them later (the group aggregate does), so a caller must not use them again.
   * Job.open hands an entry spanning every key group to each subtask of its job, in one open
   * pass before any row is processed; a subtask only takes over a block of its very key
   * groups, and writes only slots of its own key groups, which the others skip.
   */
  restore?(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void | Promise<void>;
  /** The checkpoint is complete (all acks and files durable): commit side effects. */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  close?(): void | Promise<void>;
  /** State entries held now (groups, rows or partitions), for the memory guard (memory-guard.ts). */
  stateEntries?(): number;
}
