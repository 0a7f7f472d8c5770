// Group key -> slot index for the aggregating operators.
//
// Numeric keys (the common case: one BIGINT/INT/TIMESTAMP/DOUBLE key column) live in an
// open-addressing table with linear probing, key and slot interleaved in one Float64Array,
// so a lookup touches one cache line instead of the bucket array, the entry and the boxed
// key of a JS Map. Deletion shifts the following entries back (no tombstones). The table is
// at most 3/4 full (so 21-43 bytes per key: at millions of keys it is the largest part of the
// state after the per-slot arrays; a well-mixed hash keeps the probe runs short). String keys
// (string columns and composite keys) use a Map; the null key has its own field.
//
// Keys compare as SameValueZero, like a Map: -0 equals 0 and NaN equals NaN.

import type { Batch, Column } from '../../common/batch.js';
import { hashColumns } from '../../state/key-groups.js';
import { grownLength } from '../../common/growth.js';
import type { MapKey } from './group-keys.js';
import { takeBuffer } from '../../common/snapshot-buffers.js';

const EMPTY = -1;
const scratch = new Float64Array(1);
const bits = new Uint32Array(scratch.buffer);

// Deliberately not the key-group hash (src/state/key-groups.ts): a subtask holds only the keys
// whose key-group hash falls in its range, so that hash's low bits would cluster in the table.
function hashNumber(k: number): number {
  scratch[0] = k;
  let h = bits[0]! ^ Math.imul(bits[1]!, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A full snapshot's key index: each slot's table cell (KeyIndex.cells). */
export interface SavedCells {
  /** The table layout (hashNumber, linear probing): cells of another layout are not adopted. */
  readonly v: number;
  /** Table cells (a power of 2). */
  readonly cap: number;
  /** By slot: the cell of its key, or -1. */
  readonly cells: Int32Array;
}

const CELLS_VERSION = 1;

/** Whether a table of `cap` cells is over its load limit (3/4) with `n` numeric keys. */
function overLoad(n: number, cap: number): boolean {
  return n * 4 > cap * 3;
}

export class KeyIndex {
  /** [key, slot + 1] pairs; 0 marks a free cell (so a new table needs no filling). */
  private table: Float64Array;
  private mask: number;
  private numbers = 0;
  private nanSlot = EMPTY;
  private nullSlot = EMPTY;
  /** STRING keys, and BIGINT keys beyond ±(2^53-1) as bigints (common/int64.ts): never equal to a string. */
  private strings: Map<string | bigint, number> | null = null;
  /**
   * With `trackCells`: by slot, the cell holding its numeric key, or -1, kept up to date as keys
   * move (so a full snapshot copies it instead of walking the table, cells()).
   */
  private cellOf: Int32Array | null;

  constructor(initialCapacity = 16, trackCells = false) {
    let cap = 16;
    while (overLoad(initialCapacity, cap)) cap *= 2;
    this.table = KeyIndex.emptyTable(cap);
    this.mask = cap - 1;
    this.cellOf = trackCells ? new Int32Array(0) : null;
  }

  /** Records that slot's key sits in `cell` (-1: in none), growing cellOf (new entries -1). */
  private placed(slot: number, cell: number): void {
    let co = this.cellOf!;
    if (slot >= co.length) {
      const g = new Int32Array(grownLength(co.length, slot + 1));
      g.set(co);
      g.fill(-1, co.length);
      this.cellOf = co = g;
    }
    co[slot] = cell;
  }

  private static emptyTable(cap: number): Float64Array {
    return new Float64Array(cap * 2);
  }

  get size(): number {
    return this.numbers + (this.nanSlot === EMPTY ? 0 : 1) + (this.nullSlot === EMPTY ? 0 : 1) + (this.strings?.size ?? 0);
  }

  /** The slot of `key`, or -1. */
  get(key: MapKey): number {
    if (typeof key === 'number') {
      if (key !== key) return this.nanSlot;
      const t = this.table;
      const mask = this.mask;
      let h = hashNumber(key === 0 ? 0 : key) & mask;
      for (;;) {
        const s = t[2 * h + 1]!;
        if (s === 0) return EMPTY;
        if (t[2 * h] === key) return s - 1;
        h = (h + 1) & mask;
      }
    }
    if (key === null) return this.nullSlot;
    return this.strings?.get(key) ?? EMPTY;
  }

  /** get() of a number key (no type test: a column's Float64Array values). */
  getNumber(key: number): number {
    if (key !== key) return this.nanSlot;
    const t = this.table;
    const mask = this.mask;
    let h = hashNumber(key === 0 ? 0 : key) & mask;
    for (;;) {
      const s = t[2 * h + 1]!;
      if (s === 0) return EMPTY;
      if (t[2 * h] === key) return s - 1;
      h = (h + 1) & mask;
    }
  }

  /** Maps `key` to `slot` (slot >= 0), replacing an earlier mapping. */
  set(key: MapKey, slot: number): void {
    if (typeof key === 'number') {
      if (key !== key) {
        this.nanSlot = slot;
        return;
      }
      if (overLoad(this.numbers + 1, this.mask + 1)) this.resize((this.mask + 1) * 2);
      const k = key === 0 ? 0 : key;
      this.putNumber(k, slot, hashNumber(k) & this.mask);
      return;
    }
    if (key === null) {
      this.nullSlot = slot;
      return;
    }
    (this.strings ??= new Map()).set(key, slot);
  }

  delete(key: MapKey): void {
    if (typeof key === 'number') {
      if (key !== key) {
        this.nanSlot = EMPTY;
        return;
      }
      const t = this.table;
      const mask = this.mask;
      let h = hashNumber(key === 0 ? 0 : key) & mask;
      for (;;) {
        const s = t[2 * h + 1]!;
        if (s === 0) return;
        if (t[2 * h] === key) break;
        h = (h + 1) & mask;
      }
      if (this.cellOf !== null) this.placed(t[2 * h + 1]! - 1, -1);
      // backward-shift: move later entries of the probe run into the hole when their home allows
      let hole = h;
      let i = (h + 1) & mask;
      for (;;) {
        if (t[2 * i + 1] === 0) break;
        const home = hashNumber(t[2 * i]!) & mask;
        // the entry at i may move to `hole` unless its home lies cyclically in (hole, i]
        const stays = hole <= i ? home > hole && home <= i : home > hole || home <= i;
        if (!stays) {
          t[2 * hole] = t[2 * i]!;
          t[2 * hole + 1] = t[2 * i + 1]!;
          if (this.cellOf !== null) this.placed(t[2 * i + 1]! - 1, hole);
          hole = i;
        }
        i = (i + 1) & mask;
      }
      t[2 * hole + 1] = 0;
      this.numbers--;
      return;
    }
    if (key === null) {
      this.nullSlot = EMPTY;
      return;
    }
    this.strings?.delete(key);
  }

  /**
   * Sizes the table for `n` numeric keys at once (a restore), so it never resizes meanwhile;
   * with tracked cells and `slots`, the cell of every slot below `slots` has room too.
   */
  reserve(n: number, slots = 0): void {
    let cap = this.mask + 1;
    while (overLoad(this.numbers + n, cap)) cap *= 2;
    if (cap > this.mask + 1) this.resize(cap);
    const co = this.cellOf;
    if (co !== null && slots > co.length) {
      const g = new Int32Array(slots);
      g.set(co);
      g.fill(-1, co.length);
      this.cellOf = g;
    }
  }

  /**
   * set(keys[slots[j]], slots[j]) for j < n, numbers that are not NaN, in the order of their
   * home cells (a restore's bulk path): the table is written front to back instead of at
   * random (at tens of millions of keys a random insert costs a TLB miss and a cache miss).
   * The table is sized for all of them first. The result is the same as set() one by one, as
   * long as no key comes twice.
   */
  setNumbers(keys: Float64Array, slots: Int32Array, n: number): void {
    if (n === 0) return;
    this.reserve(n);
    const mask = this.mask;
    let log = 0;
    while (1 << log < mask + 1) log++;
    const b = Math.min(16, log);
    const shift = log - b;
    const home = new Uint32Array(n);
    const start = new Int32Array((1 << b) + 1);
    for (let j = 0; j < n; j++) {
      const k = keys[slots[j]!]!;
      const h = hashNumber(k === 0 ? 0 : k) & mask;
      home[j] = h;
      start[(h >>> shift) + 1]!++;
    }
    for (let i = 1; i < start.length; i++) start[i]! += start[i - 1]!;
    const order = new Int32Array(n);
    for (let j = 0; j < n; j++) order[start[home[j]! >>> shift]!++] = j;
    for (let o = 0; o < n; o++) {
      const j = order[o]!;
      const slot = slots[j]!;
      const k = keys[slot]!;
      this.putNumber(k === 0 ? 0 : k, slot, home[j]!);
    }
  }

  /**
   * Maps the number `k` (not NaN, -0 already made 0) to `slot`, probing from its home cell `h`:
   * an empty cell takes it, a cell of the same key is replaced. The table has room (callers
   * resize or reserve first).
   */
  private putNumber(k: number, slot: number, h: number): void {
    const t = this.table;
    const mask = this.mask;
    for (;;) {
      const s = t[2 * h + 1]!;
      if (s === 0) {
        t[2 * h] = k;
        t[2 * h + 1] = slot + 1;
        this.numbers++;
        if (this.cellOf !== null) this.placed(slot, h);
        return;
      }
      if (t[2 * h] === k) {
        t[2 * h + 1] = slot + 1;
        if (this.cellOf !== null) {
          this.placed(s - 1, -1);
          this.placed(slot, h);
        }
        return;
      }
      h = (h + 1) & mask;
    }
  }

  /**
   * Forgets every key, keeping a table of at least `cells` cells (a power of 2) and reusing the
   * current one when it is that size (a local phase's index, emptied per batch).
   */
  reset(cells: number): void {
    if (this.mask + 1 === cells && this.cellOf === null) this.table.fill(0);
    else {
      this.table = KeyIndex.emptyTable(cells);
      this.mask = cells - 1;
      if (this.cellOf !== null) this.cellOf = new Int32Array(0);
    }
    this.numbers = 0;
    this.nanSlot = EMPTY;
    this.nullSlot = EMPTY;
    this.strings = null;
  }

  /** Forgets every key (a restore that could not adopt a saved table starts over). */
  clear(): void {
    this.table = KeyIndex.emptyTable(16);
    this.mask = 15;
    this.numbers = 0;
    this.nanSlot = EMPTY;
    this.nullSlot = EMPTY;
    this.strings = null;
    if (this.cellOf !== null) this.cellOf = new Int32Array(0);
  }

  /**
   * Where each numeric key sits in the table, by slot (a full snapshot): cells[s] is the cell
   * of slot s's key, -1 when slot s has no numeric key here (free, NULL, NaN, a bigint or a
   * string). A restore of the same key groups places the keys back from it without hashing
   * or probing (adoptCells). null when the index holds no numeric key. `high`: slots in use
   * are below it.
   */
  cells(high: number): SavedCells | null {
    if (this.numbers === 0) return null;
    // a snapshot buffer (reused from checkpoint to checkpoint: common/snapshot-buffers.ts)
    const cells = takeBuffer(Int32Array, high);
    if (this.cellOf !== null) {
      const n = Math.min(high, this.cellOf.length);
      cells.set(this.cellOf.subarray(0, n));
      cells.fill(-1, n);
      return { v: CELLS_VERSION, cap: this.mask + 1, cells };
    }
    cells.fill(-1);
    const t = this.table;
    for (let i = 1, c = 0; i < t.length; i += 2, c++) {
      const s = t[i]!;
      if (s !== 0) cells[s - 1] = c;
    }
    return { v: CELLS_VERSION, cap: this.mask + 1, cells };
  }

  /**
   * Restores an empty index from saved cells (cells()): each slot s with a cell goes back to
   * that cell with key keys[s] (the slot's stored numeric key): no hashing, no probing.
   * Returns false, leaving the index empty, when the cells do not fit (another table layout,
   * a cell out of range or taken twice, a NaN key, a free slot with a cell, more keys than the
   * load limit allows); the caller then rebuilds with set(). Slots without a cell are left to
   * the caller. With tracked cells, `saved.cells` becomes the index's own array when it has
   * exactly `high` entries (restore owns what it is given: the caller must not use it again).
   */
  adoptCells(saved: SavedCells, keys: Float64Array, inUse: Uint8Array, high: number): boolean {
    const { cap, cells } = saved;
    if (saved.v !== CELLS_VERSION || this.numbers !== 0 || cap < 16 || (cap & (cap - 1)) !== 0 || cells.length < high) return false;
    // The cells are a random permutation of the keys: placing each key straight into its cell
    // costs a TLB miss and a cache miss per key (3.8 s of a 20M-key restore). Instead the table
    // is filled in two nearly sequential passes, radix-partitioned by the cell's top bits:
    //  1. count the keys of each of `parts` windows of the table (a window: `w` consecutive cells);
    //  2. write every key, its slot + 1 and its cell within its window, window by window, packed
    //     from the table's start (one sequential stream per window);
    //  3. from the last window to the first: copy the window's packed entries aside, clear the
    //     window, and put each entry in its cell (random writes within one window, in cache).
    // A window's packed entries lie below its start (the keys of cells below i*w number at most
    // i*w, the cells being distinct: otherwise refused), so step 3 never overwrites entries it has
    // yet to place.
    let log = 4;
    while (1 << log < cap) log++;
    const topBits = Math.min(10, log - 4);
    const shift = log - topBits;
    const parts = 1 << topBits;
    const w = cap >>> topBits;
    const start = new Int32Array(parts + 1);
    let n = 0;
    for (let s = 0; s < high; s++) {
      const c = cells[s]!;
      if (c < 0) continue;
      if (c >= cap) return false;
      start[(c >>> shift) + 1]!++;
      n++;
    }
    if (overLoad(n, cap)) return false;
    for (let i = 1; i <= parts; i++) start[i]! += start[i - 1]!;
    // more keys below a window's start than cells there: some cell is taken twice
    for (let i = 0; i < parts; i++) if (start[i]! > i * w) return false;
    const t = KeyIndex.emptyTable(cap);
    // the same bytes as pairs of 32-bit words: [key][slot + 1, cell within the window]
    const t32 = new Uint32Array(t.buffer, t.byteOffset, t.length * 2);
    const at = start.slice(0, parts);
    const low = w - 1;
    let widest = 0;
    for (let i = 0; i < parts; i++) widest = Math.max(widest, start[i + 1]! - start[i]!);
    for (let s = 0; s < high; s++) {
      const c = cells[s]!;
      if (c < 0) continue;
      const k = keys[s]!;
      // a key left out would break the probe run it sits in: all or nothing
      if (inUse[s] !== 1 || k !== k) return false;
      const p = at[c >>> shift]!++;
      t[2 * p] = k === 0 ? 0 : k;
      t32[4 * p + 2] = s + 1;
      t32[4 * p + 3] = c & low;
    }
    const aside = new Float64Array(2 * widest);
    const aside32 = new Uint32Array(aside.buffer);
    for (let i = parts - 1; i >= 0; i--) {
      const a = start[i]!;
      const m = start[i + 1]! - a;
      aside.set(t.subarray(2 * a, 2 * (a + m)));
      const w0 = i * w;
      // entries packed into this window were set aside (this one's) or placed (later ones'); cells from n on were never written
      const dirtyEnd = Math.min(w0 + w, n);
      if (dirtyEnd > w0) t.fill(0, 2 * w0, 2 * dirtyEnd);
      for (let j = 0; j < m; j++) {
        const c = w0 + aside32[4 * j + 3]!;
        if (t[2 * c + 1] !== 0) return false;
        t[2 * c] = aside[2 * j]!;
        t[2 * c + 1] = aside32[4 * j + 2]!;
      }
    }
    this.table = t;
    this.mask = cap - 1;
    this.numbers = n;
    if (this.cellOf !== null) {
      // a cell saved for a slot out of use was refused above; NaN keys have none
      if (cells.length === high) this.cellOf = cells;
      else {
        const co = new Int32Array(Math.max(64, high)).fill(-1);
        co.set(cells.subarray(0, high));
        this.cellOf = co;
      }
    }
    return true;
  }

  private resize(cap: number): void {
    const old = this.table;
    const t = KeyIndex.emptyTable(cap);
    const mask = cap - 1;
    for (let i = 1; i < old.length; i += 2) {
      const s = old[i]!;
      if (s === 0) continue;
      const k = old[i - 1]!;
      let h = hashNumber(k) & mask;
      while (t[2 * h + 1] !== 0) h = (h + 1) & mask;
      t[2 * h] = k;
      t[2 * h + 1] = s;
      if (this.cellOf !== null) this.cellOf[s - 1] = h;
    }
    this.table = t;
    this.mask = mask;
  }
}

/** What a ColumnKeyIndex needs of the stored keys: is slot's key equal to batch row `row`'s? */
export interface StoredKeys {
  equalsRow(slot: number, cols: readonly Column[], row: number): boolean;
}

/**
 * Group key -> slot for keys of several columns (or one composite column), found by a hash of
 * the key columns computed column by column once per batch (hashColumns, the key-group hash,
 * so the key group comes for free) and compared value by value with the key stored for the
 * slot: no string is built per row. Open addressing with linear probing over slot + 1 (0 is a
 * free cell); each slot's hash is kept so a probe compares keys only when the hashes match,
 * and deletion shifts the following entries back (no tombstones).
 */
export class ColumnKeyIndex {
  private table: Int32Array;
  private mask: number;
  private count = 0;
  /** hash of each slot's key (hashKey of its values). */
  private slotHash: Uint32Array = new Uint32Array(0);
  /** Hashes of the current batch's rows. */
  hashes: Uint32Array = new Uint32Array(0);
  private cols: readonly Column[] = [];

  constructor(
    private readonly keyColumns: readonly number[],
    private readonly stored: StoredKeys,
    /** Initial table size, a power of 2 (tests use small tables to get long probe runs). */
    cells = 64,
  ) {
    this.table = new Int32Array(cells);
    this.mask = cells - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Hashes the key columns of `batch`; find/insert then take its row numbers. */
  prepare(batch: Batch): void {
    const n = batch.length;
    if (this.hashes.length < n) this.hashes = new Uint32Array(Math.max(n, 1024));
    this.cols = this.keyColumns.map((c) => batch.columns[c]!);
    hashColumns(this.cols, n, this.hashes);
  }

  /** The slot holding the key of the prepared batch's row `row`, or -1. */
  find(row: number): number {
    const h = this.hashes[row]!;
    const t = this.table;
    const mask = this.mask;
    const sh = this.slotHash;
    let i = spread(h) & mask;
    for (;;) {
      const s = t[i]!;
      if (s === 0) return EMPTY;
      if (sh[s - 1] === h && this.stored.equalsRow(s - 1, this.cols, row)) return s - 1;
      i = (i + 1) & mask;
    }
  }

  /** Records `slot` (whose key is already stored) for the prepared batch's row `row`. */
  insert(row: number, slot: number): void {
    this.insertHash(this.hashes[row]!, slot);
  }

  /** Records `slot` whose key hashes to `h` (restore: hashKey of its stored values). */
  insertHash(h: number, slot: number): void {
    if (slot >= this.slotHash.length) {
      const a = new Uint32Array(Math.max(64, this.slotHash.length * 2, slot + 1));
      a.set(this.slotHash);
      this.slotHash = a;
    }
    this.slotHash[slot] = h;
    if ((this.count + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    const t = this.table;
    const mask = this.mask;
    let i = spread(h) & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = slot + 1;
    this.count++;
  }

  /** Forgets `slot`. */
  remove(slot: number): void {
    const t = this.table;
    const mask = this.mask;
    const sh = this.slotHash;
    let i = spread(sh[slot]!) & mask;
    for (;;) {
      const s = t[i]!;
      if (s === 0) return;
      if (s === slot + 1) break;
      i = (i + 1) & mask;
    }
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const s = t[j]!;
      if (s === 0) break;
      const home = spread(sh[s - 1]!) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        t[hole] = s;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    t[hole] = 0;
    this.count--;
  }

  private resize(cap: number): void {
    const old = this.table;
    const t = new Int32Array(cap);
    const mask = cap - 1;
    const sh = this.slotHash;
    for (let k = 0; k < old.length; k++) {
      const s = old[k]!;
      if (s === 0) continue;
      let i = spread(sh[s - 1]!) & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = s;
    }
    this.table = t;
    this.mask = mask;
  }
}

// The key-group hash's low bits cluster on a subtask (it owns a range of hash % max
// parallelism): mix again before taking table bits.
function spread(h: number): number {
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}
