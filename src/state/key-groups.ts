// Key groups (DESIGN §4): a key's group is a stable hash of its value modulo the maximum
// parallelism; a subtask owns a contiguous range of groups. Exchanges route rows by it and
// keyed state is snapshotted by it, so a checkpoint taken at one parallelism restores at
// another. The hash must never change between versions of weir: checkpoints depend on it.

import { canonicalText } from '../common/composite.js';
import { isComposite } from '../common/types.js';
import type { Column, Scalar } from '../common/batch.js';

/** Snapshot entries under this key are SlotBlocks spanning every key group (filtered per row). */
export const ALL_KEY_GROUPS = -1;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashNumber(v: number): number {
  f64[0] = v === 0 ? 0 : v; // -0 and 0 are one key
  return fmix(Math.imul(u32[0]! ^ 0x9e3779b9, 0xcc9e2d51) ^ Math.imul(u32[1]!, 0x1b873593));
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h ^ s.length);
}

const NULL_HASH = 0x5bd1e995;

export function hashScalar(v: Scalar): number {
  if (v === null) return NULL_HASH;
  if (typeof v === 'string') return hashString(v);
  if (typeof v === 'boolean') return hashNumber(v ? 1 : 0);
  if (typeof v === 'object') return hashString(canonicalText(v));
  if (typeof v === 'bigint') return hashBigint(v);
  return hashNumber(v);
}

/**
 * Hash of a BIGINT beyond ±(2^53-1), which is always carried as a bigint (common/int64.ts);
 * a value within that range is always a number and hashes with hashNumber, so one value has
 * one hash however its batch carries it. Like hashNumber, it must never change.
 */
export function hashBigint(v: bigint): number {
  const lo = Number(BigInt.asUintN(32, v));
  const hi = Number(BigInt.asUintN(32, v >> 32n));
  return fmix(Math.imul(lo ^ 0x2545f491, 0xcc9e2d51) ^ Math.imul(hi, 0x1b873593) ^ 0x6a09e667);
}

/** Combined hash of a key made of several values (in key column order). */
export function hashKey(values: readonly Scalar[]): number {
  if (values.length === 1) return hashScalar(values[0]!);
  let h = 17;
  for (const v of values) h = (Math.imul(h, 31) + hashScalar(v)) | 0;
  return fmix(h);
}

/** Hashes rows [0, n) of the key columns into `out` (same result as hashKey per row). */
export function hashColumns(cols: readonly Column[], n: number, out: Uint32Array): void {
  if (cols.length === 1) {
    hashColumnInto(cols[0]!, n, out);
    return;
  }
  const tmp = new Uint32Array(n);
  const acc = new Int32Array(n).fill(17);
  for (const c of cols) {
    hashColumnInto(c, n, tmp);
    for (let i = 0; i < n; i++) acc[i] = (Math.imul(acc[i]!, 31) + tmp[i]!) | 0;
  }
  for (let i = 0; i < n; i++) out[i] = fmix(acc[i]!);
}

function hashColumnInto(c: Column, n: number, out: Uint32Array): void {
  const v = c.values;
  const nulls = c.nulls;
  if (isComposite(c.type)) {
    for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? NULL_HASH : hashString(canonicalText(v[i]));
  } else if (c.type.kind === 'BIGINT' && Array.isArray(v)) {
    // a wide BIGINT column (common/int64.ts): numbers and bigints
    for (let i = 0; i < n; i++) {
      const x = v[i] as number | bigint;
      out[i] = nulls !== null && nulls[i] === 1 ? NULL_HASH : typeof x === 'bigint' ? hashBigint(x) : hashNumber(x);
    }
  } else if (Array.isArray(v)) {
    // a string equal to the previous row's has its hash (runs of one value: a day, a channel)
    let last: unknown = null;
    let lastHash = 0;
    for (let i = 0; i < n; i++) {
      if (nulls !== null && nulls[i] === 1) out[i] = NULL_HASH;
      else {
        const x = v[i];
        if (x !== last) {
          last = x;
          lastHash = hashString(x as string);
        }
        out[i] = lastHash;
      }
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = nulls !== null && nulls[i] === 1 ? NULL_HASH : hashNumber(v[i]!);
  }
}

/** hashKey of row `row` of the key columns, without building the values (for one new key). */
export function hashRow(cols: readonly Column[], row: number): number {
  // called per row: no closure, no iterator
  if (cols.length === 1) return hashCell(cols[0]!, row);
  let h = 17;
  for (let k = 0; k < cols.length; k++) h = (Math.imul(h, 31) + hashCell(cols[k]!, row)) | 0;
  return fmix(h);
}

function hashCell(c: Column, row: number): number {
  if (c.nulls !== null && c.nulls[row] === 1) return NULL_HASH;
  const v = c.values[row]!;
  if (typeof v === 'object') return hashString(canonicalText(v));
  if (typeof v === 'bigint') return hashBigint(v); // a wide BIGINT column (common/int64.ts)
  return typeof v === 'string' ? hashString(v) : hashNumber(v as number);
}

export function keyGroupOf(hash: number, maxParallelism: number): number {
  return hash % maxParallelism;
}

/** The subtask that owns a key group (Flink's assignment: contiguous ranges). */
export function subtaskForKeyGroup(keyGroup: number, parallelism: number, maxParallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

export interface KeyGroupRange {
  /** First group owned. */
  readonly start: number;
  /** One past the last group owned. */
  readonly end: number;
}

export function keyGroupRange(subtask: number, parallelism: number, maxParallelism: number): KeyGroupRange {
  const start = Math.ceil((subtask * maxParallelism) / parallelism);
  const end = Math.ceil(((subtask + 1) * maxParallelism) / parallelism);
  return { start, end };
}
