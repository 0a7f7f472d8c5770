// Building join nodes from bound conditions.
//
// A join condition is split into conjuncts. `l = r` and `l IS NOT DISTINCT FROM r` with one
// side over the left input and the other over the right become equi-keys (expressions other
// than plain columns are computed by a projection below the join); conjuncts over one input
// only are pushed below the join where that keeps the meaning (never into the side an outer
// join preserves); the rest is the residual condition. The result has the join's own schema
// (left columns, then right ones): extra key columns are projected away on top.
//
// A tree of inner joins and comma joins is flattened into its leaves, so every WHERE and ON
// conjunct is applied at the first join that sees all the columns it reads (FROM a, b, c
// WHERE a.x = b.x AND b.y = c.y joins on keys, not as cross products).

import type { BoundExpr } from '../expr/bound.js';
import { inputRef, referencedInputs, remapInputs } from '../expr/bound.js';
import type { Field, JoinNode, JoinType, LogicalPlan } from './logical.js';
import { chooseJoinStrategy } from './join-strategy.js';

/** `a AND b AND c` -> [a, b, c]. */
export function conjuncts(e: BoundExpr | undefined): BoundExpr[] {
  if (e === undefined) return [];
  if (e.kind === 'call' && e.fn === 'and') return e.args.flatMap((a) => conjuncts(a));
  return [e];
}

export function andAll(es: readonly BoundExpr[]): BoundExpr | undefined {
  if (es.length === 0) return undefined;
  return es.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: { kind: 'BOOLEAN' } }));
}

function filter(input: LogicalPlan, preds: readonly BoundExpr[]): LogicalPlan {
  const p = andAll(preds);
  return p === undefined ? input : { kind: 'filter', input, predicate: p, schema: input.schema };
}

/** The expression with every input reference moved by `by` columns. */
export function moveInputs(e: BoundExpr, by: number): BoundExpr {
  if (by === 0) return e;
  return remapInputs(e, (i) => ({ ...findInput(e, i)!, index: i + by }));
}

function findInput(e: BoundExpr, i: number): Extract<BoundExpr, { kind: 'input' }> | undefined {
  switch (e.kind) {
    case 'input':
      return e.index === i ? e : undefined;
    case 'const':
      return undefined;
    case 'call':
      for (const a of e.args) {
        const f = findInput(a, i);
        if (f) return f;
      }
      return undefined;
    case 'case':
      for (const w of e.whens) {
        const f = findInput(w.cond, i) ?? findInput(w.then, i);
        if (f) return f;
      }
      return findInput(e.else, i);
    case 'cast':
      return findInput(e.operand, i);
  }
}

/** Moves an expression over columns [from, from + n) of a wider row to that range alone. */
export function rebase(e: BoundExpr, from: number): BoundExpr {
  return moveInputs(e, -from);
}

type Side = 'left' | 'right' | 'both' | 'none';

function sideOf(e: BoundExpr, nl: number): Side {
  const refs = referencedInputs(e);
  if (refs.size === 0) return 'none';
  let l = false;
  let r = false;
  for (const i of refs) {
    if (i < nl) l = true;
    else r = true;
  }
  return l && r ? 'both' : l ? 'left' : 'right';
}

