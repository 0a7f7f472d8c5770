// Interval join (Flink's row-time interval join): INNER, LEFT, RIGHT and FULL OUTER joins of
// two append-only inputs on equi-keys, whose condition implies
//   lower <= left.time - right.time <= upper      (ms, from the plan's strategy).
// The whole residual condition (time bounds included) is still evaluated for every candidate
// pair, as one batch per input batch; the bounds only pre-select candidates by time and decide
// when rows can go.
//
// State: each side's rows by join key (join-rows.ts, one slot per row), each with a "matched"
// flag (assoc > 0) for an outer side, and a heap of the side's rows by the time after which no
// row of the other side can match them (Flink's cleanup rule):
//   a left row at time tl can match right rows up to tr = tl - lower, a right row at tr left
//   rows up to tl = tr + upper. Once the watermark W passes that point (tl - lower < W, or
//   tr + upper < W), every row that could still match it would be late: the row is freed,
//   and an outer side's row that never matched is emitted padded with NULLs then (never
//   earlier, never again). A row arriving already past that point is not stored.
//
// Late rows: a row is late when its time is behind its own input's watermark (the watermark
// that input alone has reached, processInputWatermark), and is then dropped and counted
// (metrics.lateDropped). Why not the combined watermark W = min(left, right)? W depends on how
// far the other input happens to have got when the row arrives, so which rows W makes late
// changes from run to run; the input's own watermark arrives in order with the input's rows,
// so the same rows are late in every run (and a test can work out which). It is never below W
// (W is the lower of the two), so a row that is not late is at or after W and has lost no
// match to freeing: freed rows are behind W by more than the bound. Rows at or after their
// own input's watermark are joined exactly with every non-late row of the other side. (Should
// the input's watermark lag W, e.g. after that input was idle, W decides: t < W is late too.)
//
// Output: append-only (+I only): joined rows as rows meet, padded rows as the watermark
// passes. Both time columns stay time attributes: a joined row's times are >= W - max(-lower,
// upper), so the watermark passed on is W - max(-lower, upper, 0) - 1 and no output row is
// late downstream (Flink holds it back by the same bound).
//
// Retractions: none (the planner makes an interval join only of append-only inputs).
//
// Snapshot: both sides' rows as columnar blocks (key groups per slot, so a restore at another
// parallelism keeps its own), and the watermarks (combined and per input) as operator state,
// so a restored operator drops exactly the rows the uninterrupted one would. With incremental
// checkpoints ('state.backend.incremental'), a snapshot is a delta of the slots each side
// stored, freed (expired) or marked matched since the previous one (JoinSidesCheckpoints,
// shared with the regular join); the expiry heaps are rebuilt from the restored rows.

import type { Batch, Column } from '../../common/batch.js';
import { BatchBuilder, takeColumn } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { internalError } from '../../common/errors.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { restoredWatermark } from './aggregate-slots.js';
import { JoinRows, JoinSidesCheckpoints } from './join-rows.js';
import type { JoinOperatorSpec } from './regular-join.js';
import { keyMatchable } from './regular-join.js';

/** A binary min-heap of slots by a time (the slot's expiry point). */
class ExpiryHeap {
  private times = new Float64Array(64);
  private slots = new Int32Array(64);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  push(time: number, slot: number): void {
    if (this.size === this.times.length) {
      const t = new Float64Array(this.size * 2);
      t.set(this.times);
      this.times = t;
      const s = new Int32Array(this.size * 2);
      s.set(this.slots);
      this.slots = s;
    }
    let i = this.size++;
    const times = this.times;
    const slots = this.slots;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= time) break;
      times[i] = times[parent]!;
      slots[i] = slots[parent]!;
      i = parent;
    }
    times[i] = time;
    slots[i] = slot;
  }

  /** The smallest time (Infinity when empty). */
  peekTime(): number {
    return this.size === 0 ? Infinity : this.times[0]!;
  }

  /** Removes the top entry and returns its slot. */
  pop(): number {
    const times = this.times;
    const slots = this.slots;
    const top = slots[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const t = times[n]!;
    const s = slots[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && times[r]! < times[l]! ? r : l;
      if (times[c]! >= t) break;
      times[i] = times[c]!;
      slots[i] = slots[c]!;
      i = c;
    }
    times[i] = t;
    slots[i] = s;
    return top;
  }
}

