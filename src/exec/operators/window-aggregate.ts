// Window aggregation for TUMBLE, HOP and CUMULATE windows.
//
// State: the open windows, by window end; each holds a map from group key to a slot whose
// accumulators live in AggregateSlots. A row is assigned to every window containing its
// time (one for TUMBLE, size/slide for HOP, the cumulating windows still open for CUMULATE).
//
// Watermark rule: when the watermark reaches window_end - 1, every window up to it fires
// once, in order of end, emitting one final row per group; its state is then freed. Output
// is append-only: keys, aggregates, window_start, window_end, window_time (= end - 1).
//
// Late rows: a row whose windows have all fired is dropped and counted (metrics.lateDropped);
// a HOP/CUMULATE row still counts toward those of its windows that are open.
//
// Retractions (`inputUpdating`, a changelog input; single phase only, as planned): a -U/-D
// row retracts from every window of its time that is still open, with retractable
// accumulators (MIN/MAX keep their value multisets) and a record count per slot. A retraction
// whose windows have all fired is late: dropped and counted like a late insert. A window's
// group whose count is back to zero when it fires emits nothing (as Flink's window
// processors, which test the record count). The output stays append-only.
//
// Snapshot: one columnar block in slot order (window bounds, key groups, keys, accumulators,
// and the record counts over a changelog); the current watermark as operator state, so a
// restored operator drops the same late rows.
// With incremental checkpoints ('state.backend.incremental'), the slots rows were added to and
// the slots freed when their window fired are marked; a snapshot is then a delta of those slots
// (a freed slot is written as not in use), in the slot numbering of the chain (delta-policy.ts
// decides when it must be full). A restore applies the full block, then each delta in order:
// a listed slot's group leaves its window (a window left without groups is dropped), then the
// delta's groups in use join theirs. Over a changelog, the slots rows were retracted from are
// marked too, and a delta carries the listed slots' record counts.
//
// Two-phase aggregation (phase 'local' and 'global', planned for splittable aggregates):
// - local runs before the shuffle, on its subtask's rows: it never drops a row; when its
//   watermark closes a window it emits one partial row per group (keys, partial aggregates,
//   window_start, window_end, and the number of records folded in) and frees the window; a
//   row that arrives for a closed window becomes a new partial, emitted at once. On a
//   checkpoint barrier it emits everything it holds, so it has no state of its own.
// - global runs after the shuffle and merges partial rows into the windows they name (no
//   window assignment); it fires like the single phase, and a partial that arrives for a
//   fired window counts its records as late.
// - a global phase over a HOP's slices with `shared` (slice sharing, as Flink's slice-shared
//   window aggregate): its state is one group per key and *slice* (the OpenWindow records and
//   the snapshot bounds are a slice's), each partial is added once, into its slice. When the
//   watermark passes a window's end, the window merges its size/slide slices per key: into the
//   groups of its oldest slice when that slice has no later window (then freed), else into
//   scratch slots freed right away. A partial whose slice has no window left open is late; one
//   whose slice's earlier windows fired counts toward the later ones only (as a HOP row). The
//   operator state carries `layout: 'hop-slices'`, and a restore refuses state of the other
//   layout rather than misread it.

import type { TimeZoneRules } from '../../common/time-zone.js';
import { timeZoneById } from '../../common/time-zone.js';
import type { Batch, Column } from '../../common/batch.js';
import { ColumnBuilder } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { T, physicalKind } from '../../common/types.js';
import type { AggCall, WindowSpec } from '../../plan/logical.js';
import type { WindowPhase } from '../../plan/physical.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { ALL_KEY_GROUPS, AggregateSlots, grownFor, restoredWatermark } from './aggregate-slots.js';
import type { WindowSlotBlock, WindowSlotDelta } from './aggregate-slots.js';
import type { MapKey } from './group-keys.js';
import { KeyIndex } from './key-index.js';
import { type PassPartial, PassSwitch, pushPassedPartials } from './pass-partials.js';
import { isAccumulate } from '../../common/batch.js';
import { WeirError, internalError } from '../../common/errors.js';
import { DeltaPolicy, DirtySlots, growSlotMap, replayChains } from './delta-policy.js';

interface OpenWindow {
  readonly start: number;
  readonly end: number;
  /** Adaptive local phase: rows folded in (to measure the reduction when it fires). */
  rows: number;
  /** Group key -> slot. */
  readonly groups: KeyIndex;
  /** The window's slots in the order their groups appeared (the order results are emitted). */
  readonly slots: number[];
}

/**
 * How a pass-through local phase makes each partial column from one row: 1 (or 0 when the
 * FILTER fails), 1 when the argument is not NULL (and the FILTER passes), or the argument
 * itself (NULL when the FILTER fails).
 */
interface PassThrough {
  readonly partials: readonly PassPartial[];
}

/** Entries in the window cache (a power of two). */
const WINDOW_CACHE = 16;

/**
 * x mod m, in [0, m), for a window size or slide m (a positive whole number of ms). A time in
 * ms is a safe integer: then x - floor(x / m) * m is exact (the rounded quotient cannot cross
 * an integer below 2^53) and about three times as fast as `%` on doubles, which V8 leaves to
 * a C call; other values take `%`.
 */
function floorMod(x: number, m: number): number {
  if (Number.isSafeInteger(x)) return x - Math.floor(x / m) * m;
  const r = x % m;
  return r < 0 ? r + m : r;
}

