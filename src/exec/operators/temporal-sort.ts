// Temporal sort: ORDER BY a time attribute (ascending), then optional other keys.
//
// State: the rows not yet emitted (a RowStore), by time. Watermark rule: when the watermark
// reaches a time, that time's rows are emitted, ordered by the other keys (ties in arrival
// order), and freed; the output is append-only and in key order within and across watermarks.
//
// Late rows: a row whose time is at or before the watermark already received is dropped and
// counted (metrics.lateDropped): rows up to that time have already been emitted.
//
// Runs on one subtask. Snapshot: the waiting rows and the watermark, as operator state.

import type { Batch, Scalar } from '../../common/batch.js';
import { ColumnBuilder } from '../../common/batch.js';
import { compareStrings } from '../../common/strings.js';
import type { DataType } from '../../common/types.js';
import type { SortKey } from '../../plan/logical.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { restoredWatermark } from './aggregate-slots.js';
import { RowStore } from './row-store.js';

interface SortState {
  readonly watermark: number;
  readonly rows: Scalar[][];
}

export function compareScalars(a: Scalar, b: Scalar, desc: boolean, nullsFirst: boolean): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  let c: number;
  if (typeof a === 'string' && typeof b === 'string') c = compareStrings(a, b);
  else c = Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  return desc ? -c : c;
}

export class TemporalSortOperator implements Operator {
  /** Wide BIGINT columns (common/int64.ts): rows live in a RowStore, which turns a column wide on its first such value. */
  readonly wideInts = true;
  private readonly store: RowStore;
  private readonly pending = new Map<number, number[]>();
  /** Times with waiting rows, ascending (kept sorted lazily). */
  private times: number[] = [];
  private sorted = true;
  private watermark = -Infinity;
  private ctx!: OperatorContext;
  private readonly timeIndex: number;
  private readonly rest: readonly SortKey[];

  constructor(
    private readonly types: readonly DataType[],
    keys: readonly SortKey[],
    private readonly batchSize: number,
  ) {
    this.store = new RowStore(types);
    this.timeIndex = keys[0]!.index;
    this.rest = keys.slice(1);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  private hold(t: number, id: number): void {
    let rows = this.pending.get(t);
    if (rows === undefined) {
      rows = [];
      this.pending.set(t, rows);
      if (this.times.length > 0 && t < this.times[this.times.length - 1]!) this.sorted = false;
      this.times.push(t);
    }
    rows.push(id);
  }

  processBatch(batch: Batch): void {
    const tcol = batch.columns[this.timeIndex]!;
    const tv = tcol.values as Float64Array;
    const tn = tcol.nulls;
    let late = 0;
    for (let i = 0; i < batch.length; i++) {
      if (tn !== null && tn[i] === 1) continue;
      const t = tv[i]!;
      if (t <= this.watermark) {
        late++;
        continue;
      }
      this.hold(t, this.store.add(batch, i));
    }
    this.ctx.metrics.lateDropped += late;
  }

  processWatermark(wm: number, out: Collector): void {
    this.watermark = Math.max(this.watermark, wm);
    if (!this.sorted) {
      this.times.sort((a, b) => a - b);
      this.sorted = true;
    }
    let k = 0;
    while (k < this.times.length && this.times[k]! <= wm) k++;
    if (k === 0) return;
    const firing = this.times.splice(0, k);
    const builders = this.types.map((t) => new ColumnBuilder(t, 256));
    let n = 0;
    const cmp = (a: number, b: number): number => {
      for (const key of this.rest) {
        const c = compareScalars(this.store.scalar(key.index, a), this.store.scalar(key.index, b), key.desc, key.nullsFirst);
        if (c !== 0) return c;
      }
      return 0;
    };
    for (const t of firing) {
      const rows = this.pending.get(t)!;
      this.pending.delete(t);
      if (this.rest.length > 0 && rows.length > 1) rows.sort(cmp); // stable: ties keep arrival order
      for (const id of rows) {
        for (let c = 0; c < builders.length; c++) builders[c]!.pushFrom(this.store.columns[c]!, id);
        this.store.release(id);
        if (++n >= this.batchSize) {
          out.emit({ length: n, columns: builders.map((b) => b.finish()), ops: null });
          n = 0;
        }
      }
    }
    if (n > 0) out.emit({ length: n, columns: builders.map((b) => b.finish()), ops: null });
  }

  finish(out: Collector): void {
    this.processWatermark(Infinity, out);
  }

  snapshot(): OperatorSnapshot {
    const rows: Scalar[][] = [];
    for (const ids of this.pending.values()) for (const id of ids) rows.push(this.store.row(id));
    const state: SortState = { watermark: this.watermark, rows };
    return { keyed: new Map(), operator: state };
  }

  restore(_keyed: Map<number, unknown[]>, operatorStates: readonly unknown[]): void {
    this.watermark = restoredWatermark(operatorStates, this.watermark);
    for (const s of operatorStates) {
      const st = s as SortState | null;
      if (st === null) continue;
      for (const r of st.rows) {
        const id = this.store.addScalars(r);
        this.hold(this.store.num(this.timeIndex, id), id);
      }
    }
  }
}
