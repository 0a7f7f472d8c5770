// The rows one side of a join keeps, by join key (shared by the join operators).
//
// Rows live column by column in arrays indexed by a slot (numbers in Float64Array, booleans in
// Uint8Array, strings in plain arrays, a null mask per column); freed slots are reused. Each
// slot also has:
//   count  how many copies of the row are held (a multiset: an updating input may send the
//          same row twice and retract one copy);
//   assoc  for an outer or semi/anti side: how many rows of the other side currently match one
//          copy of this row (Flink's "number of associations"); 0 means the row is padded with
//          NULLs (outer) or passes (anti);
//   keyGroup, and the time the slot was last touched (state TTL).
// Rows with equal join keys are found through a bucket: KeyIndex maps the key to a bucket id,
// and a bucket is the list of its slots (swap-removal keeps deletion O(1)).
//
// Append-only inputs never retract, so their copies are separate slots and are never looked
// up by value. An updating input's rows are also indexed by their whole value, so a retraction
// finds its row without scanning a (possibly hot) key's bucket.

import type { Batch, Column, Values } from '../../common/batch.js';
import type { ColumnBuilder } from '../../common/batch.js';
import type { DataType, PhysicalKind } from '../../common/types.js';
import { physicalKind } from '../../common/types.js';
import { hashRow, keyGroupOf } from '../../state/key-groups.js';
import type { KeyGroupRange } from '../../state/key-groups.js';
import { GroupKeys } from './group-keys.js';
import type { MapKey } from './group-keys.js';
import { KeyIndex } from './key-index.js';

/** A side's rows in a snapshot: arrays up to `high`, slots with count 0 are free. */
export interface JoinRowsBlock {
  readonly high: number;
  readonly keyGroup: Int32Array;
  readonly count: Float64Array;
  readonly assoc: Float64Array;
  readonly touched: Float64Array;
  /** Per column: [values, nulls]. */
  readonly columns: unknown[];
}

const NO_SLOTS: readonly number[] = [];

export class JoinRows {
  private readonly kinds: PhysicalKind[];
  private f64: Float64Array[];
  private u8: Uint8Array[];
  private str: string[][];
  private nulls: Uint8Array[];
  count: Float64Array = new Float64Array(0);
  assoc: Float64Array = new Float64Array(0);
  touched: Float64Array = new Float64Array(0);
  keyGroup: Int32Array = new Int32Array(0);
  private bucketOf: Int32Array = new Int32Array(0);
  private posInBucket: Int32Array = new Int32Array(0);
  private capacity = 0;
  private high = 0;
  private freeSlots: number[] = [];
  private readonly index = new KeyIndex();
  private buckets: number[][] = [];
  private bucketKey: MapKey[] = [];
  private freeBuckets: number[] = [];
  /** Whole-row identity -> slot, for an updating input (retractions find their row). */
  private readonly byValue: Map<string, number> | null;
  private readonly keys: GroupKeys;
  /** Rows held, counting copies. */
  rows = 0;
  private readonly kgScratch: Column[] = [];

  constructor(
    readonly types: readonly DataType[],
    /** Join key columns of this side. */
    readonly keyColumns: readonly number[],
    readonly updating: boolean,
    /**
     * Columns whose hash gives a row's key group: the columns the input is partitioned on
     * (the window join indexes rows by fewer columns than it is partitioned by).
     */
    private readonly keyGroupColumns: readonly number[] = keyColumns,
  ) {
    this.kinds = types.map(physicalKind);
    this.f64 = types.map(() => new Float64Array(0));
    this.u8 = types.map(() => new Uint8Array(0));
    this.str = types.map(() => []);
    this.nulls = types.map(() => new Uint8Array(0));
    this.byValue = updating ? new Map() : null;
    this.keys = new GroupKeys(
      keyColumns.map((k) => types[k]!),
      keyColumns,
    );
  }

  /** Map key of each row of a batch of this side (or of the other side, by its key columns). */
  keyFn(batch: Batch, keyColumns: readonly number[] = this.keyColumns): (i: number) => MapKey {
    if (keyColumns === this.keyColumns) return this.keys.keyFn(batch);
    return new GroupKeys(
      keyColumns.map((k) => batch.columns[k]!.type),
      keyColumns,
    ).keyFn(batch);
  }

  /** Slots holding rows with this key (do not keep: the array changes as rows come and go). */
  slotsOf(key: MapKey): readonly number[] {
    const b = this.index.get(key);
    return b < 0 ? NO_SLOTS : this.buckets[b]!;
  }

