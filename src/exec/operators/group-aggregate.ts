// Updating aggregation: GROUP BY without a window (also SELECT DISTINCT and UNION).
//
// State: per group key, a slot with the accumulators, the number of input rows currently
// counted (accumulated minus retracted) and whether a row was emitted for the group.
//
// Output is a changelog, computed per batch: a new group emits +I; a group whose result
// changed emits -U (old) and +U (new); a group whose row count reaches zero emits -D and is
// deleted; an unchanged result emits nothing. Materialising the changelog always gives the
// aggregate of the input so far.
//
// Retractions: -U/-D input rows are subtracted (MIN/MAX then keep a multiset per group).
// Watermarks pass through (the output has no time attribute).
// Snapshot: per key group, [key values, accumulator states, row count, emitted].

import type { Batch, Scalar } from '../../common/batch.js';
import { BatchBuilder, RowKind, isAccumulate } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { AggCall } from '../../plan/logical.js';
import { hashKey, keyGroupOf } from '../../state/key-groups.js';
import type { Collector, Operator, OperatorContext, OperatorSnapshot } from '../operator.js';
import { AggregateSlots } from './aggregate-slots.js';
import type { MapKey } from './group-keys.js';

export class GroupAggregateOperator implements Operator {
  private readonly slots: AggregateSlots;
  private readonly groups = new Map<MapKey, number>();
  private slotKey: MapKey[] = [];
  private rowCount: Float64Array = new Float64Array(0);
  private emitted: Uint8Array = new Uint8Array(0);
  private stamp: Int32Array = new Int32Array(0);
  private epoch = 0;
  private ctx!: OperatorContext;
  private addS: Int32Array = new Int32Array(0);
  private addR: Int32Array = new Int32Array(0);
  private retS: Int32Array = new Int32Array(0);
  private retR: Int32Array = new Int32Array(0);

  constructor(
    inputTypes: readonly DataType[],
    keys: readonly number[],
    aggs: readonly AggCall[],
    private readonly inputUpdating: boolean,
    private readonly outputTypes: readonly DataType[],
    private readonly batchSize: number,
  ) {
    this.slots = new AggregateSlots(inputTypes, keys, aggs, inputUpdating);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  private ensure(slot: number): void {
    if (slot < this.rowCount.length) return;
    const cap = Math.max(64, this.rowCount.length * 2, slot + 1);
    const rc = new Float64Array(cap);
    rc.set(this.rowCount);
    this.rowCount = rc;
    const em = new Uint8Array(cap);
    em.set(this.emitted);
    this.emitted = em;
    const st = new Int32Array(cap);
    st.set(this.stamp);
    this.stamp = st;
  }

  private newSlot(key: MapKey): number {
    const slot = this.slots.alloc();
    this.ensure(slot);
    this.rowCount[slot] = 0;
    this.emitted[slot] = 0;
    this.stamp[slot] = 0;
    this.slotKey[slot] = key;
    this.groups.set(key, slot);
    return slot;
  }

  processBatch(batch: Batch, out: Collector): void {
    const n = batch.length;
    if (this.addS.length < n) {
      this.addS = new Int32Array(n);
      this.addR = new Int32Array(n);
      this.retS = new Int32Array(n);
      this.retR = new Int32Array(n);
    }
    const keyAt = this.slots.keys.keyFn(batch);
    const ops = batch.ops;
    const touched: number[] = [];
    const before: (Scalar[] | null)[] = [];
    const epoch = ++this.epoch;
    let a = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      const key = keyAt(i);
      let slot = this.groups.get(key);
      if (slot === undefined) {
        slot = this.newSlot(key);
        this.slots.keys.store(slot, batch, i);
      }
      if (this.stamp[slot] !== epoch) {
        this.stamp[slot] = epoch;
        touched.push(slot);
        before.push(this.emitted[slot] === 1 ? this.slots.results(slot) : null);
      }
      if (ops === null || isAccumulate(ops[i]!)) {
        this.addS[a] = slot;
        this.addR[a++] = i;
        this.rowCount[slot]!++;
      } else {
        this.retS[r] = slot;
        this.retR[r++] = i;
        this.rowCount[slot]!--;
      }
    }
    if (a > 0) this.slots.add(this.addS, this.addR, a, batch.columns);
    if (r > 0) this.slots.retract(this.retS, this.retR, r, batch.columns);
    const b = new BatchBuilder(this.outputTypes);
    const keyCount = this.slots.keys.size;
    const emitRow = (keys: Scalar[], values: Scalar[], kind: RowKind): void => {
      for (let k = 0; k < keyCount; k++) b.cols[k]!.push(keys[k]!);
      for (let j = 0; j < values.length; j++) b.cols[keyCount + j]!.push(values[j]!);
      b.endRow(kind);
      if (b.length >= this.batchSize) out.emit(b.finish());
    };
    for (let t = 0; t < touched.length; t++) {
      const slot = touched[t]!;
      const old = before[t]!;
      if (this.rowCount[slot]! <= 0) {
        if (old !== null) emitRow(this.slots.keys.values(slot), old, RowKind.Delete);
        this.groups.delete(this.slotKey[slot]!);
        this.slotKey[slot] = null;
        this.slots.release(slot);
        continue;
      }
      const now = this.slots.results(slot);
      if (old === null) {
        this.emitted[slot] = 1;
        emitRow(this.slots.keys.values(slot), now, RowKind.Insert);
      } else if (!sameRow(old, now)) {
        const keys = this.slots.keys.values(slot);
        emitRow(keys, old, RowKind.UpdateBefore);
        emitRow(keys, now, RowKind.UpdateAfter);
      }
    }
    if (b.length > 0) out.emit(b.finish());
  }

  snapshot(): OperatorSnapshot {
    const keyed = new Map<number, unknown[]>();
    const maxP = this.ctx.maxParallelism;
    for (const slot of this.groups.values()) {
      const [keys, accs] = this.slots.save(slot);
      const kg = keyGroupOf(hashKey(keys), maxP);
      let list = keyed.get(kg);
      if (list === undefined) {
        list = [];
        keyed.set(kg, list);
      }
      list.push([keys, accs, this.rowCount[slot]!, this.emitted[slot]!]);
    }
    return { keyed, operator: null };
  }

  restore(keyed: Map<number, unknown[]>): void {
    for (const entries of keyed.values()) {
      for (const e of entries) {
        const [keys, accs, count, emitted] = e as [Scalar[], unknown[], number, number];
        const slot = this.slots.load([keys, accs]);
        this.ensure(slot);
        const key = this.slots.keys.mapKeyOf(keys);
        this.slotKey[slot] = key;
        this.groups.set(key, slot);
        this.rowCount[slot] = count;
        this.emitted[slot] = emitted;
        this.stamp[slot] = 0;
      }
    }
  }
}

function sameRow(a: readonly Scalar[], b: readonly Scalar[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
