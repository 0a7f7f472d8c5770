// Per-group aggregate state shared by the aggregating operators: group key values and
// accumulators live in columnar arrays indexed by a slot; freed slots are reused.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import type { ColumnBuilder } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { Accumulator } from '../../expr/accumulators.js';
import { createAccumulator } from '../../expr/accumulators.js';
import type { AggCall } from '../../plan/logical.js';
import { GroupKeys } from './group-keys.js';
import { MAX_SHARED_CALLS, SharedDistinct, SharedDistinctCall } from '../../expr/shared-distinct.js';
import type { KeyGroupRange } from '../../state/key-groups.js';
import type { OperatorSnapshot } from '../operator.js';
import type { DeltaPolicy, DirtySlots } from './delta-policy.js';
import { internalError } from '../../common/errors.js';
import { ALL_KEY_GROUPS } from '../../state/key-groups.js';
import { grownLength } from '../../common/growth.js';
import { copyForSnapshot, grownCopy, takeBuffer } from '../../common/snapshot-buffers.js';
import { CowCapture } from '../../checkpoint/cow.js';
import { packPrimitiveArrays } from '../../checkpoint/packed-array.js';

/**
 * The groups of an operator subtask, column by column in slot order (a snapshot entry): each
 * slot's key group and whether it holds a group, its key values and accumulator states. A
 * restore keeps the slots whose key group its subtask owns.
 */
export interface SlotBlock {
  readonly high: number;
  readonly keyGroup: Int32Array;
  readonly inUse: Uint8Array;
  readonly keys: unknown[];
  readonly accs: unknown[];
}

/** Snapshot entries under this key span every key group (defined with the key groups; job.ts reads it there). */
export { ALL_KEY_GROUPS };

/**
 * A delta of incremental checkpoints: the changed slots, in the numbering of the chain, with
 * their groups' state (saveSome; not in use: freed).
 */
export interface SlotDelta {
  readonly delta: 1;
  readonly slots: Int32Array;
  readonly keyGroup: Int32Array;
  readonly inUse: Uint8Array;
  readonly keys: unknown[];
  readonly accs: unknown[];
}

/** A window operator's delta: each slot's window (or session) bounds too. */
export interface WindowSlotDelta extends SlotDelta {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Over a changelog: each listed slot's record count. */
  readonly counts?: Float64Array;
}

/** A Float64Array by slot, grown (doubling) so that it has an entry for `slot`. */
export function grownFor(a: Float64Array, slot: number): Float64Array {
  if (slot < a.length) return a;
  const g = new Float64Array(Math.max(64, a.length * 2, slot + 1));
  g.set(a);
  // (a pending copy-on-write snapshot of `a` reads `g` from now on)
  grownCopy(a, g);
  return g;
}

/** A window operator's SlotBlock: each slot's window (or session) bounds too. */
export interface WindowSlotBlock extends SlotBlock {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Over a changelog input: each slot's record count (a window aggregate's retractions). */
  readonly counts?: Float64Array;
}

/**
 * The watermark a window operator restores: the highest of those its restored subtasks had
 * (operator state `{ watermark }`), and never below `current`.
 */
export function restoredWatermark(operatorStates: readonly unknown[], current: number): number {
  let wm = current;
  for (const s of operatorStates) {
    const w = (s as { watermark?: number } | null)?.watermark;
    if (typeof w === 'number' && w > wm) wm = w;
  }
  return wm;
}

/** DISTINCT calls whose state is a shared distinct state (MIN/MAX/FIRST/LAST ignore DISTINCT). */
function sharesDistinct(a: AggCall): boolean {
  return a.distinct && a.args.length === 1 && a.fn !== 'count_star' && a.fn !== 'min' && a.fn !== 'max' && a.fn !== 'first_value' && a.fn !== 'last_value' && a.fn !== 'udaf';
}

