// Names a job's operators the way the user wrote the job: by the statement (its line and
// kind) whose result the operator feeds and the tables it reads, not by internal node ids
// such as `29-window-aggregate`. Used by the `weir run` summary for late and expired rows.

import type { PhysicalPlan } from '../plan/physical.js';
import type { OperatorSummary } from '../exec/job-runner.js';
import type { SourceText } from '../common/errors.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../sql/session.js';

/** 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Labels of the job's roots in the order Session.physicalPlan takes them (every INSERT's
 * sinks, then every SELECT): `line 7 INSERT INTO out`, `line 3 SELECT`.
 */
export function rootLabels(source: SourceText, executed: readonly { statement: ast.Statement; result: StatementResult }[]): string[] {
  const sinks: string[] = [];
  const queries: string[] = [];
  for (const { statement, result } of executed) {
    if (result.kind === 'query') queries.push(`line ${lineAt(source.text, statement.span.start)} SELECT`);
    if (result.kind === 'insert') {
      const inserts = statement.kind === 'statement-set' ? statement.inserts : statement.kind === 'insert' ? [statement] : [];
      result.sinks.forEach((s, i) => sinks.push(`line ${lineAt(source.text, (inserts[i] ?? statement).span.start)} INSERT INTO ${s.table.name}`));
    }
  }
  return [...sinks, ...queries];
}

/**
 * One line per statement and table read: the sum of `count` over its operators, for the
 * operators where it is not 0. `roots[i]` names the i-th sink or collect node of `plan`.
 */
export function countsByStatement(plan: PhysicalPlan, roots: readonly string[], operators: readonly OperatorSummary[], count: (o: OperatorSummary) => number): { label: string; count: number }[] {
  const consumers = new Map<number, number[]>();
  for (const n of plan.nodes) for (const e of n.inputs) consumers.set(e.from, [...(consumers.get(e.from) ?? []), n.id]);
  const rootOf = new Map<number, string>();
  let r = 0;
  for (const n of plan.nodes) if (n.spec.kind === 'sink' || n.spec.kind === 'collect') rootOf.set(n.id, roots[r++] ?? `result ${r}`);
  const reach = (from: number, next: (id: number) => readonly number[], keep: (id: number) => string | undefined): string[] => {
    const seen = new Set<number>();
    const found: string[] = [];
    const stack = [from];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const k = keep(id);
      if (k !== undefined && !found.includes(k)) found.push(k);
      stack.push(...next(id));
    }
    return found;
  };
  const totals = new Map<string, number>();
  for (const o of operators) {
    const c = count(o);
    if (c === 0) continue;
    const statements = reach(o.node, (id) => consumers.get(id) ?? [], (id) => rootOf.get(id));
    const tables = reach(o.node, (id) => plan.nodes[id]!.inputs.map((e) => e.from), (id) => {
      const s = plan.nodes[id]!.spec;
      return s.kind === 'source' ? s.table.name : undefined;
    });
    const label = `${statements.length > 0 ? statements.join(' and ') : o.operator}${tables.length > 0 ? `, reading ${tables.sort().join(', ')}` : ''}`;
    totals.set(label, (totals.get(label) ?? 0) + c);
  }
  const lineOf = (label: string): number => Number(/^line (\d+)/.exec(label)?.[1] ?? Infinity);
  return [...totals].map(([label, n]) => ({ label, count: n })).sort((a, b) => lineOf(a.label) - lineOf(b.label));
}
