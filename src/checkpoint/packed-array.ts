// A long plain array of a snapshot (a string column) packed at the barrier into the state
// file's frames of it (state-file.ts: msgpackr-packed slices of SLICE elements), instead of
// copied as an array and then copied again into the state writer thread's heap by postMessage
// (every string once more: 40 bytes or so per short string, against the 10-15 bytes it packs
// to). The slices are fresh byte arrays, transferred to the writer, which writes them as they
// are: the file is the same as for the array itself.

import type { Packr } from 'msgpackr';
import { msgpackr } from '../common/msgpack.js';
import { stateSize } from './sizes.js';

/** Plain arrays at least this long are packed in slices (shorter ones stay in the skeleton). */
export const BIG_ARRAY = stateSize(16384);
/** Elements per packed slice. */
export const SLICE = stateSize(16384);

// moreTypes: typed arrays other than Uint8Array round-trip (without it they are silently corrupted)
let packrInstance: Packr | undefined;
/** Made on first use: msgpackr is loaded only when a state file is written or read. */
export function packr(): Packr {
  return (packrInstance ??= new (msgpackr().Packr)({ moreTypes: true }));
}

const PACKED = '\u0000weir-packed';

/** A plain array of `n` elements as its packed slices. */
export interface PackedArray {
  readonly [PACKED]: number;
  readonly slices: readonly Uint8Array[];
}

/** The number of elements of the array packed. */
export function packedLength(v: PackedArray): number {
  return v[PACKED];
}

export function isPackedArray(v: unknown): v is PackedArray {
  return v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>)[PACKED] === 'number';
}

/**
 * `a.slice(0, n).map(f)` (n at most a.length) as the state file writes it: packed slices when
 * it is long enough to be written so, else the array itself.
 */
export function packedSlice<T, U>(a: readonly T[], n: number, f: (x: T) => U): PackedArray | U[] {
  n = Math.max(0, Math.min(n, a.length));
  if (n < BIG_ARRAY) return a.slice(0, n).map(f);
  const slices: Uint8Array[] = [];
  for (let i = 0; i < n; i += SLICE) {
    const packed = packr().pack(a.slice(i, Math.min(n, i + SLICE)).map(f));
    // a buffer of its own (pack's result may share msgpackr's): transferred whole
    const own = new Uint8Array(packed.length);
    own.set(packed);
    slices.push(own);
  }
  return { [PACKED]: n, slices };
}

/** Whether every element of `a` is a primitive (string, number, boolean, bigint, null, undefined). */
function allPrimitive(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x === 'object' && x !== null) return false;
  }
  return true;
}

const same = <T>(x: T): T => x;

/**
 * `v` (a snapshot's part, such as accumulator states) with each long plain array of primitive
 * values (strings, numbers, nulls: MIN/MAX of a STRING) packed as the state file writes it
 * (packedSlice), for a snapshot that goes to the state writer only. Arrays of objects (composite
 * values) are left as they are: the state writer packs them. Other values are kept, not copied.
 */
export function packPrimitiveArrays(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || isPackedArray(v) || depth > 8) return v;
  if (Array.isArray(v)) {
    if (v.length >= BIG_ARRAY && allPrimitive(v)) return packedSlice(v, v.length, same);
    return v.length >= BIG_ARRAY ? v : v.map((x) => packPrimitiveArrays(x, depth + 1));
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = packPrimitiveArrays(x, depth + 1);
  return out;
}
