// OVER aggregation over an updating input (a changelog of +I/-U/+U/-D): beyond Flink, whose
// OVER operator does not take retractions (FLINK-19059). Nexmark q6 needs it: an OVER window
// over the winning bids, a Top-1 per auction that changes as higher bids arrive.
//
// Semantics: the input is a table that changes. Each live input row's OVER values are what a
// batch query over the current table gives: its partition ordered by the ORDER BY column
// (ascending), rows of equal value in the order they arrived (an updated row arrives anew, so
// it goes after its peers), the frame counted from there. The output is an updating
// changelog that always folds to that batch result: when a row is inserted or retracted,
// every output row whose frame holds it is retracted (-U) and emitted again (+U) with its new
// values, unless they did not change; the inserted row itself is emitted as the input's kind
// (+I or +U), the retracted one retracted as the input's kind (-U or -D) with its last values.
// Nothing waits for a watermark and nothing is late: the order column need not be a time
// attribute (after a regular join or a Top-N it is not), and a row may arrive anywhere in it.
// A row whose order value is NULL is dropped, as by the append-only OVER operator.
//
// Which rows a change touches, for a row at position p with order value t:
//   ROWS n PRECEDING       positions p .. p+n        ROWS UNBOUNDED    p .. end
//   RANGE d PRECEDING      values in [t, t+d]        RANGE UNBOUNDED   values >= t
// (RANGE frames include every peer of t, before or after p.)
//
// Exactness: a row's values are always computed the same way from its frame (accumulators
// filled from the frame's first row, in order; unbounded frames from the partition's first
// row), so the values retracted are bit for bit the values emitted earlier, also for DOUBLE
// sums, and also after a restore. Cost per change: bounded frames, the touched rows times the
// frame size; unbounded frames, the partition's size (every later row changes anyway).
//
// State, per partition key: the live rows in order (a sorted array of row ids into a RowStore).
// A retraction removes the first live row equal to it in every column. An empty partition is
// dropped. Snapshot: per key group, each partition's key values and its rows in order (one
// block per column); the order among peers is the order of the rows in the block. With
// incremental checkpoints ('state.backend.incremental'), the partitions a row was inserted
// into or retracted from are marked, and a snapshot is a delta of those partitions in the same
// form (a dropped partition with no rows, written before the live ones, so a key dropped and
// made again ends live); a restore applies the full state, then each delta in order: a listed
// partition replaces the one of its key, and one without rows removes it.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import { BatchBuilder, RowKind, getScalar, isAccumulate } from '../../common/batch.js';
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
import { byKeyGroup, concatBlocks } from './over-aggregate.js';
import { CowRecords } from '../../checkpoint/cow-records.js';

interface Partition {
  readonly keyValues: Scalar[];
  readonly keyGroup: number;
  /** Live row ids, by order value, peers in arrival order. */
  readonly rows: number[];
  /** The copy-on-write snapshot it was last guarded for or made during (Capture.epoch): older, it is in a pending one. */
  epoch: number;
}

/**
 * A copy-on-write full snapshot being written (checkpoint/cow-records.ts): the partitions of
 * each key group at the barrier (those with an older epoch), and the rows at the barrier of
 * the partitions changed since, saved before their first change until their key group is
 * encoded.
 */
interface Capture {
  readonly source: CowRecords<number>;
  readonly epoch: number;
  readonly groups: Partition[][];
  /** By key group: 1 once encoded. */
  readonly encoded: Uint8Array;
  readonly records: Map<Partition, ColumnBlock[]>;
}

/** The partitions of one key group in a snapshot: partition i has counts[i] consecutive rows. */
interface KeyGroupState {
  readonly keys: Scalar[][];
  readonly counts: Int32Array;
  readonly rows: ColumnBlock[];
  /** A delta of incremental checkpoints: its partitions replace those of their keys (0 rows: removed). */
  readonly delta?: 1;
}

/**
 * A row's change within one input batch: its values before the batch (null: inserted by the
 * batch) and now (null: retracted by the batch), the kind it was inserted with (+I or +U, the
 * input's) and the kind it was retracted with (-U or -D). A batch that touches a row several
 * times (a Top-N's -U/+U of one winning bid shifts the same frames twice) writes it once.
 */
