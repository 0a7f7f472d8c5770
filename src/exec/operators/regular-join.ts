// Regular join (Flink's streaming join): INNER, LEFT, RIGHT, FULL OUTER, SEMI and ANTI on
// equi-keys plus a residual condition, over append-only or updating inputs.
//
// State: each side's rows by join key (join-rows.ts), as multisets, with the number of
// matching rows of the other side for an outer side (and for the left side of SEMI/ANTI).
// Rows stay until retracted, or until state TTL expires them.
//
// Per input batch: candidate pairs (same key) are collected first, the residual condition is
// evaluated on all of them at once as one batch, then the rows are applied in order:
//   accumulate (+I/+U) row r:  joined rows +I (r, m) for each match m; an outer r without
//       match emits +I (r, NULLs); a match m on an outer other side that had no match before
//       first retracts its padded row -D (NULLs, m).
//   retract (-U/-D) row r:  -D (r, m) for each match; an outer r without match retracts
//       -D (r, NULLs); a match m on an outer other side left without matches re-emits
//       +I (NULLs, m).
// As in Flink, an inner join forwards the input's change kind (+I/-U/+U/-D); outer joins emit
// +I and -D only. SEMI emits the left row while it has a match, ANTI while it has none.
// Watermarks pass through; the output has no time attribute.
//
// Snapshot: each side's rows as one columnar block in slot order. With incremental
// checkpoints ('state.backend.incremental'), each side marks the slots a row is added to,
// removed from, or whose match count or TTL time changes; a snapshot is then a delta of those
// slots only (count 0: freed), in the slot numbering of the chain (delta-policy.ts decides
// when it must be full). A restore applies a full block, then each delta in order.

import type { Batch, Column } from '../../common/batch.js';
import { BatchBuilder, RowKind, isAccumulate, takeColumn } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { BoundExpr } from '../../expr/bound.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import type { JoinStrategy, JoinType } from '../../plan/logical.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { JoinRows, JoinSidesCheckpoints } from './join-rows.js';
import type { MapKey } from './group-keys.js';

/** What a join operator is made from (the physical plan's join spec). */
export interface JoinOperatorSpec {
  readonly joinType: JoinType;
  readonly strategy: JoinStrategy;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly nullSafe: readonly boolean[];
  readonly condition: BoundExpr | undefined;
  readonly leftUpdating: boolean;
  readonly rightUpdating: boolean;
}

/** Whether the key of row i is usable: a NULL in a key that is not null-safe matches nothing. */
export function keyMatchable(cols: readonly Column[], keys: readonly number[], nullSafe: readonly boolean[], i: number): boolean {
  for (let k = 0; k < keys.length; k++) {
    if (nullSafe[k]) continue;
    const n = cols[keys[k]!]!.nulls;
    if (n !== null && n[i] === 1) return false;
  }
  return true;
}

