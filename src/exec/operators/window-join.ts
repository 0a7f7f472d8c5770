// Window join (Flink's WindowJoin): INNER, LEFT, RIGHT, FULL OUTER, SEMI and ANTI joins of two
// inputs windowed alike, on window_start, window_end and any other keys plus a residual
// condition (see src/plan/join-window.ts for when a join is one).
//
// State: the rows of each open window, per side, by window end (one JoinRows store per window
// and side, indexed by the join keys other than window_end, and other than window_start when
// the start follows from the end). Both inputs are append-only, so a
// row is only ever added, never retracted.
//
// Watermark rule: when the watermark reaches window_end - 1, each window up to it is joined
// once, in order of end: candidate pairs with equal keys are collected, the residual condition
// is evaluated over them as one batch, matching pairs are emitted, then the rows of an outer
// side that matched nothing are emitted padded with NULLs (SEMI: the left rows that matched,
// ANTI: those that did not). The window's rows are freed. Output is append-only (+I only),
// and is emitted before the runtime forwards the watermark, so window_time stays a time
// attribute downstream.
//
// Late rows: a row is late when its window_end - 1 is at or behind its own input's watermark
// (processInputWatermark), or behind the combined one (its window has been joined); it is then
// dropped and counted in metrics.lateDropped. The input's own watermark is never below the
// combined one (the lower of the two), and arrives in order with that input's rows, so the
// same rows are late in every run; the combined watermark alone would depend on how far the
// other input happened to have got. finish() joins every window still open.
//
// Snapshot: per open window, its end and each side's rows as a columnar block with their key
// groups (the hash of all the join keys, as the inputs are partitioned); the watermarks
// (combined and per input) as operator state, so a restored operator drops the same late rows.
// With incremental checkpoints ('state.backend.incremental'), a full snapshot is one entry
// holding every window's blocks (it starts a chain), and a delta holds the ends of the windows
// fired since the previous snapshot and, per open window, the rows each side added since (rows
// are only ever added to a window, then all dropped when it fires). A restore replays each old
// subtask's chain through a map per window from the chain's slots to this operator's: a fired
// window's rows of that chain are dropped, a delta's rows added.
// A full snapshot of a job with checkpoints is copy-on-write (cowBlocks): each big enough window
// side's typed columns are sent to the state writer block by block as they are at the barrier,
// while the join goes on.

import type { Batch, Column } from '../../common/batch.js';
import { BatchBuilder, RowKind, concatBatches, sliceBatch, takeColumn } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import { internalError } from '../../common/errors.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { ALL_KEY_GROUPS, restoredWatermark } from './aggregate-slots.js';
import type { JoinRowsBlock, JoinRowsDelta } from './join-rows.js';
import { JoinRows } from './join-rows.js';
import { CowParts } from '../../checkpoint/cow-parts.js';
import { DeltaPolicy, DirtySlots, replayChains } from './delta-policy.js';
import type { JoinOperatorSpec } from './regular-join.js';
import { keyMatchable } from './regular-join.js';
import { referencedInputs } from '../../expr/bound.js';
import type { TimeZoneRules } from '../../common/time-zone.js';
import { timeZoneById } from '../../common/time-zone.js';

interface OpenWindow {
  readonly end: number;
  /** Rows of the left and the right input (null until the first arrives). */
  readonly sides: [JoinRows | null, JoinRows | null];
  /**
   * Direct mode: per side, the runs of input batch rows of this window, kept as they came
   * (batches are never changed once emitted) instead of copied row by row into `sides`.
   */
  readonly runs: [Run[] | null, Run[] | null];
  /** Rows held in `runs`, per side. */
  readonly runRows: [number, number];
}

/** Rows [from, to) of a batch. */
interface Run {
  readonly batch: Batch;
  readonly from: number;
  readonly to: number;
}

/** A window in a snapshot. */
interface WindowBlock {
  readonly end: number;
  readonly left: JoinRowsBlock | null;
  readonly right: JoinRowsBlock | null;
}

/** A full snapshot with incremental checkpoints: every window, one entry (a chain starts). */
interface WindowsFull {
  readonly full: 1;
  readonly windows: WindowBlock[];
}