export class AggregateSlots {
  readonly keys: GroupKeys;
  readonly accs: Accumulator[];
  private free: number[] = [];
  private high = 0;
  private capacity = 0;
  /** Key group of each slot's key, set when the slot is taken. */
  keyGroup: Int32Array = new Int32Array(0);
  /** 1 for a slot in use (snapshots walk these flags, not the operators' maps). */
  inUse: Uint8Array = new Uint8Array(0);
  live = 0;
  /** loadInPlace has changed slots: the free list is stale until endInPlace(). */
  private freeStale = false;
  /**
   * A copy-on-write full snapshot still being written (checkpoint/cow.ts): every change to a
   * slot below its high water is preceded by guard(slot). Set by the operator that took it.
   */
  cow: CowCapture | null = null;

  /** Slots handed out so far (in use or free): what a full snapshot writes. */
  get highWater(): number {
    return this.high;
  }

  constructor(inputTypes: readonly DataType[], keyColumns: readonly number[], readonly aggs: readonly AggCall[], retractable: boolean) {
    this.keys = new GroupKeys(
      keyColumns.map((k) => inputTypes[k]!),
      keyColumns,
    );
    this.accs = aggs.map((a) =>
      sharesDistinct(a)
        ? null!
        : createAccumulator(
            a,
            a.args.map((i) => inputTypes[i]!),
            retractable,
          ),
    );
    // DISTINCT calls over one column share one state (bitmask of the FILTERs each value passed)
    const byColumn = new Map<number, number[]>();
    aggs.forEach((a, j) => {
      if (!sharesDistinct(a)) return;
      const list = byColumn.get(a.args[0]!) ?? [];
      list.push(j);
      byColumn.set(a.args[0]!, list);
    });
    for (const [column, calls] of byColumn) {
      for (let c = 0; c < calls.length; c += MAX_SHARED_CALLS) {
        const group = calls.slice(c, c + MAX_SHARED_CALLS);
        const members = group.map((j) => {
          const a = aggs[j]!;
          return { inner: createAccumulator({ ...a, distinct: false, filter: undefined }, [inputTypes[column]!], retractable), filter: a.filter };
        });
        const shared = new SharedDistinct(column, inputTypes[column]!, members, retractable);
        group.forEach((j, k) => (this.accs[j] = new SharedDistinctCall(shared, k)));
      }
    }
  }

  /** Slots ever taken (groups created), for adaptive decisions. */
  allocated = 0;

  /** Room for `n` more slots at once (a restore): one growth instead of doublings. */
  reserve(n: number): void {
    if (this.high + n > this.capacity) this.growTo(this.high + n);
  }

  alloc(): number {
    this.allocated++;
    const slot = this.free.length > 0 ? this.free.pop()! : this.high++;
    // (a freed slot taken again: its state at a pending snapshot's barrier is kept first)
    if (this.cow !== null) this.cow.guard(slot);
    // doubling, by half at millions of groups: there the slack of every per-slot array is a
    // large part of the peak memory (common/growth.ts)
    if (slot >= this.capacity) this.growTo(grownLength(this.capacity, slot + 1));
    this.inUse[slot] = 1;
    for (const a of this.accs) a.reset(slot);
    this.live++;
    return slot;
  }

  private growTo(capacity: number): void {
    this.capacity = capacity;
    this.keys.grow(capacity);
    for (const a of this.accs) a.grow(capacity);
    const kg = new Int32Array(capacity);
    kg.set(this.keyGroup);
    grownCopy(this.keyGroup, kg);
    this.keyGroup = kg;
    const used = new Uint8Array(capacity);
    used.set(this.inUse);
    grownCopy(this.inUse, used);
    this.inUse = used;
  }

  /** A new slot for the key of `batch` row `row`; its key group is computed now, once. */
  allocFor(batch: Batch, row: number, maxParallelism: number): number {
    return this.allocInGroup(batch, row, this.keys.keyGroupOfRow(batch, row, maxParallelism));
  }

