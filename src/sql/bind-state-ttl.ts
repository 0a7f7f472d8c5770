// The STATE_TTL query hint (Flink's): `SELECT /*+ STATE_TTL('o' = '1d', 'c' = '12h') */ ...`
// sets the state TTL of the regular joins and the updating aggregate of that SELECT, per input,
// overriding 'table.exec.state.ttl' for them.
//
// Keys name the inputs by alias, or by table/view name when no alias is given (as in Flink:
// once a table has an alias, the hint must use the alias). For a join, a key naming its left
// input sets the TTL of the left rows, one naming its right input that of the right rows. In a
// chain of joins (a JOIN b JOIN c), a hint on a and b sets the first join's two sides, a hint on
// c the right side of the second join; that join's left input (a joined with b) has no name,
// so its TTL comes from the session, as in Flink. The left input of a semi or anti join from IN
// or EXISTS is the FROM it filters. An aggregate's input is named when the FROM is one table or
// subquery. A key that names no input is an error, and so is a value that is not a duration.
// The hint does not reach into views or subqueries of the FROM (they are query blocks of their
// own, with their own hints).

import type { Span } from '../common/errors.js';
import { bindError } from '../common/errors.js';
import { parseDuration } from '../catalog/catalog.js';
import type { LogicalPlan } from '../plan/logical.js';
import type * as ast from './ast.js';

export interface StateTtlHint {
  /** Lower-cased input name -> TTL in ms. */
  readonly byName: Map<string, { readonly key: string; readonly ms: number; readonly span: Span; used: boolean }>;
}

/** The STATE_TTL hint of a SELECT, validated, or undefined. */
export function stateTtlHint(s: ast.Select): StateTtlHint | undefined {
  const hints = (s.hints ?? []).filter((h) => h.name === 'STATE_TTL');
  if (hints.length === 0) return undefined;
  const byName: StateTtlHint['byName'] = new Map();
  for (const h of hints) {
    if (h.options.length === 0) throw bindError(`STATE_TTL needs at least one 'input' = 'duration' pair`, h.span, `e.g. /*+ STATE_TTL('o' = '1d', 'c' = '12 h') */`);
    for (const o of h.options) {
      const ms = parseDuration(o.value);
      if (!(ms >= 0)) throw bindError(`STATE_TTL value for '${o.key}' must be a duration such as '1d', '12 h' or '30 min', got '${o.value}'`, o.span);
      byName.set(o.key.toLowerCase(), { key: o.key, ms, span: o.span, used: false });
    }
  }
  return { byName };
}

/** The single qualifier of every field of `p` (the name of a FROM item), if there is one. */
function inputName(p: LogicalPlan): string | undefined {
  const q = p.schema[0]?.qualifier;
  if (q === undefined) return undefined;
  return p.schema.every((f) => f.qualifier?.toLowerCase() === q.toLowerCase()) ? q : undefined;
}

function lookup(hint: StateTtlHint, p: LogicalPlan): number | undefined {
  const name = inputName(p);
  if (name === undefined) return undefined;
  const e = hint.byName.get(name.toLowerCase());
  if (e === undefined) return undefined;
  e.used = true;
  return e.ms;
}

/** Sets the TTL of the regular joins of this SELECT's FROM (and its IN/EXISTS joins). */
export function applyJoinTtl(plan: LogicalPlan, hint: StateTtlHint): LogicalPlan {
  const walk = (p: LogicalPlan, top: boolean): LogicalPlan => {
    switch (p.kind) {
      case 'join': {
        const semi = p.joinType === 'semi' || p.joinType === 'anti';
        const left = semi || inputName(p.left) === undefined ? walk(p.left, false) : p.left;
        const right = semi || inputName(p.right) !== undefined ? p.right : walk(p.right, false);
        if (p.strategy.kind !== 'regular') return { ...p, left, right };
        const l = lookup(hint, p.left);
        const r = semi ? undefined : lookup(hint, p.right);
        if (l === undefined && r === undefined) return { ...p, left, right };
        return { ...p, left, right, stateTtl: { ...(l !== undefined ? { left: l } : {}), ...(r !== undefined ? { right: r } : {}) } };
      }
      case 'project':
      case 'filter':
        // a FROM item of its own (a table, view or subquery) is another query block
        if (!top && inputName(p) !== undefined && !containsSemiJoinOnTop(p)) return p;
        return { ...p, input: walk(p.input, false) };
      default:
        return p;
    }
  };
  return walk(plan, true);
}

/** A project/filter chain directly over a semi/anti join (the IN/EXISTS joins of this block). */
function containsSemiJoinOnTop(p: LogicalPlan): boolean {
  let q = p;
  while (q.kind === 'project' || q.kind === 'filter') q = q.input;
  return q.kind === 'join' && (q.joinType === 'semi' || q.joinType === 'anti');
}

/** The TTL for an updating aggregate over `input` (the FROM), if the hint names it. */
export function aggregateTtl(input: LogicalPlan, hint: StateTtlHint | undefined): number | undefined {
  return hint === undefined ? undefined : lookup(hint, input);
}

/** Every key must have named an input (Flink refuses the query otherwise). */
export function checkHintUsed(hint: StateTtlHint | undefined, from: LogicalPlan): void {
  if (hint === undefined) return;
  for (const e of hint.byName.values()) {
    if (e.used) continue;
    const names = [...new Set(from.schema.map((f) => f.qualifier).filter((q): q is string => q !== undefined))];
    throw bindError(
      `STATE_TTL names '${e.key}', which is no input of a regular join or an updating aggregate of this SELECT`,
      e.span,
      names.length > 0 ? `inputs here: ${names.join(', ')} (an aliased table is named by its alias)` : 'STATE_TTL applies to regular joins and GROUP BY aggregations',
    );
  }
}
