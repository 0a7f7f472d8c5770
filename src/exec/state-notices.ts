// Plan-time notices about state that grows without bound: a regular join keeps every row of
// each input until it is retracted or expires by state TTL, so over an unbounded input (a
// stream that never ends) without a TTL its state grows for as long as the job runs. Flink's
// planner does not warn; weir says so once, before the job starts (not an error: the query may
// be meant to run for a bounded time, or its keys may be few).

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createSourceConnector, implOf } from '../connectors/registry.js';
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

/**
 * One notice per csv file source whose columns are all strings and whose first file starts
 * with a line naming exactly the table's columns: a header, read as a row of data (as Flink
 * reads it) unless 'csv.ignore-first-line' says to skip it. A table with a typed column needs
 * no notice: the header fails to parse there, and that error carries the hint.
 */
export function csvHeaderNotices(plan: PhysicalPlan): string[] {
  const notices: string[] = [];
  const seen = new Set<string>();
  for (const n of plan.nodes) {
    if (n.spec.kind !== 'source') continue;
    const table = n.spec.table;
    const o = table.options;
    if (seen.has(table.name) || o.get('connector') !== 'filesystem' || o.get('format') !== 'csv' || o.get('csv.ignore-first-line') === 'true') continue;
    seen.add(table.name);
    const columns = table.columns.filter((c) => c.kind === 'physical');
    if (columns.length === 0 || !columns.every((c) => c.type.kind === 'STRING')) continue;
    const first = firstLineOfFirstFile(o.get('path')!);
    if (first === null) continue;
    const delim = o.get('csv.field-delimiter') ?? ',';
    const fields = first.line.split(delim).map((f) => f.trim().replace(/^"(.*)"$/, '$1').toLowerCase());
    if (fields.length !== columns.length || !fields.every((f, i) => f === columns[i]!.name.toLowerCase())) continue;
    notices.push(
      `notice: ${first.file}:1 holds the column names of table ${table.name} (${first.line}), and it is read as a row of data. ` +
        `If the files start with a header line, add 'csv.ignore-first-line' = 'true' to the table's WITH options.`,
    );
  }
  return notices;
}

function firstLineOfFirstFile(path: string): { file: string; line: string } | null {
  try {
    if (!existsSync(path)) return null;
    const file = implOf('filesystem').listDataFiles(path)[0];
    if (file === undefined) return null;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const text = buf.subarray(0, n).toString('utf8');
      const end = text.search(/\r?\n/);
      return { file, line: end < 0 ? text : text.slice(0, end) };
    } finally {
      closeSync(fd);
    }
  } catch {
    return null; // an unreadable path is reported when the job reads it
  }
}

/** The notices printed before a job starts. */
export function planNotices(plan: PhysicalPlan, stateTtlMs: number): string[] {
  return [...csvHeaderNotices(plan), ...unboundedStateNotices(plan, stateTtlMs)];
}
