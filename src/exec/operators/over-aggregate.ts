// OVER aggregation on event time (Flink's RowTime{Rows,Range}{Bounded,Unbounded}Preceding
// functions, as one operator).
//
// State, per partition key: the rows waiting for the watermark, by time (arrival order kept
// within a time); the rows of the current frame (bounded frames) or the last few rows LAG
// needs (unbounded frames), oldest first; one accumulator slot per aggregate call; FIRST_VALUE
// and LAST_VALUE of an unbounded frame; and the last time emitted. Rows are held in a RowStore.
//
// Watermark rule: a row waits until the watermark reaches its time; then the rows of each
// (partition, time) are processed in time order across all partitions, so the output is in
// rowtime order. The waiting rows of all partitions are one binary heap of row ids ordered by
// (time, partition, arrival), in typed arrays: no object per waiting row. ROWS frames process a time's rows one by one in
// arrival order (each row sees the peers before it); RANGE frames add all the rows of a time
// first and give them one result (peers see each other), as Flink does.
//
// Late rows: a row whose time is not after the last time its partition has emitted is dropped
// and counted (metrics.lateDropped), Flink's rule (per partition, not by the watermark).
//
// Retractions: none in its input (an updating input runs over-aggregate-updating.ts instead).
// Bounded frames retract the rows that leave the frame from retractable accumulators (MIN/MAX
// keep their multiset).
//
// Snapshot: per partition, in its key group: key values, last time, accumulator states,
// first/last values, the frame's rows and the waiting rows. No operator state. With
// incremental checkpoints ('state.backend.incremental'), the partitions a row was stored for
// or that fired (rows emitted, rows leaving the frame) are marked, and a snapshot is a delta
// holding only those partitions, in the same form; a restore applies the full state, then
// each delta in order: a listed partition replaces the one of its key (whose rows are freed).
// Partitions are never dropped, so a delta has no removals.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { ColumnBuilder, getScalar } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { Accumulator } from '../../expr/accumulators.js';
import { createAccumulator } from '../../expr/accumulators.js';
import type { AggCall, AggFunction, OverCall, OverFrame } from '../../plan/logical.js';
import { hashRow, keyGroupOf } from '../../state/key-groups.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import type { MapKey } from './group-keys.js';
import { GroupKeys } from './group-keys.js';
import type { ColumnBlock } from './row-store.js';
import { RowStore } from './row-store.js';
import { ChangedPartitions } from './delta-policy.js';
import { CowRecords } from '../../checkpoint/cow-records.js';

interface Partition {
  readonly keyValues: Scalar[];
  readonly keyGroup: number;
  /** Accumulator slot. */
  readonly slot: number;
  /** Row ids of the frame (or LAG's history), oldest first, from `head`. */
  window: number[];
  head: number;
  /** Last time emitted; a row at or before it is late. */
  lastTs: number;
  /** FIRST_VALUE / LAST_VALUE of an unbounded frame, by call (null until a non-null value). */
  readonly first: Scalar[];
  readonly last: Scalar[];
}

/**
 * The partitions of one key group in a snapshot, column by column (a handful of arrays per key
 * group however many partitions and rows: cheap to copy to the writer thread and to encode).
 * Partition i has windowCounts[i] frame rows and pendingCounts[i] waiting rows, consecutive in
 * `window` and `pending` (waiting rows in arrival order).
 */
interface KeyGroupState {
  readonly keys: Scalar[][];
  readonly lastTs: Float64Array;
  /** Per call: each partition's accumulator state (null for FIRST/LAST_VALUE and LAG). */
  readonly accs: (unknown[] | null)[];
  readonly first: Scalar[][];
  readonly last: Scalar[][];
  readonly windowCounts: Int32Array;
  readonly window: ColumnBlock[];
  readonly pendingCounts: Int32Array;
  readonly pending: ColumnBlock[];
  /** A delta of incremental checkpoints: its partitions replace those of their keys. */
  readonly delta?: 1;
}

/** A partition's state at the barrier, saved before its first change (a copy-on-write snapshot). */
interface PartitionRecord {
  readonly lastTs: number;
  readonly accs: unknown[];
  readonly first: Scalar[];
  readonly last: Scalar[];
  readonly window: ColumnBlock[];
  readonly pending: ColumnBlock[];
}

/** The waiting rows by partition slot, each in arrival order: slot s's are ids[start[s] .. start[s + 1]). */
interface WaitingIndex {
  readonly start: Int32Array;
  readonly ids: Int32Array;
}

