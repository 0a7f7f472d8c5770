// Which time a job runs on: event time (watermarks from the tables' WATERMARK clauses) or
// processing time (watermarks from the wall clock), decided from the operators that wait on
// time: windows, deduplication, temporal joins.
//
// Processing time is materialised (PROCTIME() writes the clock into a column where it is
// evaluated), so an operator over a processing-time attribute is the event-time operator over
// that column. What makes it processing time is the watermark: in a processing-time job every
// source emits the clock as its watermark, instead of its table's WATERMARK expression, so
// windows fire as the wall clock passes their end and no row is ever late (common/
// processing-clock.ts). One job cannot have both: the channels carry one watermark. A query
// mixing them is refused with the reason.

import { planError } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound.js';
import type { Field, LogicalPlan } from './logical.js';
import { inputsOf } from './logical.js';

export type TimeDomain = 'event' | 'processing';

interface TimeUse {
  readonly field: Field;
  readonly what: string;
}

function timeUses(p: LogicalPlan, out: TimeUse[]): void {
  switch (p.kind) {
    case 'window-tvf':
      out.push({ field: p.input.schema[p.timeIndex]!, what: 'a window' });
      break;
    case 'window-aggregate':
      if (p.attached === undefined) out.push({ field: timeField(p.input, p.timeIndex), what: 'a window' });
      break;
    case 'rank':
      if (p.strategy.kind === 'deduplicate') out.push({ field: p.input.schema[p.strategy.timeIndex]!, what: 'a deduplication' });
      break;
    case 'over-aggregate':
      out.push({ field: p.input.schema[p.timeIndex]!, what: 'an OVER aggregation' });
      break;
    case 'join':
      if (p.strategy.kind === 'interval' || p.strategy.kind === 'temporal') out.push({ field: p.left.schema[p.strategy.leftTime]!, what: p.strategy.kind === 'interval' ? 'an interval join' : 'a temporal join' });
      break;
    case 'match-recognize':
      out.push({ field: p.input.schema[p.timeIndex]!, what: 'a MATCH_RECOGNIZE' });
      break;
    case 'sort':
      if (p.keys[0] !== undefined) out.push({ field: p.input.schema[p.keys[0].index]!, what: 'an ORDER BY' });
      break;
    default:
      break;
  }
  for (const c of inputsOf(p)) timeUses(c, out);
}

/**
 * The field a column comes from, through projections that pass it on (a window aggregation's
 * input is a projection made by the window rewrite, whose fields carry no time flags).
 */
function timeField(p: LogicalPlan, index: number): Field {
  const f = p.schema[index]!;
  if (f.rowtime || f.proctime === true) return f;
  if (p.kind === 'project') {
    const e = p.exprs[index]!;
    if (e.kind === 'input') return timeField(p.input, e.index);
  }
  if (p.kind === 'filter') return timeField(p.input, index);
  return f;
}

/** The job's time domain; a job using both a processing-time and an event-time attribute is refused. */
export function timeDomainOf(roots: readonly LogicalPlan[]): TimeDomain {
  const uses: TimeUse[] = [];
  for (const r of roots) timeUses(r, uses);
  const proc = uses.find((u) => u.field.proctime === true);
  if (proc === undefined) return 'event';
  const row = uses.find((u) => u.field.rowtime);
  if (row !== undefined) {
    throw planError(
      `this job uses processing time (${proc.what} on ${proc.field.name}) and event time (${row.what} on ${row.field.name}): one job runs on one of them`,
      undefined,
      'run the two queries as separate jobs (separate files), or use the same kind of time attribute in both',
    );
  }
  return 'processing';
}

/** Does the expression read the processing clock (a PROCTIME() call anywhere in it)? */
export function readsClock(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'call':
      return e.fn === 'proctime' || e.args.some(readsClock);
    case 'case':
      return e.whens.some((w) => readsClock(w.cond) || readsClock(w.then)) || readsClock(e.else);
    case 'cast':
      return readsClock(e.operand);
    default:
      return false;
  }
}

/**
 * A node that stamps rows with the processing time: a scan with a `PROCTIME()` computed
 * column, or a projection with PROCTIME() in a SELECT item. `weir verify` records the rows such
 * a node produced and gives them to DuckDB as data (verify/verify.ts); pruning keeps all of its
 * columns so the recorded node and the query's are one operator (plan/prune.ts).
 */
export function stampsTime(p: LogicalPlan): boolean {
  if (p.kind === 'scan') return p.outputs.some(readsClock);
  if (p.kind === 'project') return p.exprs.some(readsClock);
  return false;
}

/** The stamping nodes of a plan, inner ones first. */
export function stampingNodes(p: LogicalPlan, out: LogicalPlan[] = []): LogicalPlan[] {
  for (const c of inputsOf(p)) stampingNodes(c, out);
  if (stampsTime(p) && !out.includes(p)) out.push(p);
  return out;
}
