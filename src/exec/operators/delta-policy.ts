// Incremental checkpoints ('state.backend.incremental'), shared by the operators that write
// deltas (regular join, window aggregate): a set of dirty slots, and the rule deciding whether
// a snapshot may be a delta of the previous one.
//
// A delta may only follow a snapshot whose checkpoint completed (otherwise the chain could
// continue a checkpoint that does not exist); the snapshot is full for a savepoint, for the
// first snapshot of a run, when the chain would reach `fullEvery` files
// ('state.backend.incremental.full-every', default in job-runner.ts), and when the chain
// has become expensive to restore: when it would hold more superseded entries than live ones
// (deltaFits). Unchanged state is never written again while the chain stays cheap, as in
// Flink's incremental checkpoints: a state that grows writes only its new entries, and a state
// where ~1% of the keys change per checkpoint writes a full snapshot about every 100.

import { internalError } from '../../common/errors.js';

/** Slots changed since the last snapshot: a flag per slot and the list of flagged slots. */
export class DirtySlots {
  private flags: Uint8Array = new Uint8Array(0);
  private list: Int32Array = new Int32Array(1024);
  count = 0;

  mark(slot: number): void {
    if (slot >= this.flags.length) {
      const f = new Uint8Array(Math.max(64, this.flags.length * 2, slot + 1));
      f.set(this.flags);
      this.flags = f;
    }
    if (this.flags[slot] === 1) return;
    this.flags[slot] = 1;
    if (this.count === this.list.length) {
      const l = new Int32Array(this.list.length * 2);
      l.set(this.list);
      this.list = l;
    }
    this.list[this.count++] = slot;
  }

  /** The dirty slots in ascending order; the set is empty afterwards. */
  take(): Int32Array {
    const out = this.list.slice(0, this.count);
    out.sort();
    this.clear();
    return out;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.flags[this.list[i]!] = 0;
    this.count = 0;
  }
}

/**
 * Whether a delta of `n` entries may continue a chain whose full snapshot held `atFull`
 * entries and whose deltas since hold `sinceFull`, for a state of `size` entries now (what a
 * full snapshot would write): while the chain, with it, holds at most twice what a full
 * snapshot would (no more superseded entries than live ones), so a restore of the chain reads
 * at most twice what a restore of a fresh full snapshot would. New entries are not
 * superseded: a state that grows (every key new, as while keys are first inserted) writes only
 * its new entries, delta after delta; a state whose entries change over and over gets a fresh
 * full snapshot once half of what a restore would read is outdated.
 */
export function deltaFits(atFull: number, sinceFull: number, n: number, size: number): boolean {
  return atFull + sinceFull + n <= 2 * size;
}

/** Whether the next snapshot is a delta, and of which checkpoint. */
export class DeltaPolicy {
  private last = -1;
  private lastCompleted = false;
  private deltasSinceFull = 0;
  private changedSinceFull = 0;
  private sizeAtFull = 0;

  constructor(private readonly fullEvery: number) {}

  /**
   * Snapshot `checkpointId` with `changed` dirty slots, of a state of `size` slots now (what a
   * full snapshot would write, in the unit `full` is given): the checkpoint it is a delta of,
   * or -1 for a full snapshot (then call `full` with its size in slots).
   */
  next(checkpointId: number, savepoint: boolean, changed: number, size: number): number {
    const delta =
      this.fullEvery > 0 &&
      !savepoint &&
      this.last >= 0 &&
      this.lastCompleted &&
      this.deltasSinceFull + 1 < this.fullEvery &&
      // (a state that shrank keeps its full snapshot's bound: never a full sooner than that)
      deltaFits(this.sizeAtFull, this.changedSinceFull, changed, Math.max(size, this.sizeAtFull));
    const previous = this.last;
    this.last = checkpointId;
    this.lastCompleted = false;
    if (!delta) return -1;
    this.deltasSinceFull++;
    this.changedSinceFull += changed;
    return previous;
  }

  full(size: number): void {
    this.deltasSinceFull = 0;
    this.changedSinceFull = 0;
    this.sizeAtFull = size;
  }

  complete(checkpointId: number): void {
    if (checkpointId === this.last) this.lastCompleted = true;
  }
}

/**
 * The map from a chain's slot numbers to this operator's slots (-1: none), grown so that every
 * slot a delta lists has an entry.
 */
export function growSlotMap(map: Int32Array, listed: Int32Array): Int32Array {
  let high = map.length;
  for (let i = 0; i < listed.length; i++) high = Math.max(high, listed[i]! + 1);
  if (high <= map.length) return map;
  const m = new Int32Array(high).fill(-1);
  m.set(map);
  return m;
}

/**
 * Replays the chains of a restore's blocks that span every key group: the blocks of each old
 * subtask come in order, a full block (which starts a chain: `full` returns the map from the
 * chain's slot numbers to this operator's) then its deltas (`delta: 1`, applied through that
 * map, which `delta` returns grown).
 */
export function replayChains<M>(keyed: Map<number, unknown[]>, full: (block: unknown) => M, delta: (d: unknown, map: M) => M): void {
  for (const blocks of keyed.values()) {
    let map: M | undefined;
    for (const b of blocks) {
      if ((b as { delta?: number }).delta === 1) {
        if (map === undefined) throw internalError('a delta of incremental checkpoints without its full snapshot');
        map = delta(b, map);
      } else map = full(b);
    }
  }
}

/**
 * Incremental checkpoints of an operator whose state is a set of partitions (OVER): the
 * partitions changed since the last snapshot, and whether the next snapshot is a delta of them.
 */
export class ChangedPartitions<P> {
  readonly changed = new Set<P>();
  private readonly policy: DeltaPolicy;

  constructor(fullEvery: number) {
    this.policy = new DeltaPolicy(fullEvery);
  }

  /**
   * Snapshot `checkpointId` of an operator holding `size` partitions: the checkpoint it is a
   * delta of and the partitions changed since, or undefined for a full snapshot. The set is
   * empty afterwards.
   */
  take(checkpointId: number, savepoint: boolean, size: number): { previous: number; parts: P[] } | undefined {
    const previous = this.policy.next(checkpointId, savepoint, this.changed.size, size);
    const parts = previous >= 0 ? [...this.changed] : null;
    this.changed.clear();
    if (parts === null) {
      this.policy.full(size);
      return undefined;
    }
    return { previous, parts };
  }

  complete(checkpointId: number): void {
    this.policy.complete(checkpointId);
  }
}
