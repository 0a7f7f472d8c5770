// Tie-aware comparison of a ROW_NUMBER Top-N (or deduplication) with DuckDB's result.
//
// Among rows equal on the ORDER BY keys, the stream keeps whichever arrived first, and
// DuckDB's ROW_NUMBER may pick another: both are right. When the plain multiset comparison
// finds a difference and the query's result is a ROW_NUMBER rank (under projections of
// columns and constants), the result is accepted iff, for every tie key (the output columns
// that are partition or ORDER BY keys of the rank):
// - the stream has as many rows as DuckDB, with the same multiset of row numbers (the
//   numbers a tie group takes are fixed; only which tied row gets which is free), and
// - every streamed row (its row number aside) is a row of the rank's input that ties with a
//   row DuckDB kept: a candidate, i.e. a row whose tie group overlaps the rank range.
// A row that should not be there (wrong order, wrong partition, past the range) or a wrong
// row number still differs. RANK and DENSE_RANK are deterministic and not treated here.

import type { Scalar } from '../common/batch.js';
import type { LogicalPlan, RankNode } from '../plan/logical.js';
import type { Row } from './compare.js';
import { compareMultisets } from './compare.js';
import { constantToDuckDb } from './duck-expr.js';
import type { TranslateContext } from './translate.js';
import { planToDuckDb, rankWindowSql } from './translate.js';

/** What each output column of the query is, in terms of the rank node. */
type Source = { readonly kind: 'input'; readonly index: number } | { readonly kind: 'rank' } | { readonly kind: 'const'; readonly value: Scalar; readonly sql: string };

export interface TiedRank {
  readonly rank: RankNode;
  readonly sources: readonly Source[];
  /** Output positions of partition and ORDER BY key columns. */
  readonly tieKey: readonly number[];
  /** Output position of the row number, if it is output. */
  readonly rankAt: number | undefined;
}

/** The ROW_NUMBER rank under `plan`'s projections, or undefined when the result is not one. */
export function tiedRankOf(plan: LogicalPlan): TiedRank | undefined {
  let p = plan;
  let sources: Source[] | undefined;
  for (;;) {
    if (p.kind === 'project') {
      const below = p.input;
      const next: Source[] = [];
      for (const e of p.exprs) {
        if (e.kind === 'const') next.push({ kind: 'const', value: e.value, sql: constantToDuckDb(e.value, e.type) });
        else if (e.kind === 'input') next.push({ kind: 'input', index: e.index });
        else return undefined;
      }
      sources = sources === undefined ? next : sources.map((s) => (s.kind === 'input' ? next[s.index]! : s));
      p = below;
      continue;
    }
    if (p.kind === 'sink') {
      p = p.input;
      continue;
    }
    break;
  }
  if (p.kind !== 'rank' || p.fn !== 'row_number' || p.range === undefined) return undefined;
  const rank = p;
  const n = rank.input.schema.length;
  const base: Source[] = rank.schema.map((_, i) => (i < n ? { kind: 'input', index: i } : { kind: 'rank' }));
  const out = sources === undefined ? base : sources.map((s) => (s.kind === 'input' ? base[s.index]! : s));
  const keys = new Set([...rank.partitionKeys, ...rank.orderKeys.map((k) => k.index)]);
  const tieKey: number[] = [];
  let rankAt: number | undefined;
  out.forEach((s, j) => {
    if (s.kind === 'input' && keys.has(s.index)) tieKey.push(j);
    if (s.kind === 'rank') rankAt = j;
  });
  return { rank, sources: out, tieKey, rankAt };
}

/**
 * DuckDB SQL for the candidates: the output columns (row number as NULL) of every input row
 * whose group of rows tied with it (same partition and ORDER BY values) overlaps the range.
 */
export function candidatesSql(t: TiedRank, ctx: TranslateContext): string {
  const r = t.rank;
  const range = r.range!;
  const input = planToDuckDb(r.input, ctx);
  const n = r.input.schema.length;
  const tieCols = [...r.partitionKeys.map((k) => `t.c${k}`), ...r.orderKeys.map((k) => `t.c${k.index}`)];
  const inner = `SELECT ${Array.from({ length: n }, (_, i) => `t.c${i}`).join(', ')}, rank() OVER ${rankWindowSql(r, 't')} AS __lo, count(*) OVER (PARTITION BY ${tieCols.join(', ')}) AS __cnt FROM (${input}) t`;
  const cols = t.sources.map((s, j) => `${s.kind === 'input' ? `u.c${s.index}` : s.kind === 'const' ? s.sql : 'NULL'} AS o${j}`);
  return `SELECT ${cols.join(', ')} FROM (${inner}) u WHERE u.__lo <= ${range.end} AND u.__lo + u.__cnt - 1 >= ${range.start}`;
}

function keyOf(row: Row, at: readonly number[]): string {
  return JSON.stringify(at.map((i) => row[i] ?? null));
}

function group(rows: readonly Row[], at: readonly number[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = keyOf(r, at);
    const l = m.get(k);
    if (l === undefined) m.set(k, [r]);
    else l.push(r);
  }
  return m;
}

/**
 * True when `stream` is a valid choice among tied rows: see the file comment. `expected` is
 * DuckDB's result, `candidates` the rows of candidatesSql.
 */
export function tieAwareEqual(t: TiedRank, stream: readonly Row[], expected: readonly Row[], candidates: readonly Row[]): boolean {
  if (stream.length !== expected.length) return false;
  const s = group(stream, t.tieKey);
  const e = group(expected, t.tieKey);
  const c = group(candidates, t.tieKey);
  if (s.size !== e.size) return false;
  const blank = (r: Row): Row => (t.rankAt === undefined ? r : r.map((v, i) => (i === t.rankAt ? null : v)));
  for (const [k, rows] of s) {
    const exp = e.get(k);
    if (exp === undefined || exp.length !== rows.length) return false;
    if (t.rankAt !== undefined) {
      const a = rows.map((r) => Number(r[t.rankAt!])).sort((x, y) => x - y);
      const b = exp.map((r) => Number(r[t.rankAt!])).sort((x, y) => x - y);
      if (a.some((v, i) => v !== b[i])) return false;
    }
    // every streamed row is a candidate (as a multiset: a row kept twice must exist twice)
    const cmp = compareMultisets(rows.map(blank), c.get(k) ?? []);
    if (cmp.onlyLeft.length > 0) return false;
  }
  return true;
}
