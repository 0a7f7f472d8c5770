// Common sub-plan reuse, as Flink's optimizer does it ('table.optimizer.reuse-sub-plan-enabled'
// and 'table.optimizer.reuse-source-enabled', both true by default).
//
// Two logical sub-trees with the same digest (same operators, expressions, windows, tables and
// output columns, whatever their aliases) compute the same rows, so the physical planner plans
// one of them and lets every consumer read its output: the physical plan becomes a DAG whose
// shared node has several outgoing edges. The runtime already runs such a node once and sends
// each batch, watermark and barrier down every edge (a node feeding two edges is never chained
// into a consumer), so nothing else changes: consumers align barriers and merge watermarks over
// their inputs as they do for any two inputs.
//
// Source reuse: scans of one table (same options, same watermark) are merged into one scan that
// reads the union of the columns every query reads, with a projection per consumer, so a
// statement set of two INSERTs over one table reads it once (Flink merges projections of
// reused sources the same way). With 'reuse-source-enabled' false a scan is never shared, but
// sub-plans above scans still are (Flink's rule: the option only takes table sources out of
// reuse). With 'reuse-sub-plan-enabled' false nothing is shared.
//
// The digest deliberately ignores source positions and qualifiers (table aliases): they do not
// change what a node computes. It keeps column names, so the shared node's schema is the one
// each consumer would have had.

import { planError } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound.js';
import { exprKey } from '../expr/bound.js';
import type { Field, LogicalPlan, ScanNode } from './logical.js';
import { describeNode, inputsOf } from './logical.js';

export interface ReuseOptions {
  /** 'table.optimizer.reuse-sub-plan-enabled' */
  readonly subPlan: boolean;
  /** 'table.optimizer.reuse-source-enabled' (only with subPlan) */
  readonly source: boolean;
}

export const REUSE_SUB_PLAN_KEY = 'table.optimizer.reuse-sub-plan-enabled';
export const REUSE_SOURCE_KEY = 'table.optimizer.reuse-source-enabled';

export const NO_REUSE: ReuseOptions = { subPlan: false, source: false };

/** Reads the two options (booleans, case-insensitive), refusing anything else. */
export function reuseOptionsFrom(get: (key: string) => string | undefined): ReuseOptions {
  const flag = (key: string): boolean => {
    const v = (get(key) ?? 'true').trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw planError(`'${key}' must be 'true' or 'false', not '${get(key)}'`, undefined, `SET '${key}' = 'false' turns it off`);
  };
  const subPlan = flag(REUSE_SUB_PLAN_KEY);
  const source = flag(REUSE_SOURCE_KEY);
  return { subPlan, source: subPlan && source };
}

/** Digests of logical nodes, computed once per node object. */
export class PlanDigests {
  private readonly cache = new Map<LogicalPlan, string>();

  of(p: LogicalPlan): string {
    const hit = this.cache.get(p);
    if (hit !== undefined) return hit;
    const replacer = (key: string, v: unknown): unknown => {
      if (key === 'span' || key === 'qualifier' || key === 'joinDroppedRowtime') return undefined;
      if (typeof v === 'bigint') return `${v}n`;
      // JSON writes NaN and the infinities as null and -0 as 0: keep them apart
      if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `number ${Object.is(v, -0) ? '-0' : String(v)}`;
      if (v !== null && typeof v === 'object') {
        const o = v as { kind?: unknown; schema?: unknown; columns?: unknown };
        // a child plan: its own (cached) digest
        if (v !== p && typeof o.kind === 'string' && o.schema !== undefined && Array.isArray(o.schema)) return `<${this.of(v as LogicalPlan)}>`;
        // a table: by name and options (its source text and spans do not matter)
        if (o.kind === 'table' && o.columns !== undefined) {
          const t = v as { name: string; options: ReadonlyMap<string, string> };
          return `table ${t.name} ${JSON.stringify([...t.options])}`;
        }
        if (v instanceof Map) return [...(v as Map<unknown, unknown>)];
      }
      if (typeof v === 'bigint') return `bigint ${v}`; // a BIGINT literal beyond ±(2^53-1)
      return v;
    };
    const d = JSON.stringify(p, replacer);
    this.cache.set(p, d);
    return d;
  }
}

/** Whether a node may be shared under these options (Flink: sinks never; scans only with source reuse). */
export function isReusable(p: LogicalPlan, opts: ReuseOptions): boolean {
  if (!opts.subPlan || p.kind === 'sink') return false;
  return p.kind !== 'scan' || opts.source;
}

/**
 * Nodes that are reused: digest -> how many places read it. Counted as Flink's planner does:
 * below the second occurrence of a digest nothing is counted (the whole sub-tree is the
 * reused one), so a node inside a shared sub-tree is not itself marked shared.
 */
export function sharedDigests(roots: readonly LogicalPlan[], opts: ReuseOptions, digests: PlanDigests): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (p: LogicalPlan): void => {
    if (isReusable(p, opts)) {
      const d = digests.of(p);
      const c = (counts.get(d) ?? 0) + 1;
      counts.set(d, c);
      if (c > 1) return;
    }
    for (const q of inputsOf(p)) walk(q);
  };
  for (const r of roots) walk(r);
  for (const [d, c] of [...counts]) if (c < 2) counts.delete(d);
  return counts;
}

