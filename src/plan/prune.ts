// Column pruning: drops columns no operator above needs, down to the scans, so a source
// parses and a generator builds only the columns a query reads. Aggregates keep all their
// outputs (they are the query's result); projections and scans are narrowed.

import { assertNever, internalError } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound.js';
import { referencedInputs, remapInputs } from '../expr/bound.js';
import type { Field, LogicalPlan } from './logical.js';
import { chooseRankStrategy } from './rank-rewrite.js';
import { readsClock, stampsTime } from './time-domain.js';

interface Pruned {
  readonly plan: LogicalPlan;
  /** old output index -> new output index, for the columns kept */
  readonly map: ReadonlyMap<number, number>;
}

export function pruneColumns(plan: LogicalPlan): LogicalPlan {
  return prune(plan, allOf(plan)).plan;
}

function allOf(p: LogicalPlan): Set<number> {
  return new Set(p.schema.map((_, i) => i));
}

function remap(e: BoundExpr, map: ReadonlyMap<number, number>, schema: readonly Field[]): BoundExpr {
  return remapInputs(e, (i) => {
    const j = map.get(i);
    if (j === undefined) throw new Error(`pruning lost column ${i}`);
    const f = schema[j]!;
    return { kind: 'input', index: j, type: f.type, name: f.name };
  });
}

function identity(n: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < n; i++) m.set(i, i);
  return m;
}

/** Whether a column of stamping node `p` that reads the clock is among `required`. */
function clockRead(p: LogicalPlan, required: ReadonlySet<number>): boolean {
  const exprs = p.kind === 'scan' ? p.outputs : p.kind === 'project' ? p.exprs : [];
  return exprs.some((e, i) => required.has(i) && readsClock(e));
}

