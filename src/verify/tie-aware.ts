// Tie-aware comparison with DuckDB, where the stream's result depends on the arrival order of
// rows that are equal on the ORDER BY keys and a batch may take them in another order: both are
// right. Two forms:
//
// ROW_NUMBER Top-N (or deduplication). Among tied rows the stream keeps whichever arrived
// first, and DuckDB's ROW_NUMBER may pick another. When the plain multiset comparison
// finds a difference and the query's result is a ROW_NUMBER rank (under projections of
// columns and constants), the result is accepted iff, for every tie key (the output columns
// that are partition or ORDER BY keys of the rank):
// - the stream has as many rows as DuckDB, with the same multiset of row numbers (the
//   numbers a tie group takes are fixed; only which tied row gets which is free), and
// - every streamed row (its row number aside) is a row of the rank's input that ties with a
//   row DuckDB kept: a candidate, i.e. a row whose tie group overlaps the rank range.
// A row that should not be there (wrong order, wrong partition, past the range) or a wrong
// row number still differs. RANK and DENSE_RANK are deterministic and not treated here.
//
// OVER aggregation. Among rows of a partition with equal ORDER BY time, the stream takes them
// in arrival order (a ROWS frame counts them one by one; LAG, FIRST_VALUE and LAST_VALUE see
// that order). When the result is an OVER aggregate under projections of columns and
// constants, it is accepted iff some order of each group of tied rows gives exactly the
// stream's rows: the OVER's input rows come from DuckDB, and a search tries the orders of the
// tied groups (partition by partition, in time order), computing each row's values as the
// stream defines them and taking the row it gives out of the stream's multiset; a row not
// there sends the search back to the last tie group with another order left. A wrong value
// anywhere leaves no order that works, and is still a DIFF. The search gives up (and reports
// the DIFF) past a step budget or a group of more than 8 distinct tied rows.

import type { Scalar } from '../common/batch.js';
import { compareStrings } from '../common/strings.js';
import { isIntegral } from '../common/types.js';
import type { LogicalPlan, OverAggregateNode, OverCall, RankNode } from '../plan/logical.js';
import type { Row } from './compare.js';
import { compareMultisets, valuesMatch, type Cell } from './compare.js';
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

/**
 * The node under `plan`'s projections (of columns and constants only), and what each output
 * column is in terms of that node's columns (undefined sources: the node's own columns).
 */
function underProjections(plan: LogicalPlan): { node: LogicalPlan; sources: Source[] | undefined } | undefined {
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
    return { node: p, sources };
  }
}

/** The ROW_NUMBER rank under `plan`'s projections, or undefined when the result is not one. */
export function tiedRankOf(plan: LogicalPlan): TiedRank | undefined {
  const u = underProjections(plan);
  if (u === undefined) return undefined;
  const { node: p, sources } = u;
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

// OVER --------------------------------------------------------------------------------------

/** What each output column of the query is: an OVER input column, a call's value, a constant. */
type OverSource = { readonly kind: 'input'; readonly index: number } | { readonly kind: 'call'; readonly index: number } | { readonly kind: 'const'; readonly value: Scalar };

export interface TiedOver {
  readonly over: OverAggregateNode;
  readonly sources: readonly OverSource[];
}

/** The OVER aggregate under `plan`'s projections, or undefined when the result is not one. */
export function tiedOverOf(plan: LogicalPlan): TiedOver | undefined {
  const u = underProjections(plan);
  if (u === undefined || u.node.kind !== 'over-aggregate') return undefined;
  const over = u.node;
  const n = over.input.schema.length;
  const base = (i: number): OverSource => (i < n ? { kind: 'input', index: i } : { kind: 'call', index: i - n });
  const sources = u.sources === undefined ? over.schema.map((_, i) => base(i)) : u.sources.map((s): OverSource => (s.kind === 'input' ? base(s.index) : s.kind === 'const' ? { kind: 'const', value: s.value } : base(-1)));
  return { over, sources };
}

/** DuckDB SQL for the OVER's input rows (the stream drops rows without a time, so does this). */
export function overInputSql(t: TiedOver, ctx: TranslateContext): string {
  return `SELECT * FROM (${planToDuckDb(t.over.input, ctx)}) t WHERE t.c${t.over.timeIndex} IS NOT NULL`;
}

/** Why a tie-aware OVER check did not accept (undefined: it did). */
export type TieVerdict = { readonly equal: true } | { readonly equal: false; readonly reason: string };

const MAX_TIED = 8;
const STEP_BUDGET = 20_000_000;

/** The stream's rows as a multiset that finds rows by exact values, or by tolerance within a bucket. */
class Pool {
  /** Bucket key: the row with non-integer numbers blanked. */
  private readonly buckets = new Map<string, { row: Row; count: number }[]>();
  size = 0;

  private static bucketOf(r: Row): string {
    return JSON.stringify(r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? '~' : v)));
  }

  add(r: Row): void {
    const k = Pool.bucketOf(r);
    let b = this.buckets.get(k);
    if (b === undefined) this.buckets.set(k, (b = []));
    this.size++;
    for (const e of b) {
      if (e.row.every((v, i) => v === r[i])) {
        e.count++;
        return;
      }
    }
    b.push({ row: r, count: 1 });
  }

  /** Takes one row matching `r` out; returns the entry (to put back) or undefined. */
  take(r: Row): { row: Row; count: number } | undefined {
    const b = this.buckets.get(Pool.bucketOf(r));
    if (b === undefined) return undefined;
    for (const e of b) {
      if (e.count > 0 && e.row.length === r.length && e.row.every((v, i) => valuesMatch(v, r[i]!))) {
        e.count--;
        this.size--;
        return e;
      }
    }
    return undefined;
  }

  putBack(e: { count: number }): void {
    e.count++;
    this.size++;
  }
}

