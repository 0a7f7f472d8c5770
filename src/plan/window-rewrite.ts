// Rewrite: an Aggregate over a window TVF that groups by window_start and window_end becomes
// a WindowAggregate, which assigns windows itself and emits each window once, when final.
//
//   Aggregate(keys incl. window_start, window_end) <- (Project | Filter)* <- WindowTvf <- X
//     => Project(original output order) <- WindowAggregate <- Project(keys, args, time) <- Filter* <- X
//
// The rewrite applies only when the nodes between the TVF and the aggregate use the window
// columns as plain pass-through references; otherwise the general path (TVF expanding rows,
// then an updating aggregate) is kept, which is correct but emits a changelog.

import type { BoundExpr } from '../expr/bound.js';
import { exprKey, inputRef, remapInputs } from '../expr/bound.js';
import type { AggCall, AggregateNode, Field, LogicalPlan, WindowAggregateNode } from './logical.js';
import { isUpdating } from './logical.js';
import { T } from '../common/types.js';
import { windowProperties } from './window-properties.js';

type Slot = { readonly kind: 'col'; readonly expr: BoundExpr } | { readonly kind: 'win'; readonly which: 0 | 1 | 2 };

class UsesWindowColumn extends Error {}

export function windowAggregateRewrite(agg: AggregateNode): LogicalPlan | null {
  // Walk down to the TVF.
  const chain: LogicalPlan[] = [];
  let node: LogicalPlan = agg.input;
  while (node.kind === 'project' || node.kind === 'filter') {
    chain.push(node);
    node = node.input;
  }
  if (node.kind !== 'window-tvf') return null;
  const tvf = node;
  const x = tvf.input;
  const n = x.schema.length;
  try {
    // Slots of the TVF output in terms of X.
    let slots: Slot[] = [
      ...x.schema.map((f, i): Slot => ({ kind: 'col', expr: inputRef(i, f.type, f.name) })),
      { kind: 'win', which: 0 },
      { kind: 'win', which: 1 },
      { kind: 'win', which: 2 },
    ];
    const subst = (e: BoundExpr, s: readonly Slot[]): BoundExpr =>
      remapInputs(e, (i) => {
        const slot = s[i]!;
        if (slot.kind === 'win') throw new UsesWindowColumn();
        return slot.expr;
      });
    // Filters are moved onto X (projections are 1:1 and deterministic, so this is safe).
    const filters: BoundExpr[] = [];
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!;
      if (c.kind === 'filter') filters.push(subst(c.predicate, slots));
      else if (c.kind === 'project') {
        const cur = slots;
        slots = c.exprs.map((e): Slot => (e.kind === 'input' && cur[e.index]!.kind === 'win' ? cur[e.index]! : { kind: 'col', expr: subst(e, cur) }));
      }
    }
    // Group keys: window columns and others.
    const winKeys = new Map<number, 0 | 1 | 2>(); // position in agg.groupKeys -> window column
    const otherKeys: { pos: number; expr: BoundExpr }[] = [];
    agg.groupKeys.forEach((k, pos) => {
      const s = slots[k]!;
      if (s.kind === 'win') winKeys.set(pos, s.which);
      else otherKeys.push({ pos, expr: s.expr });
    });
    const present = new Set(winKeys.values());
    if (!present.has(0) || !present.has(1)) return null;
    // The window aggregate's input: filtered X projected to keys, aggregate inputs, time.
    let input: LogicalPlan = x;
    for (const f of filters) input = { kind: 'filter', input, predicate: f, schema: input.schema };
    const pre: BoundExpr[] = [];
    const preNames: string[] = [];
    const index = new Map<string, number>();
    const add = (e: BoundExpr, name: string): number => {
      const key = exprKey(e);
      let i = index.get(key);
      if (i === undefined) {
        i = pre.length;
        pre.push(e);
        preNames.push(e.kind === 'input' ? x.schema[e.index]!.name : name);
        index.set(key, i);
      }
      return i;
    };
    const keyIdx = otherKeys.map((o) => add(o.expr, `$key${o.pos}`));
    const aggs: AggCall[] = agg.aggs.map((a, ai) => {
      const args = a.args.map((i, j) => add(subst(inputRef(i, agg.input.schema[i]!.type, ''), slots), `$arg${ai}_${j}`));
      const filter = a.filter === undefined ? undefined : add(subst(inputRef(a.filter, T.BOOLEAN, ''), slots), `$filter${ai}`);
      return { ...a, args, filter };
    });
    const timeIdx = add(inputRef(tvf.timeIndex, x.schema[tvf.timeIndex]!.type, x.schema[tvf.timeIndex]!.name), 'rowtime');
    const window = tvf.window.kind === 'session' ? { ...tvf.window, partitionKeys: [] } : tvf.window;
    const preSchema: Field[] = pre.map((e, i) => ({
      name: preNames[i]!,
      type: e.type,
      nullable: e.kind === 'input' ? x.schema[e.index]!.nullable : true,
      rowtime: false,
      // the window's time column stays a processing-time attribute: the job's clock depends on it (plan/time-domain.ts)
      ...(e.kind === 'input' && x.schema[e.index]!.proctime === true ? { proctime: true } : {}),
    }));
    const preNode: LogicalPlan = { kind: 'project', input, exprs: pre, schema: preSchema };
    const k = keyIdx.length;
    const m = aggs.length;
    const schema: Field[] = [
      ...keyIdx.map((i) => ({ ...preSchema[i]! })),
      ...agg.schema.slice(agg.groupKeys.length).map((f) => ({ ...f })),
      { name: 'window_start', type: T.TIMESTAMP, nullable: false, rowtime: false },
      { name: 'window_end', type: T.TIMESTAMP, nullable: false, rowtime: false },
      windowTimeField(x.schema[tvf.timeIndex]!.proctime === true, window.zone !== undefined),
    ];
    const wa: WindowAggregateNode = { kind: 'window-aggregate', input: preNode, window, timeIndex: timeIdx, groupKeys: keyIdx.map((_, i) => i).map((i) => keyIdx[i]!), aggs, schema };
    // Back to the aggregate's output layout: group keys in their order, then aggregates.
    const otherPos = new Map(otherKeys.map((o, j) => [o.pos, j]));
    const outExprs: BoundExpr[] = agg.groupKeys.map((_, pos) => {
      const w = winKeys.get(pos);
      const src = w !== undefined ? k + m + w : otherPos.get(pos)!;
      return inputRef(src, schema[src]!.type, schema[src]!.name);
    });
    for (let j = 0; j < m; j++) outExprs.push(inputRef(k + j, schema[k + j]!.type, schema[k + j]!.name));
    const outSchema: Field[] = agg.schema.map((f, i) => {
      const e = outExprs[i]!;
      return { ...f, rowtime: e.kind === 'input' && schema[e.index]!.rowtime, proctime: e.kind === 'input' && schema[e.index]!.proctime === true };
    });
    void n;
    return { kind: 'project', input: wa, exprs: outExprs, schema: outSchema };
  } catch (e) {
    if (e instanceof UsesWindowColumn) return null;
    throw e;
  }
}

