// Session window aggregation (SESSION TVF and GROUP BY SESSION(ts, gap)).
//
// State: per group key, its open sessions, each [start, end) with end = last time + gap and
// a slot of accumulators. A row at time t makes the window [t, t + gap); every open session
// of its key that intersects it (touching counts, as in Flink) is merged into one, folding
// accumulators together. A heap of session ends (with lazy deletion of stale entries) finds
// what the watermark closes.
//
// Watermark rule: a session fires once when the watermark reaches end - 1, emitting keys,
// aggregates, window_start, window_end and window_time (= end - 1); its state is freed.
// Late rows: a row whose own window [t, t + gap) ends at or before the watermark is dropped
// and counted.
//
// Over a changelog (`inputUpdating`, as Flink's window aggregates with needRetraction, both the
// legacy GROUP BY SESSION and the SESSION TVF): a -U/-D row is assigned and merged exactly as
// an insert (its window [t, t + gap) joins or bridges the open sessions of its key, so sessions
// only ever grow: a retraction never shrinks or splits a session, as in Flink's merging window
// set), then retracts from the session's retractable accumulators and lowers its record count.
// A retraction whose own window has fired is late: dropped and counted like a late insert. A
// session whose record count is back to zero when it fires emits nothing (Flink tests the
// record count before emitting). The output stays append-only.
//
// Snapshot: one columnar block in slot order (session bounds, key groups, keys, accumulators,
// and the record counts over a changelog), and the watermark as operator state. With
// incremental checkpoints ('state.backend.incremental'), the slots a row was added to or
// retracted from or whose bounds changed, and the slots freed by a merge or when their session
// fired, are marked; a snapshot is then a delta of those slots (a freed one as not in use, with
// their record counts over a changelog) in the chain's slot numbering, as the other window
// aggregates write it (AggregateSlots.saveWindowDelta). A restore applies the full block, then
// each delta: a listed slot's session goes, then the delta's sessions in use are added.

import type { TimeZoneRules } from '../../common/time-zone.js';
import { timeZoneById } from '../../common/time-zone.js';
import type { Batch, Scalar } from '../../common/batch.js';
import { ColumnBuilder } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { AggCall } from '../../plan/logical.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { ALL_KEY_GROUPS, AggregateSlots, grownFor, restoredWatermark } from './aggregate-slots.js';
import type { WindowSlotBlock, WindowSlotDelta } from './aggregate-slots.js';
import { DeltaPolicy, DirtySlots, growSlotMap, replayChains } from './delta-policy.js';
import type { MapKey } from './group-keys.js';
import { isAccumulate } from '../../common/batch.js';
import { internalError } from '../../common/errors.js';

interface Session {
  start: number;
  end: number;
  slot: number;
  alive: boolean;
  readonly key: MapKey;
}

/** Min-heap of sessions by end; entries whose session changed since are skipped. */
class EndHeap {
  private ends: number[] = [];
  private items: Session[] = [];

  get size(): number {
    return this.ends.length;
  }

  push(end: number, s: Session): void {
    const e = this.ends;
    const it = this.items;
    let i = e.length;
    e.push(end);
    it.push(s);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (e[p]! <= end) break;
      e[i] = e[p]!;
      it[i] = it[p]!;
      i = p;
    }
    e[i] = end;
    it[i] = s;
  }

  peekEnd(): number {
    return this.ends.length === 0 ? Infinity : this.ends[0]!;
  }

  pop(): [number, Session] {
    const e = this.ends;
    const it = this.items;
    const topE = e[0]!;
    const topS = it[0]!;
    const lastE = e.pop()!;
    const lastS = it.pop()!;
    const n = e.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && e[r]! < e[l]! ? r : l;
        if (e[c]! >= lastE) break;
        e[i] = e[c]!;
        it[i] = it[c]!;
        i = c;
      }
      e[i] = lastE;
      it[i] = lastS;
    }
    return [topE, topS];
  }
}