function prune(p: LogicalPlan, requiredAbove: ReadonlySet<number>): Pruned {
  // a node stamping the processing time keeps every column: `weir verify` records its rows,
  // and the recorded node must be the query's own operator (the same digest, so reuse shares it).
  // When nothing above reads a stamped column (a lookup join's AS OF attribute), the stamped
  // columns are dropped like any other, and the job reads no clock.
  const required = stampsTime(p) && clockRead(p, requiredAbove) ? allOf(p) : requiredAbove;
  switch (p.kind) {
    case 'scan': {
      const keep = [...required].sort((a, b) => a - b);
      const map = new Map(keep.map((old, i) => [old, i]));
      return { plan: { ...p, outputs: keep.map((i) => p.outputs[i]!), schema: keep.map((i) => p.schema[i]!) }, map };
    }
    case 'values': {
      const keep = [...required].sort((a, b) => a - b);
      const map = new Map(keep.map((old, i) => [old, i]));
      return { plan: { ...p, rows: p.rows.map((r) => keep.map((i) => r[i] ?? null)), schema: keep.map((i) => p.schema[i]!) }, map };
    }
    case 'project': {
      const keep = [...required].sort((a, b) => a - b);
      const need = new Set<number>();
      for (const i of keep) referencedInputs(p.exprs[i]!, need);
      const child = prune(p.input, need);
      const exprs = keep.map((i) => remap(p.exprs[i]!, child.map, child.plan.schema));
      return { plan: { kind: 'project', input: child.plan, exprs, schema: keep.map((i) => p.schema[i]!) }, map: new Map(keep.map((old, i) => [old, i])) };
    }
    case 'filter': {
      const need = new Set(required);
      referencedInputs(p.predicate, need);
      const child = prune(p.input, need);
      const predicate = remap(p.predicate, child.map, child.plan.schema);
      return { plan: { kind: 'filter', input: child.plan, predicate, schema: child.plan.schema }, map: child.map };
    }
    case 'window-tvf': {
      const n = p.input.schema.length;
      const need = new Set([...required].filter((i) => i < n));
      need.add(p.timeIndex);
      const child = prune(p.input, need);
      const m = child.plan.schema.length;
      const map = new Map<number, number>(child.map);
      for (let j = 0; j < 3; j++) map.set(n + j, m + j);
      const schema = [...child.plan.schema.map((f) => ({ ...f, rowtime: false, proctime: false })), ...p.schema.slice(n)];
      const window = p.window.kind === 'session' ? { ...p.window, partitionKeys: p.window.partitionKeys.map((k) => child.map.get(k) ?? k) } : p.window;
      if (p.window.kind === 'session') for (const k of p.window.partitionKeys) need.add(k);
      return { plan: { kind: 'window-tvf', input: child.plan, window, timeIndex: child.map.get(p.timeIndex)!, schema }, map };
    }
    case 'correlate': {
      // the function's columns are kept (they are its result); the input is narrowed
      const n = p.input.schema.length;
      const need = new Set([...required].filter((i) => i < n));
      for (const a of p.args) referencedInputs(a, need);
      const child = prune(p.input, need);
      const width = child.plan.schema.length;
      const map = new Map<number, number>(child.map);
      for (let j = n; j < p.schema.length; j++) map.set(j, width + (j - n));
      const args = p.args.map((a) => remap(a, child.map, child.plan.schema));
      return { plan: { ...p, input: child.plan, args, schema: [...child.plan.schema, ...p.schema.slice(n)] }, map };
    }
    case 'aggregate':
    case 'window-aggregate': {
      const need = new Set<number>(p.groupKeys);
      for (const a of p.aggs) {
        for (const x of a.args) need.add(x);
        if (a.filter !== undefined) need.add(a.filter);
      }
      if (p.kind === 'window-aggregate') {
        need.add(p.timeIndex);
        if (p.attached !== undefined) need.add(p.attached.start).add(p.attached.end);
      }
      const child = prune(p.input, need);
      const m = (i: number): number => child.map.get(i)!;
      const aggs = p.aggs.map((a) => ({ ...a, args: a.args.map(m), filter: a.filter === undefined ? undefined : m(a.filter) }));
      const groupKeys = p.groupKeys.map(m);
      const plan: LogicalPlan = p.kind === 'aggregate' ? { ...p, input: child.plan, groupKeys, aggs } : { ...p, input: child.plan, groupKeys, aggs, timeIndex: m(p.timeIndex), attached: p.attached === undefined ? undefined : { start: m(p.attached.start), end: m(p.attached.end) } };
      return { plan, map: identity(p.schema.length) };
    }
    case 'rank': {
      // The rank number is carried only when read above (Flink's "no ranking number"
      // optimisation: fewer updates); the strategy depends on that, so it is chosen here.
      const n = p.input.schema.length;
      const need = new Set([...required].filter((i) => i < n));
      for (const k of p.partitionKeys) need.add(k);
      for (const k of p.orderKeys) need.add(k.index);
      const child = prune(p.input, need);
      const m = (i: number): number => child.map.get(i)!;
      const outputRank = required.has(n);
      const partitionKeys = p.partitionKeys.map(m);
      const orderKeys = p.orderKeys.map((k) => ({ ...k, index: m(k.index) }));
      const strategy = chooseRankStrategy(child.plan, p.fn, partitionKeys, orderKeys, p.range, outputRank);
      const schema = outputRank ? [...child.plan.schema, p.schema[n]!] : child.plan.schema;
      const map = new Map<number, number>(child.map);
      if (outputRank) map.set(n, child.plan.schema.length);
      return { plan: { ...p, input: child.plan, partitionKeys, orderKeys, outputRank, strategy, schema }, map };
    }
    case 'over-aggregate': {
      // keeps every output (the calls are the query's result); narrows the input
      const n = p.input.schema.length;
      const need = new Set<number>([...required].filter((i) => i < n));
      for (const k of p.partitionKeys) need.add(k);
      need.add(p.timeIndex);
      for (const c of p.calls) for (const a of c.args) need.add(a);
      const child = prune(p.input, need);
      const m = (i: number): number => child.map.get(i)!;
      const width = child.plan.schema.length;
      const map = new Map<number, number>(child.map);
      p.calls.forEach((_, j) => map.set(n + j, width + j));
      const plan: LogicalPlan = {
        ...p,
        input: child.plan,
        partitionKeys: p.partitionKeys.map(m),
        timeIndex: m(p.timeIndex),
        calls: p.calls.map((c) => ({ ...c, args: c.args.map(m) })),
        schema: [...child.plan.schema, ...p.schema.slice(n)],
      };
      return { plan, map };
    }
    case 'sort': {
      const need = new Set(required);
      for (const k of p.keys) need.add(k.index);
      const child = prune(p.input, need);
      return { plan: { ...p, input: child.plan, keys: p.keys.map((k) => ({ ...k, index: child.map.get(k.index)! })), schema: child.plan.schema }, map: child.map };
    }
    case 'match-recognize': {
      // every input column may be read by a condition or a measure: all kept
      const n = p.input.schema.length;
      const child = prune(p.input, new Set(Array.from({ length: n }, (_, i) => i)));
      for (let i = 0; i < n; i++) if (child.map.get(i) !== i) throw internalError('MATCH_RECOGNIZE input columns moved by pruning');
      return { plan: { ...p, input: child.plan }, map: new Map(p.schema.map((_, i) => [i, i])) };
    }
    case 'limit': {
      const child = prune(p.input, required);
      return { plan: { ...p, input: child.plan, schema: child.plan.schema }, map: child.map };
    }
    case 'union': {
      const kids = p.inputs.map((c) => prune(c, required));
      const keep = [...required].sort((a, b) => a - b);
      return { plan: { kind: 'union', inputs: kids.map((k) => k.plan), schema: keep.map((i) => p.schema[i]!) }, map: new Map(keep.map((old, i) => [old, i])) };
    }
    case 'join': {
      const nl = p.left.schema.length;
      const semi = p.joinType === 'semi' || p.joinType === 'anti';
      const needL = new Set<number>(p.leftKeys);
      const needR = new Set<number>(p.rightKeys);
      const cond = new Set<number>();
      if (p.condition !== undefined) referencedInputs(p.condition, cond);
      for (const i of [...required, ...cond]) {
        if (i < nl) needL.add(i);
        else needR.add(i - nl);
      }
      const s = p.strategy;
      if (s.kind === 'interval' || s.kind === 'temporal') {
        needL.add(s.leftTime);
        needR.add(s.rightTime);
      } else if (s.kind === 'lookup') {
        if (s.leftTime !== undefined) needL.add(s.leftTime);
      } else if (s.kind === 'window') {
        needL.add(s.leftEnd);
        needR.add(s.rightEnd);
      }
      const l = prune(p.left, needL);
      const r = prune(p.right, needR);
      const ml = l.plan.schema.length;
      const both = new Map<number, number>(l.map);
      for (const [o, n] of r.map) both.set(o + nl, n + ml);
      const bothSchema = [...l.plan.schema, ...r.plan.schema];
      const condition = p.condition === undefined ? undefined : remap(p.condition, both, bothSchema);
      const lm = (i: number): number => l.map.get(i)!;
      const rm = (i: number): number => r.map.get(i)!;
      const strategy =
        s.kind === 'interval' || s.kind === 'temporal'
          ? { ...s, leftTime: lm(s.leftTime), rightTime: rm(s.rightTime) }
          : s.kind === 'lookup'
            ? s.leftTime !== undefined ? { ...s, leftTime: lm(s.leftTime) } : s
            : s.kind === 'window'
            ? { ...s, leftEnd: lm(s.leftEnd), rightEnd: rm(s.rightEnd), ...(s.leftStart !== undefined && s.rightStart !== undefined ? { leftStart: lm(s.leftStart), rightStart: rm(s.rightStart) } : {}) }
            : s;
      // the join's own fields (nullability of outer sides, time attributes kept or not)
      const kept = semi ? l.map : both;
      const outSchema = [...kept].sort((a, b) => a[1] - b[1]).map(([old]) => p.schema[old]!);
      const plan: LogicalPlan = { ...p, left: l.plan, right: r.plan, leftKeys: p.leftKeys.map(lm), rightKeys: p.rightKeys.map(rm), condition, strategy, schema: outSchema };
      return { plan, map: semi ? l.map : both };
    }
    case 'unnest': {
      const n = p.input.schema.length;
      const need = new Set([...required].filter((i) => i < n));
      for (const e of p.exprs) referencedInputs(e, need);
      const child = prune(p.input, need);
      const m = child.plan.schema.length;
      const map = new Map<number, number>(child.map);
      for (let j = n; j < p.schema.length; j++) map.set(j, m + j - n);
      const exprs = p.exprs.map((e) => remap(e, child.map, child.plan.schema));
      return { plan: { ...p, input: child.plan, exprs, schema: [...child.plan.schema, ...p.schema.slice(n)] }, map };
    }
    case 'sink': {
      const child = prune(p.input, allOf(p.input));
      return { plan: { ...p, input: child.plan }, map: identity(p.schema.length) };
    }
    default:
      return assertNever(p, 'plan node');
  }
}
