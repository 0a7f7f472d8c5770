// Plan-time notices about state that grows without bound: a regular join keeps every row of
// each input until it is retracted or expires by state TTL, so over an unbounded input (a
// stream that never ends) without a TTL its state grows for as long as the job runs. Flink's
// planner does not warn; weir says so once, before the job starts (not an error: the query may
// be meant to run for a bounded time, or its keys may be few).

import { createSourceConnector } from '../connectors/registry.js';
import type { PhysicalNode, PhysicalPlan } from '../plan/physical.js';
import { describeSpec } from '../plan/physical.js';

/** Whether every source upstream of node `id` ends (an unreadable table counts as unbounded). */
function boundedInput(plan: PhysicalPlan, id: number, memo: Map<number, boolean>): boolean {
  const known = memo.get(id);
  if (known !== undefined) return known;
  const n = plan.nodes[id]!;
  let bounded: boolean;
  if (n.spec.kind === 'source') {
    try {
      bounded = createSourceConnector(n.spec.table, plan.maxParallelism).bounded;
    } catch {
      bounded = false;
    }
  } else bounded = n.inputs.every((e) => boundedInput(plan, e.from, memo));
  memo.set(id, bounded);
  return bounded;
}

/** Names of the tables read upstream of node `id`. */
function sourcesOf(plan: PhysicalPlan, id: number, out: Set<string> = new Set()): Set<string> {
  const n = plan.nodes[id]!;
  if (n.spec.kind === 'source') out.add(n.spec.table.name);
  for (const e of n.inputs) sourcesOf(plan, e.from, out);
  return out;
}

/**
 * One notice per regular join with a side whose input is unbounded and whose rows have no
 * TTL ('table.exec.state.ttl' = `stateTtlMs`, or a STATE_TTL hint on that side).
 */
export function unboundedStateNotices(plan: PhysicalPlan, stateTtlMs: number): string[] {
  const notices: string[] = [];
  const memo = new Map<number, boolean>();
  for (const n of plan.nodes) {
    const s = n.spec;
    if (s.kind !== 'join' || s.strategy.kind !== 'regular') continue;
    const sides: string[] = [];
    const ttls = [s.leftTtlMs ?? stateTtlMs, s.rightTtlMs ?? stateTtlMs];
    n.inputs.forEach((e, i) => {
      if (ttls[i]! > 0 || boundedInput(plan, e.from, memo)) return;
      sides.push(`the ${i === 0 ? 'left' : 'right'} input (${[...sourcesOf(plan, e.from)].join(', ')})`);
    });
    if (sides.length === 0) continue;
    notices.push(
      `notice: ${describeNode(plan, n)} keeps every row of ${sides.join(' and of ')} in its state, and ${sides.length === 1 ? 'that input never ends' : 'those inputs never end'}, so this state grows without bound. ` +
        `Bound it with state TTL: SET 'table.exec.state.ttl' = '1 h' (rows idle that long are dropped; results may then miss matches), or a /*+ STATE_TTL('<table or alias>' = '1h') */ hint after SELECT; ` +
        `an interval join or a window join frees its state as the watermark passes.`,
    );
  }
  return notices;
}

function describeNode(plan: PhysicalPlan, n: PhysicalNode): string {
  return `the regular join [${n.name}] ${describeSpec(n, plan.nodes)}`;
}