function compareValues(a: Cell, b: Cell): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return Number(a) - Number(b);
}

/** One call's value at position j of a partition's order (rows: the partition's input rows in that order). */
function overValue(c: OverCall, argIntegral: boolean, frameUnit: 'rows' | 'range', preceding: number | undefined, time: number, rows: readonly Row[], j: number): Cell {
  if (c.fn === 'lag') {
    const at = j - c.offset;
    return at >= 0 ? (rows[at]![c.args[0]!] ?? null) : c.default;
  }
  // the frame [start, end]
  let start: number;
  let end: number;
  const t = rows[j]![time] as number;
  if (frameUnit === 'rows') {
    end = j;
    start = preceding === undefined ? 0 : Math.max(0, j - preceding);
  } else {
    end = j;
    while (end + 1 < rows.length && rows[end + 1] !== undefined && rows[end + 1]![time] === t) end++;
    start = 0;
    if (preceding !== undefined) {
      start = j;
      while (start > 0 && (rows[start - 1]![time] as number) >= t - preceding) start--;
    }
  }
  const arg = c.args[0];
  switch (c.fn) {
    case 'count_star':
      return end - start + 1;
    case 'first_value':
      for (let k = start; k <= end; k++) if (rows[k]![arg!] !== null) return rows[k]![arg!]!;
      return null;
    case 'last_value':
      for (let k = end; k >= start; k--) if (rows[k]![arg!] !== null) return rows[k]![arg!]!;
      return null;
    case 'listagg': {
      const parts: string[] = [];
      for (let k = start; k <= end; k++) if (rows[k]![arg!] !== null && rows[k]![arg!] !== undefined) parts.push(String(rows[k]![arg!]));
      return parts.length === 0 ? null : parts.join(c.separator ?? ',');
    }
    default:
      break;
  }
  let count = 0;
  let sum = 0;
  let best: Cell = null;
  for (let k = start; k <= end; k++) {
    const v = rows[k]![arg!] ?? null;
    if (v === null) continue;
    count++;
    if (c.fn === 'min' || c.fn === 'max') {
      if (best === null || (c.fn === 'min' ? compareValues(v, best) < 0 : compareValues(v, best) > 0)) best = v;
    } else sum += Number(v);
  }
  switch (c.fn) {
    case 'count':
      return count;
    case 'sum':
      return count === 0 ? null : sum;
    case 'sum0':
      return sum;
    case 'avg':
      return count === 0 ? null : argIntegral ? Math.trunc(sum / count) : sum / count;
    default:
      return best;
  }
}