  /**
   * A new slot for the key of `batch` row `row` whose key group the caller knows (computed
   * once for a row that opens several slots), or -1 for state that is never snapshotted.
   */
  allocInGroup(batch: Batch, row: number, keyGroup: number): number {
    const slot = this.alloc();
    this.keys.store(slot, batch, row);
    this.keyGroup[slot] = keyGroup;
    return slot;
  }

  add(slots: Int32Array, rows: Int32Array | null, count: number, columns: readonly Column[]): void {
    for (const a of this.accs) a.add(slots, rows, count, columns);
  }

  retract(slots: Int32Array, rows: Int32Array | null, count: number, columns: readonly Column[]): void {
    for (const a of this.accs) a.retract(slots, rows, count, columns);
  }

  /** Folds `source`'s accumulators into `target` (session merging). */
  merge(target: number, source: number): void {
    for (const a of this.accs) a.merge(target, source);
  }

  writeResults(slot: number, out: readonly ColumnBuilder[], offset: number): void {
    const reads = this.reads;
    for (let j = 0; j < reads.length; j++) reads[j]!.result(slot, out[offset + j]!);
  }

  /** accs as read: each one's `reader`, or itself (value and result, one call each). */
  get reads(): readonly Accumulator[] {
    if (this.readers === null) this.readers = this.accs.map((a) => a.reader ?? a);
    return this.readers;
  }
  private readers: Accumulator[] | null = null;

  release(slot: number): void {
    if (this.cow !== null) this.cow.guard(slot);
    this.inUse[slot] = 0;
    this.free.push(slot);
    this.live--;
  }

  /**
   * Releases a slot whose state nothing changes afterwards until alloc() takes it again (a fired
   * window's group): unlike release(), no guard of a pending copy-on-write snapshot, whose in-use
   * flags must then be an eager copy (saveAll(true)); its other columns keep the slot's values
   * at the barrier, and alloc() guards the slot before they change. So a window that fires while
   * its snapshot is written adds nothing to the undo log (its groups' values would be a copy).
   */
  releaseUnchanged(slot: number): void {
    this.inUse[slot] = 0;
    this.free.push(slot);
    this.live--;
  }

  /**
   * Every slot's state in slot order: whole copies, nothing random-access (fast).
   * `eagerInUse`: the in-use flags are copied even while a copy-on-write snapshot is captured
   * (releaseUnchanged changes them unguarded). `packStrings`: long arrays of strings (and other
   * plain values: STRING keys, MIN/MAX of a STRING) packed as the state file writes them
   * (checkpoint/packed-array.ts), for a snapshot that goes to the state writer only.
   */
  saveAll(eagerInUse = false, packStrings = false): SlotBlock {
    const high = this.high;
    const inUse = eagerInUse ? takeBuffer(Uint8Array, high) : copyForSnapshot(this.inUse, high);
    if (eagerInUse) inUse.set(this.inUse.subarray(0, high));
    const keyGroup = copyForSnapshot(this.keyGroup, high);
    const keys = this.keys.saveAll(high, packStrings);
    const accs = this.accs.map((a) => (packStrings ? packPrimitiveArrays(a.saveAll(high, inUse)) : a.saveAll(high, inUse)));
    return { high, keyGroup, inUse, keys, accs };
  }

  /**
   * The listed slots' state in list order (a delta of incremental checkpoints): key group,
   * whether each holds a group, key values, and each accumulator's per-slot state (null for
   * a free slot).
   */
  saveSome(list: Int32Array, n: number): { keyGroup: Int32Array; inUse: Uint8Array; keys: unknown[]; accs: unknown[] } {
    const keyGroup = takeBuffer(Int32Array, n);
    const inUse = takeBuffer(Uint8Array, n);
    for (let i = 0; i < n; i++) {
      keyGroup[i] = this.keyGroup[list[i]!]!;
      inUse[i] = this.inUse[list[i]!]!;
    }
    // an accumulator with columnar state saves it in saveAll's form (`some`); the others slot by
    // slot, null for a free slot
    const accs = this.accs.map((a): unknown => {
      if (a.saveSome !== undefined) return { some: a.saveSome(list, n) };
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = inUse[i] === 1 ? a.save(list[i]!) : null;
      return out;
    });
    return { keyGroup, inUse, keys: this.keys.saveSome(list, n), accs };
  }