export class IntervalJoinOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys and carried columns live in JoinRows, which turns a column wide on its first such value. */
  readonly wideInts = true;
  private readonly sides: [JoinRows, JoinRows];
  private readonly heaps: [ExpiryHeap, ExpiryHeap] = [new ExpiryHeap(), new ExpiryHeap()];
  private readonly keys: [readonly number[], readonly number[]];
  private readonly timeCol: [number, number];
  private readonly outer: [boolean, boolean];
  /** How far past its own time a row of each side can still be matched: -lower (left), upper (right). */
  private readonly reach: [number, number];
  private readonly lower: number;
  private readonly upper: number;
  /** The watermark is passed on this much lower (ms). */
  private readonly holdBack: number;
  private readonly condition: CompiledExpr | null;
  private watermark = -Infinity;
  /** Each input's own watermark: a row behind its input's is late. */
  private readonly inputWatermark: [number, number] = [-Infinity, -Infinity];
  private ctx!: OperatorContext;
  private readonly out: BatchBuilder;
  // candidate pairs of the current batch (reused)
  private pairRow: Int32Array = new Int32Array(1024);
  private pairSlot: Int32Array = new Int32Array(1024);
  private rowStart: Int32Array = new Int32Array(0);
  /** Both sides' rows in checkpoints (full, or deltas with incremental checkpoints). */
  private readonly checkpoints: JoinSidesCheckpoints;

  constructor(
    private readonly spec: JoinOperatorSpec,
    private readonly leftTypes: readonly DataType[],
    private readonly rightTypes: readonly DataType[],
    outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    const s = spec.strategy;
    if (s.kind !== 'interval') throw internalError(`interval join operator for a ${s.kind} join`);
    if (spec.leftUpdating || spec.rightUpdating) throw internalError('interval join over an updating input');
    this.sides = [new JoinRows(leftTypes, spec.leftKeys, false), new JoinRows(rightTypes, spec.rightKeys, false)];
    this.checkpoints = new JoinSidesCheckpoints(this.sides, fullEvery);
    this.keys = [spec.leftKeys, spec.rightKeys];
    this.timeCol = [s.leftTime, s.rightTime];
    const t = spec.joinType;
    this.outer = [t === 'left' || t === 'full', t === 'right' || t === 'full'];
    this.lower = s.lower;
    this.upper = s.upper;
    this.reach = [-s.lower, s.upper];
    this.holdBack = Math.max(-s.lower, s.upper, 0) + 1;
    this.condition = spec.condition === undefined ? null : compileExpr(spec.condition);
    this.out = new BatchBuilder(outputTypes);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Rows held on both sides. */
  get stateRows(): number {
    return this.sides[0].rows + this.sides[1].rows;
  }

  /** Rows in state (the memory guard). */
  stateEntries(): number {
    return this.stateRows;
  }

  outputWatermark(wm: number): number {
    return wm === Infinity || wm === -Infinity ? wm : wm - this.holdBack;
  }

  processBatch(batch: Batch, out: Collector, input: number): void {
    const side = input === 0 ? 0 : 1;
    const n = batch.length;
    if (n === 0) return;
    const mine = this.sides[side]!;
    const other = this.sides[1 - side]!;
    const otherSide = 1 - side;
    const keyAt = mine.keyFn(batch);
    const cols = batch.columns;
    const timeColumn = cols[this.timeCol[side]!]!;
    const times = timeColumn.values as Float64Array;
    const timeNulls = timeColumn.nulls;
    const wm = this.watermark;
    const lateBefore = Math.max(this.inputWatermark[side]!, wm);
    // the other side's time range a row at t can match: [t + lo, t + hi]
    const lo = side === 0 ? -this.upper : this.lower;
    const hi = side === 0 ? -this.lower : this.upper;
    const otherTimes = other.rows > 0 ? (other.view()[this.timeCol[otherSide]!]!.values as Float64Array) : null;
    // 1. candidate pairs: same key, other time within the bounds; late rows marked -1
    if (this.rowStart.length < n + 1) this.rowStart = new Int32Array(n + 1);
    const rowStart = this.rowStart;
    const keyOf: (ReturnType<typeof keyAt> | undefined)[] = new Array(n);
    let late = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      rowStart[i] = m;
      const nullTime = timeNulls !== null && timeNulls[i] === 1;
      if (!nullTime && times[i]! < lateBefore) {
        keyOf[i] = undefined;
        late++;
        continue;
      }
      const key = keyAt(i);
      keyOf[i] = key;
      if (nullTime || otherTimes === null || !keyMatchable(cols, this.keys[side]!, this.spec.nullSafe, i)) continue;
      const slots = other.slotsOf(key);
      const len = slots.length;
      if (len === 0) continue;
      if (this.pairRow.length < m + len) this.growPairs(m + len, m);
      const t = times[i]!;
      const from = t + lo;
      const to = t + hi;
      for (let j = 0; j < len; j++) {
        const slot = slots[j]!;
        const ot = otherTimes[slot]!;
        if (ot < from || ot > to) continue;
        this.pairRow[m] = i;
        this.pairSlot[m++] = slot;
      }
    }
    rowStart[n] = m;
    if (late > 0) this.ctx.metrics.lateDropped += late;
    // 2. the residual condition over every candidate pair at once
    const pass = this.condition !== null && m > 0 ? this.evaluate(batch, side, other, m) : null;
    // 3. emit matches, store the rows that can still be matched, pad the ones that cannot
    const b = this.out;
    const mineOuter = this.outer[side]!;
    const otherOuter = this.outer[otherSide]!;
    const reach = this.reach[side]!;
    const heap = this.heaps[side]!;
    for (let i = 0; i < n; i++) {
      const key = keyOf[i];
      if (key === undefined) continue; // late
      let matched = 0;
      for (let p = rowStart[i]!; p < rowStart[i + 1]!; p++) {
        if (pass !== null && pass[p] === 0) continue;
        const slot = this.pairSlot[p]!;
        matched++;
        if (otherOuter && other.assoc[slot] === 0) {
          other.guard(slot);
          other.assoc[slot] = 1;
          if (other.dirty !== null) other.dirty.mark(slot);
        }
        this.emitJoined(b, batch, i, slot, side);
        if (b.length >= this.batchSize) out.emit(b.finish());
      }
      const nullTime = timeNulls !== null && timeNulls[i] === 1;
      const expiry = times[i]! + reach;
      if (!nullTime && expiry >= wm) {
        const slot = mine.add(batch, i, key, this.ctx.maxParallelism, matched > 0 ? 1 : 0, 0);
        heap.push(expiry, slot);
      } else if (mineOuter && matched === 0) {
        this.emitPaddedBatchRow(b, batch, i, side);
        if (b.length >= this.batchSize) out.emit(b.finish());
      }
    }
    if (b.length > 0) out.emit(b.finish());
  }

  private growPairs(min: number, keep: number): void {
    const cap = Math.max(1024, min * 2);
    const pr = new Int32Array(cap);
    pr.set(this.pairRow.subarray(0, keep));
    this.pairRow = pr;
    const ps = new Int32Array(cap);
    ps.set(this.pairSlot.subarray(0, keep));
    this.pairSlot = ps;
  }

  /** Pairs [0, m) as one batch (left columns, then right), through the condition. */
  private evaluate(batch: Batch, side: number, other: JoinRows, m: number): Uint8Array {
    const rowsIdx = this.pairRow.subarray(0, m);
    const slotIdx = this.pairSlot.subarray(0, m);
    const mineCols = batch.columns.map((c) => takeColumn(c, rowsIdx, m));
    const otherCols = other.view().map((c) => takeColumn(c, slotIdx, m));
    const columns: Column[] = side === 0 ? [...mineCols, ...otherCols] : [...otherCols, ...mineCols];
    const res = this.condition!({ length: m, columns, ops: null });
    const v = res.values as Uint8Array;
    const nulls = res.nulls;
    const pass = new Uint8Array(m);
    for (let i = 0; i < m; i++) pass[i] = v[i] === 1 && (nulls === null || nulls[i] === 0) ? 1 : 0;
    return pass;
  }

  processInputWatermark(input: number, wm: number): void {
    const side = input === 0 ? 0 : 1;
    if (wm > this.inputWatermark[side]!) this.inputWatermark[side] = wm;
  }

  processWatermark(wm: number, out: Collector): void {
    if (wm <= this.watermark) return;
    this.watermark = wm;
    this.expire(out);
  }

  /** Frees the rows no future row can match; pads an outer side's unmatched ones. */
  private expire(out: Collector): void {
    const wm = this.watermark;
    const b = this.out;
    for (let side = 0; side < 2; side++) {
      const heap = this.heaps[side]!;
      const rows = this.sides[side]!;
      const outer = this.outer[side]!;
      while (heap.size > 0 && heap.peekTime() < wm) {
        const slot = heap.pop();
        if (outer && rows.assoc[slot] === 0) {
          this.emitPaddedStoreRow(b, slot, side);
          if (b.length >= this.batchSize) out.emit(b.finish());
        }
        rows.removeOne(slot);
      }
    }
    if (b.length > 0) out.emit(b.finish());
  }

  finish(out: Collector): void {
    // the final watermark (+Infinity) has freed everything already; this is for safety
    this.watermark = Infinity;
    this.expire(out);
  }

  private writeBatchRow(b: BatchBuilder, offset: number, batch: Batch, row: number): void {
    const cols = batch.columns;
    for (let c = 0; c < cols.length; c++) b.cols[offset + c]!.pushFrom(cols[c]!, row);
  }

  private writeStoreRow(b: BatchBuilder, offset: number, store: JoinRows, slot: number): void {
    for (let c = 0; c < store.types.length; c++) store.write(c, slot, b.cols[offset + c]!);
  }

  private writeNulls(b: BatchBuilder, offset: number, count: number): void {
    for (let c = 0; c < count; c++) b.cols[offset + c]!.pushNull();
  }

  private emitJoined(b: BatchBuilder, batch: Batch, row: number, slot: number, side: number): void {
    if (side === 0) {
      this.writeBatchRow(b, 0, batch, row);
      this.writeStoreRow(b, this.leftTypes.length, this.sides[1], slot);
    } else {
      this.writeStoreRow(b, 0, this.sides[0], slot);
      this.writeBatchRow(b, this.leftTypes.length, batch, row);
    }
    b.endRow();
  }

  private emitPaddedBatchRow(b: BatchBuilder, batch: Batch, row: number, side: number): void {
    if (side === 0) {
      this.writeBatchRow(b, 0, batch, row);
      this.writeNulls(b, this.leftTypes.length, this.rightTypes.length);
    } else {
      this.writeNulls(b, 0, this.leftTypes.length);
      this.writeBatchRow(b, this.leftTypes.length, batch, row);
    }
    b.endRow();
  }

  private emitPaddedStoreRow(b: BatchBuilder, slot: number, side: number): void {
    if (side === 0) {
      this.writeStoreRow(b, 0, this.sides[0], slot);
      this.writeNulls(b, this.leftTypes.length, this.rightTypes.length);
    } else {
      this.writeNulls(b, 0, this.leftTypes.length);
      this.writeStoreRow(b, this.leftTypes.length, this.sides[1], slot);
    }
    b.endRow();
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    return this.checkpoints.snapshot(checkpointId, savepoint, { watermark: this.watermark, inputWatermarks: [...this.inputWatermark] }, this.ctx.cowSnapshots === true);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.checkpoints.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    for (const st of operatorStates) {
      const w = (st as { inputWatermarks?: number[] } | null)?.inputWatermarks;
      if (w === undefined) continue;
      for (let side = 0; side < 2; side++) if (typeof w[side] === 'number' && w[side]! > this.inputWatermark[side]!) this.inputWatermark[side] = w[side]!;
    }
    this.checkpoints.restore(keyed, this.ctx.keyGroups, this.ctx.maxParallelism);
    // the expiry heaps, from the restored rows
    for (let side = 0; side < 2; side++) {
      const rows = this.sides[side]!;
      const heap = this.heaps[side]!;
      heap.clear();
      if (rows.rows === 0) continue;
      const times = rows.view()[this.timeCol[side]!]!.values as Float64Array;
      const reach = this.reach[side]!;
      rows.forEachSlot((slot) => heap.push(times[slot]! + reach, slot));
    }
  }
}

export function createIntervalJoinOperator(spec: JoinOperatorSpec, leftTypes: readonly DataType[], rightTypes: readonly DataType[], outputTypes: readonly DataType[], batchSize: number, fullEvery = 0): Operator {
  return new IntervalJoinOperator(spec, leftTypes, rightTypes, outputTypes, batchSize, fullEvery);
}