/** The distinct orders of a group of tied rows (identical rows are interchangeable). */
function ordersOf(ids: readonly number[], rows: readonly Row[]): number[][] {
  const keyed = ids.map((id) => ({ id, key: JSON.stringify(rows[id]) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: number[][] = [];
  const used = new Array<boolean>(keyed.length).fill(false);
  const cur: number[] = [];
  const walk = (): void => {
    if (cur.length === keyed.length) {
      out.push([...cur]);
      return;
    }
    for (let i = 0; i < keyed.length; i++) {
      if (used[i] || (i > 0 && keyed[i]!.key === keyed[i - 1]!.key && !used[i - 1])) continue;
      used[i] = true;
      cur.push(keyed[i]!.id);
      walk();
      cur.pop();
      used[i] = false;
    }
  };
  walk();
  return out;
}

/**
 * True when some order of the tied rows gives exactly the stream's rows: see the file comment.
 * `input` is the OVER's input from overInputSql.
 */
export function overTieAwareEqual(t: TiedOver, stream: readonly Row[], input: readonly Row[]): TieVerdict {
  const o = t.over;
  if (stream.length !== input.length) return { equal: false, reason: `the stream has ${stream.length} rows for ${input.length} input rows` };
  const time = o.timeIndex;
  const argIntegral = o.calls.map((c) => c.args[0] !== undefined && isIntegral(o.input.schema[c.args[0]]!.type));
  // partitions, each in time order; groups of tied rows
  const byPartition = new Map<string, number[]>();
  input.forEach((r, i) => {
    const k = JSON.stringify(o.partitionKeys.map((p) => r[p] ?? null));
    let l = byPartition.get(k);
    if (l === undefined) byPartition.set(k, (l = []));
    l.push(i);
  });
  interface Group {
    /** The partition's order being built (input rows). */
    readonly order: Row[];
    /** Position of the group's first row in it. */
    readonly at: number;
    readonly orders: number[][];
  }
  // partitions whose key is in the output take disjoint stream rows: each is searched alone
  const keysOut = o.partitionKeys.every((k) => t.sources.some((s) => s.kind === 'input' && s.index === k));
  const units: Group[][] = [];
  let groups: Group[] = [];
  for (const ids of byPartition.values()) {
    if (keysOut && groups.length > 0) {
      units.push(groups);
      groups = [];
    }
    ids.sort((a, b) => (input[a]![time] as number) - (input[b]![time] as number));
    const order: Row[] = new Array<Row>(ids.length);
    for (let s = 0; s < ids.length; ) {
      let e = s + 1;
      while (e < ids.length && input[ids[e]!]![time] === input[ids[s]!]![time]) e++;
      const tied = ids.slice(s, e);
      if (new Set(tied.map((id) => JSON.stringify(input[id]))).size > MAX_TIED) {
        return { equal: false, reason: `more than ${MAX_TIED} distinct rows tie on the ORDER BY time in one partition; too many orders to try` };
      }
      groups.push({ order, at: s, orders: tied.length === 1 ? [tied] : ordersOf(tied, input) });
      s = e;
    }
  }
  if (groups.length > 0) units.push(groups);
  const pool = new Pool();
  for (const r of stream) pool.add(r);
  const out = new Array<Cell>(t.sources.length);
  const vals = new Array<Cell>(o.calls.length);
  const { unit, preceding } = o.frame;
  let steps = 0;
  for (const u of units) {
    const r = searchUnit(u);
    if (r !== undefined) return { equal: false, reason: r };
  }
  return pool.size === 0 ? { equal: true } : { equal: false, reason: 'rows of the stream are left over' };

  function searchUnit(groups: readonly Group[]): string | undefined {
    // per group: the order tried (-1: none yet) and the stream rows it took
    const tried = new Int32Array(groups.length).fill(-1);
    const taken: { row: Row; count: number }[][] = groups.map(() => []);
    let g = 0;
    while (g < groups.length) {
      const grp = groups[g]!;
      for (const e of taken[g]!) pool.putBack(e);
      taken[g]!.length = 0;
      tried[g]!++;
      if (tried[g]! >= grp.orders.length) {
        tried[g] = -1;
        g--;
        if (g < 0) return "no order of the tied rows gives the stream's rows";
        continue;
      }
      const ids = grp.orders[tried[g]!]!;
      for (let k = 0; k < ids.length; k++) grp.order[grp.at + k] = input[ids[k]!]!;
      let ok = true;
      for (let k = 0; k < ids.length && ok; k++) {
        const j = grp.at + k;
        // a RANGE frame reaches the group's last peer: the whole group is placed before any value
        steps += preceding === undefined ? j + 1 : unit === 'rows' ? preceding + 1 : 1;
        if (steps > STEP_BUDGET) return 'the search over the orders of tied rows ran out of steps';
        const row = grp.order[j]!;
        o.calls.forEach((c, ci) => (vals[ci] = overValue(c, argIntegral[ci]!, unit, preceding, time, grp.order, j)));
        t.sources.forEach((s, si) => (out[si] = s.kind === 'input' ? (row[s.index] ?? null) : s.kind === 'call' ? vals[s.index]! : s.value));
        const e = pool.take(out);
        if (e === undefined) ok = false;
        else taken[g]!.push(e);
      }
      if (ok) g++;
    }
    return undefined;
  }
}
