// Folding a changelog into its final table, and comparing two tables as multisets.
//
// Folding: +I and +U add a row; -U and -D remove one equal row. A retraction of a row that
// is not there is recorded (it means the changelog is inconsistent) rather than ignored.
// Comparing: rows are matched as multisets; numbers match when equal or within a relative
// difference of 1e-9 (absolute 1e-9 near zero), so floating-point sums in a different order
// still agree.

import type { Batch, Scalar } from '../common/batch.js';
import { RowKind, getScalar } from '../common/batch.js';

export type Row = Scalar[];

export class ChangelogFolder {
  private readonly rows = new Map<string, { row: Row; count: number }>();
  /** Retractions of rows that were not present. */
  readonly unmatchedRetractions: Row[] = [];
  changes = 0;

  add(batch: Batch): void {
    for (let i = 0; i < batch.length; i++) {
      const row = batch.columns.map((c) => getScalar(c, i));
      const kind = batch.ops === null ? RowKind.Insert : batch.ops[i]!;
      this.apply(row, kind === RowKind.Insert || kind === RowKind.UpdateAfter);
    }
  }

  apply(row: Row, accumulate: boolean): void {
    this.changes++;
    const key = JSON.stringify(row);
    const e = this.rows.get(key);
    if (accumulate) {
      if (e === undefined) this.rows.set(key, { row, count: 1 });
      else e.count++;
      return;
    }
    if (e === undefined) {
      this.unmatchedRetractions.push(row);
      return;
    }
    e.count--;
    if (e.count === 0) this.rows.delete(key);
  }

  result(): Row[] {
    const out: Row[] = [];
    for (const { row, count } of this.rows.values()) for (let i = 0; i < count; i++) out.push(row);
    return out;
  }
}

export function valuesMatch(a: Scalar, b: Scalar): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    const d = Math.abs(a - b);
    return d <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || d <= 1e-9;
  }
  return false;
}

function rowsMatch(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesMatch(a[i]!, b[i]!)) return false;
  return true;
}

/** A sort key that puts rows which may match next to each other (numbers rounded). */
function coarseKey(r: Row): string {
  return JSON.stringify(r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v)));
}

export interface Comparison {
  readonly equal: boolean;
  /** Rows only in the first table (with multiplicity). */
  readonly onlyLeft: Row[];
  readonly onlyRight: Row[];
}

export function compareMultisets(left: readonly Row[], right: readonly Row[]): Comparison {
  // Exact matches first, through a map; then the leftovers pairwise with tolerance.
  const counts = new Map<string, { row: Row; n: number }>();
  for (const r of right) {
    const k = JSON.stringify(r);
    const e = counts.get(k);
    if (e === undefined) counts.set(k, { row: r, n: 1 });
    else e.n++;
  }
  const restLeft: Row[] = [];
  for (const r of left) {
    const e = counts.get(JSON.stringify(r));
    if (e !== undefined && e.n > 0) e.n--;
    else restLeft.push(r);
  }
  const restRight: Row[] = [];
  for (const { row, n } of counts.values()) for (let i = 0; i < n; i++) restRight.push(row);
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
    let hit = cands.find((c) => !usedRight.has(c) && rowsMatch(r, c));
    if (hit === undefined) hit = restRight.find((c) => !usedRight.has(c) && rowsMatch(r, c));
    if (hit === undefined) onlyLeft.push(r);
    else usedRight.add(hit);
  }
  const onlyRight = restRight.filter((r) => !usedRight.has(r));
  return { equal: onlyLeft.length === 0 && onlyRight.length === 0, onlyLeft, onlyRight };
}