export class RegularJoinOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys and carried columns live in JoinRows, which turns a column wide on its first such value. */
  readonly wideInts = true;
  private readonly sides: [JoinRows, JoinRows];
  private readonly keys: [readonly number[], readonly number[]];
  private readonly condition: CompiledExpr | null;
  private readonly outerLeft: boolean;
  private readonly outerRight: boolean;
  private readonly semiAnti: boolean;
  private ctx!: OperatorContext;
  // candidate pairs of the current batch (reused)
  private pairRow: Int32Array = new Int32Array(0);
  private pairSlot: Int32Array = new Int32Array(0);
  private rowStart: Int32Array = new Int32Array(0);
  /** State TTL in ms of the left and right rows (0 = keep forever). */
  private readonly ttls: [number, number];
  /** Whether any side has a TTL. */
  private readonly ttl: boolean;
  /** Rows removed by state TTL. */
  expired = 0;
  private lastExpiry = 0;
  /** Both sides' rows in checkpoints (full, or deltas with incremental checkpoints). */
  private readonly checkpoints: JoinSidesCheckpoints;

  constructor(
    private readonly spec: JoinOperatorSpec,
    private readonly leftTypes: readonly DataType[],
    private readonly rightTypes: readonly DataType[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    ttlMs = 0,
    rightTtlMs = ttlMs,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    this.sides = [new JoinRows(leftTypes, spec.leftKeys, spec.leftUpdating), new JoinRows(rightTypes, spec.rightKeys, spec.rightUpdating)];
    this.keys = [spec.leftKeys, spec.rightKeys];
    this.condition = spec.condition === undefined ? null : compileExpr(spec.condition);
    const t = spec.joinType;
    this.outerLeft = t === 'left' || t === 'full';
    this.outerRight = t === 'right' || t === 'full';
    this.semiAnti = t === 'semi' || t === 'anti';
    this.ttls = [ttlMs, rightTtlMs];
    this.ttl = ttlMs > 0 || rightTtlMs > 0;
    this.checkpoints = new JoinSidesCheckpoints(this.sides, fullEvery);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Rows held on both sides (counting copies). */
  get stateRows(): number {
    return this.sides[0].rows + this.sides[1].rows;
  }

  /** Rows in state (the memory guard). */
  stateEntries(): number {
    return this.stateRows;
  }

  processBatch(batch: Batch, out: Collector, input: number): void {
    const side = input === 0 ? 0 : 1;
    const n = batch.length;
    if (n === 0) return;
    const now = this.ttl ? Date.now() : 0;
    if (this.ttl) this.expire(now);
    const mine = this.sides[side]!;
    const other = this.sides[1 - side]!;
    const keyAt = mine.keyFn(batch);
    const cols = batch.columns;
    const myKeys = this.keys[side]!;
    // 1. candidate pairs, row by row
    if (this.rowStart.length < n + 1) this.rowStart = new Int32Array(n + 1);
    const rowStart = this.rowStart;
    const keyOf: (ReturnType<typeof keyAt>)[] = new Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      rowStart[i] = m;
      const key = keyAt(i);
      keyOf[i] = key;
      if (!keyMatchable(cols, myKeys, this.spec.nullSafe, i)) continue;
      for (let s = other.first(key); s >= 0; s = other.next(s)) {
        if (m === this.pairRow.length) this.growPairs(m);
        this.pairRow[m] = i;
        this.pairSlot[m++] = s;
      }
    }
    rowStart[n] = m;
    // 2. the residual condition over every candidate pair at once
    let pass: Uint8Array | null = null;
    if (this.condition !== null && m > 0) pass = this.evaluate(batch, side, other, m);
    // 3. apply rows in order
    const b = new BatchBuilder(this.outputTypes);
    const ops = batch.ops;
    const ttlNow = now;
    for (let i = 0; i < n; i++) {
      const kind = ops === null ? RowKind.Insert : (ops[i]! as RowKind);
      const acc = isAccumulate(kind);
      let matches = 0;
      for (let p = rowStart[i]!; p < rowStart[i + 1]!; p++) if (pass === null || pass[p] === 1) matches += other.count[this.pairSlot[p]!]!;
      if (this.semiAnti) this.applySemiAnti(b, batch, i, side, acc, kind, matches, rowStart[i]!, rowStart[i + 1]!, pass, keyOf[i]!, ttlNow);
      else this.applyJoin(b, batch, i, side, acc, kind, matches, rowStart[i]!, rowStart[i + 1]!, pass, keyOf[i]!, ttlNow);
      if (b.length >= this.batchSize) out.emit(b.finish());
    }
    if (b.length > 0) out.emit(b.finish());
  }

  private growPairs(m: number): void {
    const cap = Math.max(1024, m * 2);
    const pr = new Int32Array(cap);
    pr.set(this.pairRow.subarray(0, m));
    this.pairRow = pr;
    const ps = new Int32Array(cap);
    ps.set(this.pairSlot.subarray(0, m));
    this.pairSlot = ps;
  }

  /** Pairs [0, m) as one batch (left columns, then right), through the condition. */
  private evaluate(batch: Batch, side: number, other: JoinRows, m: number): Uint8Array {
    const rowsIdx = this.pairRow.subarray(0, m);
    const slotIdx = this.pairSlot.subarray(0, m);
    const mineCols = batch.columns.map((c) => takeColumn(c, rowsIdx, m));
    const otherCols = other.view().map((c) => takeColumn(c, slotIdx, m));
    const columns = side === 0 ? [...mineCols, ...otherCols] : [...otherCols, ...mineCols];
    const res = this.condition!({ length: m, columns, ops: null });
    const v = res.values as Uint8Array;
    const nulls = res.nulls;
    const pass = new Uint8Array(m);
    for (let i = 0; i < m; i++) pass[i] = v[i] === 1 && (nulls === null || nulls[i] === 0) ? 1 : 0;
    return pass;
  }

  private applyJoin(b: BatchBuilder, batch: Batch, row: number, side: number, acc: boolean, kind: RowKind, matches: number, from: number, to: number, pass: Uint8Array | null, key: MapKey, now: number): void {
    const mine = this.sides[side]!;
    const other = this.sides[1 - side]!;
    const mineOuter = side === 0 ? this.outerLeft : this.outerRight;
    const otherOuter = side === 0 ? this.outerRight : this.outerLeft;
    const inner = !this.outerLeft && !this.outerRight;
    const joinedKind = inner ? kind : acc ? RowKind.Insert : RowKind.Delete;
    if (!acc && mineOuter && matches === 0) this.emitPaddedMine(b, batch, row, side, RowKind.Delete);
    for (let p = from; p < to; p++) {
      if (pass !== null && pass[p] === 0) continue;
      const slot = this.pairSlot[p]!;
      const copies = other.count[slot]!;
      if (now > 0 || otherOuter) other.guard(slot);
      if (now > 0) other.touched[slot] = now;
      if (other.dirty !== null && (otherOuter || now > 0)) other.dirty.mark(slot);
      if (acc) {
        if (otherOuter) {
          if (other.assoc[slot] === 0) for (let c = 0; c < copies; c++) this.emitPaddedOther(b, slot, side, RowKind.Delete);
          other.assoc[slot]!++;
        }
        for (let c = 0; c < copies; c++) this.emitJoined(b, batch, row, slot, side, joinedKind);
      } else {
        for (let c = 0; c < copies; c++) this.emitJoined(b, batch, row, slot, side, joinedKind);
        if (otherOuter && other.assoc[slot]! > 0) {
          other.assoc[slot]!--;
          if (other.assoc[slot] === 0) for (let c = 0; c < copies; c++) this.emitPaddedOther(b, slot, side, RowKind.Insert);
        }
      }
    }
    if (acc) {
      if (mineOuter && matches === 0) this.emitPaddedMine(b, batch, row, side, RowKind.Insert);
      mine.add(batch, row, key, this.ctx.maxParallelism, matches, now);
    } else {
      const slot = mine.find(batch, row);
      if (slot >= 0) mine.removeOne(slot);
    }
  }

  /** SEMI/ANTI: the left side is the output, the right side decides. */
  private applySemiAnti(b: BatchBuilder, batch: Batch, row: number, side: number, acc: boolean, kind: RowKind, matches: number, from: number, to: number, pass: Uint8Array | null, key: MapKey, now: number): void {
    const anti = this.spec.joinType === 'anti';
    if (side === 0) {
      const left = this.sides[0];
      if (acc) {
        if ((matches > 0) !== anti) this.emitLeftFromBatch(b, batch, row, kind);
        left.add(batch, row, key, this.ctx.maxParallelism, matches, now);
      } else {
        if ((matches > 0) !== anti) this.emitLeftFromBatch(b, batch, row, kind);
        const slot = left.find(batch, row);
        if (slot >= 0) left.removeOne(slot);
      }
      return;
    }
    const left = this.sides[0];
    for (let p = from; p < to; p++) {
      if (pass !== null && pass[p] === 0) continue;
      const slot = this.pairSlot[p]!;
      const copies = left.count[slot]!;
      left.guard(slot);
      if (now > 0) left.touched[slot] = now;
      if (left.dirty !== null) left.dirty.mark(slot);
      if (acc) {
        if (left.assoc[slot]!++ === 0) for (let c = 0; c < copies; c++) this.emitLeftFromStore(b, slot, anti ? RowKind.Delete : RowKind.Insert);
      } else if (left.assoc[slot]! > 0) {
        if (--left.assoc[slot]! === 0) for (let c = 0; c < copies; c++) this.emitLeftFromStore(b, slot, anti ? RowKind.Insert : RowKind.Delete);
      }
    }
    const right = this.sides[1];
    if (acc) right.add(batch, row, key, this.ctx.maxParallelism, 0, now);
    else {
      const slot = right.find(batch, row);
      if (slot >= 0) right.removeOne(slot);
    }
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

  private emitJoined(b: BatchBuilder, batch: Batch, row: number, slot: number, side: number, kind: RowKind): void {
    if (side === 0) {
      this.writeBatchRow(b, 0, batch, row);
      this.writeStoreRow(b, this.leftTypes.length, this.sides[1], slot);
    } else {
      this.writeStoreRow(b, 0, this.sides[0], slot);
      this.writeBatchRow(b, this.leftTypes.length, batch, row);
    }
    b.endRow(kind);
  }

  /** The batch row with NULLs for the other side. */
  private emitPaddedMine(b: BatchBuilder, batch: Batch, row: number, side: number, kind: RowKind): void {
    if (side === 0) {
      this.writeBatchRow(b, 0, batch, row);
      this.writeNulls(b, this.leftTypes.length, this.rightTypes.length);
    } else {
      this.writeNulls(b, 0, this.leftTypes.length);
      this.writeBatchRow(b, this.leftTypes.length, batch, row);
    }
    b.endRow(kind);
  }

  /** A stored row of the other side with NULLs for the batch's side. */
  private emitPaddedOther(b: BatchBuilder, slot: number, side: number, kind: RowKind): void {
    if (side === 0) {
      this.writeNulls(b, 0, this.leftTypes.length);
      this.writeStoreRow(b, this.leftTypes.length, this.sides[1], slot);
    } else {
      this.writeStoreRow(b, 0, this.sides[0], slot);
      this.writeNulls(b, this.leftTypes.length, this.rightTypes.length);
    }
    b.endRow(kind);
  }

  private emitLeftFromBatch(b: BatchBuilder, batch: Batch, row: number, kind: RowKind): void {
    this.writeBatchRow(b, 0, batch, row);
    b.endRow(kind);
  }

  private emitLeftFromStore(b: BatchBuilder, slot: number, kind: RowKind): void {
    this.writeStoreRow(b, 0, this.sides[0], slot);
    b.endRow(kind);
  }

  /**
   * State TTL: rows not touched (stored or matched) for their side's TTL are dropped, checked
   * when a batch arrives, at most every min(1 s, TTL / 4). As in Flink, an expired row is
   * forgotten silently: no retraction is emitted, and a row of the other side that matched it
   * keeps its match count (Flink's state is not consistent across an expiry either).
   */
  private expire(now: number): void {
    const every = Math.min(1000, ...this.ttls.filter((t) => t > 0).map((t) => t / 4));
    if (now - this.lastExpiry < every) return;
    this.lastExpiry = now;
    for (let side = 0; side < 2; side++) {
      const ttl = this.ttls[side]!;
      if (ttl <= 0) continue;
      const s = this.sides[side]!;
      const limit = now - ttl;
      let dropped = 0;
      s.forEachSlot((slot) => {
        if (s.touched[slot]! < limit) {
          dropped += s.count[slot]!;
          s.removeAll(slot);
        }
      });
      this.expired += dropped;
      this.ctx.metrics.stateExpired += dropped;
    }
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    return this.checkpoints.snapshot(checkpointId, savepoint, null, this.ctx.cowSnapshots === true);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.checkpoints.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>): void {
    this.checkpoints.restore(keyed, this.ctx.keyGroups, this.ctx.maxParallelism);
  }
}
