// Interval joins: recognised from a regular join's condition (see join-strategy.ts).
//
// Flink's rule (IntervalJoinUtil): among the conjuncts of the join condition, the time
// predicates are the comparisons (<, <=, >, >=, =) whose two operands each read exactly one
// time attribute and nothing but time attributes, one operand the left input's and the other
// the right input's. A join is an interval join when those are exactly two range predicates
// bounding the left time from below and from above, or exactly one equality. Each predicate
// gives a bound on `left.time - right.time`: `l.ts >= r.ts - INTERVAL '5' MINUTE` gives
// lower = -300000, `l.ts < r.ts + INTERVAL '1' MINUTE` gives upper = 60000 - 1 (a strict bound
// moves by one millisecond), and BETWEEN is its two comparisons. Flink also needs at least one
// equi-key and two append-only inputs; SEMI and ANTI joins are never interval joins.
//
// weir is stricter in one place: an operand must be the time attribute plus or minus constant
// day-time intervals (Flink folds any expression of the time with the time set to zero, which
// gives wrong bounds for e.g. FLOOR(ts TO HOUR)). Anything else leaves the join regular, which
// is still exact: the condition is evaluated whole either way, the bounds only decide when
// state is freed and when an outer row is known to have no match.

import type { BoundExpr } from '../expr/bound.js';
import { referencedInputs } from '../expr/bound.js';
import { evaluateConstant } from '../expr/compile.js';
import { conjuncts } from './join-build.js';
import type { Field, JoinNode, Schema } from './logical.js';
import { isUpdating } from './logical.js';

/** `time + offset` where `time` is the input column `column` (an index of the join's row). */
interface ShiftedTime {
  readonly column: number;
  readonly offset: number;
}

/** A bound on `left.time - right.time`, from one time predicate. */
interface TimeBound {
  readonly leftTime: number;
  readonly rightTime: number;
  readonly lower: number | undefined;
  readonly upper: number | undefined;
}

