// Updating aggregation: GROUP BY without a window (also SELECT DISTINCT and UNION).
//
// State: per group key, a slot with the accumulators, the number of input rows currently
// counted (accumulated minus retracted) and whether a row was emitted for the group.
//
// Output is a changelog, computed per batch: a new group emits +I; a group whose result
// changed emits -U (old) and +U (new); a group whose row count reaches zero emits -D and is
// deleted; an unchanged result emits nothing. Materialising the changelog always gives the
// aggregate of the input so far.
//
// Retractions: -U/-D input rows are subtracted (MIN/MAX then keep a multiset per group).
// Watermarks pass through (the output has no time attribute).
// Snapshot: one columnar block in slot order (each group's key group, keys, accumulators,
// row counts, emitted flags), with the subtask's key-group range and, for a numeric key, where
// each slot's key sits in the key index's table; a restore keeps the groups of its key-group
// range. A restore of the same range (same parallelism) takes the block over as it is: slot
// numbers unchanged and each key put back in its saved table cell, no hashing (restore time
// at scale); another range (a rescale), or an older checkpoint without the saved cells,
// rebuilds: new slots, every key hashed into the index.
//
// State TTL ('table.exec.state.ttl' or a STATE_TTL hint): a group no row has reached for that
// long (processing time) is dropped without any output, as in Flink; a later row for its key
// starts the group afresh (+I), and a retraction for a dropped group is ignored. Expiry is
// checked when a batch arrives, at most every min(1 s, TTL / 4); the time a group was last
// touched is not checkpointed: a restored group counts as touched at the restore.
//
// Incremental checkpoints ('state.backend.incremental'): the operator marks each slot a batch
// touches (or TTL drops) as dirty; a snapshot is then a delta of the dirty slots only (key
// group, in use or freed, key, accumulators, count, emitted), in the slot numbering of the
// previous snapshot, which a delta may only follow when that snapshot's checkpoint completed
// (otherwise, for savepoints, when the chain would reach `fullEvery` files, and when it would
// hold more superseded slots than live ones, the snapshot is full: deltaFits in
// delta-policy.ts). A restore reads a full block, then applies each delta in order: a slot of
// the delta replaces whatever group the chain had in that slot.

import type { Batch, Scalar } from '../../common/batch.js';
import { BatchBuilder, RowKind, isAccumulate } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { AggCall } from '../../plan/logical.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { ALL_KEY_GROUPS, AggregateSlots } from './aggregate-slots.js';
import type { SlotBlock, SlotDelta } from './aggregate-slots.js';
import { packPrimitiveArrays } from '../../checkpoint/packed-array.js';
import type { MapKey } from './group-keys.js';
import { ColumnKeyIndex, KeyIndex } from './key-index.js';
import type { SavedCells } from './key-index.js';
import { deltaFits, growSlotMap } from './delta-policy.js';
import { hashKey, keyGroupOf } from '../../state/key-groups.js';
import type { KeyGroupRange } from '../../state/key-groups.js';
import { grownLength } from '../../common/growth.js';
import { copyForSnapshot, grownCopy, takeBuffer } from '../../common/snapshot-buffers.js';
import type { Accumulator } from '../../expr/accumulators.js';
import type { MiniBatch } from '../../plan/mini-batch.js';
import { sliceBatch } from '../../common/batch.js';

