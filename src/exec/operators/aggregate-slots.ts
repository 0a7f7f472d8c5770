// Per-group aggregate state shared by the aggregating operators: group key values and
// accumulators live in columnar arrays indexed by a slot; freed slots are reused.

import type { Batch, Column, Scalar } from '../../common/batch.js';
import type { ColumnBuilder } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { Accumulator } from '../../expr/accumulators.js';
import { createAccumulator } from '../../expr/accumulators.js';
import type { AggCall } from '../../plan/logical.js';
import { GroupKeys } from './group-keys.js';

export class AggregateSlots {
  readonly keys: GroupKeys;
  readonly accs: Accumulator[];
  private free: number[] = [];
  private high = 0;
  private capacity = 0;
  live = 0;

  constructor(inputTypes: readonly DataType[], keyColumns: readonly number[], readonly aggs: readonly AggCall[], retractable: boolean) {
    this.keys = new GroupKeys(
      keyColumns.map((k) => inputTypes[k]!),
      keyColumns,
    );
    this.accs = aggs.map((a) =>
      createAccumulator(
        a,
        a.args.map((i) => inputTypes[i]!),
        retractable,
      ),
    );
  }

  alloc(): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.high++;
    if (slot >= this.capacity) {
      this.capacity = Math.max(64, this.capacity * 2, slot + 1);
      this.keys.grow(this.capacity);
      for (const a of this.accs) a.grow(this.capacity);
    }
    for (const a of this.accs) a.reset(slot);
    this.live++;
    return slot;
  }

  /** A new slot for the key of `batch` row `row`. */
  allocFor(batch: Batch, row: number): number {
    const slot = this.alloc();
    this.keys.store(slot, batch, row);
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
    this.live--;
  }

  add(slots: Int32Array, rows: Int32Array | null, count: number, columns: readonly Column[]): void {
    for (const a of this.accs) a.add(slots, rows, count, columns);
  }

  retract(slots: Int32Array, rows: Int32Array | null, count: number, columns: readonly Column[]): void {
    for (const a of this.accs) a.retract(slots, rows, count, columns);
  }

  /** Folds `source`'s accumulators into `target` (session merging). */
  merge(target: number, source: number): void {
    for (const a of this.accs) a.merge(target, source);
  }

  writeResults(slot: number, out: readonly ColumnBuilder[], offset: number): void {
    for (let j = 0; j < this.accs.length; j++) this.accs[j]!.result(slot, out[offset + j]!);
  }

  results(slot: number): Scalar[] {
    return this.accs.map((a) => a.value(slot));
  }

  /** A slot's whole state: key values and accumulator states. */
  save(slot: number): [Scalar[], unknown[]] {
    return [this.keys.values(slot), this.accs.map((a) => a.save(slot))];
  }

  /** A new slot holding saved state. */
  load(state: [Scalar[], unknown[]]): number {
    const slot = this.alloc();
    this.keys.storeValues(slot, state[0]);
    state[1].forEach((s, j) => this.accs[j]!.load(slot, s));
    return slot;
  }
}