/**
 * Source reuse across different column sets: scans of one table (same options and watermark)
 * that read different columns become one scan of the union of the columns, under a projection
 * per consumer. Returns the roots unchanged when there is nothing to merge.
 */
export function mergeScans(roots: readonly LogicalPlan[], opts: ReuseOptions): LogicalPlan[] {
  if (!opts.source) return [...roots];
  const groups = new Map<string, ScanNode[]>();
  const scanKey = (s: ScanNode): string => `${s.table.name}\u0000${JSON.stringify([...s.table.options])}\u0000${s.watermark === undefined ? '' : exprKey(s.watermark)}`;
  const collect = (p: LogicalPlan): void => {
    if (p.kind === 'scan') {
      const k = scanKey(p);
      const g = groups.get(k);
      if (g === undefined) groups.set(k, [p]);
      else if (!g.includes(p)) g.push(p);
      return;
    }
    for (const q of inputsOf(p)) collect(q);
  };
  for (const r of roots) collect(r);
  const replacement = new Map<ScanNode, LogicalPlan>();
  for (const scans of groups.values()) {
    const distinct = new Set(scans.map((s) => s.outputs.map(exprKey).join(',')));
    if (distinct.size < 2) continue;
    // the union of outputs: plain columns in table order first, then computed columns
    const byKey = new Map<string, { expr: BoundExpr; field: Field }>();
    for (const s of scans) s.outputs.forEach((e, i) => {
      const k = exprKey(e);
      if (!byKey.has(k)) byKey.set(k, { expr: e, field: s.schema[i]! });
    });
    const entries = [...byKey.entries()].sort(([ka, a], [kb, b]) => {
      const ia = a.expr.kind === 'input' ? a.expr.index : Infinity;
      const ib = b.expr.kind === 'input' ? b.expr.index : Infinity;
      return ia !== ib ? ia - ib : ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    const first = scans[0]!;
    // every consumer's names stay its own (the projection renames); the merged scan names
    // a column after the table's column where there is one
    const schema: Field[] = entries.map(([, v]) => ({ ...v.field, name: v.expr.kind === 'input' ? v.expr.name : v.field.name }));
    const merged: ScanNode = { ...first, outputs: entries.map(([, v]) => v.expr), schema };
    const position = new Map(entries.map(([k], i) => [k, i]));
    for (const s of scans) {
      const exprs: BoundExpr[] = s.outputs.map((e, i) => ({ kind: 'input', index: position.get(exprKey(e))!, type: s.schema[i]!.type, name: schema[position.get(exprKey(e))!]!.name }));
      replacement.set(s, { kind: 'project', input: merged, exprs, schema: s.schema });
    }
  }
  if (replacement.size === 0) return [...roots];
  const rewrite = (p: LogicalPlan): LogicalPlan => {
    if (p.kind === 'scan') return replacement.get(p) ?? p;
    return withInputs(p, inputsOf(p).map(rewrite));
  };
  return roots.map(rewrite);
}

/** The node with new inputs (the same node when they did not change). */
function withInputs(p: LogicalPlan, inputs: readonly LogicalPlan[]): LogicalPlan {
  const old = inputsOf(p);
  if (old.every((q, i) => q === inputs[i])) return p;
  switch (p.kind) {
    case 'join':
      return { ...p, left: inputs[0]!, right: inputs[1]! };
    case 'union':
      return { ...p, inputs };
    case 'scan':
    case 'values':
      return p;
    default:
      return { ...p, input: inputs[0]! } as LogicalPlan;
  }
}

/**
 * The optimized logical plans as Flink prints reuse: the first occurrence of a shared sub-plan
 * is prefixed `[#n]`, later ones are `Reused(reference_id=[n])` without their inputs.
 */
export function explainWithReuse(roots: readonly LogicalPlan[], opts: ReuseOptions): string {
  const digests = new PlanDigests();
  const shared = sharedDigests(roots, opts, digests);
  const ids = new Map<string, number>();
  const out: string[] = [];
  for (const r of roots) {
    const lines: string[] = [];
    const walk = (p: LogicalPlan, depth: number): void => {
      const pad = '  '.repeat(depth);
      const d = isReusable(p, opts) ? digests.of(p) : undefined;
      if (d !== undefined && shared.has(d)) {
        const id = ids.get(d);
        if (id !== undefined) {
          lines.push(`${pad}Reused(reference_id=[${id}])`);
          return;
        }
        ids.set(d, ids.size + 1);
        lines.push(`${pad}[#${ids.size}] ${describeNode(p)}`);
      } else lines.push(`${pad}${describeNode(p)}`);
      for (const q of inputsOf(p)) walk(q, depth + 1);
    };
    walk(r, 0);
    out.push(lines.join('\n'));
  }
  return out.join('\n\n');
}