export class SessionWindowAggregateOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys (GroupKeys) and the accumulators carry them exactly. */
  readonly wideInts = true;
  private readonly slots: AggregateSlots;
  private readonly sessions = new Map<MapKey, Session[]>();
  private readonly heap = new EndHeap();
  private watermark = -Infinity;
  private ctx!: OperatorContext;
  private slotBuf: Int32Array = new Int32Array(0);
  private rowBuf: Int32Array = new Int32Array(0);
  private retSlotBuf: Int32Array = new Int32Array(0);
  private retRowBuf: Int32Array = new Int32Array(0);
  /** Over a changelog: each slot's record count (+1 per insert, -1 per retraction). */
  private slotCount: Float64Array = new Float64Array(0);
  /** Each slot's session and its bounds (for snapshots and deltas). */
  private bySlot: (Session | undefined)[] = [];
  private slotStart: Float64Array = new Float64Array(0);
  private slotEnd: Float64Array = new Float64Array(0);
  /** Incremental checkpoints (null when off). */
  private readonly dirty: DirtySlots | null;
  private readonly policy: DeltaPolicy | null;

  constructor(
    private readonly gap: number,
    private readonly timeIndex: number,
    inputTypes: readonly DataType[],
    keys: readonly number[],
    private readonly aggs: readonly AggCall[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    /** TIMESTAMP_LTZ attribute: sessions on local date-times in this zone, as the other windows (window-aggregate.ts). */
    zone?: string,
    /** The input is a changelog: -U/-D rows retract from their sessions. */
    private readonly inputUpdating = false,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    this.slots = new AggregateSlots(inputTypes, keys, aggs, inputUpdating);
    this.dirty = fullEvery > 0 ? new DirtySlots() : null;
    this.policy = fullEvery > 0 ? new DeltaPolicy(fullEvery) : null;
    this.zone = zone === undefined ? null : timeZoneById(zone);
  }

  private readonly zone: TimeZoneRules | null;

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** A new slot's record count starts at zero (over a changelog). */
  private placeCount(slot: number): void {
    if (slot >= this.slotCount.length) {
      const c = new Float64Array(Math.max(64, this.slotCount.length * 2, slot + 1));
      c.set(this.slotCount);
      this.slotCount = c;
    }
    this.slotCount[slot] = 0;
  }

  /** Sessions in state (the memory guard). */
  stateEntries(): number {
    return this.slots.live;
  }

  /** Records a session's slot and bounds (after it is made or its bounds change). */
  private placed(s: Session): void {
    const slot = s.slot;
    this.slotStart = grownFor(this.slotStart, slot);
    this.slotEnd = grownFor(this.slotEnd, slot);
    this.slotStart[slot] = s.start;
    this.slotEnd[slot] = s.end;
    this.bySlot[slot] = s;
  }

  /** Takes a session out of its key's open sessions. */
  private unlist(s: Session): void {
    const list = this.sessions.get(s.key)!;
    list.splice(list.indexOf(s), 1);
    if (list.length === 0) this.sessions.delete(s.key);
  }

  /** Frees a session's slot (merged away or fired). */
  private freeSession(s: Session): void {
    s.alive = false;
    this.bySlot[s.slot] = undefined;
    this.slots.release(s.slot);
    if (this.dirty !== null) this.dirty.mark(s.slot);
  }

  processBatch(batch: Batch, out: Collector): void {
    const n = batch.length;
    if (this.slotBuf.length < n) {
      this.slotBuf = new Int32Array(n);
      this.rowBuf = new Int32Array(n);
    }
    const updating = this.inputUpdating;
    // (a changelog batch of inserts only may carry no ops column)
    const ops = updating ? batch.ops : null;
    if (updating && this.retSlotBuf.length < n) {
      this.retSlotBuf = new Int32Array(n);
      this.retRowBuf = new Int32Array(n);
    }
    const tcol = batch.columns[this.timeIndex]!;
    const tv = tcol.values as Float64Array;
    const tn = tcol.nulls;
    const keyAt = this.slots.keys.keyFn(batch);
    const gap = this.gap;
    let m = 0;
    let r = 0;
    let late = 0;
    // Rows are added (and retracted) in runs: a merge folds accumulators, so updates gathered
    // so far for the sessions being merged must be applied first.
    const flush = (): void => {
      if (m > 0) this.slots.add(this.slotBuf, this.rowBuf, m, batch.columns);
      if (r > 0) this.slots.retract(this.retSlotBuf, this.retRowBuf, r, batch.columns);
      m = 0;
      r = 0;
    };
    const zone = this.zone;
    for (let i = 0; i < n; i++) {
      if (tn !== null && tn[i] === 1) continue;
      const t = zone === null ? tv[i]! : zone.toLocal(tv[i]!);
      if (t + gap - 1 <= this.watermark) {
        late++;
        continue;
      }
      const key = keyAt(i);
      let list = this.sessions.get(key);
      if (list === undefined) {
        list = [];
        this.sessions.set(key, list);
      }
      let start = t;
      let end = t + gap;
      // sessions intersecting [t, t + gap]
      let target: Session | undefined;
      let merged = false;
      for (let j = 0; j < list.length; j++) {
        const s = list[j]!;
        if (s.start <= end && s.end >= start) {
          if (target === undefined) target = s;
          else {
            if (!merged) {
              flush();
              merged = true;
            }
            this.slots.merge(target.slot, s.slot);
            if (updating) this.slotCount[target.slot]! += this.slotCount[s.slot]!;
            this.freeSession(s);
            list.splice(j, 1);
            j--;
          }
          start = Math.min(start, s.start);
          end = Math.max(end, s.end);
        }
      }
      if (target === undefined) {
        const slot = this.slots.allocFor(batch, i, this.ctx.maxParallelism);
        if (updating) this.placeCount(slot);
        target = { start, end, slot, alive: true, key };
        list.push(target);
        this.heap.push(end, target);
        this.placed(target);
      } else if (target.start !== start || target.end !== end) {
        const grew = end !== target.end;
        target.start = start;
        target.end = end;
        if (grew) this.heap.push(end, target);
        this.placed(target);
      }
      if (this.dirty !== null) this.dirty.mark(target.slot);
      if (updating) {
        if (ops !== null && !isAccumulate(ops[i]!)) {
          this.retSlotBuf[r] = target.slot;
          this.retRowBuf[r++] = i;
          this.slotCount[target.slot]!--;
          continue;
        }
        this.slotCount[target.slot]!++;
      }
      this.slotBuf[m] = target.slot;
      this.rowBuf[m] = i;
      m++;
    }
    flush();
    this.ctx.metrics.lateDropped += late;
    void out;
  }

  processWatermark(input: number, out: Collector): void {
    // over TIMESTAMP_LTZ the watermark is kept on the local scale, never going back
    const wm = this.zone === null ? input : Math.max(this.watermark, this.zone.localWatermark(input));
    this.watermark = wm;
    if (this.heap.peekEnd() - 1 > wm) return;
    const keyCount = this.slots.keys.size;
    const aggCount = this.aggs.length;
    const builders = this.outputTypes.map((t) => new ColumnBuilder(t, 256));
    let rows = 0;
    const flush = (): void => {
      if (rows === 0) return;
      out.emit({ length: rows, columns: builders.map((b) => b.finish()), ops: null });
      rows = 0;
    };
    while (this.heap.size > 0 && this.heap.peekEnd() - 1 <= wm) {
      const [end, s] = this.heap.pop();
      if (!s.alive || s.end !== end) continue; // merged away or extended since
      this.unlist(s);
      // over a changelog, a session whose rows were all retracted has no row
      if (this.inputUpdating && this.slotCount[s.slot]! <= 0) {
        this.freeSession(s);
        continue;
      }
      this.slots.keys.write(s.slot, builders);
      this.slots.writeResults(s.slot, builders, keyCount);
      builders[keyCount + aggCount]!.pushNumber(s.start);
      builders[keyCount + aggCount + 1]!.pushNumber(s.end);
      builders[keyCount + aggCount + 2]!.pushNumber(this.zone === null ? s.end - 1 : this.zone.fromLocalLatest(s.end - 1));
      this.freeSession(s);
      if (++rows >= this.batchSize) flush();
    }
    flush();
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    const at = { checkpointId, savepoint, watermark: this.watermark };
    return this.slots.windowSnapshot(at, this.dirty, this.policy, this.slotStart, this.slotEnd, this.inputUpdating ? this.slotCount : null);
  }


  notifyCheckpointComplete(checkpointId: number): void {
    this.policy?.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    // each old subtask's chain: a full block, then its deltas (chain slot -> slot)
    replayChains<Int32Array>(
      keyed,
      (b) => {
        const block = b as WindowSlotBlock;
        const { from, to, n } = this.slots.loadFrom(block, this.ctx.keyGroups);
        const map = new Int32Array(block.high).fill(-1);
        for (let i = 0; i < n; i++) {
          map[from[i]!] = to[i]!;
          this.restoreSession(to[i]!, block, from[i]!);
        }
        return map;
      },
      (b, chainMap) => {
        const delta = b as WindowSlotDelta;
        const map = growSlotMap(chainMap, delta.slots);
        // every listed slot's session goes, then the delta's sessions in use come
        for (let i = 0; i < delta.slots.length; i++) {
          const cur = map[delta.slots[i]!]!;
          if (cur < 0) continue;
          const s = this.bySlot[cur]!;
          this.unlist(s);
          this.freeSession(s);
          map[delta.slots[i]!] = -1;
        }
        const { from, to, n } = this.slots.loadDelta(delta, this.ctx.keyGroups, map);
        for (let i = 0; i < n; i++) this.restoreSession(to[i]!, delta, from[i]!);
        return map;
      },
    );
    // the restore's own changes are not a delta (the first snapshot after it is full)
    this.dirty?.clear();
  }

  /** The session saved at entry `at` of a full block or a delta, restored into `slot`. */
  private restoreSession(slot: number, saved: { starts: Float64Array; ends: Float64Array; counts?: Float64Array }, at: number): void {
    const key = this.slots.keys.mapKeyAt(slot);
    if (this.inputUpdating) {
      if (saved.counts === undefined) throw internalError('a changelog session window aggregation restored state without record counts');
      this.placeCount(slot);
      this.slotCount[slot] = saved.counts[at]!;
    }
    const s: Session = { start: saved.starts[at]!, end: saved.ends[at]!, slot, alive: true, key };
    let list = this.sessions.get(key);
    if (list === undefined) {
      list = [];
      this.sessions.set(key, list);
    }
    list.push(s);
    this.heap.push(s.end, s);
    this.placed(s);
  }
}
