// The operator implementations, loaded on demand. A job needs the few operators its plan
// names, and `weir -c "SELECT 1"` needs none of the aggregates and joins (38 modules, 450 KB).
// Job construction is synchronous, so the modules a plan needs (its operators, and its tables'
// connectors: connectors/registry.ts) are imported first, asynchronously (`loadPlanModules`,
// called wherever a job is built), and the job then takes them from this table (`operatorModule`).
//
// A caller that did not load them first still works in the built CLI: `operatorModule` falls
// back to a synchronous require of the ES module (Node 20.19+). Under vitest the sources are
// TypeScript, which require cannot load, so there every path that builds a job must load first.

import { createRequire } from 'node:module';
import { internalError } from '../common/errors.js';
import type { PhysicalNode, PhysicalPlan } from '../plan/physical.js';
import type { TableDef } from '../catalog/catalog.js';
import { loadConnectorModules } from '../connectors/registry.js';

const LOADERS = {
  calc: () => import('./operators/calc.js'),
  unnest: () => import('./operators/unnest.js'),
  correlate: () => import('./operators/correlate.js'),
  windowTvf: () => import('./operators/window-tvf.js'),
  windowAggregate: () => import('./operators/window-aggregate.js'),
  sessionWindowAggregate: () => import('./operators/session-window-aggregate.js'),
  localGroupAggregate: () => import('./operators/local-group-aggregate.js'),
  groupAggregate: () => import('./operators/group-aggregate.js'),
  regularJoin: () => import('./operators/regular-join.js'),
  intervalJoin: () => import('./operators/interval-join.js'),
  windowJoin: () => import('./operators/window-join.js'),
  temporalJoin: () => import('./operators/temporal-join.js'),
  fileLookupJoin: () => import('./operators/file-lookup-join.js'),
  lookupJoin: () => import('./operators/lookup-join.js'),
  rank: () => import('./operators/rank.js'),
  overAggregate: () => import('./operators/over-aggregate.js'),
  updatingOverAggregate: () => import('./operators/over-aggregate-updating.js'),
  temporalSort: () => import('./operators/temporal-sort.js'),
  matchRecognize: () => import('./operators/match-recognize.js'),
  limit: () => import('./operators/limit.js'),
  union: () => import('./operators/union.js'),
  sink: () => import('./operators/sink.js'),
  collect: () => import('./operators/collect.js'),
} as const;

/** The same modules as paths, for the synchronous fallback (kept in step with LOADERS by a unit test). */
export const OPERATOR_PATHS: Readonly<Record<OperatorModuleName, string>> = {
  calc: './operators/calc.js',
  unnest: './operators/unnest.js',
  correlate: './operators/correlate.js',
  windowTvf: './operators/window-tvf.js',
  windowAggregate: './operators/window-aggregate.js',
  sessionWindowAggregate: './operators/session-window-aggregate.js',
  localGroupAggregate: './operators/local-group-aggregate.js',
  groupAggregate: './operators/group-aggregate.js',
  regularJoin: './operators/regular-join.js',
  intervalJoin: './operators/interval-join.js',
  windowJoin: './operators/window-join.js',
  temporalJoin: './operators/temporal-join.js',
  fileLookupJoin: './operators/file-lookup-join.js',
  lookupJoin: './operators/lookup-join.js',
  rank: './operators/rank.js',
  overAggregate: './operators/over-aggregate.js',
  updatingOverAggregate: './operators/over-aggregate-updating.js',
  temporalSort: './operators/temporal-sort.js',
  matchRecognize: './operators/match-recognize.js',
  limit: './operators/limit.js',
  union: './operators/union.js',
  sink: './operators/sink.js',
  collect: './operators/collect.js',
};

export type OperatorModuleName = keyof typeof LOADERS;
export type OperatorModules = { [K in OperatorModuleName]: Awaited<ReturnType<(typeof LOADERS)[K]>> };

const loaded: Partial<OperatorModules> = {};

/** The operator modules a node needs (sources and VALUES need none). */
export function operatorModulesOf(n: PhysicalNode): OperatorModuleName[] {
  const s = n.spec;
  switch (s.kind) {
    case 'calc':
      return ['calc'];
    case 'unnest':
      return ['unnest'];
    case 'correlate':
      return ['correlate'];
    case 'window-tvf':
      return ['windowTvf'];
    case 'window-aggregate':
      return [s.window.kind === 'session' ? 'sessionWindowAggregate' : 'windowAggregate'];
    case 'local-group-aggregate':
      return ['localGroupAggregate'];
    case 'group-aggregate':
      return ['groupAggregate'];
    case 'join':
      switch (s.strategy.kind) {
        case 'regular':
          return ['regularJoin'];
        case 'interval':
          return ['intervalJoin'];
        case 'window':
          return ['windowJoin'];
        case 'temporal':
          return ['temporalJoin'];
        case 'lookup':
          return [];
      }
      return [];
    case 'file-lookup-join':
      return ['fileLookupJoin'];
    case 'lookup-join':
      return ['lookupJoin'];
    case 'rank':
      return ['rank'];
    case 'over-aggregate':
      return [s.inputUpdating ? 'updatingOverAggregate' : 'overAggregate'];
    case 'temporal-sort':
      return ['temporalSort'];
    case 'match-recognize':
      return ['matchRecognize'];
    case 'limit':
      return ['limit'];
    case 'union':
      return ['union'];
    case 'sink':
      return ['sink'];
    case 'collect':
      return ['collect'];
    case 'source':
    case 'values':
      return [];
  }
}

/** Imports the modules a job of this plan needs (each once per process); call before building the job. */
export async function loadPlanModules(plan: PhysicalPlan): Promise<void> {
  const names = new Set(plan.nodes.flatMap(operatorModulesOf));
  const connectors = plan.nodes.flatMap((n) => tablesOf(n).map((t) => t.options.get('connector') ?? ''));
  await Promise.all([...[...names].map((k) => loadOne(k)), loadConnectorModules(connectors)]);
}

/** The tables a node reads or writes through a connector. */
function tablesOf(n: PhysicalNode): TableDef[] {
  const s = n.spec;
  switch (s.kind) {
    case 'source':
    case 'sink':
    case 'lookup-join':
      return [s.table];
    case 'file-lookup-join':
      return [s.lookup.table];
    default:
      return [];
  }
}

/** Imports one operator module by name. */
export async function loadOne<K extends OperatorModuleName>(k: K): Promise<OperatorModules[K]> {
  const have = loaded[k];
  if (have !== undefined) return have;
  const m = (await LOADERS[k]()) as OperatorModules[K];
  loaded[k] = m;
  return m;
}

/** Whether an operator module is loaded (tests). */
export function isOperatorModuleLoaded(k: OperatorModuleName): boolean {
  return loaded[k] !== undefined;
}

/** A loaded operator module; one not loaded first is required synchronously (see the top). */
export function operatorModule<K extends OperatorModuleName>(k: K): OperatorModules[K] {
  const have = loaded[k];
  if (have !== undefined) return have;
  let m: OperatorModules[K];
  try {
    m = createRequire(import.meta.url)(OPERATOR_PATHS[k]) as OperatorModules[K];
  } catch (e) {
    throw internalError(`operator module '${k}' was not loaded before the job was built (call loadPlanModules(plan) first): ${e instanceof Error ? e.message : String(e)}`);
  }
  loaded[k] = m;
  return m;
}