/** A join of `left` and `right` on `conds` (each over the left columns then the right ones). */
export function makeJoin(joinType: JoinType, left: LogicalPlan, right: LogicalPlan, conds: readonly BoundExpr[]): LogicalPlan {
  const nl = left.schema.length;
  const nr = right.schema.length;
  const leftOnly: BoundExpr[] = [];
  const rightOnly: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  const keyPairs: { l: BoundExpr; r: BoundExpr; nullSafe: boolean }[] = [];
  const pushLeft = joinType === 'inner' || joinType === 'right';
  const pushRight = joinType === 'inner' || joinType === 'left' || joinType === 'semi' || joinType === 'anti';
  for (const c of conds) {
    const side = sideOf(c, nl);
    if (side === 'left' && pushLeft) leftOnly.push(c);
    else if (side === 'right' && pushRight) rightOnly.push(rebase(c, nl));
    else if (side === 'both' && c.kind === 'call' && (c.fn === 'eq' || c.fn === 'is_not_distinct_from') && c.args.length === 2) {
      const [a, b] = c.args as [BoundExpr, BoundExpr];
      const sa = sideOf(a, nl);
      const sb = sideOf(b, nl);
      if (sa === 'left' && sb === 'right') keyPairs.push({ l: a, r: rebase(b, nl), nullSafe: c.fn !== 'eq' });
      else if (sa === 'right' && sb === 'left') keyPairs.push({ l: b, r: rebase(a, nl), nullSafe: c.fn !== 'eq' });
      else residual.push(c);
    } else residual.push(c);
  }
  let l = filter(left, leftOnly);
  let r = filter(right, rightOnly);
  // key columns: plain references, or computed below the join
  const extraL: BoundExpr[] = [];
  const extraR: BoundExpr[] = [];
  const keyCol = (e: BoundExpr, extra: BoundExpr[], width: number): number => {
    if (e.kind === 'input') return e.index;
    extra.push(e);
    return width + extra.length - 1;
  };
  const leftKeys = keyPairs.map((k) => keyCol(k.l, extraL, nl));
  const rightKeys = keyPairs.map((k) => keyCol(k.r, extraR, nr));
  const widen = (p: LogicalPlan, extra: readonly BoundExpr[], prefix: string): LogicalPlan => {
    if (extra.length === 0) return p;
    const exprs = [...p.schema.map((f, i) => inputRef(i, f.type, f.name)), ...extra];
    const schema: Field[] = [...p.schema, ...extra.map((e, i) => ({ name: `$${prefix}key${i}`, type: e.type, nullable: true, rowtime: false }))];
    return { kind: 'project', input: p, exprs, schema };
  };
  l = widen(l, extraL, 'l');
  r = widen(r, extraR, 'r');
  const wl = l.schema.length;
  // the residual condition over the widened inputs: right columns move by the left's extras
  const condition = andAll(residual.map((c) => remapInputs(c, (i) => ({ ...findInput(c, i)!, index: i < nl ? i : i + wl - nl }))));
  const semi = joinType === 'semi' || joinType === 'anti';
  const nullableL = joinType === 'right' || joinType === 'full';
  const nullableR = joinType === 'left' || joinType === 'full';
  // A regular join's output has no time attribute (Flink): the join may emit a row for an
  // old time at any moment, so no watermark can hold for it.
  const lostTime = (f: Field): Field => (f.rowtime ? { ...f, rowtime: false, joinDroppedRowtime: true } : f);
  const schema: Field[] = semi
    ? l.schema.map(lostTime)
    : [...l.schema.map((f) => lostTime(nullableL ? { ...f, nullable: true } : f)), ...r.schema.map((f) => lostTime(nullableR ? { ...f, nullable: true } : f))];
  const regular: JoinNode = {
    kind: 'join',
    joinType,
    left: l,
    right: r,
    leftKeys,
    rightKeys,
    nullSafe: keyPairs.map((k) => k.nullSafe),
    condition,
    strategy: { kind: 'regular' },
    schema,
  };
  const join = chooseJoinStrategy(regular, left.schema, right.schema);
  if (extraL.length === 0 && extraR.length === 0) return join;
  // drop the computed key columns again
  const keep: number[] = semi ? [...Array(nl).keys()] : [...[...Array(nl).keys()], ...[...Array(nr).keys()].map((i) => wl + i)];
  return { kind: 'project', input: join, exprs: keep.map((i) => inputRef(i, join.schema[i]!.type, join.schema[i]!.name)), schema: keep.map((i) => join.schema[i]!) };
}

/**
 * Joins leaves in FROM order (left-deep), applying each conjunct (over all leaves' columns,
 * concatenated) at the first join that covers it. Conjuncts with no column go to the first
 * join (or a filter over a single leaf).
 */
export function joinLeaves(leaves: readonly LogicalPlan[], conds: readonly BoundExpr[]): LogicalPlan {
  let plan = leaves[0]!;
  let width = plan.schema.length;
  let pending = [...conds];
  const take = (limit: number): BoundExpr[] => {
    const now: BoundExpr[] = [];
    const later: BoundExpr[] = [];
    for (const c of pending) {
      const refs = referencedInputs(c);
      if ([...refs].every((i) => i < limit)) now.push(c);
      else later.push(c);
    }
    pending = later;
    return now;
  };
  if (leaves.length === 1) return filter(plan, take(width));
  for (let i = 1; i < leaves.length; i++) {
    const next = leaves[i]!;
    const limit = width + next.schema.length;
    plan = makeJoin('inner', plan, next, take(limit));
    width = limit;
  }
  return filter(plan, pending);
}
