// The local phase of a two-phase updating aggregation (GROUP BY without a window, over an
// append-only input), as Flink's LocalGroupAggregate with mini-batch, the mini-batch being
// one input batch: the rows of a batch are folded into one partial row per group key (keys,
// then one partial accumulator value per aggregate), which crosses the exchange to the global
// phase (a GroupAggregateOperator merging partials: COUNT becomes a SUM0 of partial counts,
// SUM / MIN / MAX the same function of the partials). It holds nothing between batches, so
// it has no state to snapshot, and a barrier never waits for it.
//
// The changelog is exact: the global phase sees, per batch, one partial row per key the batch
// touched, and emits for it what it would have emitted for the batch's rows (+I for a new
// group, -U/+U when a result changed, nothing otherwise).
//
// Adaptive (the default 'table.optimizer.agg-phase-strategy' AUTO), as the window local phase
// (window-aggregate.ts): it measures the input rows folded per partial row; below
// `minRowsPerPartial` over `sampleRows` rows it passes each row on as a one-row partial
// (the key columns and the aggregated columns are shared with the input batch, COUNT becomes
// a column of ones), and measures again after a period that doubles while passing still pays.

import type { Batch, Column } from '../../common/batch.js';
import { BatchBuilder, RowKind } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import { physicalKind } from '../../common/types.js';
import type { AggCall } from '../../plan/logical.js';
import type { AdaptiveLocal } from '../../plan/physical.js';
import type { Collector, Operator, OperatorContext } from '../operator.js';
import { AggregateSlots } from './aggregate-slots.js';
import { ColumnKeyIndex, KeyIndex } from './key-index.js';
import { type OnesCache, type PassPartial, PassSwitch, pushPassedPartials } from './pass-partials.js';

type Partial = PassPartial;

export class LocalGroupAggregateOperator implements Operator {
  /** Wide BIGINT keys and COUNT/SUM/MIN/MAX values are carried as the global phase carries them. */
  readonly wideInts = true;
  private readonly slots: AggregateSlots;
  private readonly multi: boolean;
  private ctx!: OperatorContext;
  /** Per input row: the slot of its group in this batch. */
  private rowSlot: Int32Array = new Int32Array(0);
  /** This batch's groups, in order of first appearance. */
  private groupSlots: Int32Array = new Int32Array(0);
  /** Groups of the last batch pre-aggregated (sizes the next batch's index). */
  private lastGroups = 16;
  private readonly passPlan: readonly Partial[] | null;
  /** When rows pass on (null: not adaptive, or an aggregate does not allow passing). */
  private readonly mode: PassSwitch | null;

  constructor(
    private readonly inputTypes: readonly DataType[],
    private readonly keys: readonly number[],
    private readonly aggs: readonly AggCall[],
    private readonly outputTypes: readonly DataType[],
    private readonly adaptive: AdaptiveLocal | undefined,
    /**
     * The global phase is chained to this one without a shuffle (parallelism 1): folding rows
     * would save no exchange, only add work, so an adaptive local phase passes rows straight on
     * (when every aggregate allows it) and never measures.
     */
    unshuffled = false,
  ) {
    this.slots = new AggregateSlots(inputTypes, keys, aggs, false);
    this.multi = keys.length >= 2 || (keys.length === 1 && this.slots.keys.isComposite(0));
    this.passPlan = adaptive === undefined ? null : this.passThroughPlan();
    this.alwaysPass = unshuffled && this.passPlan !== null;
    this.mode = this.passPlan === null ? null : new PassSwitch(adaptive!);
    if (this.mode !== null) this.mode.passing = this.alwaysPass;
  }

  private readonly alwaysPass: boolean;
  private readonly ones: OnesCache = { ones: new Float64Array(0) };
  /** The index of one-column keys, emptied per batch. */
  private readonly index = new KeyIndex(16);

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  /** True while rows pass straight through (tests). */
  get isPassing(): boolean {
    return this.mode !== null && this.mode.passing;
  }

  /** Times the mode changed (tests). */
  get switches(): number {
    return this.mode === null ? 0 : this.mode.switches;
  }

