// Folding a changelog into its final table, and comparing two tables as multisets.
//
// Folding: +I and +U add a row; -U and -D remove one equal row. A retraction of a row that
// is not there is recorded (it means the changelog is inconsistent) rather than ignored.
// Comparing: rows are matched as multisets; numbers match when equal or within a relative
// difference of 1e-9 (absolute 1e-9 near zero), so floating-point sums in a different order
// still agree. Columns of integer type (INT, BIGINT) match only when exactly equal: a BIGINT
// off by one is a wrong answer however large it is (`exactColumns`). A DuckDB integer beyond
// ±(2^53-1) stays a JavaScript bigint (`exactInteger`), so it equals no double: a streamed
// value that was rounded to the nearest double is a mismatch, never "within tolerance".
// DECIMAL columns match only when their exact values are equal (`alignDecimals`): `weir
// verify` marks every DECIMAL column exact, since its translation computes DECIMAL as DuckDB
// DECIMALs of Flink's result types (duck-decimal.ts); a 20th-digit difference is a difference.

import type { Batch, Scalar } from '../common/batch.js';
import { RowKind, getScalar } from '../common/batch.js';
import { canonicalText } from '../common/composite.js';
import type { DataType } from '../common/types.js';
import { isIntegral } from '../common/types.js';

/** A row as compared: a DuckDB integer beyond ±(2^53-1) stays a bigint (see exactInteger). */
export type Cell = Scalar | bigint;
export type Row = Cell[];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A 32-bit hash of a row's values; equal rows (0 and -0 alike, NaN alike) hash alike. */
export function rowHash(row: Row): number {
  let h = 0x811c9dc5 ^ row.length;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    let x: number;
    if (v === null || v === undefined) x = 0x9e3779b9;
    else if (typeof v === 'number') {
      if ((v | 0) === v) x = v;
      else if (Number.isNaN(v)) x = 0x7ff80000;
      else {
        f64[0] = v;
        x = Math.imul(u32[0]!, 0x85ebca6b) ^ u32[1]!;
      }
    } else if (typeof v === 'string') {
      x = 0x1b873593 ^ v.length;
      for (let j = 0; j < v.length; j++) x = Math.imul(x ^ v.charCodeAt(j), 0x01000193);
    } else if (typeof v === 'boolean') x = v ? 0x27d4eb2f : 0x165667b1;
    else if (typeof v === 'bigint') x = Number(BigInt.asIntN(32, v));
    else x = rowHashOfOther(v);
    h = Math.imul(h ^ x, 0x01000193);
    h ^= h >>> 15;
  }
  return h | 0;
}

function rowHashOfOther(v: unknown): number {
  // composite values (ROW, ARRAY, MAP): equal values, equal text (maps whatever their order)
  const s = canonicalText(v);
  let x = 0x2545f491;
  for (let j = 0; j < s.length; j++) x = Math.imul(x ^ s.charCodeAt(j), 0x01000193);
  return x;
}

function sameValue(a: Cell, b: Cell): boolean {
  if (a === b) return true;
  if (typeof a === 'number') return typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') return canonicalText(a) === canonicalText(b);
  return false;
}

function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i]!, b[i]!)) return false;
  return true;
}

interface Counted {
  readonly row: Row;
  count: number;
}

/**
 * A multiset of rows, found by hash and exact equality: no key strings, so millions of rows
 * cost a number and an entry each.
 */
class RowMultiset {
  private readonly buckets = new Map<number, Counted | Counted[]>();

  private find(row: Row, h: number): Counted | undefined {
    const b = this.buckets.get(h);
    if (b === undefined) return undefined;
    if (!Array.isArray(b)) return sameRow(b.row, row) ? b : undefined;
    for (const e of b) if (sameRow(e.row, row)) return e;
    return undefined;
  }

  add(row: Row): void {
    const h = rowHash(row);
    const e = this.find(row, h);
    if (e !== undefined) {
      e.count++;
      return;
    }
    const n: Counted = { row, count: 1 };
    const b = this.buckets.get(h);
    if (b === undefined) this.buckets.set(h, n);
    else if (Array.isArray(b)) b.push(n);
    else this.buckets.set(h, [b, n]);
  }

  /** Removes one equal row; false when there is none. */
  remove(row: Row): boolean {
    const h = rowHash(row);
    const b = this.buckets.get(h);
    if (b === undefined) return false;
    if (!Array.isArray(b)) {
      if (!sameRow(b.row, row)) return false;
      if (--b.count === 0) this.buckets.delete(h);
      return true;
    }
    const i = b.findIndex((e) => sameRow(e.row, row));
    if (i < 0) return false;
    if (--b[i]!.count === 0) {
      b.splice(i, 1);
      if (b.length === 1) this.buckets.set(h, b[0]!);
    }
    return true;
  }

  *entries(): IterableIterator<Counted> {
    for (const b of this.buckets.values()) {
      if (!Array.isArray(b)) yield b;
      else yield* b;
    }
  }

  rows(): Row[] {
    const out: Row[] = [];
    for (const { row, count } of this.entries()) for (let i = 0; i < count; i++) out.push(row);
    return out;
  }
}

export class ChangelogFolder {
  private readonly set = new RowMultiset();
  /** Retractions of rows that were not present. */
  readonly unmatchedRetractions: Row[] = [];
  changes = 0;

  add(batch: Batch): void {
    const cols = batch.columns;
    for (let i = 0; i < batch.length; i++) {
      const row: Row = new Array(cols.length);
      for (let c = 0; c < cols.length; c++) row[c] = getScalar(cols[c]!, i);
      const kind = batch.ops === null ? RowKind.Insert : batch.ops[i]!;
      this.apply(row, kind === RowKind.Insert || kind === RowKind.UpdateAfter);
    }
  }

