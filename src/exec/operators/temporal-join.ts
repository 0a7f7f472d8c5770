// Event-time temporal join (Flink's TemporalRowTimeJoinOperator): each left row joins the
// version of the right (versioned) table valid at the left row's time, once the watermark has
// passed that time. INNER and LEFT.
//
// State, both sides keyed by the join key (join-rows.ts, snapshotted by key group):
// - right: the versions. A +I or +U row is a version valid from its rowtime on; a -D row is a
//   "no row" version from its rowtime on; -U rows are ignored (Flink's planner drops them: the
//   +U that follows replaces the version). A later row with the same key and rowtime replaces
//   the earlier one. Per key, the versions are kept sorted by time (`VersionList`). Slot
//   field `assoc` holds 1 for a row version and 0 for a delete.
// - left: rows waiting for the watermark. Slot field `assoc` holds the row's changelog kind
//   and `touched` its arrival sequence number (JoinRows' TTL and association fields are
//   otherwise unused on these sides), so both survive a snapshot.
//
// Watermark rule: when the (combined) watermark reaches wm, every waiting left row with time
// <= wm is joined with the latest version of its key whose time <= its own: a row version that
// passes the residual condition gives +I (left, version) - or the left row's own kind, as in
// Flink, when the left input is a changelog; otherwise a LEFT join emits (left, NULLs) and an
// INNER join nothing. Then versions no row can need any more are dropped: per key, all those
// older than the latest version at or before wm, and that one too when it is a delete. A left
// row that arrives with its time already at or before the watermark is joined at once against
// the versions still kept (Flink does not drop such rows either). A left row with a NULL time
// or a NULL key (not IS NOT DISTINCT FROM) can match no version: LEFT pads it at once, INNER
// drops it.
//
// Retractions: the right side's changelog is what defines versions; a left changelog's kinds
// are passed through. The output is append-only when the left input is.
//
// Snapshot: both stores as columnar blocks, the watermark and the arrival sequence as operator
// state; the version lists and heaps are rebuilt from the stores. With incremental checkpoints
// ('state.backend.incremental'), a snapshot is a delta of the slots added (waiting rows,
// versions) and freed (fired rows, replaced or cleaned-up versions) since the previous one
// (JoinSidesCheckpoints; slots never change in place here).

import type { Batch, Column } from '../../common/batch.js';
import { BatchBuilder, RowKind, isAccumulate, takeColumn } from '../../common/batch.js';
import { internalError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import type { CompiledExpr } from '../../expr/compile.js';
import { compileExpr } from '../../expr/compile.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { ALL_KEY_GROUPS, restoredWatermark } from './aggregate-slots.js';
import type { MapKey } from './group-keys.js';
import { JoinRows, JoinSidesCheckpoints } from './join-rows.js';
import type { JoinOperatorSpec } from './regular-join.js';
import { keyMatchable } from './regular-join.js';

export function createTemporalJoinOperator(spec: JoinOperatorSpec, leftTypes: readonly DataType[], rightTypes: readonly DataType[], outputTypes: readonly DataType[], batchSize: number, fullEvery = 0): Operator {
  return new TemporalJoinOperator(spec, leftTypes, rightTypes, outputTypes, batchSize, fullEvery);
}

/** One key's versions, sorted by time (distinct times), with their slots in the right store. */
interface VersionList {
  readonly times: number[];
  readonly slots: number[];
}

/** A binary min-heap of (time, tie-breaker) entries carrying a payload. */
class TimeHeap<P> {
  private readonly time: number[] = [];
  private readonly tie: number[] = [];
  private readonly payload: P[] = [];

  get size(): number {
    return this.time.length;
  }

  /** Whether the smallest time is at or before `t` (false when empty, even for t = +Infinity). */
  hasAtOrBefore(t: number): boolean {
    return this.time.length > 0 && this.time[0]! <= t;
  }

  clear(): void {
    this.time.length = 0;
    this.tie.length = 0;
    this.payload.length = 0;
  }

  push(time: number, tie: number, p: P): void {
    let i = this.time.length;
    this.time.push(time);
    this.tie.push(tie);
    this.payload.push(p);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): P {
    const out = this.payload[0]!;
    const last = this.time.length - 1;
    this.swap(0, last);
    this.time.pop();
    this.tie.pop();
    this.payload.pop();
    let i = 0;
    const n = this.time.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return out;
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.tie[a]! < this.tie[b]!);
  }

  private swap(a: number, b: number): void {
    const t = this.time[a]!;
    this.time[a] = this.time[b]!;
    this.time[b] = t;
    const s = this.tie[a]!;
    this.tie[a] = this.tie[b]!;
    this.tie[b] = s;
    const p = this.payload[a]!;
    this.payload[a] = this.payload[b]!;
    this.payload[b] = p;
  }
}