export class GroupAggregateOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys (GroupKeys) and COUNT/SUM/AVG/MIN/MAX carry them; other aggregates refuse them (createAccumulator). */
  readonly wideInts = true;
  private readonly slots: AggregateSlots;
  /** Tracks each key's cell: a full snapshot saves them (restore without hashing). */
  private readonly groups = new KeyIndex(16, true);
  /** Keys of several columns (or one composite column): found by a column-wise hash instead. */
  private readonly colGroups: ColumnKeyIndex | null;
  private rowCount: Float64Array = new Float64Array(0);
  private emitted: Uint8Array = new Uint8Array(0);
  private stamp: Int32Array = new Int32Array(0);
  private epoch = 1;
  private ctx!: OperatorContext;
  private addS: Int32Array = new Int32Array(0);
  private addR: Int32Array = new Int32Array(0);
  private retS: Int32Array = new Int32Array(0);
  private retR: Int32Array = new Int32Array(0);
  /** Per batch: the touched slots, and the results each had before the batch (flat, reused). */
  private touched: Int32Array = new Int32Array(0);
  /** Per batch: each row's slot. */
  private rowSlot: Int32Array = new Int32Array(0);
  private hadOld: Uint8Array = new Uint8Array(0);
  private readonly oldVals: Scalar[] = [];
  /** Groups touched since the last emission (the open bundle: one batch without mini-batch). */
  private tc = 0;
  /** Mini-batch: input rows in the open bundle, and the processing-time mark it started after. */
  private bundleRows = 0;
  private bundleMark = 0;
  /** The output rows of a batch; reused, so its columns start at the size the last batch needed. */
  private readonly out: BatchBuilder;
  /** Processing time each slot was last touched (state TTL). */
  private lastTouch: Float64Array = new Float64Array(0);
  private lastExpiry = 0;
  /** Groups dropped by state TTL. */
  expired = 0;
  /** Groups the last restore took over as they were saved (adoptBlock), not rebuilt. */
  restoredAsIs = 0;
  /** Incremental checkpoints: slots changed since the last snapshot (flag, and the list). */
  private dirty: Uint8Array = new Uint8Array(0);
  private dirtyList: Int32Array = new Int32Array(0);
  private dirtyCount = 0;
  private lastSnapshot = -1;
  private lastSnapshotCompleted = false;
  private deltasSinceFull = 0;
  private deltaSlotsSinceFull = 0;
  private slotsAtFull = 0;

  /** Groups in state (the memory guard). */
  stateEntries(): number {
    return this.colGroups !== null ? this.colGroups.size : this.groups.size;
  }

  constructor(
    inputTypes: readonly DataType[],
    keys: readonly number[],
    aggs: readonly AggCall[],
    private readonly inputUpdating: boolean,
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    private readonly ttlMs = 0,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    private readonly fullEvery = 0,
    /** Flink's mini-batch (plan/mini-batch.ts): changes are held across input batches, one net change per group per bundle. */
    private readonly miniBatch?: MiniBatch,
  ) {
    this.slots = new AggregateSlots(inputTypes, keys, aggs, inputUpdating);
    this.out = new BatchBuilder(outputTypes);
    const k = this.slots.keys;
    this.colGroups = keys.length >= 2 || (keys.length === 1 && k.isComposite(0)) ? new ColumnKeyIndex(keys, k) : null;
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Per-slot arrays with an entry for `slot`: grown as the slots' arrays, or to exactly slot + 1. */
  private ensure(slot: number, exact = false): void {
    if (slot < this.rowCount.length) return;
    // as the slots' arrays (common/growth.ts)
    const cap = exact ? slot + 1 : grownLength(this.rowCount.length, slot + 1);
    const rc = new Float64Array(cap);
    rc.set(this.rowCount);
    grownCopy(this.rowCount, rc);
    this.rowCount = rc;
    const em = new Uint8Array(cap);
    em.set(this.emitted);
    grownCopy(this.emitted, em);
    this.emitted = em;
    const st = new Int32Array(cap);
    st.set(this.stamp);
    this.stamp = st;
    if (this.ttlMs > 0) {
      const lt = new Float64Array(cap);
      lt.set(this.lastTouch);
      this.lastTouch = lt;
    }
    if (this.fullEvery > 0) {
      const d = new Uint8Array(cap);
      d.set(this.dirty);
      this.dirty = d;
    }
  }

  private markDirty(slot: number): void {
    if (this.dirty[slot] === 1) return;
    this.dirty[slot] = 1;
    if (this.dirtyCount === this.dirtyList.length) {
      const l = new Int32Array(Math.max(1024, this.dirtyList.length * 2));
      l.set(this.dirtyList);
      this.dirtyList = l;
    }
    this.dirtyList[this.dirtyCount++] = slot;
  }

  private newSlot(key: MapKey, batch: Batch, row: number): number {
    const slot = this.slots.allocFor(batch, row, this.ctx.maxParallelism);
    this.initSlot(slot);
    this.groups.set(key, slot);
    return slot;
  }

  /** A new group for row `row` of the batch prepared in colGroups. */
  private newColumnSlot(batch: Batch, row: number): number {
    const cg = this.colGroups!;
    const slot = this.slots.allocInGroup(batch, row, keyGroupOf(cg.hashes[row]!, this.ctx.maxParallelism));
    this.initSlot(slot);
    cg.insert(row, slot);
    return slot;
  }

  private initSlot(slot: number): void {
    this.ensure(slot);
    this.rowCount[slot] = 0;
    this.emitted[slot] = 0;
    this.stamp[slot] = 0;
  }

  /** Drops a group's key and frees its slot. */
  private forget(slot: number): void {
    if (this.colGroups !== null) this.colGroups.remove(slot);
    else this.groups.delete(this.slots.keys.mapKeyAt(slot));
    this.slots.release(slot);
  }

  processBatch(batch: Batch, out: Collector): void {
    const mb = this.miniBatch;
    if (mb === undefined) {
      if (this.ttlMs > 0) this.expire(Date.now());
      this.accumulate(batch);
      this.flush(out);
      return;
    }
    // Mini-batch, as Flink's bundle operators: the bundle ends when processing time passes the
    // next multiple of the latency (Flink's ProcTimeMiniBatchAssigner marks each batch before its
    // first row) and when `size` input rows are in it (CountBundleTrigger: the row that reaches
    // it is the bundle's last, so a batch may be split).
    const now = Date.now();
    const mark = now - (now % mb.latencyMs);
    if (mark > this.bundleMark) {
      this.bundleMark = mark;
      this.flush(out);
    }
    if (this.ttlMs > 0) this.expire(now);
    let from = 0;
    const n = batch.length;
    while (from < n) {
      const take = Math.min(n - from, mb.size - this.bundleRows);
      this.accumulate(from === 0 && take === n ? batch : sliceBatch(batch, from, from + take));
      from += take;
      this.bundleRows += take;
      if (this.bundleRows >= mb.size) this.flush(out);
    }
  }

  /** Mini-batch: the bundle ends before a barrier (the snapshot holds no held change) and when the input goes idle. */
  prepareSnapshotPreBarrier(out: Collector): void {
    this.flush(out);
  }

  /** End of input: the last bundle. */
  finish(out: Collector): void {
    this.flush(out);
  }

  /** Folds a batch into the groups' state; the groups it touches first in the bundle note their results before it (firstTouch). */
  private accumulate(batch: Batch): void {
    const n = batch.length;
    if (this.addS.length < n) {
      this.addS = new Int32Array(n);
      this.addR = new Int32Array(n);
      this.retS = new Int32Array(n);
      this.retR = new Int32Array(n);
      this.rowSlot = new Int32Array(n);
    }
    if (this.touched.length < this.tc + n) {
      const cap = Math.max(n, grownLength(this.touched.length, this.tc + n));
      const t = new Int32Array(cap);
      t.set(this.touched.subarray(0, this.tc));
      this.touched = t;
      const h = new Uint8Array(cap);
      h.set(this.hadOld.subarray(0, this.tc));
      this.hadOld = h;
    }
    const cg = this.colGroups;
    if (cg !== null) cg.prepare(batch);
    const ops = batch.ops;
    // (value() through each accumulator's reader: a FILTER or shared DISTINCT call passes it on)
    const accs = this.slots.reads;
    // (the bundle's epoch: a new one after each flush)
    let tc = this.tc;
    const epoch = this.epoch;
    let a = 0;
    let r = 0;
    // first each row's slot (new groups made as met), then the bookkeeping per row
    const rowSlot = this.rowSlot;
    const single = cg === null && this.slots.keys.size === 1 ? batch.columns[this.slots.keys.columns[0]!]! : null;
    const addS = this.addS;
    const addR = this.addR;
    // all rows accumulate (an append-only input): the accumulators read rowSlot as it is
    let allAdd = false;
    if (ops === null && single !== null && single.nulls === null && single.values instanceof Float64Array) {
      // one numeric key column without NULLs over an append-only input (the common case): one
      // lean loop finds each row's slot (a row repeating the previous row's key skips the
      // probe), counts it and records the groups touched; no key function, no row lists
      const kv = single.values;
      const groups = this.groups;
      let lastKey = NaN;
      let lastSlot = -1;
      let stamp = this.stamp;
      let rowCount = this.rowCount;
      for (let i = 0; i < n; i++) {
        const key = kv[i]!;
        let slot: number;
        if (key === lastKey) slot = lastSlot;
        else {
          slot = groups.getNumber(key);
          if (slot < 0) {
            slot = this.newSlot(key, batch, i);
            // (the per-slot arrays may have grown)
            stamp = this.stamp;
            rowCount = this.rowCount;
          }
          lastKey = key;
          lastSlot = slot;
        }
        rowSlot[i] = slot;
        if (stamp[slot] !== epoch) {
          stamp[slot] = epoch;
          this.firstTouch(slot, tc++, accs);
        }
        rowCount[slot]!++;
      }
      allAdd = true;
    } else {
      if (single !== null && single.nulls === null && single.values instanceof Float64Array) {
        const kv = single.values;
        const groups = this.groups;
        for (let i = 0; i < n; i++) {
          const key = kv[i]!;
          const slot = groups.getNumber(key);
          rowSlot[i] = slot >= 0 ? slot : this.newSlot(key, batch, i);
        }
      } else {
        const keyAt = cg === null ? this.slots.keys.keyFn(batch) : null;
        for (let i = 0; i < n; i++) {
          let slot: number;
          if (cg !== null) {
            slot = cg.find(i);
            if (slot < 0) slot = this.newColumnSlot(batch, i);
          } else {
            const key = keyAt!(i);
            slot = this.groups.get(key);
            if (slot < 0) slot = this.newSlot(key, batch, i);
          }
          rowSlot[i] = slot;
        }
      }
      const stamp = this.stamp;
      const rowCount = this.rowCount;
      for (let i = 0; i < n; i++) {
        const slot = rowSlot[i]!;
        if (stamp[slot] !== epoch) {
          stamp[slot] = epoch;
          this.firstTouch(slot, tc++, accs);
        }
        if (ops === null || isAccumulate(ops[i]!)) {
          addS[a] = slot;
          addR[a++] = i;
          rowCount[slot]!++;
        } else {
          this.retS[r] = slot;
          this.retR[r++] = i;
          rowCount[slot]!--;
        }
      }
    }
    this.tc = tc;
    if (allAdd) {
      if (n > 0) this.slots.add(rowSlot, null, n, batch.columns);
    } else if (a > 0) this.slots.add(addS, addR, a, batch.columns);
    if (r > 0) this.slots.retract(this.retS, this.retR, r, batch.columns);
  }

  /**
   * Emits the bundle's changes, one per touched group: +I for a new group, -U (the results
   * noted at its first touch) and +U for a changed one, -D for one whose rows are all
   * retracted, nothing for an unchanged one; then a new bundle starts.
   */
  private flush(out: Collector): void {
    const tc = this.tc;
    this.bundleRows = 0;
    if (tc === 0) return;
    this.tc = 0;
    this.epoch++;
    const accs = this.slots.reads;
    const aggCount = accs.length;
    const touched = this.touched;
    const hadOld = this.hadOld;
    const oldVals = this.oldVals;
    if (this.ttlMs > 0) {
      const now = Date.now();
      for (let t = 0; t < tc; t++) this.lastTouch[touched[t]!] = now;
    }
    const b = this.out;
    if (this.fullEvery > 0) for (let t = 0; t < tc; t++) this.markDirty(touched[t]!);
    // A group adds at most two rows (-U, +U): flushing before a pair could pass batchSize keeps
    // output batches, and so the builder's columns, at batchSize rows (not doubled for one row).
    const flushAt = Math.max(1, this.batchSize - 1);
    for (let t = 0; t < tc; t++) {
      if (b.length >= flushAt) out.emit(b.finish());
      const slot = touched[t]!;
      const base = t * aggCount;
      if (this.rowCount[slot]! <= 0) {
        if (hadOld[t] === 1) this.emitOld(b, slot, base, RowKind.Delete);
        this.forget(slot);
      } else if (hadOld[t] === 0) {
        this.emitted[slot] = 1;
        this.emitNow(b, slot, RowKind.Insert);
      } else {
        let changed = false;
        for (let j = 0; j < aggCount; j++) {
          if (accs[j]!.value(slot) !== oldVals[base + j]) {
            changed = true;
            break;
          }
        }
        if (changed) {
          this.emitOld(b, slot, base, RowKind.UpdateBefore);
          this.emitNow(b, slot, RowKind.UpdateAfter);
        }
      }
    }
    if (b.length > 0) out.emit(b.finish());
  }

  /** Drops the groups not touched for the TTL (no output: Flink forgets them silently). */
  private expire(now: number): void {
    if (now - this.lastExpiry < Math.min(1000, this.ttlMs / 4)) return;
    this.lastExpiry = now;
    const limit = now - this.ttlMs;
    let dropped = 0;
    const inUse = this.slots.inUse;
    for (let slot = 0; slot < inUse.length; slot++) {
      // (a group of the open bundle is kept: its change is still to be emitted)
      if (inUse[slot] !== 1 || this.lastTouch[slot]! >= limit || (this.tc > 0 && this.stamp[slot] === this.epoch)) continue;
      this.forget(slot);
      if (this.fullEvery > 0) this.markDirty(slot);
      dropped++;
    }
    this.expired += dropped;
    this.ctx.metrics.stateExpired += dropped;
  }

  // keys and values go straight into the output columns (no per-row arrays)
  /**
   * A batch's first touch of `slot`, its `t`-th group: kept for a pending copy-on-write snapshot
   * (its state changes next), and its values before the batch noted (emitted before) for the
   * changelog. Once per group and batch, from both row loops of processBatch.
   */
  private firstTouch(slot: number, t: number, accs: readonly Accumulator[]): void {
    const cow = this.slots.cow;
    if (cow !== null) cow.guard(slot);
    this.touched[t] = slot;
    if (this.emitted[slot] === 1) {
      this.hadOld[t] = 1;
      const oldVals = this.oldVals;
      for (let j = 0, o = t * accs.length; j < accs.length; j++) oldVals[o + j] = accs[j]!.value(slot);
    } else this.hadOld[t] = 0;
  }

  private emitOld(b: BatchBuilder, slot: number, base: number, kind: RowKind): void {
    const cols = b.cols;
    const keyCount = this.slots.keys.size;
    this.slots.keys.write(slot, cols);
    const aggCount = this.slots.accs.length;
    for (let j = 0; j < aggCount; j++) cols[keyCount + j]!.push(this.oldVals[base + j]!);
    b.endRow(kind);
  }

  private emitNow(b: BatchBuilder, slot: number, kind: RowKind): void {
    this.slots.keys.write(slot, b.cols);
    this.slots.writeResults(slot, b.cols, this.slots.keys.size);
    b.endRow(kind);
  }

  /**
   * One columnar block in slot order: keys, accumulators, row counts, emitted flags; or, with
   * incremental checkpoints, a delta of the slots changed since the previous snapshot.
   */
  snapshot(checkpointId: number, savepoint = false): OperatorSnapshot {
    const n = this.dirtyCount;
    const delta =
      this.fullEvery > 0 &&
      !savepoint &&
      this.lastSnapshot >= 0 &&
      this.lastSnapshotCompleted &&
      this.deltasSinceFull + 1 < this.fullEvery &&
      deltaFits(this.slotsAtFull, this.deltaSlotsSinceFull, n, this.slots.highWater);
    const previous = this.lastSnapshot;
    this.lastSnapshot = checkpointId;
    this.lastSnapshotCompleted = false;
    if (!delta) {
      for (let i = 0; i < n; i++) this.dirty[this.dirtyList[i]!] = 0;
      this.dirtyCount = 0;
      this.deltasSinceFull = 0;
      this.deltaSlotsSinceFull = 0;
      this.slotsAtFull = this.slots.highWater;
      const save = (): GroupBlock => {
        // (with a state writer, cowSnapshots: every snapshot goes to it, so strings go packed)
        const block = this.slots.saveAll(false, this.ctx.cowSnapshots === true);
        const count = copyForSnapshot(this.rowCount, block.high);
        const emitted = copyForSnapshot(this.emitted, block.high);
        // the key index as it is (each slot's table cell) and the key groups it covers: a restore
        // of the same key groups takes it over instead of hashing every key again
        const index = this.colGroups === null ? this.groups.cells(block.high) : null;
        return { ...block, count, emitted, range: [this.ctx.keyGroups.start, this.ctx.keyGroups.end], ...(index !== null ? { index } : {}) };
      };
      // Copy-on-write (checkpoint/cow.ts): the slot-indexed columns are not copied now; the state
      // writer takes them block by block while this operator goes on, each slot it changes
      // meanwhile kept as it was first (guard). One such snapshot at a time: while one is still
      // being written (a checkpoint that failed or timed out), the next is an ordinary copy.
      const { entry, cow } = this.slots.fullSnapshot(save, this.ctx.cowSnapshots === true);
      return { keyed: new Map([[ALL_KEY_GROUPS, [entry]]]), operator: null, ...(cow !== null ? { cow } : {}) };
    }
    const list = copyForSnapshot(this.dirtyList, n);
    list.sort();
    const count = takeBuffer(Float64Array, n);
    const emitted = takeBuffer(Uint8Array, n);
    for (let i = 0; i < n; i++) {
      const slot = list[i]!;
      this.dirty[slot] = 0;
      count[i] = this.rowCount[slot]!;
      emitted[i] = this.emitted[slot]!;
    }
    this.dirtyCount = 0;
    this.deltasSinceFull++;
    this.deltaSlotsSinceFull += n;
    const saved = this.slots.saveSome(list, n);
    // (long string arrays packed for the state writer, as in a full snapshot: saveAll)
    const part = this.ctx.cowSnapshots === true ? (packPrimitiveArrays(saved) as typeof saved) : saved;
    const entry: GroupDelta = { delta: 1, slots: list, ...part, count, emitted };
    return { keyed: new Map([[ALL_KEY_GROUPS, [entry]]]), operator: null, deltaOf: previous };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    if (checkpointId === this.lastSnapshot) this.lastSnapshotCompleted = true;
  }

  restore(keyed: Map<number, unknown[]>): void {
    const range = this.ctx.keyGroups;
    // A full block taken by a subtask of these very key groups (same parallelism), with its
    // key index saved, is taken over as it is: slot numbers, and each key's table cell; the
    // deltas of its chain then apply in place, to the slots they name (same numbering). Every
    // other block is rebuilt (its groups of this subtask's key groups get new slots and are
    // hashed into the index). Everything is pre-sized for what the chains bring, full blocks
    // and deltas' new slots, so nothing grows slot by slot (restore stays linear).
    let adopt: GroupBlock | null = null;
    // the slots the adopted chain reaches; the groups every other chain brings (an estimate
    // for its deltas: their entries beyond the chain's slots so far)
    let adoptTop = 0;
    let total = 0;
    // per full block, the slots its chain reaches (the rebuild's slot map, sized once)
    const tops = new Map<GroupBlock, number>();
    for (const blocks of keyed.values()) {
      let inAdopt = false;
      let chainTop = 0;
      let head: GroupBlock | null = null;
      for (const b of blocks) {
        if ((b as Partial<GroupDelta>).delta === 1) {
          const d = b as GroupDelta;
          const top = topSlot(d.slots);
          if (inAdopt) adoptTop = Math.max(adoptTop, top);
          else total += newIn(d, range, chainTop);
          chainTop = Math.max(chainTop, top);
          if (head !== null) tops.set(head, chainTop);
          continue;
        }
        const block = b as GroupBlock;
        head = block;
        chainTop = block.high;
        tops.set(block, chainTop);
        inAdopt = adopt === null && this.adoptable(block);
        if (inAdopt) {
          adopt = block;
          adoptTop = block.high;
        } else total += AggregateSlots.countIn(block, range);
      }
    }
    if (adopt === null) this.presize(total);
    for (const blocks of keyed.values()) {
      // the chain's slot -> this operator's slot (-1: none), per full block and its deltas;
      // null while the chain's deltas apply in place (its full block was taken over)
      let map: Int32Array | null = new Int32Array(0);
      for (const b of blocks) {
        if ((b as Partial<GroupDelta>).delta === 1) {
          if (map === null) this.applyDeltaInPlace(b as GroupDelta);
          else map = this.applyDelta(b as GroupDelta, map);
          continue;
        }
        if (map === null) this.slots.endInPlace();
        const block = b as GroupBlock;
        if (block === adopt && this.slots.live === 0 && this.groups.size === 0) {
          this.adoptBlock(block);
          // room for every slot the chain reaches and the groups of the other chains
          this.presize(adoptTop - block.high + total);
          map = null;
          continue;
        }
        const { from, to, n } = this.slots.loadFrom(block, range);
        map = new Int32Array(Math.max(block.high, tops.get(block) ?? 0)).fill(-1);
        for (let i = 0; i < n; i++) {
          map[from[i]!] = to[i]!;
          this.restoreSlot(to[i]!, block.count[from[i]!]!, block.emitted[from[i]!]!);
        }
      }
      if (map === null) this.slots.endInPlace();
    }
  }

  /** Room for `n` more groups, at once: slots, the per-slot arrays, the key index. */
  private presize(n: number): void {
    if (n <= 0) return;
    this.slots.reserve(n);
    const cap = this.slots.highWater + n;
    if (this.colGroups === null) this.groups.reserve(n, cap);
    this.ensure(cap - 1, true);
  }

  /** Whether a full block can be taken over as it is (adoptBlock). */
  private adoptable(b: GroupBlock): boolean {
    const r = this.ctx.keyGroups;
    // (a block with its range but no index held no numeric key: an empty state's first checkpoint)
    return this.colGroups === null && b.range !== undefined && b.range[0] === r.start && b.range[1] === r.end && this.slots.keys.numericKeys() !== null;
  }

  /**
   * Takes over a full block of this subtask's key groups into the empty operator: the slots
   * keep their numbers, the key index its saved cells; keys without a cell (NULL, NaN, beyond
   * ±(2^53-1)) are set as usual. Its deltas then apply in place (applyDeltaInPlace).
   */
  private adoptBlock(b: GroupBlock): void {
    const used = this.slots.adoptBlock(b);
    this.restoredAsIs += used;
    const high = b.high;
    if (this.rowCount.length === 0 && high > 0 && b.count instanceof Float64Array && b.count.length === high && b.emitted instanceof Uint8Array && b.emitted.length === high) {
      // the decoded arrays become the operator's own (restore owns the block, adoptBlock)
      this.rowCount = b.count;
      this.emitted = b.emitted;
      this.stamp = new Int32Array(high);
      if (this.ttlMs > 0) this.lastTouch = new Float64Array(high);
      if (this.fullEvery > 0) this.dirty = new Uint8Array(high);
    } else {
      if (high > 0) this.ensure(high - 1);
      this.rowCount.set(b.count.subarray(0, high));
      this.emitted.set(b.emitted.subarray(0, high));
    }
    if (this.ttlMs > 0) this.lastTouch.fill(Date.now(), 0, high);
    const inUse = this.slots.inUse;
    const keys = this.slots.keys;
    const adopted = b.index !== undefined && this.groups.adoptCells(b.index, keys.numericKeys()!, inUse, high);
    // every group's key placed from its cell: done; otherwise the keys without one are set as usual
    if (adopted && this.groups.size === used) return;
    if (!adopted) this.groups.reserve(used);
    const cells = b.index?.cells;
    for (let s = 0; s < high; s++) if (inUse[s] === 1 && (!adopted || cells![s]! < 0)) this.groups.set(keys.mapKeyAt(s), s);
  }

  private restoreSlot(slot: number, count: number, emitted: number): void {
    this.ensure(slot);
    if (this.colGroups !== null) {
      this.colGroups.insertHash(hashKey(this.slots.keys.values(slot)), slot);
    } else {
      this.groups.set(this.slots.keys.mapKeyAt(slot), slot);
    }
    this.rowCount[slot] = count;
    this.emitted[slot] = emitted;
    this.stamp[slot] = 0;
    if (this.ttlMs > 0) this.lastTouch[slot] = Date.now();
  }

  /**
   * Applies a delta of the chain whose full block was taken over (adoptBlock), in place: each
   * listed slot gets the delta's group, or is freed. First every listed slot's old key leaves
   * the index (unless the same key stays in the slot: an updated group), then the state loads
   * column by column, then the new keys go into the index (numbers with no MapKey).
   */
  private applyDeltaInPlace(d: GroupDelta): void {
    const len = d.slots.length;
    if (len === 0) return;
    const range = this.ctx.keyGroups;
    const keys = this.slots.keys;
    let inUse = this.slots.inUse;
    // 1. the old keys of the listed slots leave the index, unless the slot keeps its key
    const rekey = new Uint8Array(len);
    const [dVals, dNulls] = (d.keys[0] ?? []) as [unknown, Uint8Array | undefined];
    const dNum = dVals instanceof Float64Array && dNulls instanceof Uint8Array ? dVals : null;
    let vals = keys.numericKeys();
    let nulls = keys.numericNulls();
    for (let i = 0; i < len; i++) {
      const s = d.slots[i]!;
      const kg = d.keyGroup[i]!;
      const live = d.inUse[i] === 1 && kg >= range.start && kg < range.end;
      if (s < inUse.length && inUse[s] === 1) {
        if (live && dNum !== null && vals !== null && nulls![s] === 0 && dNulls![i] === 0) {
          const v = vals[s]!;
          // (a NaN here may be a BIGINT beyond ±2^53: the general path)
          if (v === v && v === dNum[i]) continue;
        }
        const key = keys.mapKeyAt(s);
        if (this.groups.get(key) === s) this.groups.delete(key);
      }
      if (live) rekey[i] = 1;
    }
    // 2. the slots' state, column by column
    const { from, to, n } = this.slots.loadInPlace(d, range);
    inUse = this.slots.inUse;
    vals = keys.numericKeys();
    nulls = keys.numericNulls();
    this.ensure(this.slots.highWater - 1);
    // 3. the new keys into the index (numbers in bulk, in table order); row counts, emitted flags
    const now = this.ttlMs > 0 ? Date.now() : 0;
    const bulk = new Int32Array(n);
    let m = 0;
    for (let j = 0; j < n; j++) {
      const i = from[j]!;
      const s = to[j]!;
      if (rekey[i] === 1) {
        const v = vals !== null && nulls![s] === 0 ? vals[s]! : NaN;
        if (v === v) bulk[m++] = s;
        else this.groups.set(keys.mapKeyAt(s), s);
      }
      this.rowCount[s] = d.count[i]!;
      this.emitted[s] = d.emitted[i]!;
      this.stamp[s] = 0;
      if (this.ttlMs > 0) this.lastTouch[s] = now;
    }
    if (m > 0) this.groups.setNumbers(vals!, bulk, m);
  }

  /** Applies a delta to the groups restored from its chain: each listed slot is replaced. */
  private applyDelta(d: GroupDelta, map: Int32Array): Int32Array {
    const n = d.slots.length;
    map = growSlotMap(map, d.slots);
    for (let i = 0; i < n; i++) {
      const s = d.slots[i]!;
      const cur = map[s]!;
      if (cur >= 0) {
        // the key may already have moved to a slot of this delta: only its own entry goes
        if (this.colGroups !== null) this.colGroups.remove(cur);
        else {
          const key = this.slots.keys.mapKeyAt(cur);
          if (this.groups.get(key) === cur) this.groups.delete(key);
        }
        this.slots.release(cur);
        map[s] = -1;
      }
    }
    const { from, to, n: k } = this.slots.loadDelta(d, this.ctx.keyGroups, map);
    for (let i = 0; i < k; i++) this.restoreSlot(to[i]!, d.count[from[i]!]!, d.emitted[from[i]!]!);
    return map;
  }
}