/**
 * An Aggregate over windowed rows (window-properties.ts: the output of a window aggregation or a
 * window join, through filters and pass-through projections) that groups by their window_start
 * and window_end becomes a WindowAggregate over the windows the rows already carry (Flink's
 * window aggregation with windows attached; Nexmark q5 takes the maximum count per window so).
 * Grouping by window_time too is allowed: it is the same for every row of a window.
 *
 *   Aggregate(keys incl. window_start, window_end) <- windowed X
 *     => Project(original output order) <- WindowAggregate(attached = start, end columns) <- X
 */
export function attachedWindowAggregateRewrite(agg: AggregateNode): LogicalPlan | null {
  const props = windowProperties(agg.input);
  if (props === undefined || props.window.kind === 'session' || isUpdating(agg.input)) return null;
  const winKeys = new Map<number, 0 | 1 | 2>(); // position in agg.groupKeys -> window column
  const otherKeys: number[] = []; // positions of the other keys
  let start = -1;
  let end = -1;
  agg.groupKeys.forEach((k, pos) => {
    if (props.starts.has(k)) {
      winKeys.set(pos, 0);
      if (start < 0) start = k;
    } else if (props.ends.has(k)) {
      winKeys.set(pos, 1);
      if (end < 0) end = k;
    } else if (props.times.has(k)) winKeys.set(pos, 2);
    else otherKeys.push(pos);
  });
  if (start < 0 || end < 0) return null;
  const keyCols = otherKeys.map((pos) => agg.groupKeys[pos]!);
  const k = keyCols.length;
  const m = agg.aggs.length;
  const schema: Field[] = [
    ...otherKeys.map((pos) => ({ ...agg.schema[pos]!, rowtime: false, proctime: false })),
    ...agg.schema.slice(agg.groupKeys.length).map((f) => ({ ...f })),
    { name: 'window_start', type: T.TIMESTAMP, nullable: false, rowtime: false },
    { name: 'window_end', type: T.TIMESTAMP, nullable: false, rowtime: false },
    windowTimeField([...props.times].some((t) => agg.input.schema[t]?.proctime === true), props.window.zone !== undefined),
  ];
  const wa: WindowAggregateNode = { kind: 'window-aggregate', input: agg.input, window: props.window, timeIndex: end, groupKeys: keyCols, aggs: agg.aggs, attached: { start, end }, schema };
  const otherPos = new Map(otherKeys.map((pos, j) => [pos, j]));
  const outExprs: BoundExpr[] = agg.groupKeys.map((_, pos) => {
    const w = winKeys.get(pos);
    const src = w !== undefined ? k + m + w : otherPos.get(pos)!;
    return inputRef(src, schema[src]!.type, schema[src]!.name);
  });
  for (let j = 0; j < m; j++) outExprs.push(inputRef(k + j, schema[k + j]!.type, schema[k + j]!.name));
  const outSchema: Field[] = agg.schema.map((f, i) => {
    const e = outExprs[i]!;
    return { ...f, rowtime: e.kind === 'input' && schema[e.index]!.rowtime, proctime: e.kind === 'input' && schema[e.index]!.proctime === true };
  });
  return { kind: 'project', input: wa, exprs: outExprs, schema: outSchema };
}

/** A window aggregation's window_time: the rowtime (TIMESTAMP(3)) or, over processing time, a TIMESTAMP_LTZ(3) proctime attribute (as Flink types it). */
function windowTimeField(proctime: boolean, zoned: boolean): Field {
  return proctime ? { name: 'window_time', type: T.TIMESTAMP_LTZ, nullable: false, rowtime: false, proctime: true } : { name: 'window_time', type: zoned ? T.TIMESTAMP_LTZ : T.TIMESTAMP, nullable: false, rowtime: true };
}