/** Index of the last entry of sorted `times` that is <= t, or -1. */
function lastAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

interface OperatorState {
  readonly watermark: number;
  readonly seq: number;
}

export class TemporalJoinOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys and carried columns live in JoinRows, which turns a column wide on its first such value. */
  readonly wideInts = true;
  private readonly left: JoinRows;
  private readonly right: JoinRows;
  private readonly versions = new Map<MapKey, VersionList>();
  /** Waiting left slots by (time, arrival). NULL time or key: -Infinity (joined at once). */
  private readonly waiting = new TimeHeap<number>();
  /** Keys whose versions may be cleaned up once the watermark reaches the time. */
  private readonly cleanup = new TimeHeap<MapKey>();
  private readonly condition: CompiledExpr | null;
  private readonly outer: boolean;
  private readonly leftTime: number;
  private readonly rightTime: number;
  private watermark = -Infinity;
  private seq = 0;
  private ctx!: OperatorContext;
  // rows fired by one watermark (reused)
  private firedLeft: Int32Array = new Int32Array(0);
  private firedRight: Int32Array = new Int32Array(0);
  /** Both stores in checkpoints (full, or deltas with incremental checkpoints). */
  private readonly checkpoints: JoinSidesCheckpoints;

  constructor(
    private readonly spec: JoinOperatorSpec,
    private readonly leftTypes: readonly DataType[],
    private readonly rightTypes: readonly DataType[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    if (spec.strategy.kind !== 'temporal') throw internalError(`temporal join operator for a ${spec.strategy.kind} join`);
    if (spec.joinType !== 'inner' && spec.joinType !== 'left') throw internalError(`temporal ${spec.joinType} join`);
    this.leftTime = spec.strategy.leftTime;
    this.rightTime = spec.strategy.rightTime;
    this.left = new JoinRows(leftTypes, spec.leftKeys, false);
    this.right = new JoinRows(rightTypes, spec.rightKeys, false);
    this.checkpoints = new JoinSidesCheckpoints([this.left, this.right], fullEvery);
    this.condition = spec.condition === undefined ? null : compileExpr(spec.condition);
    this.outer = spec.joinType === 'left';
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Rows held: waiting left rows and kept versions. */
  get stateRows(): number {
    return this.left.rows + this.right.rows;
  }

  /** Rows in state (the memory guard). */
  stateEntries(): number {
    return this.stateRows;
  }

  processBatch(batch: Batch, out: Collector, input: number): void {
    if (batch.length === 0) return;
    if (input === 0) this.addLeft(batch);
    else this.addRight(batch);
    if (this.waiting.hasAtOrBefore(this.watermark)) this.fire(out);
  }

  processWatermark(wm: number, out: Collector): void {
    if (wm <= this.watermark) return;
    this.watermark = wm;
    this.fire(out);
    this.cleanUp();
  }

  private addLeft(batch: Batch): void {
    const n = batch.length;
    const keyAt = this.left.keyFn(batch);
    const time = batch.columns[this.leftTime]!;
    const tv = time.values as Float64Array;
    const tn = time.nulls;
    const ops = batch.ops;
    const maxP = this.ctx.maxParallelism;
    for (let i = 0; i < n; i++) {
      const matchable = (tn === null || tn[i] === 0) && keyMatchable(batch.columns, this.spec.leftKeys, this.spec.nullSafe, i);
      if (!matchable && !this.outer) continue;
      const kind = ops === null ? RowKind.Insert : ops[i]!;
      const seq = this.seq++;
      const slot = this.left.add(batch, i, keyAt(i), maxP, kind, seq);
      this.waiting.push(matchable ? tv[i]! : -Infinity, seq, slot);
    }
  }

  private addRight(batch: Batch): void {
    const n = batch.length;
    const keyAt = this.right.keyFn(batch);
    const time = batch.columns[this.rightTime]!;
    const tv = time.values as Float64Array;
    const tn = time.nulls;
    const ops = batch.ops;
    const maxP = this.ctx.maxParallelism;
    const right = this.right;
    for (let i = 0; i < n; i++) {
      const kind = ops === null ? RowKind.Insert : ops[i]!;
      if (kind === RowKind.UpdateBefore) continue;
      if (tn !== null && tn[i] === 1) continue;
      if (!keyMatchable(batch.columns, this.spec.rightKeys, this.spec.nullSafe, i)) continue;
      const t = tv[i]!;
      const key = keyAt(i);
      let list = this.versions.get(key);
      if (list === undefined) {
        list = { times: [], slots: [] };
        this.versions.set(key, list);
      }
      const slot = right.add(batch, i, key, maxP, isAccumulate(kind) ? 1 : 0, 0);
      const times = list.times;
      const at = lastAtOrBefore(times, t);
      let pos: number;
      if (at >= 0 && times[at] === t) {
        // same key and time: the later row is the version
        right.removeOne(list.slots[at]!);
        list.slots[at] = slot;
        pos = at;
      } else {
        pos = at + 1;
        if (pos === times.length) {
          times.push(t);
          list.slots.push(slot);
        } else {
          times.splice(pos, 0, t);
          list.slots.splice(pos, 0, slot);
        }
      }
      if (pos <= 1) this.scheduleCleanup(key, list);
    }
  }

  /** When the key's versions can next shrink: the second version's time, or a leading delete's. */
  private scheduleCleanup(key: MapKey, list: VersionList): void {
    let t = list.times.length >= 2 ? list.times[1]! : Infinity;
    if (list.times.length > 0 && this.right.assoc[list.slots[0]!] === 0) t = Math.min(t, list.times[0]!);
    if (t < Infinity) this.cleanup.push(t, 0, key);
  }

  /** Drops the versions no left row at or after the watermark can join. */
  private cleanUp(): void {
    const wm = this.watermark;
    const right = this.right;
    while (this.cleanup.hasAtOrBefore(wm)) {
      const key = this.cleanup.pop();
      const list = this.versions.get(key);
      if (list === undefined) continue;
      const { times, slots } = list;
      let drop = lastAtOrBefore(times, wm);
      if (drop < 0) continue;
      // keep the version valid at wm unless it is a delete (then it is the same as none)
      if (right.assoc[slots[drop]!] === 0) drop++;
      for (let j = 0; j < drop; j++) right.removeOne(slots[j]!);
      times.splice(0, drop);
      slots.splice(0, drop);
      if (times.length === 0) this.versions.delete(key);
      else this.scheduleCleanup(key, list);
    }
  }

  /** Joins and emits every waiting left row whose time is at or before the watermark. */
  private fire(out: Collector): void {
    const wm = this.watermark;
    let n = 0;
    while (this.waiting.hasAtOrBefore(wm)) {
      if (n === this.firedLeft.length) {
        const cap = Math.max(256, n * 2);
        const fl = new Int32Array(cap);
        fl.set(this.firedLeft);
        this.firedLeft = fl;
        const fr = new Int32Array(cap);
        fr.set(this.firedRight);
        this.firedRight = fr;
      }
      this.firedLeft[n++] = this.waiting.pop();
    }
    if (n === 0) return;
    const firedLeft = this.firedLeft;
    const firedRight = this.firedRight;
    // the version of each fired row (slot in the right store, or -1)
    const lview = this.left.view();
    const lbatch: Batch = { length: lview[0] === undefined ? 0 : lview[0].values.length, columns: lview, ops: null };
    const keyAt = this.left.keyFn(lbatch);
    const ltimes = lview[this.leftTime]!;
    const right = this.right;
    for (let i = 0; i < n; i++) {
      const ls = firedLeft[i]!;
      firedRight[i] = -1;
      if (ltimes.nulls !== null && ltimes.nulls[ls] === 1) continue;
      if (!keyMatchable(lview, this.spec.leftKeys, this.spec.nullSafe, ls)) continue;
      const list = this.versions.get(keyAt(ls));
      if (list === undefined) continue;
      const at = lastAtOrBefore(list.times, (ltimes.values as Float64Array)[ls]!);
      if (at < 0) continue;
      const rs = list.slots[at]!;
      if (right.assoc[rs] === 1) firedRight[i] = rs;
    }
    const pass = this.condition === null ? null : this.evaluate(lview, n);
    const b = new BatchBuilder(this.outputTypes);
    const nl = this.leftTypes.length;
    const nr = this.rightTypes.length;
    for (let i = 0; i < n; i++) {
      const ls = firedLeft[i]!;
      const rs = firedRight[i]!;
      const matched = rs >= 0 && (pass === null || pass[i] === 1);
      if (matched || this.outer) {
        for (let c = 0; c < nl; c++) this.left.write(c, ls, b.cols[c]!);
        if (matched) for (let c = 0; c < nr; c++) right.write(c, rs, b.cols[nl + c]!);
        else for (let c = 0; c < nr; c++) b.cols[nl + c]!.pushNull();
        b.endRow(this.left.assoc[ls]! as RowKind);
        if (b.length >= this.batchSize) out.emit(b.finish());
      }
      this.left.removeOne(ls);
    }
    if (b.length > 0) out.emit(b.finish());
  }

  /** The residual condition over the fired rows and their versions (rows without one fail). */
  private evaluate(lview: Column[], n: number): Uint8Array {
    const pass = new Uint8Array(n);
    let any = -1;
    for (let i = 0; i < n && any < 0; i++) any = this.firedRight[i]!;
    if (any < 0) return pass;
    const idxL = this.firedLeft.subarray(0, n);
    const idxR = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const rs = this.firedRight[i]!;
      idxR[i] = rs >= 0 ? rs : any;
    }
    const columns = [...lview.map((c) => takeColumn(c, idxL, n)), ...this.right.view().map((c) => takeColumn(c, idxR, n))];
    const res = this.condition!({ length: n, columns, ops: null });
    const v = res.values as Uint8Array;
    const nulls = res.nulls;
    for (let i = 0; i < n; i++) pass[i] = this.firedRight[i]! >= 0 && v[i] === 1 && (nulls === null || nulls[i] === 0) ? 1 : 0;
    return pass;
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    const state: OperatorState = { watermark: this.watermark, seq: this.seq };
    return this.checkpoints.snapshot(checkpointId, savepoint, state);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.checkpoints.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    for (const s of operatorStates) {
      const seq = (s as Partial<OperatorState> | null)?.seq;
      if (typeof seq === 'number' && seq > this.seq) this.seq = seq;
    }
    this.checkpoints.restore(keyed, this.ctx.keyGroups, this.ctx.maxParallelism);
    this.rebuildIndexes();
  }

  /** Version lists, the waiting heap and the cleanup schedule from the restored stores. */
  private rebuildIndexes(): void {
    this.versions.clear();
    this.waiting.clear();
    this.cleanup.clear();
    const rview = this.right.view();
    const rbatch: Batch = { length: rview[0] === undefined ? 0 : rview[0].values.length, columns: rview, ops: null };
    const rkey = this.right.keyFn(rbatch);
    const rtimes = rview[this.rightTime]!.values as Float64Array;
    const restored: { key: MapKey; t: number; slot: number }[] = [];
    this.right.forEachSlot((slot) => restored.push({ key: rkey(slot), t: rtimes[slot]!, slot }));
    restored.sort((a, b) => a.t - b.t);
    for (const r of restored) {
      let list = this.versions.get(r.key);
      if (list === undefined) {
        list = { times: [], slots: [] };
        this.versions.set(r.key, list);
      }
      list.times.push(r.t);
      list.slots.push(r.slot);
    }
    for (const [key, list] of this.versions) this.scheduleCleanup(key, list);
    const lview = this.left.view();
    const ltime = lview[this.leftTime]!;
    this.left.forEachSlot((slot) => {
      const seq = this.left.touched[slot]!;
      if (seq >= this.seq) this.seq = seq + 1;
      const timeNull = ltime.nulls !== null && ltime.nulls[slot] === 1;
      const matchable = !timeNull && keyMatchable(lview, this.spec.leftKeys, this.spec.nullSafe, slot);
      this.waiting.push(matchable ? (ltime.values as Float64Array)[slot]! : -Infinity, seq, slot);
    });
  }
}