  get size(): number {
    return this.high - this.freeSlots.length;
  }

  private grow(min: number): void {
    const cap = Math.max(64, this.capacity * 2, min);
    const f = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    for (let c = 0; c < this.types.length; c++) {
      if (this.kinds[c] === 'f64') this.f64[c] = f(this.f64[c]!, (n) => new Float64Array(n));
      else if (this.kinds[c] === 'bool') this.u8[c] = f(this.u8[c]!, (n) => new Uint8Array(n));
      this.nulls[c] = f(this.nulls[c]!, (n) => new Uint8Array(n));
    }
    this.count = f(this.count, (n) => new Float64Array(n));
    this.assoc = f(this.assoc, (n) => new Float64Array(n));
    this.touched = f(this.touched, (n) => new Float64Array(n));
    this.keyGroup = f(this.keyGroup, (n) => new Int32Array(n));
    this.bucketOf = f(this.bucketOf, (n) => new Int32Array(n));
    this.posInBucket = f(this.posInBucket, (n) => new Int32Array(n));
    this.capacity = cap;
  }

  private allocSlot(): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.high++;
    if (slot >= this.capacity) this.grow(slot + 1);
    return slot;
  }

  private copyRow(slot: number, cols: readonly Column[], row: number): void {
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      const isNull = col.nulls !== null && col.nulls[row] === 1;
      this.nulls[c]![slot] = isNull ? 1 : 0;
      const k = this.kinds[c];
      if (k === 'str') this.str[c]![slot] = isNull ? '' : (col.values as string[])[row]!;
      else if (k === 'bool') this.u8[c]![slot] = isNull ? 0 : (col.values as Uint8Array)[row]!;
      else this.f64[c]![slot] = isNull ? 0 : (col.values as Float64Array)[row]!;
    }
  }

  private addToBucket(slot: number, key: MapKey): void {
    let b = this.index.get(key);
    if (b < 0) {
      b = this.freeBuckets.length > 0 ? this.freeBuckets.pop()! : this.buckets.length;
      if (b === this.buckets.length) this.buckets.push([]);
      this.bucketKey[b] = key;
      this.index.set(key, b);
    }
    const list = this.buckets[b]!;
    this.bucketOf[slot] = b;
    this.posInBucket[slot] = list.length;
    list.push(slot);
  }

  private removeFromBucket(slot: number): void {
    const b = this.bucketOf[slot]!;
    const list = this.buckets[b]!;
    const pos = this.posInBucket[slot]!;
    const last = list.pop()!;
    if (last !== slot) {
      list[pos] = last;
      this.posInBucket[last] = pos;
    }
    if (list.length === 0) {
      this.index.delete(this.bucketKey[b]!);
      this.bucketKey[b] = null;
      this.freeBuckets.push(b);
    }
  }

  /** Whole-row identity of row `row` of `cols` (length-prefixed, unambiguous). */
  private static rowIdentity(cols: readonly Column[], row: number): string {
    let s = '';
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      if (col.nulls !== null && col.nulls[row] === 1) {
        s += '\u0001|';
        continue;
      }
      const v = col.values[row]!;
      s += typeof v === 'string' ? `s${v.length}:${v}|` : `n${v}|`;
    }
    return s;
  }

  /**
   * Adds one copy of batch row `row` with map key `key`; returns its slot. `assoc` is the
   * number of other-side rows it matches (0 where the operator does not track it).
   */
  add(batch: Batch, row: number, key: MapKey, maxParallelism: number, assoc: number, now: number): number {
    const cols = batch.columns;
    if (this.byValue !== null) {
      const id = JoinRows.rowIdentity(cols, row);
      const existing = this.byValue.get(id);
      if (existing !== undefined) {
        this.count[existing]!++;
        this.assoc[existing] = assoc;
        this.touched[existing] = now;
        this.rows++;
        return existing;
      }
      const slot = this.newSlot(cols, row, key, maxParallelism, assoc, now);
      this.byValue.set(id, slot);
      return slot;
    }
    return this.newSlot(cols, row, key, maxParallelism, assoc, now);
  }

  private newSlot(cols: readonly Column[], row: number, key: MapKey, maxParallelism: number, assoc: number, now: number): number {
    const slot = this.allocSlot();
    this.copyRow(slot, cols, row);
    this.count[slot] = 1;
    this.assoc[slot] = assoc;
    this.touched[slot] = now;
    this.keyGroup[slot] = this.keyGroupColumns.length === 0 ? 0 : keyGroupOf(hashRow(this.keyGroupCols(cols), row), maxParallelism);
    this.addToBucket(slot, key);
    this.rows++;
    return slot;
  }

  /** The key-group columns of `cols`, in a reused array (no allocation per row). */
  private keyGroupCols(cols: readonly Column[]): Column[] {
    const out = this.kgScratch;
    for (let k = 0; k < this.keyGroupColumns.length; k++) out[k] = cols[this.keyGroupColumns[k]!]!;
    return out;
  }

  /** Finds the slot holding a copy of batch row `row`, or -1 (only for an updating side). */
  find(batch: Batch, row: number): number {
    if (this.byValue === null) return -1;
    return this.byValue.get(JoinRows.rowIdentity(batch.columns, row)) ?? -1;
  }

  /** Removes one copy of the row in `slot`. */
  removeOne(slot: number): void {
    this.rows--;
    if (--this.count[slot]! > 0) return;
    this.freeSlot(slot);
  }

  /** Removes every copy of the row in `slot` (state TTL). */
  removeAll(slot: number): void {
    this.rows -= this.count[slot]!;
    this.count[slot] = 0;
    this.freeSlot(slot);
  }

  private freeSlot(slot: number): void {
    this.count[slot] = 0;
    this.removeFromBucket(slot);
    if (this.byValue !== null) this.byValue.delete(JoinRows.rowIdentity(this.view(), slot));
    for (let c = 0; c < this.types.length; c++) if (this.kinds[c] === 'str') this.str[c]![slot] = '';
    this.freeSlots.push(slot);
  }

  /** The stored rows as columns indexed by slot (valid until the next change). */
  view(): Column[] {
    return this.types.map((type, c) => {
      const k = this.kinds[c];
      const values: Values = k === 'str' ? this.str[c]! : k === 'bool' ? this.u8[c]! : this.f64[c]!;
      return { type, values, nulls: this.nulls[c]! };
    });
  }

  /** Appends column `c` of `slot` to an output column. */
  write(c: number, slot: number, out: ColumnBuilder): void {
    if (this.nulls[c]![slot] === 1) out.pushNull();
    else if (this.kinds[c] === 'str') out.pushString(this.str[c]![slot]!);
    else if (this.kinds[c] === 'bool') out.pushNumber(this.u8[c]![slot]!);
    else out.pushNumber(this.f64[c]![slot]!);
  }

  /** Calls `f` for every slot in use. */
  forEachSlot(f: (slot: number) => void): void {
    for (let s = 0; s < this.high; s++) if (this.count[s]! > 0) f(s);
  }

  snapshot(): JoinRowsBlock {
    const high = this.high;
    const columns = this.types.map((_, c) => {
      const k = this.kinds[c];
      const vals = k === 'str' ? this.str[c]!.slice(0, high).map((x) => x ?? '') : k === 'bool' ? this.u8[c]!.slice(0, high) : this.f64[c]!.slice(0, high);
      return [vals, this.nulls[c]!.slice(0, high)];
    });
    return {
      high,
      keyGroup: this.keyGroup.slice(0, high),
      count: this.count.slice(0, high),
      assoc: this.assoc.slice(0, high),
      touched: this.touched.slice(0, high),
      columns,
    };
  }

  /** Adds the rows of a snapshot block whose key group is in `range`. */
  restore(block: JoinRowsBlock, range: KeyGroupRange, maxParallelism: number): void {
    const columns: Column[] = this.types.map((type, c) => {
      const [values, nulls] = block.columns[c] as [Values, Uint8Array];
      return { type, values, nulls };
    });
    const view: Batch = { length: block.high, columns, ops: null };
    const keyAt = this.keys.keyFn(view);
    for (let s = 0; s < block.high; s++) {
      const cnt = block.count[s]!;
      if (cnt <= 0) continue;
      const kg = block.keyGroup[s]!;
      if (kg < range.start || kg >= range.end) continue;
      const key = keyAt(s);
      if (this.byValue !== null) {
        const slot = this.add(view, s, key, maxParallelism, block.assoc[s]!, block.touched[s]!);
        this.count[slot] = cnt;
        this.rows += cnt - 1;
      } else {
        // append-only: copies were separate slots when taken; keep them so
        for (let k = 0; k < cnt; k++) this.newSlot(columns, s, key, maxParallelism, block.assoc[s]!, block.touched[s]!);
      }
    }
  }
}