/**
 * A copy-on-write full snapshot being written (checkpoint/cow-records.ts): the partitions of
 * each key group at the barrier (slots below `high`), the waiting rows then, and the records of
 * the partitions changed since, until their key group is encoded.
 */
interface Capture {
  readonly source: CowRecords<number>;
  readonly high: number;
  readonly groups: Partition[][];
  readonly waiting: WaitingIndex;
  /** Per slot: 1 once its record is saved or its key group encoded. */
  readonly saved: Uint8Array;
  readonly records: Map<number, PartitionRecord>;
}

const AGG_FUNCTIONS = new Set<string>(['count_star', 'count', 'sum', 'sum0', 'min', 'max', 'avg', 'listagg']);

export class OverAggregateOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): rows (RowStore), partition keys (GroupKeys) and the accumulators carry them exactly. */
  readonly wideInts = true;
  private readonly store: RowStore;
  private readonly keys: GroupKeys;
  private readonly partitions = new Map<MapKey, Partition>();
  private readonly accs: (Accumulator | null)[];
  private nextSlot = 0;
  private capacity = 0;
  private ctx!: OperatorContext;
  /** Timers: (time, partition), a binary min-heap on time. */
  private heap: Int32Array = new Int32Array(64);
  private heapSize = 0;
  /** Per stored row id: its partition's slot and its arrival number (the heap's tie-breakers). */
  private rowSlot: Int32Array = new Int32Array(64);
  private rowSeq: Float64Array = new Float64Array(64);
  private seq = 0;
  /** Partitions by slot. */
  private readonly bySlot: Partition[] = [];
  /** The rows of one (partition, time) being fired (reused). */
  private readonly group: number[] = [];
  private readonly bounded: boolean;
  /** Rows an unbounded frame keeps for LAG (0 without LAG). */
  private readonly history: number;
  private readonly keyColumns: readonly number[];
  private slotBuf = new Int32Array(64);
  private rowBuf = new Int32Array(64);
  private builders: ColumnBuilder[];
  private outRows = 0;
  /** One row id, for ROWS frames that take rows one at a time (no array per row). */
  private readonly single: number[] = [0];
  /** Incremental checkpoints: partitions changed since the last snapshot (null when off). */
  private readonly changes: ChangedPartitions<Partition> | null;
  private readonly dirty: Set<Partition> | null;
  /** A copy-on-write snapshot still being written (null: none). */
  private cow: Capture | null = null;

  constructor(
    private readonly inputTypes: readonly DataType[],
    partitionKeys: readonly number[],
    private readonly timeIndex: number,
    private readonly frame: OverFrame,
    private readonly calls: readonly OverCall[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    this.changes = fullEvery > 0 ? new ChangedPartitions(fullEvery) : null;
    this.dirty = this.changes?.changed ?? null;
    this.store = new RowStore(inputTypes);
    this.keyColumns = partitionKeys;
    this.keys = new GroupKeys(partitionKeys.map((k) => inputTypes[k]!), partitionKeys);
    this.bounded = frame.preceding !== undefined;
    this.accs = calls.map((c) => {
      if (!AGG_FUNCTIONS.has(c.fn)) return null;
      const call: AggCall = { fn: c.fn as AggFunction, args: c.args, distinct: false, filter: undefined, type: c.type, name: c.name, ...(c.separator !== undefined ? { separator: c.separator } : {}) };
      return createAccumulator(call, c.args.map((a) => inputTypes[a]!), this.bounded);
    });
    this.history = calls.reduce((m, c) => (c.fn === 'lag' ? Math.max(m, c.offset + 1) : m), 0);
    this.builders = outputTypes.map((t) => new ColumnBuilder(t, 256));
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Rows held (frames and waiting rows), for the memory guard. */
  stateEntries(): number {
    return this.store.size;
  }

  private newPartition(keyValues: Scalar[], keyGroup: number): Partition {
    const slot = this.nextSlot++;
    if (slot >= this.capacity) {
      this.capacity = Math.max(64, this.capacity * 2);
      for (const a of this.accs) a?.grow(this.capacity);
    }
    for (const a of this.accs) a?.reset(slot);
    const n = this.calls.length;
    const part: Partition = { keyValues, keyGroup, slot, window: [], head: 0, lastTs: -Infinity, first: new Array<Scalar>(n).fill(null), last: new Array<Scalar>(n).fill(null) };
    this.bySlot[slot] = part;
    return part;
  }

  processBatch(batch: Batch): void {
    const n = batch.length;
    const tcol = batch.columns[this.timeIndex]!;
    const tv = tcol.values as Float64Array;
    const tn = tcol.nulls;
    const keyAt = this.keys.keyFn(batch);
    const keyCols: Column[] = this.keyColumns.map((c) => batch.columns[c]!);
    let late = 0;
    let lastKey: MapKey | undefined;
    let part: Partition | undefined;
    let marked: Partition | undefined;
    const dirty = this.dirty;
    for (let i = 0; i < n; i++) {
      if (tn !== null && tn[i] === 1) continue;
      const t = tv[i]!;
      const key = keyAt(i);
      if (part === undefined || key !== lastKey) {
        part = this.partitions.get(key);
        if (part === undefined) {
          const kg = keyCols.length === 0 ? 0 : keyGroupOf(hashRow(keyCols, i), this.ctx.maxParallelism);
          part = this.newPartition(keyCols.map((c) => getScalar(c, i)), kg);
          this.partitions.set(key, part);
        }
        lastKey = key;
      }
      if (t <= part.lastTs) {
        late++;
        continue;
      }
      this.wait(this.store.add(batch, i), part.slot);
      if (dirty !== null && marked !== part) {
        dirty.add(part);
        marked = part;
      }
    }
    this.ctx.metrics.lateDropped += late;
  }

  processWatermark(wm: number, out: Collector): void {
    const tcol = this.timeIndex;
    const group = this.group;
    while (this.heapSize > 0 && this.store.num(tcol, this.heap[0]!) <= wm) {
      // one (partition, time): consecutive in the heap order
      const first = this.popRow();
      const t = this.store.num(tcol, first);
      const slot = this.rowSlot[first]!;
      group.length = 0;
      group.push(first);
      while (this.heapSize > 0 && this.rowSlot[this.heap[0]!] === slot && this.store.num(tcol, this.heap[0]!) === t) group.push(this.popRow());
      this.fire(this.bySlot[slot]!, t, group, out);
    }
    this.flush(out);
  }

  finish(out: Collector): void {
    this.processWatermark(Infinity, out);
  }

  // ---------------------------------------------------------------------------------------

  /** Processes the rows of one partition at time `t` (all waiting rows of that time). */
  private fire(part: Partition, t: number, rows: readonly number[], out: Collector): void {
    // (the only change to a partition's state at the barrier: rows added later wait apart)
    if (this.cow !== null) this.guard(this.cow, part);
    const pre = this.frame.preceding;
    if (this.frame.unit === 'range') {
      if (pre !== undefined) {
        // rows older than t - preceding leave the frame
        const limit = t - pre;
        let h = part.head;
        const w = part.window;
        while (h < w.length && this.store.num(this.timeIndex, w[h]!) < limit) h++;
        this.evict(part, h, true);
      }
      this.accumulate(part, rows);
      for (const id of rows) this.emitRow(part, id, out);
    } else {
      for (const id of rows) {
        if (pre !== undefined && part.window.length - part.head > pre) this.evict(part, part.window.length - pre, true);
        this.single[0] = id;
        this.accumulate(part, this.single);
        this.emitRow(part, id, out);
      }
    }
    if (pre === undefined) this.evict(part, Math.max(part.head, part.window.length - this.history), false);
    part.lastTs = t;
    if (this.dirty !== null) this.dirty.add(part);
  }

  /** Removes the frame's rows before index `to` (retracting them from the aggregates when `retract`). */
  private evict(part: Partition, to: number, retract: boolean): void {
    const w = part.window;
    const m = to - part.head;
    if (m <= 0) return;
    if (retract) {
      const { slots, rows } = this.buffers(m, part.slot);
      for (let j = 0; j < m; j++) rows[j] = w[part.head + j]!;
      for (const a of this.accs) a?.retract(slots, rows, m, this.store.columns);
    }
    for (let j = part.head; j < to; j++) this.store.release(w[j]!);
    part.head = to;
    if (part.head > 32 && part.head * 2 > w.length) {
      part.window = w.slice(part.head);
      part.head = 0;
    }
  }

  private accumulate(part: Partition, ids: readonly number[]): void {
    const m = ids.length;
    const { slots, rows } = this.buffers(m, part.slot);
    for (let j = 0; j < m; j++) rows[j] = ids[j]!;
    for (const a of this.accs) a?.add(slots, rows, m, this.store.columns);
    for (const id of ids) part.window.push(id);
    if (!this.bounded) {
      this.calls.forEach((c, k) => {
        if (c.fn !== 'first_value' && c.fn !== 'last_value') return;
        const col = c.args[0]!;
        for (const id of ids) {
          if (this.store.isNull(col, id)) continue;
          if (c.fn === 'last_value') part.last[k] = this.store.scalar(col, id);
          else if (part.first[k] === null) part.first[k] = this.store.scalar(col, id);
        }
      });
    }
  }

  private buffers(m: number, slot: number): { slots: Int32Array; rows: Int32Array } {
    if (this.slotBuf.length < m) {
      this.slotBuf = new Int32Array(m * 2);
      this.rowBuf = new Int32Array(m * 2);
    }
    this.slotBuf.fill(slot, 0, m);
    return { slots: this.slotBuf, rows: this.rowBuf };
  }

  private emitRow(part: Partition, id: number, out: Collector): void {
    const b = this.builders;
    const n = this.inputTypes.length;
    for (let k = 0; k < n; k++) b[k]!.pushFrom(this.store.columns[k]!, id);
    const w = part.window;
    for (let c = 0; c < this.calls.length; c++) {
      const call = this.calls[c]!;
      const builder = b[n + c]!;
      const acc = this.accs[c];
      if (acc !== null && acc !== undefined) {
        acc.result(part.slot, builder);
        continue;
      }
      const col = call.args[0]!;
      if (call.fn === 'lag') {
        const at = w.length - 1 - call.offset;
        builder.push(at >= part.head ? this.store.scalar(col, w[at]!) : call.default);
      } else if (!this.bounded) {
        builder.push(call.fn === 'first_value' ? part.first[c]! : part.last[c]!);
      } else if (call.fn === 'first_value') {
        let v: Scalar = null;
        for (let j = part.head; j < w.length && v === null; j++) if (!this.store.isNull(col, w[j]!)) v = this.store.scalar(col, w[j]!);
        builder.push(v);
      } else {
        let v: Scalar = null;
        for (let j = w.length - 1; j >= part.head && v === null; j--) if (!this.store.isNull(col, w[j]!)) v = this.store.scalar(col, w[j]!);
        builder.push(v);
      }
    }
    if (++this.outRows >= this.batchSize) this.flush(out);
  }

  private flush(out: Collector): void {
    if (this.outRows === 0) return;
    out.emit({ length: this.outRows, columns: this.builders.map((b) => b.finish()), ops: null });
    this.outRows = 0;
  }

  // timer heap ------------------------------------------------------------------------------

  /** (time, slot, arrival) order of two waiting rows. */
  private before(a: number, b: number): boolean {
    const ta = this.store.num(this.timeIndex, a);
    const tb = this.store.num(this.timeIndex, b);
    if (ta !== tb) return ta < tb;
    const sa = this.rowSlot[a]!;
    const sb = this.rowSlot[b]!;
    if (sa !== sb) return sa < sb;
    return this.rowSeq[a]! < this.rowSeq[b]!;
  }

  /** A stored row waits for the watermark. */
  private wait(id: number, slot: number): void {
    if (id >= this.rowSlot.length) {
      const cap = Math.max(id + 1, this.rowSlot.length * 2);
      const a = new Int32Array(cap);
      a.set(this.rowSlot);
      this.rowSlot = a;
      const b = new Float64Array(cap);
      b.set(this.rowSeq);
      this.rowSeq = b;
    }
    this.rowSlot[id] = slot;
    this.rowSeq[id] = this.seq++;
    if (this.heapSize === this.heap.length) {
      const h = new Int32Array(this.heap.length * 2);
      h.set(this.heap);
      this.heap = h;
    }
    const heap = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(id, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = id;
  }

  private popRow(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap[--this.heapSize]!;
    const n = this.heapSize;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(heap[r]!, heap[l]!) ? r : l;
      if (!this.before(heap[c]!, last)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
    return top;
  }

  // checkpoints -----------------------------------------------------------------------------

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    const delta = this.changes?.take(checkpointId, savepoint, this.partitions.size);
    if (delta !== undefined) return { keyed: this.keyGroupStates(delta.parts, 1), operator: null, deltaOf: delta.previous };
    // one copy-on-write snapshot at a time: while one is still being written, an ordinary copy
    if (this.ctx.cowSnapshots === true && this.cow === null) return this.cowSnapshot();
    return { keyed: this.keyGroupStates(this.partitions.values()), operator: null };
  }

  /** A full snapshot by reference (checkpoint/cow-records.ts): key groups encoded when the writer asks. */
  private cowSnapshot(): OperatorSnapshot {
    const byGroup = byKeyGroup(this.partitions.values());
    const groups = [...byGroup.values()];
    const high = this.nextSlot;
    const waiting = this.waitingIndex();
    const records = new Map<number, PartitionRecord>();
    const saved = new Uint8Array(high);
    const { keyed, capture } = CowRecords.perKeyGroup([...byGroup.keys()], (i) => {
      const list = groups[i]!;
      const state = this.stateOf(list, waiting, records);
      // encoded: its partitions need no record any more
      for (const p of list) {
        saved[p.slot] = 1;
        records.delete(p.slot);
      }
      groups[i] = [];
      return state;
    });
    if (capture === null) return { keyed, operator: null };
    const cow: Capture = { source: capture, high, groups, waiting, saved, records };
    this.cow = cow;
    capture.onDone = () => {
      if (this.cow === cow) this.cow = null;
    };
    return { keyed, operator: null, cow: capture };
  }

  /** Before the first change of a partition after a copy-on-write barrier: its record, saved. */
  private guard(cow: Capture, part: Partition): void {
    const slot = part.slot;
    if (slot >= cow.high || cow.saved[slot] === 1) return;
    cow.saved[slot] = 1;
    const s = this.stateOf([part], cow.waiting, null);
    cow.records.set(slot, {
      lastTs: part.lastTs,
      // (an accumulator's saved state may be its live value: copied)
      accs: s.accs.map((a) => (a === null ? null : structuredClone(a[0]))),
      first: part.first.slice(),
      last: part.last.slice(),
      window: s.window,
      pending: s.pending,
    });
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.changes?.complete(checkpointId);
  }

  /** The state of `parts` by key group (a delta's when `delta`). */
  private keyGroupStates(parts: Iterable<Partition>, delta?: 1): Map<number, unknown[]> {
    const waiting = this.waitingIndex();
    const keyed = new Map<number, unknown[]>();
    for (const [kg, list] of byKeyGroup(parts)) keyed.set(kg, [this.stateOf(list, waiting, null, delta)]);
    return keyed;
  }

  /** The waiting rows by partition, in arrival order (a counting sort by slot of the timer heap). */
  private waitingIndex(): WaitingIndex {
    const n = this.heapSize;
    const heap = this.heap;
    const rowSlot = this.rowSlot;
    const rowSeq = this.rowSeq;
    const start = new Int32Array(this.nextSlot + 1);
    for (let i = 0; i < n; i++) start[rowSlot[heap[i]!]! + 1]! += 1;
    for (let s = 0; s < this.nextSlot; s++) start[s + 1]! += start[s]!;
    const at = start.slice(0, this.nextSlot);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const id = heap[i]!;
      ids[at[rowSlot[id]!]!++] = id;
    }
    for (let s = 0; s < this.nextSlot; s++) {
      const from = start[s]!;
      const to = start[s + 1]!;
      if (to - from < 2) continue;
      if (to - from > 16) {
        ids.subarray(from, to).sort((a, b) => rowSeq[a]! - rowSeq[b]!);
        continue;
      }
      for (let i = from + 1; i < to; i++) {
        const id = ids[i]!;
        let j = i - 1;
        for (; j >= from && rowSeq[ids[j]!]! > rowSeq[id]!; j--) ids[j + 1] = ids[j]!;
        ids[j + 1] = id;
      }
    }
    return { start, ids };
  }

  /**
   * The state of the partitions `list` (of one key group): live, but a partition with a record
   * in `records` (a copy-on-write snapshot's, saved at its first change) as that record says.
   */
  private stateOf(list: readonly Partition[], waiting: WaitingIndex, records: Map<number, PartitionRecord> | null, delta?: 1): KeyGroupState {
    const windowParts: ColumnBlock[][] = [];
    const pendingParts: ColumnBlock[][] = [];
    let windowIds: number[] = [];
    let pendingIds: number[] = [];
    const windowCounts = new Int32Array(list.length);
    const pendingCounts = new Int32Array(list.length);
    const recs: (PartitionRecord | undefined)[] = records === null || records.size === 0 ? [] : list.map((p) => records.get(p.slot));
    list.forEach((p, i) => {
      const r = recs[i];
      if (r !== undefined) {
        // a run of live partitions' rows, then this record's
        windowParts.push(this.store.toBlocks(windowIds), r.window);
        pendingParts.push(this.store.toBlocks(pendingIds), r.pending);
        windowIds = [];
        pendingIds = [];
        windowCounts[i] = r.window[0]?.[1].length ?? 0;
        pendingCounts[i] = r.pending[0]?.[1].length ?? 0;
        return;
      }
      for (let j = p.head; j < p.window.length; j++) windowIds.push(p.window[j]!);
      windowCounts[i] = p.window.length - p.head;
      const from = waiting.start[p.slot]!;
      const to = waiting.start[p.slot + 1]!;
      for (let j = from; j < to; j++) pendingIds.push(waiting.ids[j]!);
      pendingCounts[i] = to - from;
    });
    windowParts.push(this.store.toBlocks(windowIds));
    pendingParts.push(this.store.toBlocks(pendingIds));
    return {
      keys: list.map((p) => p.keyValues),
      lastTs: Float64Array.from(list, (p, i) => recs[i]?.lastTs ?? p.lastTs),
      accs: this.accs.map((a, k) => (a === null ? null : list.map((p, i) => (recs[i] !== undefined ? recs[i].accs[k] : a.save(p.slot))))),
      first: list.map((p, i) => recs[i]?.first ?? p.first),
      last: list.map((p, i) => recs[i]?.last ?? p.last),
      windowCounts,
      window: concatBlocks(windowParts),
      pendingCounts,
      pending: concatBlocks(pendingParts),
      ...(delta === 1 ? { delta } : {}),
    };
  }

  restore(keyed: Map<number, unknown[]>): void {
    // waiting rows by partition slot: they join the timer heap once every delta is applied
    const pending = new Map<number, number[]>();
    for (const [kg, entries] of keyed) {
      for (const e of entries) {
        const s = e as KeyGroupState;
        const windowIds = this.store.fromBlocks(s.window);
        const pendingIds = this.store.fromBlocks(s.pending);
        let w = 0;
        let q = 0;
        s.keys.forEach((key, i) => {
          const mapKey = this.keys.mapKeyOf(key);
          let part = this.partitions.get(mapKey);
          if (part === undefined) {
            part = this.newPartition(key, kg);
            this.partitions.set(mapKey, part);
          } else {
            // a delta's partition replaces the chain's: its rows go
            for (let j = part.head; j < part.window.length; j++) this.store.release(part.window[j]!);
            for (const id of pending.get(part.slot) ?? []) this.store.release(id);
            part.window = [];
            part.head = 0;
          }
          part.lastTs = s.lastTs[i]!;
          s.accs.forEach((states, k) => {
            if (states !== null) this.accs[k]!.load(part.slot, states[i]);
          });
          s.first[i]!.forEach((v, k) => (part.first[k] = v));
          s.last[i]!.forEach((v, k) => (part.last[k] = v));
          for (let j = 0; j < s.windowCounts[i]!; j++) part.window.push(windowIds[w++]!);
          const waitingIds: number[] = [];
          for (let j = 0; j < s.pendingCounts[i]!; j++) waitingIds.push(pendingIds[q++]!);
          pending.set(part.slot, waitingIds);
        });
      }
    }
    for (const [slot, ids] of pending) for (const id of ids) this.wait(id, slot);
    this.dirty?.clear();
  }
}

/** Partitions grouped by their key group (a snapshot's entries), in the order given. */
export function byKeyGroup<P extends { readonly keyGroup: number }>(parts: Iterable<P>): Map<number, P[]> {
  const byGroup = new Map<number, P[]>();
  for (const p of parts) {
    let l = byGroup.get(p.keyGroup);
    if (l === undefined) byGroup.set(p.keyGroup, (l = []));
    l.push(p);
  }
  return byGroup;
}

/** Column blocks of rows one after the other, as one (the blocks themselves when only one). */
export function concatBlocks(parts: readonly ColumnBlock[][]): ColumnBlock[] {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  return first.map((b, c): ColumnBlock => {
    const n = parts.reduce((m, p) => m + p[c]![1].length, 0);
    const nulls = new Uint8Array(n);
    let at = 0;
    if (Array.isArray(b[0])) {
      const vals: string[] = [];
      for (const p of parts) {
        for (const v of p[c]![0] as string[]) vals.push(v);
        nulls.set(p[c]![1], at);
        at += p[c]![1].length;
      }
      return [vals, nulls];
    }
    const vals = new Float64Array(n);
    for (const p of parts) {
      vals.set(p[c]![0] as Float64Array, at);
      nulls.set(p[c]![1], at);
      at += p[c]![1].length;
    }
    return [vals, nulls];
  });
}
