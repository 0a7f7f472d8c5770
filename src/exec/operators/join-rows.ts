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
// Rows with equal join keys form a chain: KeyIndex maps the key to the chain's first slot, and
// `next`/`prev` (typed arrays by slot) link the rest, newest first. Adding and removing a row
// is O(1) and allocates nothing per row (no list object per key, which at millions of
// distinct keys dominated both time and memory). Removing a chain's first slot re-derives its
// map key from the stored key columns to update the index.
//
// Append-only inputs never retract, so their copies are separate slots and are never looked
// up by value. An updating input's rows are also indexed by their whole value, so a retraction
// finds its row without scanning a (possibly hot) key's bucket.

import { canonicalText } from '../../common/composite.js';
import { isComposite } from '../../common/types.js';
import type { Batch, Column, Values } from '../../common/batch.js';
import type { ColumnBuilder } from '../../common/batch.js';
import type { DataType, PhysicalKind } from '../../common/types.js';
import { physicalKind } from '../../common/types.js';
import { hashRow, keyGroupOf } from '../../state/key-groups.js';
import type { KeyGroupRange } from '../../state/key-groups.js';
import { GroupKeys } from './group-keys.js';
import type { MapKey } from './group-keys.js';
import { KeyIndex } from './key-index.js';
import type { Int64 } from '../../common/int64.js';
import { DeltaPolicy, DirtySlots, growSlotMap, replayChains } from './delta-policy.js';
import type { OperatorSnapshot } from '../operator.js';
import { ALL_KEY_GROUPS } from './aggregate-slots.js';
import type { CowCapture } from '../../checkpoint/cow.js';
import { CowParts } from '../../checkpoint/cow-parts.js';
import { copyForSnapshot, grownCopy } from '../../common/snapshot-buffers.js';
import { packedSlice } from '../../checkpoint/packed-array.js';

/** A string column's value in a snapshot (a slot never written: ''). */
const blank = (x: string | undefined): string => x ?? '';

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

/**
 * A side's changed slots (a delta of incremental checkpoints), in the slot numbering of the
 * chain: count 0 marks a slot freed since the previous snapshot.
 */
export interface JoinRowsDelta {
  readonly slots: Int32Array;
  readonly keyGroup: Int32Array;
  readonly count: Float64Array;
  readonly assoc: Float64Array;
  readonly touched: Float64Array;
  /** Per column: [values, nulls], one entry per listed slot. */
  readonly columns: unknown[];
}

export class JoinRows {
  private readonly kinds: PhysicalKind[];
  /**
   * Number columns by slot. A BIGINT column becomes a plain array (the wide form of
   * common/int64.ts: numbers, and bigints beyond ±(2^53-1)) when its first such value
   * arrives, and stays so; until then it is a Float64Array (the narrow case costs a typeof).
   */
  private f64: (Float64Array | Int64[])[];
  private u8: Uint8Array[];
  private str: string[][];
  private nulls: Uint8Array[];
  count: Float64Array = new Float64Array(0);
  assoc: Float64Array = new Float64Array(0);
  touched: Float64Array = new Float64Array(0);
  keyGroup: Int32Array = new Int32Array(0);
  /** Chain links by slot (-1 ends a chain). */
  private nextSlot: Int32Array = new Int32Array(0);
  private prevSlot: Int32Array = new Int32Array(0);
  private capacity = 0;
  private high = 0;
  private freeSlots: number[] = [];
  /** Join key -> first slot of its chain. */
  private readonly index = new KeyIndex();
  /** Slots of the last slotsOf call (reused). */
  private readonly scratch: number[] = [];
  /** Key-group columns of the batch last added from (computed once per batch, not per row). */
  private keyColsOf: readonly Column[] | null = null;
  private keyCols: Column[] = [];
  /** Map key of a stored slot, over the current arrays (reset when they grow). */
  private storedKey: ((slot: number) => MapKey) | null = null;
  /** Whole-row identity -> slot, for an updating input (retractions find their row). */
  private readonly byValue: Map<string, number> | null;
  private readonly keys: GroupKeys;
  /** Rows held, counting copies. */
  rows = 0;
  /**
   * Incremental checkpoints: slots changed since the last snapshot (null when off: nothing is
   * tracked). The join operator also marks slots whose `assoc` or `touched` it changes.
   */
  dirty: DirtySlots | null = null;
  /**
   * A copy-on-write full snapshot of this side still being written (checkpoint/cow.ts): every
   * change to a slot's count, assoc, touched, key group or column values goes after guard(slot).
   */
  cow: CowCapture | null = null;

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
    // composite values ('obj') are kept in the plain arrays, like strings
    this.kinds = types.map((t) => (physicalKind(t) === 'obj' ? 'str' : physicalKind(t)));
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

