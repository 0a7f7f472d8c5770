// Runs a script's queries in this process and collects each query's final table (its
// changelog folded), with the job summary. Used by `weir verify` and the SQL tests.

import type { SourceText } from '../common/errors.js';
import type { LogicalPlan, SinkNode } from '../plan/logical.js';
import { Session } from '../sql/session.js';
import { RunningJob } from '../exec/job-runner.js';
import { loadPlanModules } from '../exec/operator-modules.js';
import type { JobSummary } from '../exec/job-runner.js';
import type { Row } from './compare.js';
import { ChangelogFolder } from './compare.js';

export interface CollectedQuery {
  readonly plan: LogicalPlan;
  readonly rows: Row[];
  readonly changes: number;
  readonly unmatchedRetractions: Row[];
}

export interface CollectResult {
  readonly session: Session;
  readonly queries: CollectedQuery[];
  readonly sinks: readonly SinkNode[];
  readonly summary: JobSummary | undefined;
}

export interface CollectOptions {
  readonly parallelism?: number;
  readonly options?: Record<string, string>;
  readonly batchSize?: number;
  /** Collect what each INSERT would write (the sink's input) instead of writing it. */
  readonly insertsAsQueries?: boolean;
  /** For unbounded inputs: stop the job once this holds for the results so far. */
  readonly until?: (results: Row[][]) => boolean;
  /** For unbounded inputs: stop the job after this many milliseconds. */
  readonly stopAfterMs?: number;
}

export async function collectScript(source: SourceText, opts: CollectOptions = {}): Promise<CollectResult> {
  const session = new Session();
  for (const [k, v] of Object.entries(opts.options ?? {})) session.options.set(k, v);
  if (opts.batchSize !== undefined) session.options.set('execution.batch-size', String(opts.batchSize));
  const sinks: SinkNode[] = [];
  const plans: LogicalPlan[] = [];
  await session.loadFunctionModules(source);
  for (const { result } of session.executeScript(source)) {
    if (result.kind === 'insert') {
      if (opts.insertsAsQueries === true) plans.push(...result.sinks.map((k) => k.input));
      else sinks.push(...result.sinks);
    } else if (result.kind === 'query') plans.push(result.plan);
  }
  if (plans.length === 0 && sinks.length === 0) return { session, queries: [], sinks, summary: undefined };
  const folders = plans.map(() => new ChangelogFolder());
  const plan = session.physicalPlan(sinks, plans, opts.parallelism);
  await loadPlanModules(plan);
  const job = new RunningJob(plan, session.options, {
    jobId: `collect-${Date.now()}`,
    parallelism: opts.parallelism,
    listener: (i) => ({
      onBatch: (b) => {
        folders[i]!.add(b);
        if (opts.until !== undefined && opts.until(folders.map((f) => f.result()))) job.cancel();
      },
    }),
  });
  const timer = opts.stopAfterMs === undefined ? undefined : setTimeout(() => job.cancel(), opts.stopAfterMs);
  let summary: JobSummary;
  try {
    summary = await job.run();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  return {
    session,
    sinks,
    summary,
    queries: plans.map((p, i) => ({ plan: p, rows: folders[i]!.result(), changes: folders[i]!.changes, unmatchedRetractions: folders[i]!.unmatchedRetractions })),
  };
}