  processBatch(batch: Batch, out: Collector): void {
    const n = batch.length;
    if (n === 0) return;
    if (this.mode !== null && this.mode.passing) {
      this.passThrough(batch, out);
      return;
    }
    if (this.rowSlot.length < n) {
      this.rowSlot = new Int32Array(Math.max(n, 1024));
      this.groupSlots = new Int32Array(Math.max(n, 1024));
    }
    const rowSlot = this.rowSlot;
    const groupSlots = this.groupSlots;
    const slots = this.slots;
    let g = 0;
    if (this.multi) {
      let cells = 64;
      while (cells < this.lastGroups * 4) cells *= 2;
      const index = new ColumnKeyIndex(this.keys, slots.keys, cells);
      index.prepare(batch);
      for (let i = 0; i < n; i++) {
        let s = index.find(i);
        if (s < 0) {
          s = slots.allocInGroup(batch, i, -1);
          index.insert(i, s);
          groupSlots[g++] = s;
        }
        rowSlot[i] = s;
      }
    } else {
      // one index, emptied per batch, sized for twice the groups of the last batch
      let cells = 16;
      while (cells * 3 < this.lastGroups * 2 * 4) cells *= 2;
      const index = this.index;
      index.reset(cells);
      const kc = this.keys.length === 1 ? batch.columns[this.keys[0]!]! : null;
      if (kc !== null && kc.nulls === null && kc.values instanceof Float64Array) {
        // one numeric key column without NULLs: no key function
        const kv = kc.values;
        for (let i = 0; i < n; i++) {
          const key = kv[i]!;
          let s = index.getNumber(key);
          if (s < 0) {
            s = slots.allocInGroup(batch, i, -1);
            index.set(key, s);
            groupSlots[g++] = s;
          }
          rowSlot[i] = s;
        }
      } else {
        const keyAt = slots.keys.keyFn(batch);
        for (let i = 0; i < n; i++) {
          const key = keyAt(i);
          let s = index.get(key);
          if (s < 0) {
            s = slots.allocInGroup(batch, i, -1);
            index.set(key, s);
            groupSlots[g++] = s;
          }
          rowSlot[i] = s;
        }
      }
    }
    slots.add(rowSlot, null, n, batch.columns);
    const b = new BatchBuilder(this.outputTypes);
    const k = slots.keys.size;
    for (let t = 0; t < g; t++) {
      const s = groupSlots[t]!;
      slots.keys.write(s, b.cols);
      slots.writeResults(s, b.cols, k);
      b.endRow(RowKind.Insert);
      slots.release(s);
    }
    out.emit(b.finish());
    this.lastGroups = g;
    if (this.mode !== null) {
      this.mode.measured(n, g);
      this.mode.decide();
    }
  }

  /** How each partial column is made from one row, or null when an aggregate does not allow it. */
  private passThroughPlan(): Partial[] | null {
    const partials: Partial[] = [];
    for (const a of this.aggs) {
      if (a.distinct) return null;
      const filter = a.filter;
      if (a.fn === 'count_star') partials.push({ kind: 'one', filter });
      else if (a.fn === 'count' && a.args.length === 1) partials.push({ kind: 'non-null', column: a.args[0]!, filter });
      else if (a.fn === 'sum' || a.fn === 'sum0' || a.fn === 'min' || a.fn === 'max') {
        // the value itself, when it is carried alike in the partial's type (no DECIMAL rescaling)
        const argType = this.inputTypes[a.args[0]!]!;
        if (argType.kind === 'DECIMAL' || a.type.kind === 'DECIMAL' || physicalKind(argType) !== physicalKind(a.type)) return null;
        partials.push({ kind: 'value', column: a.args[0]!, filter });
      } else return null;
    }
    return partials;
  }

  /** The batch's rows as one-row partials: key and value columns shared with the input. */
  private passThrough(batch: Batch, out: Collector): void {
    const n = batch.length;
    const columns: Column[] = this.keys.map((c) => batch.columns[c]!);
    // chained to the global phase (no exchange): COUNT(*)'s ones are one array, reused
    pushPassedPartials(batch, this.passPlan!, this.outputTypes, columns, this.alwaysPass ? this.ones : undefined);
    out.emit({ length: n, columns, ops: null });
    if (this.alwaysPass) return;
    this.ctx.metrics.passedThrough += n;
    this.mode!.passed(n);
  }
}