  /** First slot holding a row with this key, or -1; `next` gives the following ones. */
  first(key: MapKey): number {
    return this.index.get(key);
  }

  /** The slot after `slot` in its key's chain, or -1. */
  next(slot: number): number {
    return this.nextSlot[slot]!;
  }

  /**
   * Slots holding rows with this key, in one array reused by the next call (do not keep it;
   * hot paths walk `first`/`next` instead).
   */
  slotsOf(key: MapKey): readonly number[] {
    const out = this.scratch;
    let n = 0;
    for (let s = this.index.get(key); s >= 0; s = this.nextSlot[s]!) out[n++] = s;
    out.length = n;
    return out;
  }

  get size(): number {
    return this.high - this.freeSlots.length;
  }

  /**
   * Before slot `slot`'s count, assoc, touched, key group or column values change: keeps its
   * values for a pending copy-on-write snapshot (nothing when none is pending).
   */
  guard(slot: number): void {
    if (this.cow !== null) this.cow.guard(slot);
  }

  private grow(min: number): void {
    const cap = Math.max(64, this.capacity * 2, min);
    const f = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      // a pending copy-on-write snapshot reads the larger copy from now on (the old array can go)
      grownCopy(a, b);
      return b;
    };
    for (let c = 0; c < this.types.length; c++) {
      if (this.kinds[c] === 'f64') {
        const a = this.f64[c]!;
        if (Array.isArray(a)) while (a.length < cap) a.push(0);
        else this.f64[c] = f(a, (n) => new Float64Array(n));
      }
      else if (this.kinds[c] === 'bool') this.u8[c] = f(this.u8[c]!, (n) => new Uint8Array(n));
      this.nulls[c] = f(this.nulls[c]!, (n) => new Uint8Array(n));
    }
    this.count = f(this.count, (n) => new Float64Array(n));
    this.assoc = f(this.assoc, (n) => new Float64Array(n));
    this.touched = f(this.touched, (n) => new Float64Array(n));
    this.keyGroup = f(this.keyGroup, (n) => new Int32Array(n));
    this.nextSlot = f(this.nextSlot, (n) => new Int32Array(n));
    this.prevSlot = f(this.prevSlot, (n) => new Int32Array(n));
    this.capacity = cap;
    this.storedKey = null;
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
      else {
        const v = isNull ? 0 : (col.values as Float64Array)[row]!;
        if (typeof v === 'bigint' && !Array.isArray(this.f64[c])) this.widen(c);
        (this.f64[c] as Float64Array)[slot] = v;
      }
    }
  }

  /** Turns number column c into the wide form (its first BIGINT beyond ±(2^53-1)). */
  private widen(c: number): void {
    this.f64[c] = Array.from(this.f64[c] as Float64Array);
    this.storedKey = null;
  }

  private addToBucket(slot: number, key: MapKey): void {
    const head = this.index.get(key);
    this.nextSlot[slot] = head;
    this.prevSlot[slot] = -1;
    if (head >= 0) this.prevSlot[head] = slot;
    this.index.set(key, slot);
  }

  private removeFromBucket(slot: number): void {
    const p = this.prevSlot[slot]!;
    const n = this.nextSlot[slot]!;
    if (n >= 0) this.prevSlot[n] = p;
    if (p >= 0) {
      this.nextSlot[p] = n;
      return;
    }
    // the chain's first slot: the index points at it by its key
    const key = this.keyOfSlot(slot);
    if (n >= 0) this.index.set(key, n);
    else this.index.delete(key);
  }

  /** The map key of a stored row, equal to what keyFn gives for the row it was copied from. */
  private keyOfSlot(slot: number): MapKey {
    if (this.keyColumns.length === 1) {
      const c = this.keyColumns[0]!;
      if (this.nulls[c]![slot] === 1) return null;
      const k = this.kinds[c];
      if (isComposite(this.types[c]!)) return canonicalText(this.str[c]![slot]);
      return k === 'str' ? this.str[c]![slot]! : k === 'bool' ? this.u8[c]![slot]! : this.f64[c]![slot]!;
    }
    if (this.storedKey === null) this.storedKey = this.keys.keyFn({ length: this.high, columns: this.view(), ops: null });
    return this.storedKey(slot);
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
      if (typeof v === 'object') {
        const t = canonicalText(v);
        s += `o${t.length}:${t}|`;
      } else s += typeof v === 'string' ? `s${v.length}:${v}|` : `n${v}|`;
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
        this.guard(existing);
        this.count[existing]!++;
        this.assoc[existing] = assoc;
        this.touched[existing] = now;
        this.rows++;
        if (this.dirty !== null) this.dirty.mark(existing);
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
    this.guard(slot);
    this.copyRow(slot, cols, row);
    this.count[slot] = 1;
    this.assoc[slot] = assoc;
    this.touched[slot] = now;
    if (this.keyGroupColumns.length === 0) this.keyGroup[slot] = 0;
    else {
      if (this.keyColsOf !== cols) {
        this.keyColsOf = cols;
        this.keyCols = this.keyGroupColumns.map((k) => cols[k]!);
      }
      this.keyGroup[slot] = keyGroupOf(hashRow(this.keyCols, row), maxParallelism);
    }
    this.addToBucket(slot, key);
    this.rows++;
    if (this.dirty !== null) this.dirty.mark(slot);
    return slot;
  }

  /** Finds the slot holding a copy of batch row `row`, or -1 (only for an updating side). */
  find(batch: Batch, row: number): number {
    if (this.byValue === null) return -1;
    return this.byValue.get(JoinRows.rowIdentity(batch.columns, row)) ?? -1;
  }

  /** Removes one copy of the row in `slot`. */
  removeOne(slot: number): void {
    this.guard(slot);
    this.rows--;
    if (--this.count[slot]! > 0) {
      if (this.dirty !== null) this.dirty.mark(slot);
      return;
    }
    this.freeSlot(slot);
  }

  /** Removes every copy of the row in `slot` (state TTL). */
  removeAll(slot: number): void {
    this.guard(slot);
    this.rows -= this.count[slot]!;
    this.count[slot] = 0;
    this.freeSlot(slot);
  }

  private freeSlot(slot: number): void {
    this.guard(slot);
    this.count[slot] = 0;
    if (this.dirty !== null) this.dirty.mark(slot);
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
    else {
      const v = this.f64[c]![slot]!;
      if (typeof v === 'bigint') out.pushBigint(v);
      else out.pushNumber(v);
    }
  }

  /** Calls `f` for every slot in use. */
  forEachSlot(f: (slot: number) => void): void {
    for (let s = 0; s < this.high; s++) if (this.count[s]! > 0) f(s);
  }

  /**
   * Every slot's row up to the high-water mark. The typed arrays are copied with
   * copyForSnapshot: in a copy-on-write capture (JoinSidesCheckpoints) they are the live arrays,
   * kept by guard(); string and wide BIGINT columns are always copied, a string column packed
   * (not a composite one) as the state file writes it with `packStrings` (checkpoint/packed-array.ts: the snapshot
   * goes to the state writer, not read in this thread).
   */
  snapshot(packStrings = false): JoinRowsBlock {
    const high = this.high;
    const columns = this.types.map((_, c) => {
      const k = this.kinds[c];
      const f = this.f64[c]!;
      const vals = k === 'str' ? (packStrings && physicalKind(this.types[c]!) === 'str' ? packedSlice(this.str[c]!, high, blank) : this.str[c]!.slice(0, high).map(blank)) : k === 'bool' ? copyForSnapshot(this.u8[c]!, high) : Array.isArray(f) ? f.slice(0, high) : copyForSnapshot(f, high);
      return [vals, copyForSnapshot(this.nulls[c]!, high)];
    });
    return {
      high,
      keyGroup: copyForSnapshot(this.keyGroup, high),
      count: copyForSnapshot(this.count, high),
      assoc: copyForSnapshot(this.assoc, high),
      touched: copyForSnapshot(this.touched, high),
      columns,
    };
  }

  /** Slots the full snapshot holds (the delta policy's measure). */
  get slotHigh(): number {
    return this.high;
  }

  /** The listed slots' rows (count 0: freed), for a delta. */
  snapshotDelta(slots: Int32Array): JoinRowsDelta {
    const n = slots.length;
    const keyGroup = new Int32Array(n);
    const count = new Float64Array(n);
    const assoc = new Float64Array(n);
    const touched = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      keyGroup[i] = this.keyGroup[s]!;
      count[i] = this.count[s]!;
      assoc[i] = this.assoc[s]!;
      touched[i] = this.touched[s]!;
    }
    const columns = this.types.map((_, c) => {
      const k = this.kinds[c];
      const nulls = new Uint8Array(n);
      const src = this.nulls[c]!;
      for (let i = 0; i < n; i++) nulls[i] = count[i]! > 0 ? src[slots[i]!]! : 0;
      if (k === 'str') {
        const a = this.str[c]!;
        const vals = new Array<string>(n);
        for (let i = 0; i < n; i++) vals[i] = count[i]! > 0 ? (a[slots[i]!] ?? '') : '';
        return [vals, nulls];
      }
      const a = k === 'bool' ? this.u8[c]! : this.f64[c]!;
      if (Array.isArray(a)) {
        // a BIGINT column holding values beyond ±(2^53-1): kept exact (common/int64.ts)
        const wide = new Array<Int64>(n);
        for (let i = 0; i < n; i++) wide[i] = count[i]! > 0 ? a[slots[i]!]! : 0;
        return [wide, nulls];
      }
      const vals = k === 'bool' ? new Uint8Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) vals[i] = count[i]! > 0 ? a[slots[i]!]! : 0;
      return [vals, nulls];
    });
    return { slots, keyGroup, count, assoc, touched, columns };
  }

  private viewOf(columnsIn: unknown[], length: number): Batch {
    const columns: Column[] = this.types.map((type, c) => {
      const [values, nulls] = columnsIn[c] as [Values, Uint8Array];
      return { type, values, nulls };
    });
    return { length, columns, ops: null };
  }

  /** One stored row from a snapshot (its copies in one slot); returns the slot. */
  private restoreRow(view: Batch, s: number, key: MapKey, cnt: number, assoc: number, touched: number, maxParallelism: number): number {
    if (this.byValue === null) {
      // append-only: copies are separate slots (an append-only side holds count 1 per slot)
      let slot = -1;
      for (let k = 0; k < cnt; k++) slot = this.newSlot(view.columns, s, key, maxParallelism, assoc, touched);
      return slot;
    }
    const slot = this.add(view, s, key, maxParallelism, assoc, touched);
    this.rows += cnt - this.count[slot]!;
    this.count[slot] = cnt;
    return slot;
  }

  /**
   * Adds the rows of a snapshot block whose key group is in `range`; returns the block's slot
   * -> the new slot (-1: not here), which the chain's deltas are applied through.
   */
  restore(block: JoinRowsBlock, range: KeyGroupRange, maxParallelism: number): Int32Array {
    const view = this.viewOf(block.columns, block.high);
    const keyAt = this.keys.keyFn(view);
    const map = new Int32Array(block.high).fill(-1);
    for (let s = 0; s < block.high; s++) {
      const cnt = block.count[s]!;
      if (cnt <= 0) continue;
      const kg = block.keyGroup[s]!;
      if (kg < range.start || kg >= range.end) continue;
      map[s] = this.restoreRow(view, s, keyAt(s), cnt, block.assoc[s]!, block.touched[s]!, maxParallelism);
    }
    return map;
  }

  /**
   * Applies a delta to the rows restored from its chain (`map`: chain slot -> slot): every
   * listed slot's row is first removed, then the listed rows still held are added. Returns the
   * map, grown to the delta's slots.
   */
  applyDelta(d: JoinRowsDelta, map: Int32Array, range: KeyGroupRange, maxParallelism: number): Int32Array {
    const n = d.slots.length;
    map = growSlotMap(map, d.slots);
    for (let i = 0; i < n; i++) {
      const s = d.slots[i]!;
      const cur = map[s]!;
      if (cur < 0) continue;
      this.rows -= this.count[cur]!;
      this.freeSlot(cur);
      map[s] = -1;
    }
    const view = this.viewOf(d.columns, n);
    const keyAt = this.keys.keyFn(view);
    for (let i = 0; i < n; i++) {
      const cnt = d.count[i]!;
      if (cnt <= 0) continue;
      const kg = d.keyGroup[i]!;
      if (kg < range.start || kg >= range.end) continue;
      map[d.slots[i]!] = this.restoreRow(view, i, keyAt(i), cnt, d.assoc[i]!, d.touched[i]!, maxParallelism);
    }
    return map;
  }
}