export class WindowAggregateOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): keys (GroupKeys) and the accumulators carry them exactly. */
  readonly wideInts = true;
  private readonly slots: AggregateSlots;
  private readonly windows = new Map<number, OpenWindow>();
  /** Ends of open windows, ascending. */
  private ends: number[] = [];
  private watermark = -Infinity;
  private ctx!: OperatorContext;
  private slotBuf: Int32Array = new Int32Array(0);
  private rowBuf: Int32Array = new Int32Array(0);
  private readonly perRow: number;
  /** Window bounds of each slot (snapshots read these instead of walking the windows). */
  private slotStart: Float64Array = new Float64Array(0);
  private slotEnd: Float64Array = new Float64Array(0);
  /** Changelog input: each slot's record count (+I/+U add one, -U/-D take one away). */
  private slotCount: Float64Array = new Float64Array(0);
  private retSlotBuf: Int32Array = new Int32Array(0);
  private retRowBuf: Int32Array = new Int32Array(0);
  /** windowFor's cache: window ends and windows, indexed by end / quantum. */
  private readonly cacheEnds = new Float64Array(WINDOW_CACHE).fill(NaN);
  private readonly cacheWins: (OpenWindow | undefined)[] = new Array<OpenWindow | undefined>(WINDOW_CACHE);
  private readonly quantum: number;
  /** Group count of the last window fired: the initial size of a new window's key index. */
  private groupsHint = 16;
  /**
   * Adaptive local phase (WindowPhase 'local' with `adaptive`): how each row becomes a partial
   * when passing through (null: some aggregate does not allow it, so it always aggregates).
   */
  private readonly passPlan: PassThrough | null;
  /**
   * When rows pass straight through (null: not adaptive). Measuring takes at least a whole
   * window, pre-aggregated: the rows folded into, and partial rows emitted from, each window.
   */
  private readonly mode: PassSwitch | null;
  /** Windows ending at or before this got rows that passed through: not measured. */
  private unmeasuredUpTo = -Infinity;
  /** The largest window end of a row passed through. */
  private passedEnd = -Infinity;
  /**
   * TIMESTAMP_LTZ time attribute (WindowSpec.zone): rows are assigned by their local
   * date-time, and the operator's watermark is kept on the same local scale
   * (TimeZoneRules.localWatermark: when clocks fall back it waits for the repeated hour's
   * second pass, so both passes' rows count); window_time is turned back into an instant (the
   * later one) when a window fires.
   */
  private readonly zone: TimeZoneRules | null;
  private localTimes: Float64Array = new Float64Array(0);
  /** Incremental checkpoints (null when off, and for the local phase, which keeps no state). */
  private readonly dirty: DirtySlots | null;
  private readonly policy: DeltaPolicy | null;

  /** The windows rows are assigned to (a sliced local phase: the slices, a TUMBLE of the slide). */
  private readonly window: Exclude<WindowSpec, { kind: 'session' }>;
  /**
   * Slice-shared global HOP phase: `windows` and `ends` hold slices, and the windows up to
   * `firedTo` (a window fires once its end - 1 is at or below it) have fired.
   */
  private readonly shared: boolean;
  private firedTo = -Infinity;
  /** Slice sharing, at a window's firing: key -> the slot its slices merge into. */
  private readonly mergeIndex: KeyIndex;
  private mergeTargets: Int32Array = new Int32Array(0);
  private mergeKeySlots: Int32Array = new Int32Array(0);

  constructor(
    private readonly spec: Exclude<WindowSpec, { kind: 'session' }>,
    private readonly timeIndex: number,
    private readonly inputTypes: readonly DataType[],
    keys: readonly number[],
    private readonly aggs: readonly AggCall[],
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
    private readonly phase: WindowPhase = { kind: 'single' },
    private readonly inputUpdating = false,
    /** Incremental checkpoints: a full snapshot at least every this many (0: always full). */
    fullEvery = 0,
  ) {
    if (inputUpdating && phase.kind !== 'single') throw internalError('a window aggregation over a changelog runs in one phase');
    const incremental = fullEvery > 0 && phase.kind !== 'local';
    this.dirty = incremental ? new DirtySlots() : null;
    this.policy = incremental ? new DeltaPolicy(fullEvery) : null;
    this.slots = new AggregateSlots(inputTypes, keys, aggs, inputUpdating);
    const window = phase.kind === 'local' && phase.sliced === true && spec.kind === 'hop' ? { kind: 'tumble' as const, size: spec.slide, offset: spec.offset } : spec;
    this.window = window;
    this.shared = phase.kind === 'global' && phase.sliced === true && phase.shared === true && spec.kind === 'hop';
    this.mergeIndex = new KeyIndex(this.shared ? 1024 : 16);
    const windowsPerSlice = phase.kind === 'global' && phase.sliced === true && spec.kind === 'hop' && !this.shared ? spec.size / spec.slide : 1;
    this.perRow = phase.kind === 'global' ? windowsPerSlice : window.kind === 'tumble' ? 1 : window.kind === 'hop' ? window.size / window.slide : window.size / window.step;
    this.quantum = window.kind === 'tumble' ? window.size : window.kind === 'hop' ? window.slide : window.step;
    this.zone = spec.zone === undefined ? null : timeZoneById(spec.zone);
    this.passPlan = phase.kind === 'local' && phase.adaptive !== undefined ? this.passThroughPlan() : null;
    this.mode = this.passPlan === null ? null : new PassSwitch((phase as Extract<WindowPhase, { kind: 'local' }>).adaptive!);
  }

  /** Adaptive local phase: true while rows pass straight through (tests). */
  get passingThrough(): boolean {
    return this.mode !== null && this.mode.passing;
  }

  /** Switches between the two modes (tests, job statistics). */
  get switches(): number {
    return this.mode === null ? 0 : this.mode.switches;
  }

  /** The time column's values on the window scale: as they are, or local date-times (zone). */
  private windowTimes(col: Column, n: number): Float64Array {
    const tv = col.values as Float64Array;
    const z = this.zone;
    if (z === null) return tv;
    if (this.localTimes.length < n) this.localTimes = new Float64Array(Math.max(n, 1024));
    const out = this.localTimes;
    for (let i = 0; i < n; i++) out[i] = z.toLocal(tv[i]!);
    return out;
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** Groups of open windows in state (the memory guard). */
  stateEntries(): number {
    return this.slots.live;
  }

  private addRows(slots: Int32Array, rows: Int32Array, m: number, columns: readonly Column[]): void {
    // a pending copy-on-write snapshot keeps each slot's state at the barrier before it changes
    const cow = this.slots.cow;
    if (cow !== null) for (let i = 0; i < m; i++) cow.guard(slots[i]!);
    this.slots.add(slots, rows, m, columns);
    const d = this.dirty;
    if (d !== null) for (let i = 0; i < m; i++) d.mark(slots[i]!);
  }

  /** Records the window of a new slot. */
  private place(slot: number, win: OpenWindow): void {
    this.slotStart = grownFor(this.slotStart, slot);
    this.slotEnd = grownFor(this.slotEnd, slot);
    if (this.inputUpdating) this.slotCount = grownFor(this.slotCount, slot);
    this.slotStart[slot] = win.start;
    this.slotEnd[slot] = win.end;
    if (this.inputUpdating) this.slotCount[slot] = 0;
  }

  private windowFor(start: number, end: number): OpenWindow {
    // Rows of a HOP or CUMULATE window cycle through the same few windows: a small cache by
    // end saves the Map lookup (emptied whenever windows fire).
    const c = Math.floor(end / this.quantum) & (WINDOW_CACHE - 1);
    if (this.cacheEnds[c] === end) return this.cacheWins[c]!;
    let w = this.windows.get(end);
    if (w === undefined) {
      // sized for as many groups as the last window that fired had
      w = { start, end, rows: 0, groups: new KeyIndex(this.groupsHint), slots: [] };
      this.windows.set(end, w);
      // keep `ends` sorted (few windows are open at once)
      let i = this.ends.length;
      while (i > 0 && this.ends[i - 1]! > end) i--;
      this.ends.splice(i, 0, end);
    }
    this.cacheEnds[c] = end;
    this.cacheWins[c] = w;
    return w;
  }

  processBatch(batch: Batch, out: Collector): void {
    if (this.mode !== null && this.mode.passing) {
      if (this.passThroughBatch(batch, out)) return;
      // (rows without a time: aggregated as usual, then everything held is emitted at once, so
      // partial rows still leave in the order their rows came)
      this.aggregateBatch(batch, out);
      this.fire(Infinity, out, false);
      return;
    }
    this.aggregateBatch(batch, out);
  }

  private aggregateBatch(batch: Batch, out: Collector): void {
    if (this.phase.kind === 'global') {
      this.mergePartials(batch, this.phase);
      return;
    }
    if (this.phase.kind === 'attached') {
      this.addAttached(batch, this.phase, false);
      return;
    }
    if (this.phase.kind === 'local' && this.phase.attached !== undefined) {
      this.addAttached(batch, this.phase.attached, true);
      // as below: windows the watermark already closed go on at once
      if (this.ends.length > 0 && this.ends[0]! - 1 <= this.watermark) this.fire(this.watermark, out);
      return;
    }
    const n = batch.length;
    const cap = n * this.perRow;
    if (this.slotBuf.length < cap) {
      this.slotBuf = new Int32Array(cap);
      this.rowBuf = new Int32Array(cap);
    }
    const updating = this.inputUpdating;
    // (a changelog batch of inserts only may carry no ops column)
    const ops = batch.ops;
    if (updating && this.retSlotBuf.length < cap) {
      this.retSlotBuf = new Int32Array(cap);
      this.retRowBuf = new Int32Array(cap);
    }
    const slots = this.slotBuf;
    const rows = this.rowBuf;
    const retSlots = this.retSlotBuf;
    const retRows = this.retRowBuf;
    const tcol = batch.columns[this.timeIndex]!;
    const tv = this.windowTimes(tcol, n);
    const tn = tcol.nulls;
    const keyAt = this.slots.keys.keyFn(batch);
    // The local phase never drops: its closed windows are flushed again right away.
    const local = this.phase.kind === 'local';
    const wm = local ? -Infinity : this.watermark;
    const w = this.window;
    let m = 0;
    let r = 0;
    let late = 0;
    let lastEnd = NaN;
    let lastWin: OpenWindow | null = null;
    const assign = (start: number, end: number, key: MapKey, row: number): void => {
      let win: OpenWindow;
      if (end === lastEnd) win = lastWin!;
      else {
        win = this.windowFor(start, end);
        lastEnd = end;
        lastWin = win;
      }
      win.rows++;
      let slot = win.groups.get(key);
      if (slot < 0) {
        // the local phase snapshots nothing: its slots need no key group
        slot = local ? this.slots.allocInGroup(batch, row, -1) : this.slots.allocFor(batch, row, this.ctx.maxParallelism);
        win.groups.set(key, slot);
        win.slots.push(slot);
        this.place(slot, win);
      }
      if (updating) {
        // (the record count and, for a retraction, the accumulators change: see addRows)
        this.slots.cow?.guard(slot);
        if (ops !== null && !isAccumulate(ops[row]!)) {
          retSlots[r] = slot;
          retRows[r++] = row;
          this.slotCount[slot]!--;
          return;
        }
        this.slotCount[slot]!++;
      }
      slots[m] = slot;
      rows[m] = row;
      m++;
    };
    const keyCol = this.slots.keys.size === 1 ? batch.columns[this.slots.keys.columns[0]!]! : null;
    if (w.kind === 'tumble' && !updating && keyCol !== null && keyCol.nulls === null && keyCol.values instanceof Float64Array) {
      // TUMBLE (and a HOP's slices) over an insert-only input keyed by one numeric column
      // without NULLs, the common case: assign inline, with no closure and no key function
      const { size, offset } = w;
      const kv = keyCol.values;
      // (locals, not the variables the assign closure below captures, which live in a context)
      let fm = 0;
      let fEnd = NaN;
      let fWin: OpenWindow | null = null;
      const fSlots = this.slotBuf;
      const fRows = this.rowBuf;
      const fWm = wm;
      const fLocal = local;
      for (let i = 0; i < n; i++) {
        if (tn !== null && tn[i] === 1) continue;
        const t = tv[i]!;
        const start = t - floorMod(t - offset, size);
        const end = start + size;
        if (end - 1 <= fWm) {
          late++;
          continue;
        }
        if (end !== fEnd) {
          fWin = this.windowFor(start, end);
          fEnd = end;
        }
        const win = fWin!;
        win.rows++;
        const key = kv[i]!;
        let slot = win.groups.getNumber(key);
        if (slot < 0) {
          slot = fLocal ? this.slots.allocInGroup(batch, i, -1) : this.slots.allocFor(batch, i, this.ctx.maxParallelism);
          win.groups.set(key, slot);
          win.slots.push(slot);
          this.place(slot, win);
        }
        fSlots[fm] = slot;
        fRows[fm] = i;
        fm++;
      }
      m = fm;
    } else if (w.kind === 'tumble') {
      const { size, offset } = w;
      for (let i = 0; i < n; i++) {
        if (tn !== null && tn[i] === 1) continue;
        const t = tv[i]!;
        const start = t - floorMod(t - offset, size);
        const end = start + size;
        if (end - 1 <= wm) {
          late++;
          continue;
        }
        assign(start, end, keyAt(i), i);
      }
    } else if (w.kind === 'hop') {
      const { size, slide, offset } = w;
      for (let i = 0; i < n; i++) {
        if (tn !== null && tn[i] === 1) continue;
        const t = tv[i]!;
        const key = keyAt(i);
        let any = false;
        const lastStart = t - floorMod(t - offset, slide);
        for (let s = lastStart; s > t - size; s -= slide) {
          const end = s + size;
          if (end - 1 <= wm) continue;
          assign(s, end, key, i);
          any = true;
        }
        if (!any) late++;
      }
    } else {
      const { size, step, offset } = w;
      for (let i = 0; i < n; i++) {
        if (tn !== null && tn[i] === 1) continue;
        const t = tv[i]!;
        const key = keyAt(i);
        const start = t - floorMod(t - offset, size);
        let any = false;
        for (let end = start + (Math.floor((t - start) / step) + 1) * step; end <= start + size; end += step) {
          if (end - 1 <= wm) continue;
          assign(start, end, key, i);
          any = true;
        }
        if (!any) late++;
      }
    }
    this.ctx.metrics.lateDropped += late;
    if (m > 0) this.addRows(slots, rows, m, batch.columns);
    // retractions come only over a changelog
    if (r > 0) {
      this.slots.retract(retSlots, retRows, r, batch.columns);
      const d = this.dirty;
      if (d !== null) for (let i = 0; i < r; i++) d.mark(retSlots[i]!);
    }
    if (this.phase.kind === 'local' && this.ends.length > 0 && this.ends[0]! - 1 <= this.watermark) this.fire(this.watermark, out);
  }

  /**
   * Adaptive local phase (as Flink's adaptive local hash aggregation in batch mode, but
   * measured continuously and reversible): while pre-aggregating, every window that fires (or
   * is flushed at a barrier) adds its rows folded in and its partial rows emitted to the
   * measurement. Once `sampleRows` rows are measured, a reduction below `minRowsPerPartial`
   * rows per partial switches to passing each row on as a one-record partial (after emitting
   * everything held, so partials keep the order of their rows); otherwise the measurement
   * starts over. Passing through, it measures again after a period of rows that doubles each
   * time a measurement confirms passing. The global phase merges either kind of partial alike,
   * so the mode never changes a result, and the local phase holds no state across a barrier in
   * either mode.
   */
  private measure(win: OpenWindow): void {
    if (win.end <= this.unmeasuredUpTo) return;
    this.mode!.measured(win.rows, win.slots.length);
  }

  private decide(out: Collector): void {
    // switching to passing: first emit everything held
    if (this.mode!.decide()) this.fire(Infinity, out, false);
  }

  /** Passing through: after its period, pre-aggregate again to measure. */
  private afterPassed(n: number): void {
    // windows that had rows passed through would understate the reduction
    if (this.mode!.passed(n)) this.unmeasuredUpTo = this.passedEnd;
  }

  /** How each partial column is made from one row, or null when an aggregate does not allow it. */
  private passThroughPlan(): PassThrough | null {
    // (HOP windows not in slices and CUMULATE: a row would be one partial per window; not built)
    if (this.window.kind !== 'tumble' || this.phase.kind !== 'local') return null;
    const partials: PassThrough['partials'][number][] = [];
    const n = this.aggs.length;
    for (let j = 0; j < n; j++) {
      const a = this.aggs[j]!;
      if (a.distinct) return null;
      const filter = a.filter;
      if (a.fn === 'count_star') partials.push({ kind: 'one', filter });
      else if (a.fn === 'count') partials.push({ kind: 'non-null', column: a.args[0]!, filter });
      else if (a.fn === 'sum' || a.fn === 'sum0' || a.fn === 'min' || a.fn === 'max' || a.fn === 'first_value' || a.fn === 'last_value' || (a.fn === 'listagg' && a.args.length === 1)) {
        // the value itself, when it is carried alike in the partial's type (no DECIMAL rescaling)
        const argType = this.inputTypes[a.args[0]!]!;
        if (argType.kind === 'DECIMAL' || a.type.kind === 'DECIMAL' || physicalKind(argType) !== physicalKind(a.type)) return null;
        partials.push({ kind: 'value', column: a.args[0]!, filter });
      } else return null;
    }
    return { partials };
  }

  /**
   * Pass-through: the batch's rows as partial rows (keys, partial values, window_start,
   * window_end), key and value columns shared with the input. False when a row has no time
   * (the ordinary path skips it).
   */
  private passThroughBatch(batch: Batch, out: Collector): boolean {
    const n = batch.length;
    const tcol = batch.columns[this.timeIndex]!;
    if (tcol.nulls !== null && tcol.nulls.includes(1)) return false;
    const w = this.window as Extract<WindowSpec, { kind: 'tumble' }>;
    const tv = this.windowTimes(tcol, n);
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    let maxEnd = this.passedEnd;
    for (let i = 0; i < n; i++) {
      const t = tv[i]!;
      const start = t - floorMod(t - w.offset, w.size);
      starts[i] = start;
      const end = start + w.size;
      ends[i] = end;
      if (end > maxEnd) maxEnd = end;
    }
    this.passedEnd = maxEnd;
    const columns: Column[] = this.slots.keys.columns.map((k) => batch.columns[k]!);
    pushPassedPartials(batch, this.passPlan!.partials, this.outputTypes, columns);
    columns.push({ type: T.TIMESTAMP, values: starts, nulls: null }, { type: T.TIMESTAMP, values: ends, nulls: null });
    out.emit({ length: n, columns, ops: null });
    this.ctx.metrics.passedThrough += n;
    this.afterPassed(n);
    return true;
  }

  /** A global phase's batch: room for `cap` (slot, row) pairs, and its partials' bounds and record counts. */
  private partialColumns(batch: Batch, phase: Extract<WindowPhase, { kind: 'global' }>, cap: number): { starts: Float64Array; ends: Float64Array; records: Float64Array } {
    if (this.slotBuf.length < cap) {
      this.slotBuf = new Int32Array(cap);
      this.rowBuf = new Int32Array(cap);
    }
    const c = batch.columns;
    return { starts: c[phase.start]!.values as Float64Array, ends: c[phase.end]!.values as Float64Array, records: c[phase.records]!.values as Float64Array };
  }

  /** Global phase over slices of a HOP: each slice's partial row goes into every open window containing it. */
  private mergeSlices(batch: Batch, phase: Extract<WindowPhase, { kind: 'global' }>, size: number, slide: number): void {
    const n = batch.length;
    const { starts, ends, records } = this.partialColumns(batch, phase, n * this.perRow);
    const keyAt = this.slots.keys.keyFn(batch);
    const wm = this.watermark;
    let m = 0;
    let late = 0;
    for (let i = 0; i < n; i++) {
      const sliceEnd = ends[i]!;
      const last = starts[i]! + size;
      let key: MapKey | undefined;
      let keyGroup = -1;
      for (let end = sliceEnd; end <= last; end += slide) {
        // as a HOP row: it counts toward those of its windows still open
        if (end - 1 <= wm) continue;
        key ??= keyAt(i);
        const win = this.windowFor(end - size, end);
        let slot = win.groups.get(key);
        if (slot < 0) {
          if (keyGroup < 0) keyGroup = this.slots.keys.keyGroupOfRow(batch, i, this.ctx.maxParallelism);
          slot = this.slots.allocInGroup(batch, i, keyGroup);
          win.groups.set(key, slot);
          win.slots.push(slot);
          this.place(slot, win);
        }
        this.slotBuf[m] = slot;
        this.rowBuf[m] = i;
        m++;
      }
      if (key === undefined) late += records[i]!;
    }
    this.ctx.metrics.lateDropped += late;
    if (m > 0) this.addRows(this.slotBuf, this.rowBuf, m, batch.columns);
  }

  /**
   * Slice-shared global phase: each slice's partial row is added once, into its slice's group
   * (`reach`: size - slide, from a slice's end to the end of its last window).
   */
  private addToSlices(batch: Batch, phase: Extract<WindowPhase, { kind: 'global' }>, reach: number): void {
    const n = batch.length;
    const { starts, ends, records } = this.partialColumns(batch, phase, n);
    const wm = this.watermark;
    const slots = this.slotBuf;
    const rows = this.rowBuf;
    let m = 0;
    let late = 0;
    let lastEnd = NaN;
    let lastWin: OpenWindow | null = null;
    const keyCol = this.slots.keys.size === 1 ? batch.columns[this.slots.keys.columns[0]!]! : null;
    const kv = keyCol !== null && keyCol.nulls === null && keyCol.values instanceof Float64Array ? keyCol.values : null;
    const keyAt = kv === null ? this.slots.keys.keyFn(batch) : null;
    for (let i = 0; i < n; i++) {
      const end = ends[i]!;
      // every window of the slice has fired: late (else it counts toward those still open)
      if (end + reach - 1 <= wm) {
        late += records[i]!;
        continue;
      }
      const win: OpenWindow = end === lastEnd ? lastWin! : this.windowFor(starts[i]!, end);
      lastEnd = end;
      lastWin = win;
      let slot: number;
      if (kv !== null) {
        const key = kv[i]!;
        slot = win.groups.getNumber(key);
        if (slot < 0) slot = this.newGroup(win, key, batch, i);
      } else {
        const key = keyAt!(i);
        slot = win.groups.get(key);
        if (slot < 0) slot = this.newGroup(win, key, batch, i);
      }
      slots[m] = slot;
      rows[m] = i;
      m++;
    }
    this.ctx.metrics.lateDropped += late;
    if (m > 0) this.addRows(slots, rows, m, batch.columns);
  }

  /** A new group of `win` (a window or slice) for the key of batch row `row`. */
  private newGroup(win: OpenWindow, key: MapKey, batch: Batch, row: number): number {
    const slot = this.slots.allocFor(batch, row, this.ctx.maxParallelism);
    win.groups.set(key, slot);
    win.slots.push(slot);
    this.place(slot, win);
    return slot;
  }

  /**
   * Slice-shared global phase: fires, in order of end, every window whose end - 1 is above
   * `firedTo` and at or below `wm` and that has a slice in state, then frees the slices whose
   * last window fired.
   */
  private fireShared(wm: number, emit: (keySlot: number, accSlot: number, start: number, end: number) => void): void {
    const { size, slide } = this.spec as Extract<WindowSpec, { kind: 'hop' }>;
    const reach = size - slide;
    const ends = this.ends;
    while (ends.length > 0) {
      // the first window of the oldest slice not fired yet
      const first = ends[0]!;
      const end = first - 1 > this.firedTo ? first : first + (Math.floor((this.firedTo + 1 - first) / slide) + 1) * slide;
      if (end - 1 > wm) break;
      this.fireWindow(end, size, reach, emit);
      this.firedTo = end - 1;
      // slices whose last window this was
      let k = 0;
      while (k < ends.length && ends[k]! + reach <= end) {
        const slice = this.windows.get(ends[k]!)!;
        this.windows.delete(slice.end);
        this.groupsHint = Math.max(16, slice.slots.length);
        for (const slot of slice.slots) {
          // (guarded when merged into: see fireWindow)
          this.slots.releaseUnchanged(slot);
          if (this.dirty !== null) this.dirty.mark(slot);
        }
        k++;
      }
      if (k > 0) ends.splice(0, k);
    }
    if (wm > this.firedTo) this.firedTo = wm;
  }

  /** Emits the window ending at `end`: its slices' groups merged per key. */
  private fireWindow(end: number, size: number, reach: number, emit: (keySlot: number, accSlot: number, start: number, end: number) => void): void {
    const ends = this.ends;
    const start = end - size;
    let from = 0;
    while (from < ends.length && ends[from]! <= start) from++;
    let to = from;
    while (to < ends.length && ends[to]! <= end) to++;
    if (to === from) return;
    if (to - from === 1) {
      // one slice: its groups are the window's
      for (const slot of this.windows.get(ends[from]!)!.slots) emit(slot, slot, start, end);
      return;
    }
    const oldest = this.windows.get(ends[from]!)!;
    // the oldest slice's groups are the merge targets when no later window needs them
    const consume = oldest.end + reach <= end;
    const index = this.mergeIndex;
    index.reset(1 << Math.max(4, 32 - Math.clz32(this.groupsHint * 2)));
    let count = 0;
    const cow = this.slots.cow;
    const keys = this.slots.keys;
    for (let s = from; s < to; s++) {
      const slice = this.windows.get(ends[s]!)!;
      const slotsOf = slice.slots;
      if (this.mergeTargets.length < count + slotsOf.length) {
        const cap = Math.max(1024, (count + slotsOf.length) * 2);
        const t = new Int32Array(cap);
        t.set(this.mergeTargets.subarray(0, count));
        this.mergeTargets = t;
        const k = new Int32Array(cap);
        k.set(this.mergeKeySlots.subarray(0, count));
        this.mergeKeySlots = k;
      }
      for (let j = 0; j < slotsOf.length; j++) {
        const slot = slotsOf[j]!;
        const key = keys.mapKeyAt(slot);
        const target = index.get(key);
        if (target >= 0) {
          if (cow !== null) cow.guard(target);
          this.slots.merge(target, slot);
          continue;
        }
        let t = slot;
        if (!(consume && slice === oldest)) {
          // a scratch slot (taken and freed within this firing)
          t = this.slots.alloc();
          this.slots.merge(t, slot);
        }
        index.set(key, t);
        this.mergeTargets[count] = t;
        this.mergeKeySlots[count] = slot;
        count++;
      }
    }
    for (let i = 0; i < count; i++) {
      const t = this.mergeTargets[i]!;
      const keySlot = this.mergeKeySlots[i]!;
      emit(keySlot, t, start, end);
      if (t !== keySlot) {
        this.slots.releaseUnchanged(t);
        if (this.dirty !== null) this.dirty.mark(t);
      }
    }
  }

  /** Global phase: fold partial rows into the windows they name. */
  private mergePartials(batch: Batch, phase: Extract<WindowPhase, { kind: 'global' }>): void {
    if (this.shared) {
      this.addToSlices(batch, phase, (this.spec as Extract<WindowSpec, { kind: 'hop' }>).size - (this.spec as Extract<WindowSpec, { kind: 'hop' }>).slide);
      return;
    }
    if (phase.sliced === true && this.spec.kind === 'hop') {
      this.mergeSlices(batch, phase, this.spec.size, this.spec.slide);
      return;
    }
    const n = batch.length;
    const { starts, ends, records } = this.partialColumns(batch, phase, n);
    const keyAt = this.slots.keys.keyFn(batch);
    const wm = this.watermark;
    let m = 0;
    let late = 0;
    let lastEnd = NaN;
    let lastWin: OpenWindow | null = null;
    for (let i = 0; i < n; i++) {
      const end = ends[i]!;
      if (end - 1 <= wm) {
        late += records[i]!;
        continue;
      }
      const win: OpenWindow = end === lastEnd ? lastWin! : this.windowFor(starts[i]!, end);
      lastEnd = end;
      lastWin = win;
      const key = keyAt(i);
      let slot = win.groups.get(key);
      if (slot < 0) {
        slot = this.slots.allocFor(batch, i, this.ctx.maxParallelism);
        win.groups.set(key, slot);
        win.slots.push(slot);
        this.place(slot, win);
      }
      this.slotBuf[m] = slot;
      this.rowBuf[m] = i;
      m++;
    }
    this.ctx.metrics.lateDropped += late;
    if (m > 0) this.addRows(this.slotBuf, this.rowBuf, m, batch.columns);
  }

  /**
   * Windows assigned upstream: each row goes to the window its bound columns name. The local
   * phase (`local`) drops no late row (the global phase does) and its slots need no key group.
   */
  private addAttached(batch: Batch, phase: { readonly start: number; readonly end: number }, local: boolean): void {
    const n = batch.length;
    if (this.slotBuf.length < n) {
      this.slotBuf = new Int32Array(n);
      this.rowBuf = new Int32Array(n);
    }
    const startCol = batch.columns[phase.start]!;
    const endCol = batch.columns[phase.end]!;
    const starts = startCol.values as Float64Array;
    const ends = endCol.values as Float64Array;
    const keyAt = this.slots.keys.keyFn(batch);
    const wm = local ? -Infinity : this.watermark;
    let m = 0;
    let late = 0;
    let lastEnd = NaN;
    let lastWin: OpenWindow | null = null;
    for (let i = 0; i < n; i++) {
      // window bounds are never NULL upstream (a null-padded side is not windowed)
      if ((startCol.nulls !== null && startCol.nulls[i] === 1) || (endCol.nulls !== null && endCol.nulls[i] === 1)) continue;
      const end = ends[i]!;
      if (end - 1 <= wm) {
        late++;
        continue;
      }
      const win: OpenWindow = end === lastEnd && lastWin!.start === starts[i] ? lastWin! : this.windowFor(starts[i]!, end);
      lastEnd = end;
      lastWin = win;
      win.rows++;
      const key = keyAt(i);
      let slot = win.groups.get(key);
      if (slot < 0) {
        slot = local ? this.slots.allocInGroup(batch, i, -1) : this.slots.allocFor(batch, i, this.ctx.maxParallelism);
        win.groups.set(key, slot);
        win.slots.push(slot);
        this.place(slot, win);
      }
      this.slotBuf[m] = slot;
      this.rowBuf[m] = i;
      m++;
    }
    this.ctx.metrics.lateDropped += late;
    if (m > 0) this.addRows(this.slotBuf, this.rowBuf, m, batch.columns);
  }

  processWatermark(wm: number, out: Collector): void {
    const w = this.zone === null ? wm : Math.max(this.watermark, this.zone.localWatermark(wm));
    this.watermark = w;
    this.fire(w, out);
  }

  /**
   * Emits and frees every window whose end - 1 is at or below `wm` (all of them: Infinity).
   * An adaptive local phase measures the windows it emits, unless `measure` is false (a flush
   * at a switch to passing through).
   */
  private fire(wm: number, out: Collector, measure = true): void {
    if (this.shared) {
      if (this.ends.length === 0) {
        if (wm > this.firedTo) this.firedTo = wm;
        return;
      }
      this.cacheEnds.fill(NaN);
      this.cacheWins.fill(undefined);
      const rows = this.resultRows(out);
      this.fireShared(wm, rows.emit);
      rows.flush();
      return;
    }
    let fired = 0;
    while (fired < this.ends.length && this.ends[fired]! - 1 <= wm) fired++;
    if (fired === 0) return;
    const firing = this.ends.splice(0, fired);
    this.cacheEnds.fill(NaN);
    this.cacheWins.fill(undefined);
    const keyCount = this.slots.keys.size;
    const aggCount = this.aggs.length;
    const builders = this.outputTypes.map((t) => new ColumnBuilder(t, Math.min(this.batchSize, 1024)));
    let rowsInBatch = 0;
    const flush = (): void => {
      if (rowsInBatch === 0) return;
      out.emit({ length: rowsInBatch, columns: builders.map((b) => b.finish()), ops: null });
      rowsInBatch = 0;
    };
    for (const end of firing) {
      const win = this.windows.get(end)!;
      this.windows.delete(end);
      this.groupsHint = Math.max(16, win.slots.length);
      if (measure && this.passPlan !== null) this.measure(win);
      for (const slot of win.slots) {
        // over a changelog, a group whose rows were all retracted has no row in the window
        if (this.inputUpdating && this.slotCount[slot]! <= 0) {
          this.slots.releaseUnchanged(slot);
          if (this.dirty !== null) this.dirty.mark(slot);
          continue;
        }
        this.slots.keys.write(slot, builders);
        this.slots.writeResults(slot, builders, keyCount);
        builders[keyCount + aggCount]!.pushNumber(win.start);
        builders[keyCount + aggCount + 1]!.pushNumber(win.end);
        // local phase: the last aggregate is the record count, so no window_time column
        if (this.phase.kind !== 'local') builders[keyCount + aggCount + 2]!.pushNumber(this.zone === null ? win.end - 1 : this.zone.fromLocalLatest(win.end - 1));
        // (unguarded: the slot keeps its state until alloc takes it again, guarded)
        this.slots.releaseUnchanged(slot);
        if (this.dirty !== null) this.dirty.mark(slot);
        if (++rowsInBatch >= this.batchSize) flush();
      }
    }
    flush();
    if (measure && this.mode !== null && !this.mode.passing) this.decide(out);
  }

  /**
   * Result rows of a global phase's windows, in batches: `emit` writes the key of `keySlot`,
   * the results of `accSlot` and the window's bounds; `flush` sends the last batch.
   */
  private resultRows(out: Collector): { emit: (keySlot: number, accSlot: number, start: number, end: number) => void; flush: () => void } {
    const keyCount = this.slots.keys.size;
    const aggCount = this.aggs.length;
    const builders = this.outputTypes.map((t) => new ColumnBuilder(t, Math.min(this.batchSize, 1024)));
    const zone = this.zone;
    let rowsInBatch = 0;
    const flush = (): void => {
      if (rowsInBatch === 0) return;
      out.emit({ length: rowsInBatch, columns: builders.map((b) => b.finish()), ops: null });
      rowsInBatch = 0;
    };
    const emit = (keySlot: number, accSlot: number, start: number, end: number): void => {
      this.slots.keys.write(keySlot, builders);
      this.slots.writeResults(accSlot, builders, keyCount);
      builders[keyCount + aggCount]!.pushNumber(start);
      builders[keyCount + aggCount + 1]!.pushNumber(end);
      builders[keyCount + aggCount + 2]!.pushNumber(zone === null ? end - 1 : zone.fromLocalLatest(end - 1));
      if (++rowsInBatch >= this.batchSize) flush();
    };
    return { emit, flush };
  }

  /** The local phase keeps nothing across a barrier: it emits all it holds first. */
  prepareSnapshotPreBarrier(out: Collector): void {
    if (this.phase.kind === 'local') this.fire(Infinity, out);
  }

  snapshot(checkpointId = 0, savepoint = false): OperatorSnapshot {
    if (this.phase.kind === 'local') return { keyed: new Map(), operator: null };
    const at = { checkpointId, savepoint, watermark: this.watermark };
    // Copy-on-write full snapshots (checkpoint/cow.ts): every change to a slot's state below the
    // snapshot's high water is guarded first: AggregateSlots.alloc (a slot taken, before its key,
    // key group, bounds and accumulators are set), addRows (the accumulators), the record count
    // over a changelog (assign). A window that fires frees its slots unguarded (releaseUnchanged:
    // only their in-use flags change, and the snapshot copies those at the barrier).
    const snap = this.slots.windowSnapshot(at, this.dirty, this.policy, this.slotStart, this.slotEnd, this.inputUpdating ? this.slotCount : null, this.ctx.cowSnapshots === true);
    // the slice-shared layout: groups by slice, not by window
    return this.shared ? { ...snap, operator: { ...(snap.operator as object), layout: SLICES_LAYOUT } } : snap;
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.policy?.complete(checkpointId);
  }

  restore(keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    // groups by slice and groups by window are not each other's state: refused, never misread
    for (const st of operatorStates) {
      const layout = (st as { layout?: unknown } | null)?.layout;
      if (st !== null && (layout === SLICES_LAYOUT) !== this.shared) {
        throw new WeirError('checkpoint', `the window aggregation's checkpointed state is ${layout === SLICES_LAYOUT ? 'by HOP slice (slice-shared)' : 'by window'}, this plan keeps it ${this.shared ? 'by HOP slice (slice-shared)' : 'by window'}`, {
          hint: 'restore it with the weir version and query it was taken with',
        });
      }
    }
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    // (a window whose end - 1 is at or below the restored watermark fired before the checkpoint)
    if (this.shared) this.firedTo = this.watermark;
    // each old subtask's chain: a full block, then its deltas (chain slot -> slot)
    replayChains<Int32Array>(
      keyed,
      (b) => {
        const block = b as WindowSlotBlock;
        const { from, to, n } = this.slots.loadFrom(block, this.ctx.keyGroups);
        const map = new Int32Array(block.high).fill(-1);
        for (let i = 0; i < n; i++) {
          const slot = to[i]!;
          map[from[i]!] = slot;
          this.restoreGroup(slot, block, from[i]!);
        }
        return map;
      },
      (d, map) => this.applyDelta(d as WindowSlotDelta, map),
    );
    this.dirty?.clear();
  }

  /** The group saved at entry `at` of a full block or a delta, restored into `slot`. */
  private restoreGroup(slot: number, saved: { starts: Float64Array; ends: Float64Array; counts?: Float64Array }, at: number): void {
    const win = this.windowFor(saved.starts[at]!, saved.ends[at]!);
    win.groups.set(this.slots.keys.mapKeyAt(slot), slot);
    win.slots.push(slot);
    this.place(slot, win);
    if (this.inputUpdating) {
      if (saved.counts === undefined) throw internalError('a changelog window aggregation restored state without record counts');
      this.slotCount[slot] = saved.counts[at]!;
    }
  }

  /** Applies a delta to the groups restored from its chain (`map`: chain slot -> slot). */
  private applyDelta(d: WindowSlotDelta, map: Int32Array): Int32Array {
    const n = d.slots.length;
    map = growSlotMap(map, d.slots);
    // 1. every listed slot's group leaves its window
    const left = new Set<number>();
    const touchedWindows = new Set<OpenWindow>();
    for (let i = 0; i < n; i++) {
      const s = d.slots[i]!;
      const cur = map[s]!;
      if (cur < 0) continue;
      const win = this.windows.get(this.slotEnd[cur]!)!;
      const key = this.slots.keys.mapKeyAt(cur);
      if (win.groups.get(key) === cur) win.groups.delete(key);
      left.add(cur);
      touchedWindows.add(win);
      this.slots.release(cur);
      map[s] = -1;
    }
    for (const win of touchedWindows) {
      const kept = win.slots.filter((x) => !left.has(x));
      win.slots.length = 0;
      for (const x of kept) win.slots.push(x);
      if (kept.length === 0) {
        this.windows.delete(win.end);
        this.ends.splice(this.ends.indexOf(win.end), 1);
      }
    }
    this.cacheEnds.fill(NaN);
    this.cacheWins.fill(undefined);
    // 2. the delta's groups in use (of this subtask's key groups) join their windows
    const { from, to, n: k } = this.slots.loadDelta(d, this.ctx.keyGroups, map);
    for (let i = 0; i < k; i++) this.restoreGroup(to[i]!, d, from[i]!);
    return map;
  }
}

/** A slice-shared global HOP phase's operator state names its layout (restore refuses the other). */
const SLICES_LAYOUT = 'hop-slices';

export const WINDOW_COLUMN_TYPES: readonly DataType[] = [T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP];
