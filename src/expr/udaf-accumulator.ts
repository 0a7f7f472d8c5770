// The accumulator of a user-defined aggregate function (src/expr/udf.ts): one JavaScript
// accumulator object per slot, updated by the module's accumulate/retract per row. Snapshots
// hold each slot's accumulator as plain data (or the module's serialize form).
//
// In a two-phase window aggregation the local part's result is the accumulator itself, encoded
// as text (`partial`), and the global part merges those with the module's merge (`merge`).

import type { Column, ColumnBuilder, Scalar } from '../common/batch.js';
import { WeirError } from '../common/errors.js';
import type { UdafRef } from '../plan/logical.js';
import type { Accumulator } from './accumulators.js';
import { UdafRunner } from './udf.js';

export class UdafAccumulator implements Accumulator {
  private accs: unknown[] = [];
  private readonly run: UdafRunner;
  private readonly phase: 'partial' | 'merge' | undefined;
  private readonly one: unknown[] = [undefined];

  constructor(
    ref: UdafRef,
    private readonly args: readonly number[],
    retractable: boolean,
  ) {
    this.run = new UdafRunner(ref.name, ref.key);
    this.phase = ref.phase;
    if (retractable && !this.run.def.retractable) {
      throw new WeirError('plan', `the aggregate function ${ref.name} has no retract, but its input is an updating result (a changelog)`, {
        hint: 'export retract(acc, ...args) from its module, or aggregate an append-only input',
      });
    }
  }

  grow(capacity: number): void {
    while (this.accs.length < capacity) this.accs.push(undefined);
  }

  reset(slot: number): void {
    this.accs[slot] = this.run.createAccumulator();
  }

  private acc(slot: number): unknown {
    let a = this.accs[slot];
    if (a === undefined) {
      a = this.run.createAccumulator();
      this.accs[slot] = a;
    }
    return a;
  }

  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    if (this.phase === 'merge') {
      const col = batch[this.args[0]!]!;
      const texts = col.values as string[];
      for (let j = 0; j < count; j++) {
        const r = rows === null ? j : rows[j]!;
        if (col.nulls !== null && col.nulls[r] === 1) continue;
        const slot = slots[j]!;
        this.one[0] = this.run.decode(texts[r]!);
        this.accs[slot] = this.run.merge(this.acc(slot), this.one);
      }
      return;
    }
    for (let j = 0; j < count; j++) {
      const slot = slots[j]!;
      this.accs[slot] = this.run.update(this.acc(slot), batch, this.args, rows === null ? j : rows[j]!, false);
    }
  }

  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    for (let j = 0; j < count; j++) {
      const slot = slots[j]!;
      this.accs[slot] = this.run.update(this.acc(slot), batch, this.args, rows === null ? j : rows[j]!, true);
    }
  }

  value(slot: number): Scalar {
    if (this.phase === 'partial') return this.run.encode(this.acc(slot));
    return this.run.value(this.acc(slot));
  }

  result(slot: number, out: ColumnBuilder): void {
    out.push(this.value(slot));
  }

  merge(target: number, source: number): void {
    this.one[0] = this.acc(source);
    this.accs[target] = this.run.merge(this.acc(target), this.one);
  }

  save(slot: number): unknown {
    return this.run.save(this.acc(slot));
  }

  load(slot: number, state: unknown): void {
    this.accs[slot] = this.run.load(state);
  }

  saveAll(high: number, inUse: Uint8Array): unknown {
    const out = new Array<unknown>(high).fill(null);
    for (let s = 0; s < high; s++) if (inUse[s] === 1) out[s] = this.save(s);
    return out;
  }

  loadFrom(state: unknown, from: Int32Array, to: Int32Array, n: number): void {
    const arr = state as unknown[];
    for (let i = 0; i < n; i++) this.load(to[i]!, arr[from[i]!]);
  }
}