  apply(row: Row, accumulate: boolean): void {
    this.changes++;
    if (accumulate) this.set.add(row);
    else if (!this.set.remove(row)) this.unmatchedRetractions.push(row);
  }

  result(): Row[] {
    return this.set.rows();
  }
}

/**
 * A DuckDB integer as the comparison holds it: a number while it is exact as a double, else
 * the bigint itself (which no streamed double equals).
 */
export function exactInteger(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * Which columns compare exactly: the integer ones (INT, BIGINT), and DECIMAL ones where
 * DuckDB's result column is a DECIMAL too (`decimalExact`, see alignDecimals).
 */
export function exactColumns(types: readonly DataType[], decimalExact?: readonly boolean[]): boolean[] {
  return types.map((t, i) => isIntegral(t) || (t.kind === 'DECIMAL' && decimalExact?.[i] === true));
}

/** An exact decimal's text without trailing fraction zeros (`1.50` and `1.5000` are `1.5`). */
export function decimalKey(text: string): string {
  let s = text.trim();
  if (s.startsWith('+')) s = s.slice(1);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  s = s.replace(/^(-?)0+(?=\d)/, '$1');
  return s === '-0' ? '0' : s;
}

/**
 * Puts DECIMAL columns of weir's rows (doubles of DECIMAL(p <= 15), canonical text of wider
 * ones) and DuckDB's rows in one comparable form, in place. Where DuckDB's column is a
 * DECIMAL (read as its exact text, duck-values.ts) both become decimalKey text, compared
 * exactly; where DuckDB computed a DOUBLE, both are numbers compared with the tolerance.
 */
export function alignDecimals(weir: Row[], duck: Row[], types: readonly DataType[], decimalExact: readonly boolean[]): void {
  for (let c = 0; c < types.length; c++) {
    const t = types[c]!;
    if (t.kind !== 'DECIMAL') continue;
    const exact = decimalExact[c] === true;
    const scale = t.scale ?? 0;
    for (const r of weir) {
      const v = r[c];
      if (v === null || v === undefined) continue;
      if (exact) r[c] = decimalKey(typeof v === 'number' ? (Object.is(v, -0) ? 0 : v).toFixed(scale) : String(v));
      else if (typeof v === 'string') r[c] = Number(v);
    }
    if (exact) {
      for (const r of duck) {
        const v = r[c];
        if (typeof v === 'string') r[c] = decimalKey(v);
      }
    }
  }
}

export function valuesMatch(a: Cell, b: Cell, exact = false): boolean {
  if (a === b) return true;
  if (exact) return false;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    const d = Math.abs(a - b);
    return d <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || d <= 1e-9;
  }
  return false;
}

function rowsMatch(a: Row, b: Row, exact: readonly boolean[] | undefined): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesMatch(a[i]!, b[i]!, exact?.[i] === true)) return false;
  return true;
}

/** A sort key that puts rows which may match next to each other (numbers rounded). */
function coarseKey(r: Row): string {
  return JSON.stringify(r.map((v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v)));
}

export interface Comparison {
  readonly equal: boolean;
  /** Rows only in the first table (with multiplicity). */
  readonly onlyLeft: Row[];
  readonly onlyRight: Row[];
}

/** `exact[i]` true: column i matches only when equal (see the file comment). */
export function compareMultisets(left: readonly Row[], right: readonly Row[], exact?: readonly boolean[]): Comparison {
  // Exact matches first, by hash; then the leftovers pairwise with tolerance.
  const counts = new RowMultiset();
  for (const r of right) counts.add(r);
  const restLeft: Row[] = [];
  for (const r of left) if (!counts.remove(r)) restLeft.push(r);
  const restRight = counts.rows();
  if (restLeft.length === 0 && restRight.length === 0) return { equal: true, onlyLeft: [], onlyRight: [] };
  // tolerant matching of what is left (small sets in practice)
  const byKey = new Map<string, Row[]>();
  for (const r of restRight) {
    const k = coarseKey(r);
    const l = byKey.get(k);
    if (l === undefined) byKey.set(k, [r]);
    else l.push(r);
  }
  const onlyLeft: Row[] = [];
  const usedRight = new Set<Row>();
  for (const r of restLeft) {
    const cands = byKey.get(coarseKey(r)) ?? [];
    let hit = cands.find((c) => !usedRight.has(c) && rowsMatch(r, c, exact));
    if (hit === undefined) hit = restRight.find((c) => !usedRight.has(c) && rowsMatch(r, c, exact));
    if (hit === undefined) onlyLeft.push(r);
    else usedRight.add(hit);
  }
  const onlyRight = restRight.filter((r) => !usedRight.has(r));
  return { equal: onlyLeft.length === 0 && onlyRight.length === 0, onlyLeft, onlyRight };
}

/**
 * A LIMIT without ORDER BY keeps whichever rows arrive first, so its result is checked as a
 * sample: every streamed row must be one of the query's rows without the LIMIT (`right`, as a
 * multiset), and there must be exactly as many as the LIMIT allows (`fetch`, fewer when the
 * input has fewer than `offset + fetch`). `onlyRight` stays empty: the rows not picked are no
 * difference.
 */
export function compareSample(left: readonly Row[], right: readonly Row[], offset: number, fetch: number, exact?: readonly boolean[]): Comparison {
  const cmp = compareMultisets(left, right, exact);
  const size = Math.min(fetch, Math.max(0, right.length - offset));
  return { equal: cmp.onlyLeft.length === 0 && left.length === size, onlyLeft: cmp.onlyLeft, onlyRight: [] };
}
