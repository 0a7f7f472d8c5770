// Group key -> slot index for the aggregating operators.
//
// Numeric keys (the common case: one BIGINT/INT/TIMESTAMP/DOUBLE key column) live in an
// open-addressing table with linear probing, key and slot interleaved in one Float64Array,
// so a lookup touches one cache line instead of the bucket array, the entry and the boxed
// key of a JS Map. Deletion shifts the following entries back (no tombstones). String keys
// (string columns and composite keys) use a Map; the null key has its own field.
//
// Keys compare as SameValueZero, like a Map: -0 equals 0 and NaN equals NaN.

import type { MapKey } from './group-keys.js';

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

export class KeyIndex {
  /** [key, slot + 1] pairs; 0 marks a free cell (so a new table needs no filling). */
  private table: Float64Array;
  private mask: number;
  private numbers = 0;
  private nanSlot = EMPTY;
  private nullSlot = EMPTY;
  /** STRING keys, and BIGINT keys beyond ±(2^53-1) as bigints (common/int64.ts): never equal to a string. */
  private strings: Map<string | bigint, number> | null = null;

  constructor(initialCapacity = 16) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.table = KeyIndex.emptyTable(cap);
    this.mask = cap - 1;
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

  /** Maps `key` to `slot` (slot >= 0), replacing an earlier mapping. */
  set(key: MapKey, slot: number): void {
    if (typeof key === 'number') {
      if (key !== key) {
        this.nanSlot = slot;
        return;
      }
      if ((this.numbers + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
      const k = key === 0 ? 0 : key;
      const t = this.table;
      const mask = this.mask;
      let h = hashNumber(k) & mask;
      for (;;) {
        const s = t[2 * h + 1]!;
        if (s === 0) {
          t[2 * h] = k;
          t[2 * h + 1] = slot + 1;
          this.numbers++;
          return;
        }
        if (t[2 * h] === k) {
          t[2 * h + 1] = slot + 1;
          return;
        }
        h = (h + 1) & mask;
      }
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
    }
    this.table = t;
    this.mask = mask;
  }
}
