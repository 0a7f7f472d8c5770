// SUM, SUM0 and AVG of DECIMAL, exact (Flink: SUM is DECIMAL(38, s), AVG DECIMAL(38, max(6, s))
// rounded HALF_UP).
//
// A slot's sum is kept as an unscaled integer in a Float64Array while it stays within
// ±(2^53-1), where doubles add integers exactly (the narrow-argument fast path: one
// Math.round and one addition per row). A sum that would leave that range moves, once, to a
// bigint kept beside it (`big`); wide arguments (canonical text) are added as bigints. The
// result is computed exactly from the unscaled sum; a sum beyond 38 digits is NULL (Flink's
// DecimalData overflow).

import type { Column, ColumnBuilder, Scalar } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { MAX_EXACT_INT } from '../common/types.js';
import type { Accumulator } from './accumulators.js';
import { divHalfUp, fits, formatUnscaled, isWideDecimal, pow10n, unscaledOfText } from './decimal.js';

function growF64(a: Float64Array, cap: number): Float64Array {
  if (a.length >= cap) return a;
  const b = new Float64Array(Math.max(cap, a.length * 2, 64));
  b.set(a);
  return b;
}

export class DecimalSumAvg implements Accumulator {
  private sums: Float64Array = new Float64Array(0);
  private counts: Float64Array = new Float64Array(0);
  /** Slots whose sum left ±(2^53-1): the exact sum (sums[slot] is then unused). */
  private big = new Map<number, bigint>();
  private readonly scale: number;
  private readonly factor: number;
  private readonly wide: boolean;
  constructor(
    private readonly arg: number,
    private readonly mode: 'sum' | 'sum0' | 'avg',
    argType: DataType,
    private readonly type: DataType,
  ) {
    this.scale = argType.scale ?? 0;
    this.factor = 10 ** this.scale;
    this.wide = isWideDecimal(argType);
  }
  grow(cap: number): void {
    this.sums = growF64(this.sums, cap);
    this.counts = growF64(this.counts, cap);
  }
  reset(slot: number): void {
    this.sums[slot] = 0;
    this.counts[slot] = 0;
    if (this.big.size > 0) this.big.delete(slot);
  }
  private addExact(slot: number, u: bigint): void {
    const cur = this.big.get(slot) ?? BigInt(this.sums[slot]!);
    this.big.set(slot, cur + u);
  }
  private apply(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[], d: number): void {
    const col = batch[this.arg]!;
    const nulls = col.nulls;
    const s = this.sums;
    const c = this.counts;
    if (this.wide) {
      const v = col.values as string[];
      for (let j = 0; j < count; j++) {
        const r = rows === null ? j : rows[j]!;
        if (nulls !== null && nulls[r] === 1) continue;
        const slot = slots[j]!;
        const text = v[r]!;
        if (text.length <= 16 && !(this.big.size > 0 && this.big.has(slot))) {
          // at most 15 digits: the unscaled value as a number, without a bigint
          const dot = text.indexOf('.');
          const x = s[slot]! + d * Number(dot < 0 ? text : text.slice(0, dot) + text.slice(dot + 1));
          if (x >= -MAX_EXACT_INT && x <= MAX_EXACT_INT) {
            s[slot] = x;
            c[slot]! += d;
            continue;
          }
        }
        const u = unscaledOfText(text);
        const big = this.big.get(slot);
        if (big !== undefined) this.big.set(slot, d > 0 ? big + u : big - u);
        else this.addExact(slot, d > 0 ? u : -u);
        c[slot]! += d;
      }
      return;
    }
    const v = col.values as Float64Array;
    const f = this.factor;
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (nulls !== null && nulls[r] === 1) continue;
      const slot = slots[j]!;
      const u = d * Math.round(v[r]! * f);
      const x = s[slot]! + u;
      if (x >= -MAX_EXACT_INT && x <= MAX_EXACT_INT && !(this.big.size > 0 && this.big.has(slot))) s[slot] = x;
      else this.addExact(slot, BigInt(u));
      c[slot]! += d;
    }
  }
  add(s: Int32Array, r: Int32Array | null, n: number, b: readonly Column[]): void {
    this.apply(s, r, n, b, 1);
  }
  retract(s: Int32Array, r: Int32Array | null, n: number, b: readonly Column[]): void {
    this.apply(s, r, n, b, -1);
  }
  private unscaled(slot: number): bigint {
    return this.big.get(slot) ?? BigInt(this.sums[slot]!);
  }
  value(slot: number): Scalar {
    const c = this.counts[slot]!;
    const outScale = this.type.scale ?? 0;
    if (c === 0 && this.mode !== 'sum0') return null;
    let u = this.unscaled(slot);
    if (this.mode === 'avg') u = divHalfUp(u * pow10n(outScale - this.scale), BigInt(c));
    else if (outScale !== this.scale) u = u * pow10n(outScale - this.scale);
    if (!fits(u, this.type.precision ?? 38)) return null;
    return isWideDecimal(this.type) ? formatUnscaled(u, outScale) : Number(u) / 10 ** outScale;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.push(this.value(slot));
  }
  merge(target: number, source: number): void {
    const b = this.big.get(source);
    if (b !== undefined || this.big.has(target)) this.addExact(target, this.unscaled(source));
    else {
      const x = this.sums[target]! + this.sums[source]!;
      if (x >= -MAX_EXACT_INT && x <= MAX_EXACT_INT) this.sums[target] = x;
      else this.addExact(target, BigInt(this.sums[source]!));
    }
    this.counts[target]! += this.counts[source]!;
  }
  save(slot: number): unknown {
    const b = this.big.get(slot);
    return [b === undefined ? this.sums[slot]! : b.toString(), this.counts[slot]!];
  }
  load(slot: number, st: unknown): void {
    const [s, c] = st as [number | string, number];
    this.reset(slot);
    if (typeof s === 'string') this.big.set(slot, BigInt(s));
    else this.sums[slot] = s;
    this.counts[slot] = c;
  }
  saveAll(high: number): unknown {
    const big: [number, string][] = [];
    for (const [slot, b] of this.big) if (slot < high) big.push([slot, b.toString()]);
    return [this.sums.slice(0, high), this.counts.slice(0, high), big];
  }
  saveSome(list: Int32Array, n: number): unknown {
    const sums = new Float64Array(n);
    const counts = new Float64Array(n);
    const big: [number, string][] = [];
    for (let i = 0; i < n; i++) {
      const slot = list[i]!;
      sums[i] = this.sums[slot]!;
      counts[i] = this.counts[slot]!;
      const b = this.big.get(slot);
      if (b !== undefined) big.push([i, b.toString()]);
    }
    return [sums, counts, big];
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    const [s, c, big] = st as [Float64Array, Float64Array, [number, string][] | undefined];
    const bigs = new Map<number, string>(big ?? []);
    for (let i = 0; i < n; i++) {
      const f = from[i]!;
      const t = to[i]!;
      this.big.delete(t);
      this.sums[t] = s[f]!;
      this.counts[t] = c[f]!;
      const b = bigs.get(f);
      if (b !== undefined) this.big.set(t, BigInt(b));
    }
  }
}