  /**
   * A window operator's delta: the listed slots' groups (saveSome) with their windows' bounds
   * (and record counts over a changelog), from arrays indexed by slot.
   */
  saveWindowDelta(list: Int32Array, slotStart: Float64Array, slotEnd: Float64Array, slotCount: Float64Array | null): WindowSlotDelta {
    const n = list.length;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const counts = slotCount === null ? null : new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = list[i]!;
      starts[i] = slotStart[s]!;
      ends[i] = slotEnd[s]!;
      if (counts !== null) counts[i] = slotCount![s]!;
    }
    const saved = { delta: 1 as const, slots: list, ...this.saveSome(list, n), starts, ends };
    return counts === null ? saved : { ...saved, counts };
  }

  /**
   * A window operator's snapshot: with incremental checkpoints and the policy's consent, a delta
   * of the dirty slots; otherwise one full block in slot order (window bounds, key groups,
   * keys, accumulators, and the record counts over a changelog). The watermark goes as
   * operator state either way.
   */
  windowSnapshot(
    at: { checkpointId: number; savepoint: boolean; watermark: number },
    dirty: DirtySlots | null,
    policy: DeltaPolicy | null,
    slotStart: Float64Array,
    slotEnd: Float64Array,
    slotCount: Float64Array | null,
    /** The full snapshot may be copy-on-write (the operator guards every change to a slot's state: cow). */
    copyOnWrite = false,
  ): OperatorSnapshot {
    const operator = { watermark: at.watermark };
    if (dirty !== null) {
      const previous = policy!.next(at.checkpointId, at.savepoint, dirty.count, this.highWater);
      if (previous >= 0) {
        const entry = this.saveWindowDelta(dirty.take(), slotStart, slotEnd, slotCount);
        return { keyed: new Map([[ALL_KEY_GROUPS, [entry]]]), operator, deltaOf: previous };
      }
      dirty.clear();
    }
    const save = (): WindowSlotBlock => {
      const block = this.saveAll(copyOnWrite);
      // a free slot's bounds are whatever it had last: not read on restore (not in use)
      const starts = copyForSnapshot(slotStart, block.high);
      const ends = copyForSnapshot(slotEnd, block.high);
      return slotCount !== null ? { ...block, starts, ends, counts: copyForSnapshot(slotCount, block.high) } : { ...block, starts, ends };
    };
    policy?.full(this.high);
    const { entry, cow } = this.fullSnapshot(save, copyOnWrite);
    return { keyed: new Map([[ALL_KEY_GROUPS, [entry]]]), operator, ...(cow !== null ? { cow } : {}) };
  }

  /**
   * A full snapshot by `save` (which copies the slot-indexed arrays with copyForSnapshot): with
   * `copyOnWrite`, and no copy-on-write snapshot of these slots still being written, one whose
   * slot-indexed arrays are not copied (checkpoint/cow.ts; the capture is `cow` until it is
   * written, and the operator guards every change to a slot's state meanwhile); otherwise an
   * ordinary copy (cow null).
   */
  fullSnapshot<T>(save: () => T, copyOnWrite: boolean): { entry: T; cow: CowCapture | null } {
    // one such snapshot at a time: while one is still being written (a checkpoint that failed or
    // timed out), the next is an ordinary copy
    if (!copyOnWrite || this.cow !== null) return { entry: save(), cow: null };
    const { entry, capture } = CowCapture.take(this.high, save);
    if (capture === null) return { entry, cow: null };
    this.cow = capture;
    capture.onDone = () => {
      if (this.cow === capture) this.cow = null;
    };
    return { entry, cow: capture };
  }

  /** Loads entry from[i] of a saveSome block into slot to[i] (already allocated), for i < n. */
  loadSome(block: { keys: unknown[]; accs: unknown[] }, from: Int32Array, to: Int32Array, n: number): void {
    this.keys.loadFrom(block.keys, from, to, n);
    this.accs.forEach((a, j) => {
      const st = block.accs[j];
      if (Array.isArray(st)) for (let i = 0; i < n; i++) a.load(to[i]!, st[from[i]!]);
      else a.loadFrom((st as { some: unknown }).some, from, to, n);
    });
  }

  /**
   * The groups of a delta (saveSome) that are in use and whose key group lies in `range`, each
   * loaded into a new slot: from[i] is the delta's entry, to[i] the new slot, and `map` (chain
   * slot -> slot, grown to the delta's slots) records it.
   */
  loadDelta(
    d: { slots: Int32Array; keyGroup: Int32Array; inUse: Uint8Array; keys: unknown[]; accs: unknown[] },
    range: KeyGroupRange,
    map: Int32Array,
  ): { from: Int32Array; to: Int32Array; n: number } {
    const len = d.slots.length;
    const from = new Int32Array(len);
    const to = new Int32Array(len);
    let n = 0;
    for (let i = 0; i < len; i++) {
      const kg = d.keyGroup[i]!;
      if (d.inUse[i] !== 1 || kg < range.start || kg >= range.end) continue;
      const slot = this.alloc();
      this.keyGroup[slot] = kg;
      map[d.slots[i]!] = slot;
      from[n] = i;
      to[n++] = slot;
    }
    this.loadSome(d, from, to, n);
    return { from, to, n };
  }

  /**
   * Takes a saved block's slots as they are, numbering included (a restore of the same key
   * groups, into empty slots): slot s holds what the block's slot s held, and its free slots
   * are free here. Returns how many slots are in use.
   *
   * The block's typed arrays become this object's own arrays where they fit (exactly `high`
   * entries of the right kind: a decoded state file's are), with no copy: a restore touches
   * the state's memory once, when it is read. So the block is this object's afterwards: the
   * caller must not use it again (restore owns what it is given; a test restoring one decoded
   * snapshot twice decodes or clones it twice). Arrays that do not fit are copied as before.
   */
  adoptBlock(block: SlotBlock): number {
    if (this.high !== 0 || this.live !== 0) throw internalError('adoptBlock: the slots are not empty');
    const high = block.high;
    const inUse = block.inUse;
    // one pass: the count in use and the free list (popped lowest first)
    let n = 0;
    const free: number[] = [];
    for (let s = high - 1; s >= 0; s--) {
      if (inUse[s] === 1) n++;
      else free.push(s);
    }
    // the slots in use, ascending: only for arrays that are copied
    let usedList: Int32Array | null = null;
    const used = (): Int32Array => {
      if (usedList !== null) return usedList;
      usedList = new Int32Array(n);
      for (let s = 0, i = 0; s < high; s++) if (inUse[s] === 1) usedList[i++] = s;
      return usedList;
    };
    // typed arrays of exactly `high` entries are taken as they are; capacity is then `high`
    const own = this.capacity === 0 && high > 0 && block.keyGroup instanceof Int32Array && block.keyGroup.length === high && inUse instanceof Uint8Array && inUse.length === high;
    if (own) {
      this.capacity = high;
      this.keyGroup = block.keyGroup;
      this.inUse = inUse;
      if (!this.keys.adoptAll(block.keys, high)) {
        this.keys.grow(high);
        this.keys.loadFrom(block.keys, used(), used(), n);
      }
      this.accs.forEach((a, j) => {
        if (a.adoptAll?.(block.accs[j], high) === true) return;
        a.grow(high);
        a.loadFrom(block.accs[j], used(), used(), n);
      });
    } else {
      if (high > this.capacity) this.growTo(high);
      this.keyGroup.set(block.keyGroup.subarray(0, high));
      this.inUse.set(inUse.subarray(0, high));
      this.keys.loadFrom(block.keys, used(), used(), n);
      this.accs.forEach((a, j) => a.loadFrom(block.accs[j], used(), used(), n));
    }
    this.free = free;
    this.high = high;
    this.live = n;
    this.allocated += n;
    return n;
  }

  /**
   * Applies a delta (saveSome) in place, to the very slots it lists: for a chain whose full
   * block was taken over as it is (adoptBlock), whose numbering is this object's. Each listed
   * slot then holds the delta's group when that is in use and of a key group in `range`, and
   * is free otherwise; the state is loaded column by column. Returns the entries loaded (entry
   * from[i] into slot to[i]). Grows to the delta's highest slot exactly (a restore pre-sizes
   * for its whole chain first: reserve). The free list is stale until endInPlace().
   */
  loadInPlace(d: SlotDelta, range: KeyGroupRange): { from: Int32Array; to: Int32Array; n: number } {
    const len = d.slots.length;
    let top = this.high;
    for (let i = 0; i < len; i++) if (d.slots[i]! >= top) top = d.slots[i]! + 1;
    if (top > this.capacity) this.growTo(top);
    const from = new Int32Array(len);
    const to = new Int32Array(len);
    let n = 0;
    const inUse = this.inUse;
    const keyGroup = this.keyGroup;
    const accs = this.accs;
    for (let i = 0; i < len; i++) {
      const s = d.slots[i]!;
      const kg = d.keyGroup[i]!;
      const was = inUse[s]!;
      if (d.inUse[i] === 1 && kg >= range.start && kg < range.end) {
        if (was !== 1) {
          inUse[s] = 1;
          this.live++;
          this.allocated++;
        }
        keyGroup[s] = kg;
        for (let j = 0; j < accs.length; j++) accs[j]!.reset(s);
        from[n] = i;
        to[n++] = s;
      } else if (was === 1) {
        inUse[s] = 0;
        this.live--;
      }
    }
    this.high = top;
    this.freeStale = true;
    this.loadSome(d, from, to, n);
    return { from, to, n };
  }

  /** After loadInPlace: the free list again (every slot below the high water not in use). */
  endInPlace(): void {
    if (!this.freeStale) return;
    this.freeStale = false;
    const free: number[] = [];
    for (let s = this.high - 1; s >= 0; s--) if (this.inUse[s] !== 1) free.push(s);
    this.free = free;
  }

  /** How many of a block's groups lie in `range` (a restore's pre-sizing). */
  static countIn(block: SlotBlock, range: KeyGroupRange): number {
    let n = 0;
    for (let s = 0; s < block.high; s++) if (block.inUse[s] === 1 && block.keyGroup[s]! >= range.start && block.keyGroup[s]! < range.end) n++;
    return n;
  }

  /**
   * New slots for the saved groups whose key group lies in `range`: from[i] is the saved
   * slot, to[i] the new one.
   */
  loadFrom(block: SlotBlock, range: KeyGroupRange): { from: Int32Array; to: Int32Array; n: number } {
    const n = AggregateSlots.countIn(block, range);
    const from = new Int32Array(n);
    const to = new Int32Array(n);
    this.reserve(n);
    let i = 0;
    for (let s = 0; s < block.high; s++) {
      if (block.inUse[s] !== 1) continue;
      const kg = block.keyGroup[s]!;
      if (kg < range.start || kg >= range.end) continue;
      from[i] = s;
      const slot = this.alloc();
      this.keyGroup[slot] = kg;
      to[i++] = slot;
    }
    this.keys.loadFrom(block.keys, from, to, n);
    this.accs.forEach((a, j) => a.loadFrom(block.accs[j], from, to, n));
    return { from, to, n };
  }
}