/** One past the highest slot a delta lists (0 for none). */
function topSlot(slots: Int32Array): number {
  let top = 0;
  for (let i = 0; i < slots.length; i++) if (slots[i]! >= top) top = slots[i]! + 1;
  return top;
}

/** The groups a delta adds to its chain (a restore's pre-sizing): in use, of `range`'s key groups, in a slot at or beyond `chainTop`. */
function newIn(d: GroupDelta, range: KeyGroupRange, chainTop: number): number {
  let n = 0;
  for (let i = 0; i < d.slots.length; i++) {
    const kg = d.keyGroup[i]!;
    if (d.inUse[i] === 1 && d.slots[i]! >= chainTop && kg >= range.start && kg < range.end) n++;
  }
  return n;
}

/** A full snapshot's block: the slots, each one's row count and emitted flag, and since the
 * saved key index, the key-group range of the subtask that took it and its index's cells. */
interface GroupBlock extends SlotBlock {
  readonly count: Float64Array;
  readonly emitted: Uint8Array;
  /** [start, end) of the key groups of the subtask that took it (absent in older checkpoints). */
  readonly range?: readonly [number, number];
  /** Its key index (absent in older checkpoints, and with no numeric key). */
  readonly index?: SavedCells;
}

/** A delta of incremental checkpoints: the changed slots, in the numbering of the chain. */
interface GroupDelta extends SlotDelta {
  readonly count: Float64Array;
  readonly emitted: Uint8Array;
}

// (the rule lives in delta-policy.ts, shared with the other operators)
export { deltaFits };