interface PendingRow {
  readonly before: Scalar[] | null;
  after: Scalar[] | null;
  readonly kind: RowKind;
  retractKind: RowKind;
  /** False once retracted by the batch. */
  live: boolean;
  /** Bounded frames: the row's partition; its values after the batch are computed at the end (once). */
  readonly part: Partition | null;
}

const AGG_FUNCTIONS = new Set<string>(['count_star', 'count', 'sum', 'sum0', 'min', 'max', 'avg', 'listagg']);

export class UpdatingOverAggregateOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): rows (RowStore), partition keys (GroupKeys) and the accumulators carry them exactly. */
  readonly wideInts = true;
  private readonly store: RowStore;
  private readonly keys: GroupKeys;
  private readonly partitions = new Map<MapKey, Partition>();
  /** One accumulator per aggregate call (null for FIRST_VALUE, LAST_VALUE, LAG), slot 0 only. */
  private readonly accs: (Accumulator | null)[];
  private readonly keyColumns: readonly number[];
  /** Incremental checkpoints: partitions changed since the last snapshot (null when off). */
  private readonly changes: ChangedPartitions<Partition> | null;
  private readonly dirty: Set<Partition> | null;
  private ctx!: OperatorContext;
  private readonly out: BatchBuilder;
  /** Values of the touched rows before and after a change: (row - lo) * calls + call. */
  private before: Scalar[] = [];
  private after: Scalar[] = [];
  private rowBuf = new Int32Array(64);
  /** The batch's changes by row id, written once at its end (emitPending). */
  private readonly pending = new Map<number, PendingRow>();
  /** Rows retracted by the batch: their ids are released after emitPending. */
  private readonly released: number[] = [];
  private slotBuf = new Int32Array(64);
  /** Retractions that matched no live row (a changelog the operator cannot fold). */
  unmatched = 0;
  /** A copy-on-write snapshot still being written (null: none), and the last one's epoch. */
  private cow: Capture | null = null;
  private epoch = 0;

  constructor(
    private readonly inputTypes: readonly DataType[],
    partitionKeys: readonly number[],
    private readonly timeIndex: number,
    private readonly frame: OverFrame,
    private readonly calls: readonly OverCall[],
    outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    this.changes = fullEvery > 0 ? new ChangedPartitions(fullEvery) : null;
    this.dirty = this.changes?.changed ?? null;
    this.store = new RowStore(inputTypes);
    this.keyColumns = partitionKeys;
    this.keys = new GroupKeys(partitionKeys.map((k) => inputTypes[k]!), partitionKeys);
    this.accs = calls.map((c) => {
      if (!AGG_FUNCTIONS.has(c.fn)) return null;
      const call: AggCall = { fn: c.fn as AggFunction, args: c.args, distinct: false, filter: undefined, type: c.type, name: c.name, ...(c.separator !== undefined ? { separator: c.separator } : {}) };
      const a = createAccumulator(call, c.args.map((i) => inputTypes[i]!), false);
      a.grow(1);
      return a;
    });
    this.out = new BatchBuilder(outputTypes);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Live rows held, for the memory guard. */
  stateEntries(): number {
    return this.store.size;
  }

  processBatch(batch: Batch, out: Collector): void {
    const n = batch.length;
    const tcol = batch.columns[this.timeIndex]!;
    const tv = tcol.values as Float64Array;
    const tn = tcol.nulls;
    const keyAt = this.keys.keyFn(batch);
    const keyCols: Column[] = this.keyColumns.map((c) => batch.columns[c]!);
    const ops = batch.ops;
    const cow = this.cow;
    for (let i = 0; i < n; i++) {
      if (tn !== null && tn[i] === 1) continue;
      const t = tv[i]!;
      const key = keyAt(i);
      const kind: RowKind = ops === null ? RowKind.Insert : (ops[i]! as RowKind);
      let part = this.partitions.get(key);
      if (isAccumulate(kind)) {
        if (part === undefined) {
          const kg = keyCols.length === 0 ? 0 : keyGroupOf(hashRow(keyCols, i), this.ctx.maxParallelism);
          part = { keyValues: keyCols.map((c) => getScalar(c, i)), keyGroup: kg, rows: [], epoch: this.epoch };
          this.partitions.set(key, part);
        }
        if (cow !== null) this.guard(cow, part);
        this.insert(part, batch, i, t, kind);
        if (this.dirty !== null) this.dirty.add(part);
      } else {
        if (cow !== null && part !== undefined) this.guard(cow, part);
        if (part === undefined || !this.retract(part, batch, i, t, kind)) {
          this.unmatched++;
          continue;
        }
        if (this.dirty !== null) this.dirty.add(part);
        if (part.rows.length === 0) this.partitions.delete(key);
      }
    }
    this.emitPending(out);
    this.flush(out);
  }

  // ---------------------------------------------------------------------------------------

  private insert(part: Partition, batch: Batch, i: number, t: number, kind: RowKind): void {
    const rows = part.rows;
    const p = this.upperBound(rows, t); // after every peer: the newest arrival
    const lo = this.frame.unit === 'range' ? this.lowerBound(rows, t) : p;
    // the last touched position, in the order after the insert
    const hi = this.lastTouched(rows, p, t, rows.length + 1);
    const calls = this.calls.length;
    if (this.frame.preceding !== undefined) {
      // bounded frames: the touched rows' values before the batch, once; after it, at its end
      for (let j = lo; j < hi; j++) this.touch(part, j);
      const id = this.store.add(batch, i);
      rows.splice(p, 0, id);
      this.pending.set(id, { before: null, after: null, kind, retractKind: RowKind.UpdateBefore, live: true, part });
      return;
    }
    // before: the touched rows that exist, positions lo .. hi-1 of the current order
    this.evaluate(rows, lo, hi - 1, this.before);
    const id = this.store.add(batch, i);
    rows.splice(p, 0, id);
    this.evaluate(rows, lo, hi, this.after);
    for (let j = lo; j <= hi; j++) {
      const a = (j - lo) * calls;
      if (j === p) {
        this.pending.set(rows[j]!, { before: null, after: this.after.slice(a, a + calls), kind, retractKind: RowKind.UpdateBefore, live: true, part: null });
        continue;
      }
      const b = (j < p ? j - lo : j - 1 - lo) * calls;
      if (this.same(this.before, b, this.after, a)) continue;
      this.noteChange(rows[j]!, b, a);
    }
  }

  /** Row `id`'s values change from this.before[b..] to this.after[a..] (see PendingRow). */
  private noteChange(id: number, b: number, a: number): void {
    const calls = this.calls.length;
    const e = this.pending.get(id);
    if (e === undefined) this.pending.set(id, { before: this.before.slice(b, b + calls), after: this.after.slice(a, a + calls), kind: RowKind.UpdateAfter, retractKind: RowKind.UpdateBefore, live: true, part: null });
    else e.after = this.after.slice(a, a + calls);
  }

  /**
   * Bounded frames: the row at position j of `part` is touched by a change; the first touch in
   * a batch records its values (the ones emitted for it before the batch: a row's frame only
   * changes by a change that touches it).
   */
  private touch(part: Partition, j: number): void {
    const id = part.rows[j]!;
    if (this.pending.has(id)) return;
    const calls = this.calls.length;
    this.evaluate(part.rows, j, j, this.before);
    this.pending.set(id, { before: this.before.slice(0, calls), after: null, kind: RowKind.UpdateAfter, retractKind: RowKind.UpdateBefore, live: true, part });
  }

  /** Bounded frames: the values of live row `id` of `part` now. */
  private valuesNow(part: Partition, id: number): Scalar[] {
    const rows = part.rows;
    const t = this.store.num(this.timeIndex, id);
    let j = this.lowerBound(rows, t);
    while (rows[j] !== id) j++;
    this.evaluate(rows, j, j, this.after);
    return this.after.slice(0, this.calls.length);
  }

  /**
   * Writes the batch's net changes: first every retraction (a row's values before the batch,
   * when it was retracted or its values changed), then every row's values after it; a row
   * inserted and retracted within the batch, or whose values came back to where they were,
   * writes nothing.
   */
  private emitPending(out: Collector): void {
    if (this.pending.size === 0) return;
    for (const [id, e] of this.pending) {
      if (!e.live) e.after = null;
      else if (e.part !== null) e.after = this.valuesNow(e.part, id);
    }
    for (const [id, e] of this.pending) {
      if (e.before !== null && (e.after === null || !this.same(e.before, 0, e.after, 0))) this.emit(id, e.before, 0, e.after === null ? e.retractKind : RowKind.UpdateBefore, out);
    }
    for (const [id, e] of this.pending) {
      if (e.after !== null && (e.before === null || !this.same(e.before, 0, e.after, 0))) this.emit(id, e.after, 0, e.before === null ? e.kind : RowKind.UpdateAfter, out);
    }
    this.pending.clear();
    for (const id of this.released) this.store.release(id);
    this.released.length = 0;
  }

  /** False when no live row equals the retracted one. */
  private retract(part: Partition, batch: Batch, i: number, t: number, kind: RowKind): boolean {
    const rows = part.rows;
    const from = this.lowerBound(rows, t);
    const to = this.upperBound(rows, t);
    let p = -1;
    for (let j = from; j < to; j++) {
      if (this.store.equalsBatchRow(rows[j]!, batch, i)) {
        p = j;
        break;
      }
    }
    if (p < 0) return false;
    const lo = this.frame.unit === 'range' ? from : p;
    const hi = this.lastTouched(rows, p, t, rows.length);
    const calls = this.calls.length;
    if (this.frame.preceding !== undefined) {
      for (let j = lo; j <= hi; j++) this.touch(part, j);
      const id = rows[p]!;
      const e = this.pending.get(id)!;
      e.live = false;
      e.retractKind = kind;
      rows.splice(p, 1);
      this.released.push(id);
      return true;
    }
    this.evaluate(rows, lo, hi, this.before);
    const id = rows[p]!;
    // the retracted row goes out with the values it was emitted with
    const r = (p - lo) * calls;
    const e = this.pending.get(id);
    if (e === undefined) this.pending.set(id, { before: this.before.slice(r, r + calls), after: null, kind: RowKind.Insert, retractKind: kind, live: false, part: null });
    else {
      e.live = false;
      e.retractKind = kind;
    }
    rows.splice(p, 1);
    this.evaluate(rows, lo, hi - 1, this.after);
    for (let j = lo; j < hi; j++) {
      const a = (j - lo) * calls;
      const b = (j < p ? j - lo : j + 1 - lo) * calls;
      if (this.same(this.before, b, this.after, a)) continue;
      this.noteChange(rows[j]!, b, a);
    }
    // (released after the batch's changes are written: emitPending still reads the row)
    this.released.push(id);
    return true;
  }

  /**
   * The last position whose frame holds the changed row at position p (value t), in an order
   * of `len` rows that includes it. RANGE positions are found in `rows`, which may lack the
   * changed row; that shifts nothing at or before p and one position after it.
   */
  private lastTouched(rows: readonly number[], p: number, t: number, len: number): number {
    const pre = this.frame.preceding;
    if (pre === undefined) return len - 1;
    if (this.frame.unit === 'rows') return Math.min(p + pre, len - 1);
    // the last row with value <= t + pre; rows has len or len - 1 rows (insert: not yet in it)
    const end = this.upperBound(rows, t + pre) - 1;
    return len === rows.length ? end : end + 1;
  }

  /** First position whose value is >= t. */
  private lowerBound(rows: readonly number[], t: number): number {
    let lo = 0;
    let hi = rows.length;
    const c = this.timeIndex;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.store.num(c, rows[m]!) < t) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** First position whose value is > t. */
  private upperBound(rows: readonly number[], t: number): number {
    let lo = 0;
    let hi = rows.length;
    const c = this.timeIndex;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.store.num(c, rows[m]!) <= t) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** The frame of position j: [start, end]. */
  private frameStart(rows: readonly number[], j: number): number {
    const pre = this.frame.preceding;
    if (pre === undefined) return 0;
    if (this.frame.unit === 'rows') return Math.max(0, j - pre);
    return this.lowerBound(rows, this.store.num(this.timeIndex, rows[j]!) - pre);
  }

  private frameEnd(rows: readonly number[], j: number): number {
    if (this.frame.unit === 'rows') return j;
    return this.upperBound(rows, this.store.num(this.timeIndex, rows[j]!)) - 1;
  }

  /**
   * The OVER values of positions lo..hi into `into` ((j - lo) * calls + c). Every value is
   * computed from its frame's first row on (unbounded: from the partition's first row), so the
   * same frame always gives the same bits.
   */
  private evaluate(rows: readonly number[], lo: number, hi: number, into: Scalar[]): void {
    if (hi < lo) return;
    const calls = this.calls.length;
    const need = (hi - lo + 1) * calls;
    if (into.length < need) into.length = need;
    const unbounded = this.frame.preceding === undefined;
    let added = 0; // unbounded: rows [0, added) are in the accumulators
    if (unbounded) this.resetAccs();
    for (let j = lo; j <= hi; j++) {
      const end = this.frameEnd(rows, j);
      const start = this.frameStart(rows, j);
      if (unbounded) {
        this.addRows(rows, added, end + 1);
        added = end + 1;
      } else {
        this.resetAccs();
        this.addRows(rows, start, end + 1);
      }
      const base = (j - lo) * calls;
      for (let c = 0; c < calls; c++) into[base + c] = this.valueOf(c, rows, j, start, end);
    }
  }

  private resetAccs(): void {
    for (const a of this.accs) a?.reset(0);
  }

  /** Adds rows[from..to) to the accumulators, in order. */
  private addRows(rows: readonly number[], from: number, to: number): void {
    const m = to - from;
    if (m <= 0) return;
    if (this.rowBuf.length < m) {
      this.rowBuf = new Int32Array(m * 2);
      this.slotBuf = new Int32Array(m * 2);
    }
    for (let k = 0; k < m; k++) this.rowBuf[k] = rows[from + k]!;
    for (const a of this.accs) a?.add(this.slotBuf, this.rowBuf, m, this.store.columns);
  }

  private valueOf(c: number, rows: readonly number[], j: number, start: number, end: number): Scalar {
    const acc = this.accs[c];
    if (acc !== null && acc !== undefined) return acc.value(0);
    const call = this.calls[c]!;
    const col = call.args[0]!;
    switch (call.fn) {
      case 'lag': {
        const at = j - call.offset;
        return at >= 0 ? this.store.scalar(col, rows[at]!) : call.default;
      }
      case 'first_value':
        for (let k = start; k <= end; k++) if (!this.store.isNull(col, rows[k]!)) return this.store.scalar(col, rows[k]!);
        return null;
      default:
        for (let k = end; k >= start; k--) if (!this.store.isNull(col, rows[k]!)) return this.store.scalar(col, rows[k]!);
        return null;
    }
  }

  private same(x: readonly Scalar[], xi: number, y: readonly Scalar[], yi: number): boolean {
    for (let c = 0; c < this.calls.length; c++) {
      const a = x[xi + c];
      const b = y[yi + c];
      if (a !== b && !(typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b))) return false;
    }
    return true;
  }

  private emit(id: number, values: readonly Scalar[], at: number, kind: RowKind, out: Collector): void {
    const cols = this.out.cols;
    const n = this.inputTypes.length;
    for (let k = 0; k < n; k++) cols[k]!.pushFrom(this.store.columns[k]!, id);
    for (let c = 0; c < this.calls.length; c++) cols[n + c]!.push(values[at + c] ?? null);
    this.out.endRow(kind);
    if (this.out.length >= this.batchSize) this.flush(out);
  }

  private flush(out: Collector): void {
    if (this.out.length === 0) return;
    out.emit(this.out.finish());
  }

  // checkpoints -----------------------------------------------------------------------------

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    const delta = this.changes?.take(checkpointId, savepoint, this.partitions.size);
    if (delta !== undefined) {
      // dropped partitions (no rows) first: a key dropped and made again ends live
      const parts = delta.parts.sort((a, b) => Math.min(1, a.rows.length) - Math.min(1, b.rows.length));
      return { keyed: this.keyGroupStates(parts, 1), operator: null, deltaOf: delta.previous };
    }
    // one copy-on-write snapshot at a time: while one is still being written, an ordinary copy
    if (this.ctx.cowSnapshots === true && this.cow === null) return this.cowSnapshot();
    return { keyed: this.keyGroupStates(this.partitions.values()), operator: null };
  }

  /** A full snapshot by reference (checkpoint/cow-records.ts): key groups encoded when the writer asks. */
  private cowSnapshot(): OperatorSnapshot {
    const byGroup = byKeyGroup(this.partitions.values());
    const groups = [...byGroup.values()];
    const kgs = [...byGroup.keys()];
    const epoch = ++this.epoch;
    const records = new Map<Partition, ColumnBlock[]>();
    const encoded = new Uint8Array(this.ctx.maxParallelism);
    const { keyed, capture } = CowRecords.perKeyGroup(kgs, (i) => {
      const list = groups[i]!;
      const state = this.stateOf(list, records);
      // encoded: its partitions need no record any more
      encoded[kgs[i]!] = 1;
      for (const p of list) records.delete(p);
      groups[i] = [];
      return state;
    });
    if (capture === null) return { keyed, operator: null };
    const cow: Capture = { source: capture, epoch, groups, encoded, records };
    this.cow = cow;
    capture.onDone = () => {
      if (this.cow === cow) this.cow = null;
    };
    return { keyed, operator: null, cow: capture };
  }

  /** Before a change of a partition after a copy-on-write barrier: its rows then, saved once (a partition made since has the capture's epoch). */
  private guard(cow: Capture, part: Partition): void {
    if (part.epoch >= cow.epoch) return;
    part.epoch = cow.epoch;
    if (cow.encoded[part.keyGroup] === 1) return;
    cow.records.set(part, this.store.toBlocks(part.rows));
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.changes?.complete(checkpointId);
  }

  private keyGroupStates(parts: Iterable<Partition>, delta?: 1): Map<number, unknown[]> {
    const keyed = new Map<number, unknown[]>();
    for (const [kg, list] of byKeyGroup(parts)) keyed.set(kg, [this.stateOf(list, null, delta)]);
    return keyed;
  }

  /** The state of `list` (of one key group): live, but a partition in `records` (a copy-on-write snapshot's) with the rows saved there. */
  private stateOf(list: readonly Partition[], records: Map<Partition, ColumnBlock[]> | null, delta?: 1): KeyGroupState {
    const blocks: ColumnBlock[][] = [];
    let ids: number[] = [];
    const counts = new Int32Array(list.length);
    list.forEach((p, i) => {
      const r = records === null || records.size === 0 ? undefined : records.get(p);
      if (r !== undefined) {
        // a run of live partitions' rows, then this record's
        blocks.push(this.store.toBlocks(ids), r);
        ids = [];
        counts[i] = r[0]?.[1].length ?? 0;
        return;
      }
      for (const id of p.rows) ids.push(id);
      counts[i] = p.rows.length;
    });
    blocks.push(this.store.toBlocks(ids));
    return { keys: list.map((p) => p.keyValues), counts, rows: concatBlocks(blocks), ...(delta === 1 ? { delta } : {}) };
  }

  restore(keyed: Map<number, unknown[]>): void {
    for (const [kg, entries] of keyed) {
      for (const e of entries) {
        const s = e as KeyGroupState;
        const ids = this.store.fromBlocks(s.rows);
        let at = 0;
        s.keys.forEach((key, i) => {
          const mapKey = this.keys.mapKeyOf(key);
          // a delta's partition replaces the chain's: its rows go
          const old = this.partitions.get(mapKey);
          if (old !== undefined) for (const id of old.rows) this.store.release(id);
          const rows: number[] = [];
          for (let j = 0; j < s.counts[i]!; j++) rows.push(ids[at++]!);
          if (rows.length === 0) this.partitions.delete(mapKey);
          else this.partitions.set(mapKey, { keyValues: key, keyGroup: kg, rows, epoch: this.epoch });
        });
      }
    }
    this.dirty?.clear();
  }
}