/** A delta of incremental checkpoints of a two-input join: each side's changed slots. */
interface JoinSidesDelta {
  readonly delta: 1;
  readonly left: JoinRowsDelta;
  readonly right: JoinRowsDelta;
}

/**
 * The checkpoints of a join whose state is its two sides' rows (regular, interval and temporal
 * joins): one block per snapshot spanning every key group, full or (incremental checkpoints,
 * `fullEvery` > 0) a delta of the slots each side changed since the previous snapshot. The
 * operator marks slots whose `assoc` or `touched` it changes itself (`JoinRows.dirty`); the
 * stores mark what they add and free.
 */
export class JoinSidesCheckpoints {
  private readonly policy: DeltaPolicy | null;

  constructor(
    private readonly sides: readonly [JoinRows, JoinRows],
    /** A full snapshot at least every this many (0: always full). */
    fullEvery: number,
  ) {
    this.policy = fullEvery > 0 ? new DeltaPolicy(fullEvery) : null;
    if (fullEvery > 0) for (const side of sides) side.dirty = new DirtySlots();
  }

  /**
   * `cow`: a full snapshot may be copy-on-write (OperatorContext.cowSnapshots; the operator
   * guards every change it makes to a slot's assoc or touched with JoinRows.guard).
   */
  snapshot(checkpointId: number, savepoint: boolean, operator: unknown, cow = false): OperatorSnapshot {
    const [left, right] = this.sides;
    const p = this.policy;
    if (p !== null) {
      const previous = p.next(checkpointId, savepoint, left.dirty!.count + right.dirty!.count, left.slotHigh + right.slotHigh);
      if (previous >= 0) {
        const entry: JoinSidesDelta = { delta: 1, left: left.snapshotDelta(left.dirty!.take()), right: right.snapshotDelta(right.dirty!.take()) };
        return { keyed: new Map([[ALL_KEY_GROUPS, [entry]]]), operator, deltaOf: previous };
      }
      left.dirty!.clear();
      right.dirty!.clear();
      p.full(left.slotHigh + right.slotHigh);
    }
    // Copy-on-write (checkpoint/cow.ts, cow-parts.ts): each side's typed columns are not copied
    // now; the state writer takes them block by block while the join goes on, each slot it
    // changes meanwhile kept as it was first (JoinRows.guard). One such snapshot at a time:
    // while one is still being written (a checkpoint that failed or timed out), the next is an
    // ordinary copy.
    if (!cow || left.cow !== null || right.cow !== null) return { keyed: new Map([[ALL_KEY_GROUPS, [{ left: left.snapshot(), right: right.snapshot() }]]]), operator };
    const {
      entries: [l, r],
      capture,
    } = CowParts.take<JoinRowsBlock>([
      { high: left.slotHigh, save: () => left.snapshot(true) },
      { high: right.slotHigh, save: () => right.snapshot(true) },
    ]);
    const keyed = new Map([[ALL_KEY_GROUPS, [{ left: l, right: r }]]]);
    if (capture === null) return { keyed, operator };
    left.cow = capture.parts[0] ?? null;
    right.cow = capture.parts[1] ?? null;
    capture.onDone = () => {
      if (left.cow === capture.parts[0]) left.cow = null;
      if (right.cow === capture.parts[1]) right.cow = null;
    };
    return { keyed, operator, cow: capture };
  }

  complete(checkpointId: number): void {
    this.policy?.complete(checkpointId);
  }

  /**
   * Each old subtask's chain in order: a full block (which starts a chain), then its deltas,
   * through a map from the chain's slots to this operator's (per side); rows of key groups
   * outside `range` are left out.
   */
  restore(keyed: Map<number, unknown[]>, range: KeyGroupRange, maxParallelism: number): void {
    const [left, right] = this.sides;
    replayChains<[Int32Array, Int32Array]>(
      keyed,
      (b) => {
        const block = b as { left: JoinRowsBlock; right: JoinRowsBlock };
        return [left.restore(block.left, range, maxParallelism), right.restore(block.right, range, maxParallelism)];
      },
      (b, [lmap, rmap]) => {
        const d = b as JoinSidesDelta;
        return [left.applyDelta(d.left, lmap, range, maxParallelism), right.applyDelta(d.right, rmap, range, maxParallelism)];
      },
    );
    // the restore's own changes are not a delta (the first snapshot after it is full)
    left.dirty?.clear();
    right.dirty?.clear();
  }
}