/** The column + constant offset an operand is, or undefined when it is anything else. */
function shiftedTime(e: BoundExpr): ShiftedTime | undefined {
  if (e.kind === 'input') return { column: e.index, offset: 0 };
  if (e.kind !== 'call' || (e.fn !== 'add' && e.fn !== 'sub') || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  const interval = (x: BoundExpr): number | undefined => {
    if (x.type.kind !== 'INTERVAL_DAY_TIME' || referencedInputs(x).size > 0) return undefined;
    const v = evaluateConstant(x);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const ia = e.fn === 'add' ? interval(a) : undefined;
  if (ia !== undefined) {
    const t = shiftedTime(b);
    return t === undefined ? undefined : { column: t.column, offset: t.offset + ia };
  }
  const ib = interval(b);
  if (ib === undefined) return undefined;
  const t = shiftedTime(a);
  return t === undefined ? undefined : { column: t.column, offset: e.fn === 'add' ? t.offset + ib : t.offset - ib };
}

const MIRROR: Record<string, string> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq' };

/**
 * The interval join of a regular join, or undefined. `leftSchema`/`rightSchema` are the
 * inputs' schemas (time attributes as the inputs have them); the join's own inputs may carry
 * extra computed key columns after those.
 */
export function detectIntervalJoin(join: JoinNode, leftSchema: Schema, rightSchema: Schema): JoinNode | undefined {
  if (join.joinType === 'semi' || join.joinType === 'anti') return undefined;
  if (join.leftKeys.length === 0) return undefined;
  if (isUpdating(join.left) || isUpdating(join.right)) return undefined;
  const nl = leftSchema.length;
  const wl = join.left.schema.length;
  const nr = rightSchema.length;
  // which input a column of the join's row is a time attribute of
  const timeSide = (i: number): 'left' | 'right' | undefined => {
    if (i < nl) return leftSchema[i]!.rowtime ? 'left' : undefined;
    if (i >= wl && i < wl + nr) return rightSchema[i - wl]!.rowtime ? 'right' : undefined;
    return undefined;
  };
  const bounds: TimeBound[] = [];
  // equi-keys on the two time attributes are equality time predicates too
  for (let k = 0; k < join.leftKeys.length; k++) {
    const l = join.leftKeys[k]!;
    const r = join.rightKeys[k]!;
    if (timeSide(l) === 'left' && timeSide(wl + r) === 'right') bounds.push({ leftTime: l, rightTime: r, lower: 0, upper: 0 });
  }
  for (const c of conjuncts(join.condition)) {
    if (c.kind !== 'call' || MIRROR[c.fn] === undefined || c.args.length !== 2) continue;
    const [a, b] = c.args as [BoundExpr, BoundExpr];
    const refsA = [...referencedInputs(a)];
    const refsB = [...referencedInputs(b)];
    // only predicates reading nothing but one time attribute on each side are time predicates
    // (several columns in one operand, e.g. `l.ts - r.ts < INTERVAL ...`: not a time predicate)
    if (refsA.length !== 1 || refsB.length !== 1) continue;
    const sa = timeSide(refsA[0]!);
    const sb = timeSide(refsB[0]!);
    if (sa === undefined || sb === undefined) continue;
    if (sa === sb) continue; // both on one side: a plain predicate (Flink: not a time predicate)
    const ta = shiftedTime(a);
    const tb = shiftedTime(b);
    if (ta === undefined || tb === undefined) return undefined; // a time predicate whose bound weir cannot read
    // normalise to `left.time <op> right.time + d`
    const leftFirst = sa === 'left';
    const op = leftFirst ? c.fn : MIRROR[c.fn]!;
    const [lt, rt] = leftFirst ? [ta, tb] : [tb, ta];
    const d = rt.offset - lt.offset;
    const rightTime = rt.column - wl;
    const leftTime = lt.column;
    switch (op) {
      case 'lt':
        bounds.push({ leftTime, rightTime, lower: undefined, upper: d - 1 });
        break;
      case 'le':
        bounds.push({ leftTime, rightTime, lower: undefined, upper: d });
        break;
      case 'gt':
        bounds.push({ leftTime, rightTime, lower: d + 1, upper: undefined });
        break;
      case 'ge':
        bounds.push({ leftTime, rightTime, lower: d, upper: undefined });
        break;
      case 'eq':
        bounds.push({ leftTime, rightTime, lower: d, upper: d });
        break;
    }
  }
  let interval: { leftTime: number; rightTime: number; lower: number; upper: number };
  if (bounds.length === 1) {
    const b = bounds[0]!;
    if (b.lower === undefined || b.upper === undefined) return undefined; // one range predicate bounds one direction only
    interval = { leftTime: b.leftTime, rightTime: b.rightTime, lower: b.lower, upper: b.upper };
  } else if (bounds.length === 2) {
    const [x, y] = bounds as [TimeBound, TimeBound];
    // two range predicates, one lower and one upper, over the same two time attributes
    if (x.leftTime !== y.leftTime || x.rightTime !== y.rightTime) return undefined;
    const lowerOf = x.lower !== undefined && x.upper === undefined ? x : y.lower !== undefined && y.upper === undefined ? y : undefined;
    const upperOf = x.upper !== undefined && x.lower === undefined ? x : y.upper !== undefined && y.lower === undefined ? y : undefined;
    if (lowerOf === undefined || upperOf === undefined || lowerOf === upperOf) return undefined;
    interval = { leftTime: x.leftTime, rightTime: x.rightTime, lower: lowerOf.lower!, upper: upperOf.upper! };
  } else return undefined;
  // Both time columns stay time attributes: the operator holds its output watermark back by
  // the larger bound, so no joined or padded row is late downstream.
  const keep = new Set([interval.leftTime, wl + interval.rightTime]);
  const schema = join.schema.map((f, i): Field => {
    if (!keep.has(i)) return f;
    const { joinDroppedRowtime: _dropped, ...rest } = f;
    return { ...rest, rowtime: true };
  });
  return { ...join, strategy: { kind: 'interval', ...interval }, schema };
}