/** A delta of incremental checkpoints: windows fired, and rows added to open windows. */
interface WindowsDelta {
  readonly delta: 1;
  readonly fired: number[];
  readonly windows: { readonly end: number; readonly left: JoinRowsDelta | null; readonly right: JoinRowsDelta | null }[];
}

/** Per window end, the map from a chain's slots to this operator's, per side. */
type ChainMaps = Map<number, [Int32Array, Int32Array]>;

/** A window side's store of at least this many slots is captured by a copy-on-write snapshot (a smaller one is copied: a capture's own undo log starts at a few KB per column). */
const COW_MIN_ROWS = 1024;

/** Candidate pairs evaluated at once when a window fires. */
const PAIR_CHUNK = 4096;

export class WindowJoinOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys and carried columns live in JoinRows, which turns a column wide on its first such value. */
  readonly wideInts = true;
  private readonly windows = new Map<number, OpenWindow>();
  /** Ends of open windows, ascending. */
  private ends: number[] = [];
  private watermark = -Infinity;
  /** The session zone of windows over a TIMESTAMP_LTZ attribute; watermarks are kept local. */
  private readonly zone: TimeZoneRules | null;
  /** Each input's own watermark: a row whose window ends at or behind it is late. */
  private readonly inputWatermark: [number, number] = [-Infinity, -Infinity];
  private ctx!: OperatorContext;
  private readonly condition: CompiledExpr | null;
  private readonly outerLeft: boolean;
  private readonly outerRight: boolean;
  private readonly semiAnti: boolean;
  /** Per side: the window_end column, the keys rows are indexed by (all but window_end). */
  private readonly endColumn: [number, number];
  private readonly indexKeys: [number[], number[]];
  private readonly indexNullSafe: boolean[];
  /** Per side: a store never holding rows, whose key function the batches use. */
  private readonly keyTemplate: [JoinRows, JoinRows];
  /**
   * An inner join whose only keys are the window's (Nexmark q5: each window's rows against its
   * one MAX row): every left row of a window pairs with every right row, so nothing needs an
   * index. The rows stay in their input batches (runs) until the window fires, and are copied
   * into JoinRows stores only for a snapshot.
   */
  private readonly direct: boolean;
  /** Per output column (left then right): whether the residual condition reads it. */
  private readonly conditionReads: boolean[];
  private pairLeft = new Int32Array(PAIR_CHUNK);
  private pairRight = new Int32Array(PAIR_CHUNK);
  /** Incremental checkpoints (null when off): windows fired since the last snapshot, and their rows. */
  private readonly policy: DeltaPolicy | null;
  private fired: number[] = [];
  private firedRows = 0;
  /** A copy-on-write full snapshot still being written (cowBlocks), or null. */
  private cow: CowParts | null = null;

  constructor(
    private readonly spec: JoinOperatorSpec,
    private readonly leftTypes: readonly DataType[],
    private readonly rightTypes: readonly DataType[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    this.policy = fullEvery > 0 ? new DeltaPolicy(fullEvery) : null;
    const s = spec.strategy;
    if (s.kind !== 'window') throw internalError(`window join operator made for a ${s.kind} join`);
    this.endColumn = [s.leftEnd, s.rightEnd];
    this.zone = s.zone === undefined ? null : timeZoneById(s.zone);
    const endPair = spec.leftKeys.findIndex((l, i) => l === s.leftEnd && spec.rightKeys[i] === s.rightEnd);
    if (endPair < 0) throw internalError('window join without its window_end equality among the keys');
    // Within one window the end is the same for every row, and so is the start when it follows
    // from the end: rows are indexed by the other keys only (one numeric key stays a number).
    const startPair = s.leftStart === undefined ? -1 : spec.leftKeys.findIndex((l, i) => l === s.leftStart && spec.rightKeys[i] === s.rightStart);
    const keep = (_: unknown, i: number): boolean => i !== endPair && i !== startPair;
    this.indexKeys = [spec.leftKeys.filter(keep), spec.rightKeys.filter(keep)];
    this.indexNullSafe = spec.nullSafe.filter(keep);
    this.keyTemplate = [this.newStore(0), this.newStore(1)];
    this.keyTemplate[0].dirty = null;
    this.keyTemplate[1].dirty = null;
    this.condition = spec.condition === undefined ? null : compileExpr(spec.condition);
    const t = spec.joinType;
    this.outerLeft = t === 'left' || t === 'full';
    this.outerRight = t === 'right' || t === 'full';
    this.semiAnti = t === 'semi' || t === 'anti';
    this.direct = t === 'inner' && this.indexKeys[0].length === 0 && this.indexKeys[1].length === 0;
    const reads = spec.condition === undefined ? new Set<number>() : referencedInputs(spec.condition);
    this.conditionReads = [...leftTypes, ...rightTypes].map((_, i) => reads.has(i));
  }

  private newStore(side: number): JoinRows {
    const store =
      side === 0
        ? new JoinRows(this.leftTypes, this.indexKeys[0], false, this.spec.leftKeys)
        : new JoinRows(this.rightTypes, this.indexKeys[1], false, this.spec.rightKeys);
    // incremental checkpoints: the rows added since the last snapshot
    if (this.policy !== null) store.dirty = new DirtySlots();
    return store;
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Rows held on both sides. */
  get stateRows(): number {
    let n = 0;
    for (const w of this.windows.values()) n += this.windowRows(w);
    return n;
  }

  /** Rows in state (the memory guard). */
  stateEntries(): number {
    return this.stateRows;
  }

  private windowRows(w: OpenWindow): number {
    return (w.sides[0]?.rows ?? 0) + (w.sides[1]?.rows ?? 0) + w.runRows[0] + w.runRows[1];
  }

  private windowFor(end: number): OpenWindow {
    let w = this.windows.get(end);
    if (w === undefined) {
      w = { end, sides: [null, null], runs: [null, null], runRows: [0, 0] };
      this.windows.set(end, w);
      let i = this.ends.length;
      while (i > 0 && this.ends[i - 1]! > end) i--;
      this.ends.splice(i, 0, end);
    }
    return w;
  }

  processBatch(batch: Batch, _out: Collector, input: number): void {
    const side = input === 0 ? 0 : 1;
    const n = batch.length;
    if (n === 0) return;
    if (this.direct) {
      this.keepRuns(batch, side);
      return;
    }
    const endCol = batch.columns[this.endColumn[side]!]!;
    const ends = endCol.values as Float64Array;
    const endNulls = endCol.nulls;
    const keyAt = this.keyTemplate[side]!.keyFn(batch);
    const wm = Math.max(this.watermark, this.inputWatermark[side]!);
    const maxP = this.ctx.maxParallelism;
    let late = 0;
    let lastEnd = NaN;
    let store: JoinRows | null = null;
    for (let i = 0; i < n; i++) {
      // a NULL window_end cannot happen (window columns are never null); such a row joins nothing
      if (endNulls !== null && endNulls[i] === 1) continue;
      const end = ends[i]!;
      if (end - 1 <= wm) {
        late++;
        continue;
      }
      if (end !== lastEnd) {
        const w = this.windowFor(end);
        store = w.sides[side] ?? (w.sides[side] = this.newStore(side));
        lastEnd = end;
      }
      store!.add(batch, i, keyAt(i), maxP, 0, 0);
    }
    if (late > 0) this.ctx.metrics.lateDropped += late;
  }

  /**
   * Windows over a TIMESTAMP_LTZ attribute end at local date-times: the watermark (an instant)
   * is compared with them as the local time it has reached (TimeZoneRules.localWatermark: an
   * hour that the clocks repeat is complete only after its second pass).
   */
  private local(wm: number): number {
    return this.zone === null || !Number.isFinite(wm) ? wm : this.zone.localWatermark(wm);
  }

  processInputWatermark(input: number, wm: number): void {
    const side = input === 0 ? 0 : 1;
    const local = this.local(wm);
    if (local > this.inputWatermark[side]!) this.inputWatermark[side] = local;
  }

  /** Direct mode: records the batch's runs of rows of one window (rows are not copied). */
  private keepRuns(batch: Batch, side: 0 | 1): void {
    const n = batch.length;
    const endCol = batch.columns[this.endColumn[side]!]!;
    const ends = endCol.values as Float64Array;
    const endNulls = endCol.nulls;
    // late by this input's own watermark, as processBatch decides it
    const wm = Math.max(this.watermark, this.inputWatermark[side]!);
    let late = 0;
    let runEnd = NaN;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const skip = (endNulls !== null && endNulls[i] === 1) || ends[i]! - 1 <= wm;
      if (skip || ends[i] !== runEnd) {
        if (runEnd === runEnd) this.addRun(runEnd, side, batch, from, i);
        runEnd = NaN;
        if (skip) {
          // a NULL window_end cannot happen (window columns are never null); such a row joins nothing
          if (endNulls === null || endNulls[i] !== 1) late++;
          continue;
        }
        runEnd = ends[i]!;
        from = i;
      }
    }
    if (runEnd === runEnd) this.addRun(runEnd, side, batch, from, n);
    if (late > 0) this.ctx.metrics.lateDropped += late;
  }

  private addRun(end: number, side: 0 | 1, batch: Batch, from: number, to: number): void {
    const w = this.windowFor(end);
    (w.runs[side] ?? (w.runs[side] = [])).push({ batch, from, to });
    w.runRows[side] += to - from;
  }

  /** Copies a window's runs into its JoinRows stores (for a snapshot, or a restored window). */
  private storeRuns(w: OpenWindow): void {
    const maxP = this.ctx.maxParallelism;
    for (const side of [0, 1] as const) {
      const runs = w.runs[side];
      if (runs === null) continue;
      const store = w.sides[side] ?? (w.sides[side] = this.newStore(side));
      for (const r of runs) {
        const keyAt = this.keyTemplate[side]!.keyFn(r.batch);
        for (let i = r.from; i < r.to; i++) store.add(r.batch, i, keyAt(i), maxP, 0, 0);
      }
      w.runs[side] = null;
      w.runRows[side] = 0;
    }
  }

  /** A side's runs as one batch. */
  private runsBatch(runs: readonly Run[], types: readonly DataType[]): Batch {
    if (runs.length === 1 && runs[0]!.from === 0 && runs[0]!.to === runs[0]!.batch.length) return runs[0]!.batch;
    return concatBatches(
      types,
      runs.map((r) => (r.from === 0 && r.to === r.batch.length ? r.batch : sliceBatch(r.batch, r.from, r.to))),
    );
  }

  /**
   * Direct mode: every left row of the window with every right row, in the order the stores
   * would give (left rows as they came, right rows latest first), the residual condition over
   * chunks of pairs.
   */
  private joinRuns(w: OpenWindow, b: BatchBuilder, out: Collector): void {
    const lr = w.runs[0];
    const rr = w.runs[1];
    if (lr === null || rr === null) return;
    const left = this.runsBatch(lr, this.leftTypes);
    const right = this.runsBatch(rr, this.rightTypes);
    const nL = left.length;
    const nR = right.length;
    let m = 0;
    for (let s = 0; s < nL; s++) {
      for (let j = nR - 1; j >= 0; j--) {
        if (m === PAIR_CHUNK) {
          this.joinBatchPairs(left, right, m, b, out);
          m = 0;
        }
        this.pairLeft[m] = s;
        this.pairRight[m++] = j;
      }
    }
    if (m > 0) this.joinBatchPairs(left, right, m, b, out);
  }

  private joinBatchPairs(left: Batch, right: Batch, m: number, b: BatchBuilder, out: Collector): void {
    const li = this.pairLeft;
    const ri = this.pairRight;
    let v: Uint8Array | null = null;
    let nulls: Uint8Array | null = null;
    if (this.condition !== null) {
      // only the columns the condition reads are gathered (the others are never looked at)
      const nl = left.columns.length;
      const r = this.conditionReads;
      const columns: Column[] = [
        ...left.columns.map((c, k) => (r[k] ? takeColumn(c, li, m) : c)),
        ...right.columns.map((c, k) => (r[nl + k] ? takeColumn(c, ri, m) : c)),
      ];
      const res = this.condition({ length: m, columns, ops: null });
      v = res.values as Uint8Array;
      nulls = res.nulls;
    }
    const lc = left.columns;
    const rc = right.columns;
    const nl = lc.length;
    const nr = rc.length;
    const cols = b.cols;
    for (let p = 0; p < m; p++) {
      if (v !== null && (v[p] !== 1 || (nulls !== null && nulls[p] === 1))) continue;
      const ls = li[p]!;
      const rs = ri[p]!;
      for (let k = 0; k < nl; k++) cols[k]!.pushFrom(lc[k]!, ls);
      for (let k = 0; k < nr; k++) cols[nl + k]!.pushFrom(rc[k]!, rs);
      b.endRow(RowKind.Insert);
      if (b.length >= this.batchSize) out.emit(b.finish());
    }
  }

  processWatermark(wm: number, out: Collector): void {
    const local = this.local(wm);
    if (local > this.watermark) this.watermark = local;
    this.fire(this.watermark, out);
  }

  finish(out: Collector): void {
    this.fire(Infinity, out);
  }

  /** Joins, emits and frees every window whose end - 1 is at or below `wm`. */
  private fire(wm: number, out: Collector): void {
    let fired = 0;
    while (fired < this.ends.length && this.ends[fired]! - 1 <= wm) fired++;
    if (fired === 0) return;
    const firing = this.ends.splice(0, fired);
    const b = new BatchBuilder(this.outputTypes);
    for (const end of firing) {
      const w = this.windows.get(end)!;
      this.windows.delete(end);
      if (this.policy !== null) {
        this.fired.push(end);
        this.firedRows += this.windowRows(w);
      }
      this.joinWindow(w, b, out);
    }
    if (b.length > 0) out.emit(b.finish());
  }

  private joinWindow(w: OpenWindow, b: BatchBuilder, out: Collector): void {
    if (w.runs[0] !== null || w.runs[1] !== null) {
      if (w.sides[0] === null && w.sides[1] === null) {
        this.joinRuns(w, b, out);
        return;
      }
      // a restored window: its stored rows and the runs since, together in the stores
      this.storeRuns(w);
    }
    const left = w.sides[0];
    const right = w.sides[1];
    const leftHigh = left === null ? 0 : left.count.length;
    const rightHigh = right === null ? 0 : right.count.length;
    const leftMatched = new Uint8Array(leftHigh);
    const rightMatched = new Uint8Array(rightHigh);
    if (left !== null && right !== null) {
      // candidate pairs: each left row with the right rows of its key
      const leftCols = left.view();
      const view: Batch = { length: leftHigh, columns: leftCols, ops: null };
      const keyAt = left.keyFn(view);
      let m = 0;
      for (let s = 0; s < leftHigh; s++) {
        if (left.count[s]! <= 0 || !keyMatchable(leftCols, this.indexKeys[0], this.indexNullSafe, s)) continue;
        const slots = right.slotsOf(keyAt(s));
        for (let j = 0; j < slots.length; j++) {
          if (m === PAIR_CHUNK) {
            this.joinPairs(left, right, m, leftMatched, rightMatched, b, out);
            m = 0;
          }
          this.pairLeft[m] = s;
          this.pairRight[m++] = slots[j]!;
        }
      }
      if (m > 0) this.joinPairs(left, right, m, leftMatched, rightMatched, b, out);
    }
    const nl = this.leftTypes.length;
    const nr = this.rightTypes.length;
    if (left !== null && (this.outerLeft || this.semiAnti)) {
      const want = this.spec.joinType === 'semi' ? 1 : 0;
      for (let s = 0; s < leftHigh; s++) {
        const copies = left.count[s]!;
        if (copies <= 0 || leftMatched[s] !== want) continue;
        for (let c = 0; c < copies; c++) {
          for (let k = 0; k < nl; k++) left.write(k, s, b.cols[k]!);
          if (!this.semiAnti) for (let k = 0; k < nr; k++) b.cols[nl + k]!.pushNull();
          b.endRow(RowKind.Insert);
          if (b.length >= this.batchSize) out.emit(b.finish());
        }
      }
    }
    if (right !== null && this.outerRight) {
      for (let s = 0; s < rightHigh; s++) {
        const copies = right.count[s]!;
        if (copies <= 0 || rightMatched[s] === 1) continue;
        for (let c = 0; c < copies; c++) {
          for (let k = 0; k < nl; k++) b.cols[k]!.pushNull();
          for (let k = 0; k < nr; k++) right.write(k, s, b.cols[nl + k]!);
          b.endRow(RowKind.Insert);
          if (b.length >= this.batchSize) out.emit(b.finish());
        }
      }
    }
  }

  /** Pairs [0, m): the residual condition over all of them, then the joined rows. */
  private joinPairs(left: JoinRows, right: JoinRows, m: number, leftMatched: Uint8Array, rightMatched: Uint8Array, b: BatchBuilder, out: Collector): void {
    const li = this.pairLeft;
    const ri = this.pairRight;
    let pass: Uint8Array | null = null;
    if (this.condition !== null) {
      const columns: Column[] = [...left.view().map((c) => takeColumn(c, li, m)), ...right.view().map((c) => takeColumn(c, ri, m))];
      const res = this.condition({ length: m, columns, ops: null });
      const v = res.values as Uint8Array;
      const nulls = res.nulls;
      pass = new Uint8Array(m);
      for (let p = 0; p < m; p++) pass[p] = v[p] === 1 && (nulls === null || nulls[p] === 0) ? 1 : 0;
    }
    const nl = this.leftTypes.length;
    const nr = this.rightTypes.length;
    for (let p = 0; p < m; p++) {
      if (pass !== null && pass[p] === 0) continue;
      const ls = li[p]!;
      const rs = ri[p]!;
      leftMatched[ls] = 1;
      rightMatched[rs] = 1;
      if (this.semiAnti) continue;
      const copies = left.count[ls]! * right.count[rs]!;
      for (let c = 0; c < copies; c++) {
        for (let k = 0; k < nl; k++) left.write(k, ls, b.cols[k]!);
        for (let k = 0; k < nr; k++) right.write(k, rs, b.cols[nl + k]!);
        b.endRow(RowKind.Insert);
        if (b.length >= this.batchSize) out.emit(b.finish());
      }
    }
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    const operator = { watermark: this.watermark, inputWatermarks: [...this.inputWatermark] };
    for (const end of this.ends) this.storeRuns(this.windows.get(end)!);
    const p = this.policy;
    if (p !== null) {
      let changed = this.firedRows;
      for (const w of this.windows.values()) changed += (w.sides[0]?.dirty!.count ?? 0) + (w.sides[1]?.dirty!.count ?? 0);
      const previous = p.next(checkpointId, savepoint, changed, this.stateRows);
      const fired = this.fired;
      this.fired = [];
      this.firedRows = 0;
      if (previous >= 0) {
        const windows: WindowsDelta['windows'] = [];
        for (const end of this.ends) {
          const [l, r] = this.windows.get(end)!.sides;
          const left = l !== null && l.dirty!.count > 0 ? l.snapshotDelta(l.dirty!.take()) : null;
          const right = r !== null && r.dirty!.count > 0 ? r.snapshotDelta(r.dirty!.take()) : null;
          if (left !== null || right !== null) windows.push({ end, left, right });
        }
        const entry: WindowsDelta = { delta: 1, fired, windows };
        return { keyed: new Map([[ALL_KEY_GROUPS, [entry]]]), operator, deltaOf: previous };
      }
      for (const w of this.windows.values()) for (const side of w.sides) side?.dirty!.clear();
      p.full(this.stateRows);
    }
    const { blocks, cow } = this.ctx.cowSnapshots === true && this.cow === null ? this.cowBlocks() : { blocks: this.eagerBlocks(), cow: null };
    const entries: unknown[] = p === null ? blocks : [{ full: 1, windows: blocks } satisfies WindowsFull];
    return { keyed: new Map([[ALL_KEY_GROUPS, entries]]), operator, ...(cow !== null ? { cow } : {}) };
  }

  /** Every open window's rows, copied. */
  private eagerBlocks(): WindowBlock[] {
    return this.ends.map((end) => {
      const w = this.windows.get(end)!;
      return { end, left: w.sides[0]?.snapshot() ?? null, right: w.sides[1]?.snapshot() ?? null };
    });
  }

  /**
   * Every open window's rows, copy-on-write (checkpoint/cow.ts, cow-parts.ts): each side's
   * typed columns of a window of at least COW_MIN_ROWS slots are not copied now but captured,
   * one part per (window, side) in the file's order, and the state writer takes them block by
   * block while the join goes on; smaller stores are copied. A store only ever gains rows
   * (new slots past the barrier's, guarded by JoinRows.newSlot) until its window fires, and a
   * fired window's store is dropped, never written again, so the capture keeps its arrays as
   * they were. String columns are packed at the barrier (packed-array.ts). One such snapshot
   * at a time: while one is still being written, the next is an ordinary copy.
   */
  private cowBlocks(): { blocks: WindowBlock[]; cow: CowParts | null } {
    const captured: JoinRows[] = [];
    for (const end of this.ends) {
      for (const store of this.windows.get(end)!.sides) if (store !== null && store.slotHigh >= COW_MIN_ROWS) captured.push(store);
    }
    const { entries, capture } = CowParts.take(captured.map((store) => ({ high: store.slotHigh, save: () => store.snapshot(true) })), true);
    let next = 0;
    const block = (store: JoinRows | null): JoinRowsBlock | null => {
      if (store === null) return null;
      return captured[next] === store ? entries[next++]! : store.snapshot(true);
    };
    const blocks = this.ends.map((end) => {
      const w = this.windows.get(end)!;
      const left = block(w.sides[0]);
      return { end, left, right: block(w.sides[1]) };
    });
    if (capture === null) return { blocks, cow: null };
    captured.forEach((store, i) => (store.cow = capture.parts[i] ?? null));
    this.cow = capture;
    capture.onDone = () => {
      captured.forEach((store, i) => {
        if (store.cow === capture.parts[i]) store.cow = null;
      });
      if (this.cow === capture) this.cow = null;
    };
    return { blocks, cow: capture };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.policy?.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    for (const st of operatorStates) {
      const w = (st as { inputWatermarks?: number[] } | null)?.inputWatermarks;
      if (w === undefined) continue;
      for (let side = 0; side < 2; side++) if (typeof w[side] === 'number' && w[side]! > this.inputWatermark[side]!) this.inputWatermark[side] = w[side]!;
    }
    const range = this.ctx.keyGroups;
    const maxP = this.ctx.maxParallelism;
    replayChains<ChainMaps>(
      keyed,
      (entry) => {
        const maps: ChainMaps = new Map();
        // without incremental checkpoints, one entry per window (no chain follows)
        const blocks = (entry as Partial<WindowsFull>).full === 1 ? (entry as WindowsFull).windows : [entry as WindowBlock];
        for (const block of blocks) {
          const w = this.windowFor(block.end);
          const map: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)];
          for (const side of [0, 1] as const) {
            const rows = side === 0 ? block.left : block.right;
            if (rows === null) continue;
            const store = w.sides[side] ?? (w.sides[side] = this.newStore(side));
            map[side] = store.restore(rows, range, maxP);
          }
          maps.set(block.end, map);
        }
        return maps;
      },
      (entry, maps) => {
        const d = entry as WindowsDelta;
        for (const end of d.fired) {
          // this chain's rows of a window its subtask fired (other chains' rows stay)
          const map = maps.get(end);
          const w = this.windows.get(end);
          if (map === undefined || w === undefined) continue;
          for (const side of [0, 1] as const) {
            const store = w.sides[side];
            if (store !== null) for (const slot of map[side]) if (slot >= 0) store.removeOne(slot);
          }
          maps.delete(end);
          if (this.windowRows(w) === 0) {
            this.windows.delete(end);
            this.ends.splice(this.ends.indexOf(end), 1);
          }
        }
        for (const wd of d.windows) {
          const w = this.windowFor(wd.end);
          let map = maps.get(wd.end);
          if (map === undefined) maps.set(wd.end, (map = [new Int32Array(0), new Int32Array(0)]));
          for (const side of [0, 1] as const) {
            const rows = side === 0 ? wd.left : wd.right;
            if (rows === null) continue;
            const store = w.sides[side] ?? (w.sides[side] = this.newStore(side));
            map[side] = store.applyDelta(rows, map[side], range, maxP);
          }
        }
        return maps;
      },
    );
    // the restore's own changes are not a delta (the first snapshot after it is full)
    for (const w of this.windows.values()) for (const side of w.sides) side?.dirty?.clear();
  }
}

export function createWindowJoinOperator(spec: JoinOperatorSpec, leftTypes: readonly DataType[], rightTypes: readonly DataType[], outputTypes: readonly DataType[], batchSize: number, fullEvery = 0): Operator {
  return new WindowJoinOperator(spec, leftTypes, rightTypes, outputTypes, batchSize, fullEvery);
}
