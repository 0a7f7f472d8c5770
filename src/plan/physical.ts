// The physical plan: a DAG of operator descriptions, each with a parallelism, joined by
// edges that say how rows move (forward 1:1, hash by key, or all to one subtask). Plan nodes
// describe; running operators (src/exec/operators/) are made from them.
//
// Operator ids are derived from the plan (position and kind), and the plan fingerprint is a
// hash of the whole description: a checkpoint records it, and restoring into a different
// plan is refused (DESIGN §5).

import { changelogModes } from './changelog-mode.js';
import { createHash } from 'node:crypto';
import type { Scalar } from '../common/batch.js';
import { assertNever, internalError, planError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { isIntegral, typeToString } from '../common/types.js';
import type { TableDef } from '../catalog/catalog.js';
import { metadataKey, sourceColumns } from '../catalog/catalog.js';
import { readableMetadata } from '../connectors/metadata.js';
import type { BoundExpr } from '../expr/bound.js';
import { exprKey, exprToString, referencedInputs, remapInputs } from '../expr/bound.js';
import type { AggCall, Field, JoinStrategy, JoinType, LogicalPlan, OverCall, OverFrame, RankFunction, RankStrategy, Schema, SortKey, WindowSpec } from './logical.js';
import type { MatchSpec } from './match.js';
import { describeMatch } from './match.js';
import type { TimeDomain } from './time-domain.js';
import { timeDomainOf } from './time-domain.js';
import type { ReuseOptions } from './reuse.js';
import { isReusable, PlanDigests, sharedDigests } from './reuse.js';
import { aggToString, describeJoin, describeOver, describeRank, describeSortKeys, describeUnnest, describeWindow, isUpdating, joinIsUpdating, rankFunctionName, rankIsUpdating } from './logical.js';

export type Partitioning =
  | { readonly kind: 'forward' }
  | { readonly kind: 'hash'; readonly keys: readonly number[] }
  /** Every row to subtask 0 (a global aggregate). */
  | { readonly kind: 'single' };

/** Which part of a (possibly two-phase) window aggregation an operator is. */
export type WindowPhase =
  | { readonly kind: 'single' }
  /**
   * Pre-aggregation before the shuffle; emits partial rows with a record count. `sliced`
   * (HOP whose size is a multiple of its slide): a row goes to the one slice (a slide-long
   * pane) holding it, not to each of its size/slide windows, and a slice's partial row is
   * emitted once for the global phase to add into every window that contains it. `attached`:
   * rows whose windows were assigned upstream (input columns of window_start and window_end),
   * as the 'attached' phase below; never sliced nor adaptive.
   */
  | { readonly kind: 'local'; readonly sliced?: boolean; readonly adaptive?: AdaptiveLocal; readonly attached?: { readonly start: number; readonly end: number } }
  /**
   * Merges partial rows; input columns of window_start, window_end and the record count.
   * `sliced`: the bounds are a slice's, merged into every window containing the slice.
   * `shared` (sliced, every merged aggregate exact in any merge order: SUM0, integral or
   * DECIMAL SUM, MIN, MAX): the state is one accumulator per key and slice, each partial added
   * once, and a window merges its slices when it fires (as Flink's slice-shared window
   * aggregate); otherwise one accumulator per key and window, each partial added to each.
   */
  | { readonly kind: 'global'; readonly start: number; readonly end: number; readonly records: number; readonly sliced?: boolean; readonly shared?: boolean }
  /** Rows whose windows were assigned upstream: input columns of window_start and window_end. */
  | { readonly kind: 'attached'; readonly start: number; readonly end: number };

/**
 * A local phase that decides at run time whether pre-aggregating pays ('AUTO', the default of
 * 'table.optimizer.agg-phase-strategy'): it measures the rows it folds per partial row it
 * emits, and below `minRowsPerPartial` it forwards each row as a one-record partial instead,
 * re-measuring now and then (window-aggregate.ts). Absent: it always pre-aggregates
 * ('TWO_PHASE').
 */
export interface AdaptiveLocal {
  /** Rows folded (in windows that fired) over which the reduction is measured. */
  readonly sampleRows: number;
  /** Below this many input rows per partial row, rows pass straight through. */
  readonly minRowsPerPartial: number;
}

/** The aggregates an updating aggregation's local phase pre-aggregates (their partials merge with SUM0 or themselves). */
export function locallyAggregatable(a: AggCall): boolean {
  return !a.distinct && (a.fn === 'count_star' || a.fn === 'count' || a.fn === 'sum' || a.fn === 'sum0' || a.fn === 'min' || a.fn === 'max');
}

/** 'table.optimizer.agg-phase-strategy', as Flink's values. */
export type AggPhaseStrategy = 'AUTO' | 'ONE_PHASE' | 'TWO_PHASE';

export interface SourceColumn {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** A METADATA column: the key the connector fills it from (src/connectors/metadata.ts). */
  readonly metadata?: string;
}

export type OperatorSpec =
  | {
      readonly kind: 'source';
      readonly table: TableDef;
      /** Physical columns the source reads, in this order. */
      readonly read: readonly SourceColumn[];
      /** Table physical column index of each read column. */
      readonly readIndex: readonly number[];
      /** Output columns over the read columns (computed columns included). */
      readonly outputs: readonly BoundExpr[];
      readonly watermark: BoundExpr | undefined;
      readonly watermarkDelay: number | undefined;
      /**
       * The conjuncts of a filter right above the scan that read partition columns only, over
       * the table's partition columns (input i = the i-th partition key): a partitioned
       * filesystem source skips the files whose directory values fail it. The filter still
       * runs on the rows, so this only saves reading.
       */
      readonly partitionFilter?: BoundExpr;
    }
  | { readonly kind: 'values'; readonly rows: readonly (readonly Scalar[])[] }
  | {
      /** A lookup join: left rows in; right rows looked up in `table` by key (a jdbc table). */
      readonly kind: 'lookup-join';
      readonly table: TableDef;
      readonly joinType: 'inner' | 'left';
      readonly leftKeys: readonly number[];
      /** Index into `columns` of the looked-up column each left key equals. */
      readonly rightKeys: readonly number[];
      /** The table's columns the join outputs (and looks up by), in output order. */
      readonly columns: readonly SourceColumn[];
      readonly condition: BoundExpr | undefined;
      readonly leftUpdating: boolean;
    }
  /** Filter then project (either may be absent). */
  | { readonly kind: 'calc'; readonly predicate: BoundExpr | undefined; readonly projection: readonly BoundExpr[] | undefined }
  | { readonly kind: 'window-tvf'; readonly window: WindowSpec; readonly timeIndex: number }
  /** UNNEST: each row repeated per collection element (logical.ts UnnestNode). Stateless. */
  | { readonly kind: 'unnest'; readonly exprs: readonly BoundExpr[]; readonly ordinality: boolean; readonly outer: boolean }
  /** A table function joined per row (logical.ts CorrelateNode). */
  | { readonly kind: 'correlate'; readonly fn: string; readonly name: string; readonly args: readonly BoundExpr[]; readonly joinType: 'inner' | 'left' }
  /**
   * `inputUpdating`: the input is a changelog (-U/-D rows retract from their windows; the
   * operator keeps retractable accumulators and a record count per group and window).
   */
  | { readonly kind: 'window-aggregate'; readonly window: WindowSpec; readonly timeIndex: number; readonly keys: readonly number[]; readonly aggs: readonly AggCall[]; readonly phase: WindowPhase; readonly inputUpdating?: boolean }
  | {
      readonly kind: 'group-aggregate';
      readonly keys: readonly number[];
      readonly aggs: readonly AggCall[];
      readonly inputUpdating: boolean;
      /** State TTL from a STATE_TTL hint (ms); absent: the session's 'table.exec.state.ttl'. */
      readonly stateTtlMs?: number;
      /** The global phase of a two-phase aggregation: its input is a local phase's partial rows. */
      readonly global?: boolean;
    }
  | {
      /**
       * The local phase of a two-phase updating aggregation (local-group-aggregate.ts): each
       * batch's rows folded into one partial row per key (keys, then one partial per aggregate).
       */
      readonly kind: 'local-group-aggregate';
      readonly keys: readonly number[];
      readonly aggs: readonly AggCall[];
      /** Absent: always pre-aggregates ('TWO_PHASE'). */
      readonly adaptive?: AdaptiveLocal;
      /**
       * The partial rows go to the global phase without a shuffle (both at parallelism 1, chained
       * in one task): an adaptive local phase then passes rows straight on, since pre-aggregating
       * would save no exchange. Not part of the state layout (the local phase holds no state).
       */
      readonly unshuffled?: boolean;
    }
  | {
      readonly kind: 'join';
      readonly joinType: JoinType;
      readonly leftKeys: readonly number[];
      readonly rightKeys: readonly number[];
      readonly nullSafe: readonly boolean[];
      /** Over the left columns then the right ones. */
      readonly condition: BoundExpr | undefined;
      readonly strategy: JoinStrategy;
      readonly leftUpdating: boolean;
      readonly rightUpdating: boolean;
      /** State TTL of each side's rows from a STATE_TTL hint (ms); absent: 'table.exec.state.ttl'. */
      readonly leftTtlMs?: number;
      readonly rightTtlMs?: number;
    }
  /**
   * A processing-time lookup join against a bounded file table (logical.ts JoinStrategy
   * 'lookup'): one input, the left side; the right side is the table `lookup` describes (a
   * source spec), read by the operator itself when it opens. Keys and condition as a join's.
   */
  | {
      readonly kind: 'file-lookup-join';
      readonly joinType: 'inner' | 'left';
      readonly leftKeys: readonly number[];
      readonly rightKeys: readonly number[];
      readonly nullSafe: readonly boolean[];
      /** Over the left columns then the right ones. */
      readonly condition: BoundExpr | undefined;
      readonly lookup: SourceSpec;
    }
  | {
      readonly kind: 'rank';
      readonly fn: RankFunction;
      readonly partitionKeys: readonly number[];
      readonly orderKeys: readonly SortKey[];
      readonly range: { readonly start: number; readonly end: number };
      readonly outputRank: boolean;
      readonly strategy: RankStrategy;
      readonly inputUpdating: boolean;
    }
  /**
   * OVER aggregation. Over an append-only input, ordered by a time attribute and emitted as the
   * watermark passes; over an updating input (`inputUpdating`), an updating result emitted at
   * once (over-aggregate-updating.ts).
   */
  | { readonly kind: 'over-aggregate'; readonly partitionKeys: readonly number[]; readonly timeIndex: number; readonly frame: OverFrame; readonly calls: readonly OverCall[]; readonly inputUpdating: boolean }
  /** A temporal sort (keys[0] the time attribute, ascending), on one subtask. */
  | { readonly kind: 'temporal-sort'; readonly keys: readonly SortKey[] }
  | { readonly kind: 'match-recognize'; readonly partitionKeys: readonly number[]; readonly timeIndex: number; readonly orderKeys: readonly SortKey[]; readonly spec: MatchSpec }
  /** LIMIT [OFFSET] on one subtask. */
  | { readonly kind: 'limit'; readonly offset: number; readonly fetch: number }
  | { readonly kind: 'union' }
  | { readonly kind: 'sink'; readonly table: TableDef }
  /** The result of a bare SELECT, handed to the client (CLI printer, REPL, verify). */
  | { readonly kind: 'collect' };

export interface PhysicalEdge {
  readonly from: number;
  readonly partitioning: Partitioning;
}

export interface PhysicalNode {
  readonly id: number;
  /** Stable operator id used in checkpoint file names: `<id>-<kind>`. */
  readonly name: string;
  readonly spec: OperatorSpec;
  readonly parallelism: number;
  readonly inputs: readonly PhysicalEdge[];
  readonly schema: Schema;
  /** The output carries updates/deletes. */
  readonly updating: boolean;
}

export interface PhysicalPlan {
  /** Topologically ordered: inputs before the nodes that read them. */
  readonly nodes: readonly PhysicalNode[];
  readonly maxParallelism: number;
  /** Processing time: sources emit the wall clock as their watermark (plan/time-domain.ts). */
  readonly timeDomain?: TimeDomain;
}

export interface PlanOptions {
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Common sub-plan reuse (src/plan/reuse.ts); none when absent. */
  readonly reuse?: ReuseOptions;
  /** 'table.optimizer.agg-phase-strategy' (default AUTO) and the adaptive local phase's settings. */
  readonly aggPhase?: { readonly strategy: AggPhaseStrategy; readonly adaptive: AdaptiveLocal };
}

/** The adaptive local phase's defaults ('weir.local-agg.sample-rows', 'weir.local-agg.min-rows-per-partial'). */
export const DEFAULT_ADAPTIVE_LOCAL: AdaptiveLocal = { sampleRows: 20_000, minRowsPerPartial: 2 };

export const AGG_PHASE_KEY = 'table.optimizer.agg-phase-strategy';
export const SAMPLE_ROWS_KEY = 'weir.local-agg.sample-rows';
export const MIN_ROWS_PER_PARTIAL_KEY = 'weir.local-agg.min-rows-per-partial';

/** Reads 'table.optimizer.agg-phase-strategy' (case-insensitive) and weir's two settings of the adaptive local phase. */
export function aggPhaseFrom(get: (key: string) => string | undefined): NonNullable<PlanOptions['aggPhase']> {
  const v = (get(AGG_PHASE_KEY) ?? 'AUTO').trim().toUpperCase();
  if (v !== 'AUTO' && v !== 'ONE_PHASE' && v !== 'TWO_PHASE') throw planError(`'${AGG_PHASE_KEY}' must be 'AUTO', 'ONE_PHASE' or 'TWO_PHASE', not '${get(AGG_PHASE_KEY)}'`, undefined, `SET '${AGG_PHASE_KEY}' = 'TWO_PHASE' always pre-aggregates`);
  const num = (key: string, dflt: number): number => {
    const t = get(key);
    if (t === undefined) return dflt;
    const n = Number(t);
    if (!(n > 0) || !Number.isFinite(n)) throw planError(`'${key}' must be a positive number, not '${t}'`);
    return n;
  };
  return { strategy: v, adaptive: { sampleRows: Math.ceil(num(SAMPLE_ROWS_KEY, DEFAULT_ADAPTIVE_LOCAL.sampleRows)), minRowsPerPartial: num(MIN_ROWS_PER_PARTIAL_KEY, DEFAULT_ADAPTIVE_LOCAL.minRowsPerPartial) } };
}

export type SourceSpec = Extract<OperatorSpec, { kind: 'source' }>;

/** The source reading a scan: the physical columns its outputs and watermark read. */
function sourceSpec(p: Extract<LogicalPlan, { kind: 'scan' }>): SourceSpec {
  const physical = sourceColumns(p.table);
  const used = new Set<number>();
  for (const e of p.outputs) referencedInputs(e, used);
  if (p.watermark !== undefined) referencedInputs(p.watermark, used);
  const readIndex = [...used].sort((a, b) => a - b);
  const pos = new Map(readIndex.map((old, i) => [old, i]));
  const meta = readableMetadata(p.table.options.get('connector'));
  // a metadata column is read in its metadata type (the scan's outputs cast it to the declared one)
  const typeOf = (i: number): DataType => {
    const c = physical[i]!;
    return c.kind === 'metadata' ? (meta?.get(metadataKey(c)) ?? c.type) : c.type;
  };
  const re = (e: BoundExpr): BoundExpr => remapInputs(e, (i) => ({ kind: 'input', index: pos.get(i)!, type: typeOf(i), name: physical[i]!.name }));
  const read = readIndex.map((i): SourceColumn => {
    const c = physical[i]!;
    return c.kind === 'metadata' ? { name: c.name, type: typeOf(i), nullable: true, metadata: metadataKey(c) } : { name: c.name, type: c.type, nullable: c.nullable };
  });
  return { kind: 'source', table: p.table, read, readIndex, outputs: p.outputs.map(re), watermark: p.watermark === undefined ? undefined : re(p.watermark), watermarkDelay: p.watermarkDelay };
}

/**
 * Builds the physical plan for one job: one or more roots. A root with `collect` set (a bare
 * SELECT) gets a collect operator that hands its rows to the client.
 */
export function buildPhysicalPlan(roots: readonly { readonly plan: LogicalPlan; readonly collect: boolean }[], opts: PlanOptions): PhysicalPlan {
  const nodes: PhysicalNode[] = [];
  const add = (spec: OperatorSpec, parallelism: number, inputs: PhysicalEdge[], schema: Schema, updating: boolean): number => {
    const id = nodes.length;
    nodes.push({ id, name: `${id}-${spec.kind}`, spec, parallelism, inputs, schema, updating });
    return id;
  };
  const P = opts.parallelism;
  const aggPhase = opts.aggPhase ?? { strategy: 'AUTO', adaptive: DEFAULT_ADAPTIVE_LOCAL };

  /**
   * A window aggregation in two phases (as Flink's local-global aggregation): a local
   * pre-aggregation chained to its input, a shuffle of the partial rows by key, a global
   * merge, and a calc giving the query's columns (AVG = merged SUM / merged COUNT). Only the
   * partial rows cross between subtasks. Used at every parallelism, so the plan and the state
   * layout do not depend on the parallelism (a checkpoint restores at another one).
   */
  const twoPhaseWindowAggregate = (p: Extract<LogicalPlan, { kind: 'window-aggregate' }>, input: number, inNode: PhysicalNode, parallelism: number): number => {
    const inSchema = inNode.schema;
    const k = p.groupKeys.length;
    const local: AggCall[] = [];
    const finals: ({ kind: 'one'; at: number } | { kind: 'avg'; sum: number; count: number; type: DataType })[] = [];
    const partial = (a: AggCall, fn: AggCall['fn'], type: DataType): number => {
      local.push({ ...a, fn, type, distinct: false });
      return local.length - 1;
    };
    for (const a of p.aggs) {
      if (a.fn === 'avg') {
        const argType = inSchema[a.args[0]!]!.type;
        const sumType = argType.kind === 'DECIMAL' ? { kind: 'DECIMAL' as const, precision: 38, scale: argType.scale ?? 0 } : argType;
        finals.push({ kind: 'avg', sum: partial(a, 'sum', sumType), count: partial(a, 'count', { kind: 'BIGINT' }), type: a.type });
      } else if (a.fn === 'udaf') {
        // the local part emits the accumulator itself (encoded text), the global part merges them
        local.push({ ...a, udf: { ...a.udf!, phase: 'partial' }, type: { kind: 'STRING' }, distinct: false });
        finals.push({ kind: 'one', at: local.length - 1 });
      } else finals.push({ kind: 'one', at: partial(a, a.fn, a.type) });
    }
    const records = local.length;
    local.push({ fn: 'count_star', args: [], distinct: false, filter: undefined, type: { kind: 'BIGINT' }, name: 'records' });
    const localSchema: Field[] = [
      ...p.groupKeys.map((g) => ({ ...inSchema[g]!, rowtime: false })),
      ...local.map((a, i) => ({ name: `$partial${i}`, type: a.type, nullable: true, rowtime: false })),
      { name: 'window_start', type: { kind: 'TIMESTAMP', precision: 3 }, nullable: false, rowtime: false },
      { name: 'window_end', type: { kind: 'TIMESTAMP', precision: 3 }, nullable: false, rowtime: false },
    ];
    // HOP in slices (as Flink's slicing windows): each row is aggregated once, into its slice,
    // rather than once per window; the global phase adds a slice into each of its windows.
    // Windows assigned upstream: each row already names its one window (no slices), and one
    // partial per window and subtask always pays (only used without grouping keys).
    const attached = p.attached;
    const sliced = attached === undefined && p.window.kind === 'hop' && p.window.size > p.window.slide && p.window.size % p.window.slide === 0;
    const adaptive = aggPhase.strategy === 'AUTO' && attached === undefined ? { adaptive: aggPhase.adaptive } : {};
    const localPhase: WindowPhase = attached !== undefined ? { kind: 'local', attached: { start: attached.start, end: attached.end } } : sliced ? { kind: 'local', sliced: true, ...adaptive } : { kind: 'local', ...adaptive };
    const localId = add({ kind: 'window-aggregate', window: p.window, timeIndex: p.timeIndex, keys: p.groupKeys, aggs: local, phase: localPhase }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], localSchema, false);
    // global: merge each partial column (counts add up: SUM0)
    const keys = p.groupKeys.map((_, i) => i);
    const global: AggCall[] = local.slice(0, records).map((a, i) => {
      const col = k + i;
      if (a.fn === 'udaf') return { fn: 'udaf', udf: { ...a.udf!, phase: 'merge' }, args: [col], distinct: false, filter: undefined, type: p.aggs.find((q) => q.udf?.key === a.udf!.key)!.type, name: a.name };
      const fn: AggCall['fn'] = a.fn === 'count' || a.fn === 'count_star' || a.fn === 'sum0' ? 'sum0' : a.fn;
      // FIRST_VALUE / LAST_VALUE / LISTAGG of the partials, in the order they arrive (a slice's
      // partials before a later slice's); LISTAGG joins them with the same separator
      return { fn, args: [col], distinct: false, filter: undefined, type: a.type, name: a.name, ...(a.separator !== undefined ? { separator: a.separator } : {}) };
    });
    const globalSchema: Field[] = [
      ...localSchema.slice(0, k),
      ...global.map((a, i) => ({ name: `$merged${i}`, type: a.type, nullable: true, rowtime: false })),
      ...p.schema.slice(p.schema.length - 3),
    ];
    // slices shared by their windows: only aggregates whose merge of slices gives exactly what
    // adding each partial to each window gives (no floating-point sums, no arrival order)
    const shared = sliced && global.every((a) => a.fn === 'min' || a.fn === 'max' || ((a.fn === 'sum0' || a.fn === 'sum') && (isIntegral(a.type) || a.type.kind === 'DECIMAL')));
    const phase: WindowPhase = { kind: 'global', start: k + local.length, end: k + local.length + 1, records: k + records, ...(sliced ? { sliced: true } : {}), ...(shared ? { shared: true } : {}) };
    const globalId = add({ kind: 'window-aggregate', window: p.window, timeIndex: -1, keys, aggs: global, phase }, parallelism, [{ from: localId, partitioning: exchange(keys, inNode.parallelism, parallelism) }], globalSchema, false);
    // the query's columns: keys, aggregates, window_start, window_end, window_time
    const ref = (i: number): BoundExpr => ({ kind: 'input', index: i, type: globalSchema[i]!.type, name: globalSchema[i]!.name });
    const projection: BoundExpr[] = [
      ...keys.map(ref),
      ...finals.map((f): BoundExpr => (f.kind === 'one' ? ref(k + f.at) : { kind: 'call', fn: 'div', args: [ref(k + f.sum), ref(k + f.count)], type: f.type })),
      ref(globalSchema.length - 3),
      ref(globalSchema.length - 2),
      ref(globalSchema.length - 1),
    ];
    return add({ kind: 'calc', predicate: undefined, projection }, parallelism, [{ from: globalId, partitioning: { kind: 'forward' } }], p.schema, false);
  };

  // Common sub-plan reuse: a sub-tree whose digest was planned before is not planned again;
  // its consumers read the node planned the first time (one more outgoing edge).
  const reuse = opts.reuse ?? { subPlan: false, source: false };
  const digests = new PlanDigests();
  const shared = sharedDigests(roots.map((r) => r.plan), reuse, digests);
  const planned = new Map<string, number>();
  const isShared = (q: LogicalPlan): boolean => isReusable(q, reuse) && shared.has(digests.of(q));
  const plan = (p: LogicalPlan): number => {
    if (!isReusable(p, reuse)) return planNode(p);
    const d = digests.of(p);
    const hit = planned.get(d);
    if (hit !== undefined) return hit;
    const id = planNode(p);
    planned.set(d, id);
    return id;
  };

  const planNode = (p: LogicalPlan): number => {
    switch (p.kind) {
      case 'scan':
        return add(sourceSpec(p), P, [], p.schema, isUpdating(p));
      case 'values':
        return add({ kind: 'values', rows: p.rows }, 1, [], p.schema, false);
      case 'project':
      case 'filter': {
        // Fuse a chain of filters and projections into one calc (projections are 1:1).
        let predicate: BoundExpr | undefined;
        let projection: BoundExpr[] | undefined;
        let q: LogicalPlan = p;
        const layers: LogicalPlan[] = [];
        // (a shared layer below the top is planned on its own, so its consumers can read it)
        // (and a projection computing a random value (RAND, UUID) below another layer is too: the
        // layers above read its value instead of computing it again, as Flink does)
        while ((q.kind === 'project' || q.kind === 'filter') && (q === p || (!isShared(q) && !(q.kind === 'project' && q.exprs.some(isNondeterministic))))) {
          layers.push(q);
          q = q.input;
        }
        const input = plan(q);
        // walk bottom-up, keeping expressions over `q`'s output
        for (let i = layers.length - 1; i >= 0; i--) {
          const l = layers[i]!;
          const sub = (e: BoundExpr): BoundExpr => (projection === undefined ? e : remapInputs(e, (j) => projection![j]!));
          if (l.kind === 'filter') {
            const pr = sub(l.predicate);
            predicate = predicate === undefined ? pr : { kind: 'call', fn: 'and', args: [predicate, pr], type: pr.type };
          } else if (l.kind === 'project') {
            projection = l.exprs.map(sub);
          }
        }
        let inNode = nodes[input]!;
        if (predicate !== undefined && inNode.spec.kind === 'source' && !isShared(q)) {
          const prune = partitionPredicate(inNode.spec, predicate);
          if (prune !== undefined) nodes[input] = inNode = { ...inNode, spec: { ...inNode.spec, partitionFilter: prune } };
        }
        if (projection !== undefined && projection.length === inNode.schema.length && projection.every((e, i) => e.kind === 'input' && e.index === i)) projection = undefined;
        if (predicate === undefined && projection === undefined) return input;
        return add({ kind: 'calc', predicate, projection }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], p.schema, inNode.updating);
      }
      case 'correlate': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        return add({ kind: 'correlate', fn: p.fn, name: p.name, args: p.args, joinType: p.joinType }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], p.schema, inNode.updating);
      }
      case 'window-tvf': {
        if (p.window.kind === 'session') throw planError('a SESSION window must be aggregated (GROUP BY window_start, window_end, ...)', undefined, 'Flink has the same rule: session windows exist only inside a window aggregation');
        const input = plan(p.input);
        const inNode = nodes[input]!;
        if (inNode.updating) throw planError('window functions over an updating input are not supported', undefined, 'apply the window to an append-only table');
        return add({ kind: 'window-tvf', window: p.window, timeIndex: p.timeIndex }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], p.schema, false);
      }
      case 'window-aggregate': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        const parallelism = p.groupKeys.length === 0 ? 1 : P;
        if (inNode.updating) {
          // As Flink (1.19+, FLINK-20281): TUMBLE, HOP and CUMULATE aggregate a changelog; -U/-D
          // rows retract from their windows, and the result stays append-only (final rows at the
          // watermark). SESSION windows too (the legacy GROUP BY SESSION and the SESSION TVF, as
          // Flink's GroupWindowAggregate and WindowAggregate with needRetraction): a -U/-D row
          // merges into sessions like an insert and retracts there; sessions only grow.
          if (p.window.kind === 'session') {
            const unmergeableU = p.aggs.find((a) => a.fn === 'udaf' && !a.udf!.mergeable);
            if (unmergeableU !== undefined) {
              throw planError(`the aggregate function ${unmergeableU.udf!.name} has no merge, which a SESSION window needs (sessions merge when a row bridges them)`, undefined, 'export merge(acc, accs) from its module');
            }
          }
          if (p.attached !== undefined) throw planError('a window aggregation over windows assigned upstream of an updating input is not supported', undefined, 'apply TUMBLE, HOP or CUMULATE directly to the changelog table');
          // one phase: retracting partial rows of a local phase is not built (results are the same)
          const partitioning = exchange(p.groupKeys, inNode.parallelism, parallelism);
          return add({ kind: 'window-aggregate', window: p.window, timeIndex: p.timeIndex, keys: p.groupKeys, aggs: p.aggs, phase: { kind: 'single' }, inputUpdating: true }, parallelism, [{ from: input, partitioning }], p.schema, false);
        }
        const unmergeable = p.aggs.find((a) => a.fn === 'udaf' && !a.udf!.mergeable);
        if (p.window.kind === 'session' && unmergeable !== undefined) {
          throw planError(`the aggregate function ${unmergeable.udf!.name} has no merge, which a SESSION window needs (sessions merge when a row bridges them)`, undefined, 'export merge(acc, accs) from its module');
        }
        // (ARRAY_AGG and COLLECT have no partial form here: its global phase would nest the local arrays; nor
        // JSON_OBJECTAGG / JSON_ARRAYAGG: the global phase would quote the local JSON text)
        // a user-defined aggregate pre-aggregates in two phases only when it can merge accumulators
        // 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE' forces one phase, as in Flink
        // Without grouping keys (one group per window, aggregated by one subtask) two phases
        // also over windows assigned upstream (q5's highest count per window): each subtask
        // folds its rows of a window into one partial row, so a few rows reach the one global
        // subtask instead of every row.
        const two = aggPhase.strategy !== 'ONE_PHASE' && p.window.kind !== 'session' && (p.attached === undefined || p.groupKeys.length === 0) && p.aggs.every((a) => !a.distinct && a.fn !== 'array_agg' && a.fn !== 'collect' && a.fn !== 'json_objectagg' && a.fn !== 'json_arrayagg') && unmergeable === undefined;
        if (!two) {
          const partitioning = exchange(p.groupKeys, inNode.parallelism, parallelism);
          const phase: WindowPhase = p.attached !== undefined ? { kind: 'attached', start: p.attached.start, end: p.attached.end } : { kind: 'single' };
          return add({ kind: 'window-aggregate', window: p.window, timeIndex: p.timeIndex, keys: p.groupKeys, aggs: p.aggs, phase }, parallelism, [{ from: input, partitioning }], p.schema, false);
        }
        return twoPhaseWindowAggregate(p, input, inNode, parallelism);
      }
      case 'aggregate': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        const parallelism = p.groupKeys.length === 0 ? 1 : P;
        const ttl = p.stateTtl !== undefined ? { stateTtlMs: p.stateTtl } : {};
        // Two phases (as Flink's local-global aggregation, the mini-batch being one input
        // batch) over an append-only input whose aggregates merge: a local pre-aggregation
        // chained to the input, only partial rows cross the exchange. Used at every parallelism,
        // so the plan and the state layout do not depend on it.
        if (aggPhase.strategy !== 'ONE_PHASE' && !inNode.updating && p.aggs.length > 0 && p.aggs.every(locallyAggregatable)) {
          const k = p.groupKeys.length;
          const inSchema = inNode.schema;
          const localSchema: Field[] = [...p.groupKeys.map((g) => ({ ...inSchema[g]!, rowtime: false })), ...p.aggs.map((a, i) => ({ name: `$partial${i}`, type: a.type, nullable: true, rowtime: false }))];
          const keys = p.groupKeys.map((_, i) => i);
          const shuffle = exchange(keys, inNode.parallelism, parallelism);
          const localId = add({ kind: 'local-group-aggregate', keys: p.groupKeys, aggs: p.aggs, ...(aggPhase.strategy === 'AUTO' ? { adaptive: aggPhase.adaptive } : {}), ...(shuffle.kind === 'forward' ? { unshuffled: true } : {}) }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], localSchema, false);
          // COUNT merges as a SUM0 of partial counts; SUM, SUM0, MIN and MAX as themselves
          const global: AggCall[] = p.aggs.map((a, i) => ({ fn: a.fn === 'count' || a.fn === 'count_star' ? 'sum0' : a.fn, args: [k + i], distinct: false, filter: undefined, type: a.type, name: a.name }));
          return add({ kind: 'group-aggregate', keys, aggs: global, inputUpdating: false, global: true, ...ttl }, parallelism, [{ from: localId, partitioning: shuffle }], p.schema, true);
        }
        const partitioning = exchange(p.groupKeys, inNode.parallelism, parallelism);
        return add({ kind: 'group-aggregate', keys: p.groupKeys, aggs: p.aggs, inputUpdating: inNode.updating, ...ttl }, parallelism, [{ from: input, partitioning }], p.schema, true);
      }
      case 'join': {
        if (p.strategy.kind === 'lookup') {
          const left = plan(p.left);
          const ln = nodes[left]!;
          if (p.right.kind === 'scan' && p.right.table.options.get('connector') !== 'jdbc') {
            // a bounded file: the operator reads the table itself when it opens
            if (p.joinType !== 'inner' && p.joinType !== 'left') throw internalError('a lookup join reads a table scan, INNER or LEFT');
            const spec: OperatorSpec = { kind: 'file-lookup-join', joinType: p.joinType, leftKeys: p.leftKeys, rightKeys: p.rightKeys, nullSafe: p.nullSafe, condition: p.condition, lookup: sourceSpec(p.right) };
            return add(spec, ln.parallelism, [{ from: left, partitioning: { kind: 'forward' } }], p.schema, ln.updating);
          }
          // the table's scan, under projections that only pick its columns (source reuse merges
          // scans of one table and projects each use's columns out of the shared one)
          let r = p.right;
          let pick = r.schema.map((_, i) => i);
          while (r.kind === 'project' && r.exprs.every((e) => e.kind === 'input')) {
            const exprs = r.exprs;
            pick = pick.map((i) => (exprs[i] as { index: number }).index);
            r = r.input;
          }
          if (r.kind !== 'scan' || (p.joinType !== 'inner' && p.joinType !== 'left')) throw planError('a lookup join reads a jdbc table directly, with INNER or LEFT JOIN');
          const scan = r;
          const physical = scan.table.columns.filter((c) => c.kind === 'physical');
          const columns = pick.map((o, i) => {
            const e = scan.outputs[o]!;
            if (e.kind !== 'input') throw planError(`lookup join: column '${p.right.schema[i]!.name}' of ${scan.table.name} is a computed column, which a lookup cannot read`, scan.table.span, 'select physical columns of the lookup table only');
            const c = physical[e.index]!;
            return { name: c.name, type: p.right.schema[i]!.type, nullable: true };
          });
          const spec: OperatorSpec = { kind: 'lookup-join', table: scan.table, joinType: p.joinType, leftKeys: p.leftKeys, rightKeys: p.rightKeys, columns, condition: p.condition, leftUpdating: ln.updating };
          return add(spec, ln.parallelism, [{ from: left, partitioning: { kind: 'forward' } }], p.schema, ln.updating);
        }
        const left = plan(p.left);
        const right = plan(p.right);
        const ln = nodes[left]!;
        const rn = nodes[right]!;
        // Both inputs are partitioned by the join key, so matching rows meet in one subtask;
        // without equi-keys everything meets in a single subtask.
        const parallelism = p.leftKeys.length === 0 ? 1 : P;
        const edges: PhysicalEdge[] = [
          { from: left, partitioning: exchange(p.leftKeys, ln.parallelism, parallelism) },
          { from: right, partitioning: exchange(p.rightKeys, rn.parallelism, parallelism) },
        ];
        const spec: OperatorSpec = {
          kind: 'join',
          joinType: p.joinType,
          leftKeys: p.leftKeys,
          rightKeys: p.rightKeys,
          nullSafe: p.nullSafe,
          condition: p.condition,
          strategy: p.strategy,
          leftUpdating: ln.updating,
          rightUpdating: rn.updating,
          ...(p.stateTtl?.left !== undefined ? { leftTtlMs: p.stateTtl.left } : {}),
          ...(p.stateTtl?.right !== undefined ? { rightTtlMs: p.stateTtl.right } : {}),
        };
        return add(spec, parallelism, edges, p.schema, joinIsUpdating(p.joinType, p.strategy, ln.updating, rn.updating));
      }
      case 'rank': {
        if (p.range === undefined) {
          const f = rankFunctionName(p.fn);
          throw planError(`${f}() OVER (...) on a stream needs a filter on the rank in an outer query`, p.span, `a Top-N: SELECT * FROM (SELECT *, ${f}() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 10`);
        }
        const input = plan(p.input);
        const inNode = nodes[input]!;
        const parallelism = p.partitionKeys.length === 0 ? 1 : P;
        const partitioning = exchange(p.partitionKeys, inNode.parallelism, parallelism);
        const spec: OperatorSpec = { kind: 'rank', fn: p.fn, partitionKeys: p.partitionKeys, orderKeys: p.orderKeys, range: p.range, outputRank: p.outputRank, strategy: p.strategy, inputUpdating: inNode.updating };
        return add(spec, parallelism, [{ from: input, partitioning }], p.schema, rankIsUpdating(p.strategy, inNode.updating));
      }
      case 'over-aggregate': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        const parallelism = p.partitionKeys.length === 0 ? 1 : P;
        const partitioning = exchange(p.partitionKeys, inNode.parallelism, parallelism);
        // the binder lets a plain TIMESTAMP order the window only over an updating input
        if (!inNode.updating && !p.input.schema[p.timeIndex]!.rowtime) throw internalError(`OVER ordered by ${p.input.schema[p.timeIndex]!.name}, not a time attribute, over an append-only input`);
        // over an updating input (beyond Flink): an updating result, emitted at once
        return add({ kind: 'over-aggregate', partitionKeys: p.partitionKeys, timeIndex: p.timeIndex, frame: p.frame, calls: p.calls, inputUpdating: inNode.updating }, parallelism, [{ from: input, partitioning }], p.schema, inNode.updating);
      }
      case 'sort': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        if (inNode.updating) throw planError('ORDER BY over an updating input (a changelog) is not supported', undefined, 'a temporal sort needs an append-only input');
        return add({ kind: 'temporal-sort', keys: p.keys }, 1, [{ from: input, partitioning: exchange([], inNode.parallelism, 1) }], p.schema, false);
      }
      case 'match-recognize': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        if (inNode.updating) throw planError('MATCH_RECOGNIZE over an updating input (a changelog) is not supported', undefined, 'as in Flink, match rows of an append-only stream (not the result of a GROUP BY without a window, say)');
        const parallelism = p.partitionKeys.length === 0 ? 1 : P;
        const partitioning = exchange(p.partitionKeys, inNode.parallelism, parallelism);
        return add({ kind: 'match-recognize', partitionKeys: p.partitionKeys, timeIndex: p.timeIndex, orderKeys: p.orderKeys, spec: p.spec }, parallelism, [{ from: input, partitioning }], p.schema, false);
      }
      case 'limit': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        if (inNode.updating) throw planError('LIMIT over an updating input (a changelog) is not supported', undefined, 'LIMIT takes the first rows of an append-only stream; for the top rows of an updating result use a Top-N query (ROW_NUMBER() OVER (ORDER BY ...) <= n)');
        return add({ kind: 'limit', offset: p.offset, fetch: p.fetch }, 1, [{ from: input, partitioning: exchange([], inNode.parallelism, 1) }], p.schema, false);
      }
      case 'union': {
        const inputs = p.inputs.map(plan);
        const par = Math.max(...inputs.map((i) => nodes[i]!.parallelism));
        const edges: PhysicalEdge[] = inputs.map((i) => ({ from: i, partitioning: nodes[i]!.parallelism === par ? { kind: 'forward' } : { kind: 'hash', keys: p.schema.map((_, j) => j) } }));
        return add({ kind: 'union' }, par, edges, p.schema, inputs.some((i) => nodes[i]!.updating));
      }
      case 'unnest': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        return add({ kind: 'unnest', exprs: p.exprs, ordinality: p.ordinality, outer: p.outer }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], p.schema, inNode.updating);
      }
      case 'sink': {
        const input = plan(p.input);
        const inNode = nodes[input]!;
        // a filesystem sink that commits partitions runs as one subtask, as Flink's single
        // partition committer: it alone knows when every file of a partition is committed
        if ((p.table.partitionKeys?.length ?? 0) > 0 && p.table.options.has('sink.partition-commit.policy.kind') && inNode.parallelism > 1) {
          return add({ kind: 'sink', table: p.table }, 1, [{ from: input, partitioning: exchange([], inNode.parallelism, 1) }], p.schema, inNode.updating);
        }
        // a jdbc upsert sink gets each key's changes on one subtask, in order (Flink shuffles
        // by the primary key before an upsert sink): two subtasks never write one key
        const pk = p.table.options.get('connector') === 'jdbc' ? (p.table.primaryKey ?? []).map((k) => p.schema.findIndex((f) => f.name.toLowerCase() === k.toLowerCase())) : [];
        if (pk.length > 0 && pk.every((i) => i >= 0) && inNode.parallelism > 1) {
          return add({ kind: 'sink', table: p.table }, inNode.parallelism, [{ from: input, partitioning: { kind: 'hash', keys: pk } }], p.schema, inNode.updating);
        }
        return add({ kind: 'sink', table: p.table }, inNode.parallelism, [{ from: input, partitioning: { kind: 'forward' } }], p.schema, inNode.updating);
      }
      default:
        return assertNever(p, 'plan node');
    }
  };

  for (const r of roots) {
    const id = plan(r.plan);
    if (r.collect) {
      const n = nodes[id]!;
      // The client receives rows in one place: gather to a single subtask.
      add({ kind: 'collect' }, 1, [{ from: id, partitioning: n.parallelism === 1 ? { kind: 'forward' } : { kind: 'single' } }], n.schema, n.updating);
    }
  }
  const timeDomain = timeDomainOf(roots.map((r) => r.plan));
  return { nodes, maxParallelism: opts.maxParallelism, ...(timeDomain === 'processing' ? { timeDomain } : {}) };
}

/** The random functions: every evaluation differs (the clock functions and PROCTIME keep their plans). */
const RANDOM_FUNCTIONS = new Set(['rand', 'rand_integer', 'uuid']);

/** Whether `e` calls a random function (RAND, RAND_INTEGER, UUID). */
function isNondeterministic(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'call':
      return RANDOM_FUNCTIONS.has(e.fn) || e.args.some(isNondeterministic);
    case 'cast':
      return isNondeterministic(e.operand);
    case 'case':
      return e.whens.some((w) => isNondeterministic(w.cond) || isNondeterministic(w.then)) || isNondeterministic(e.else);
    default:
      return false;
  }
}

/** Functions a partition filter may use: deterministic, and with no state. */
const PRUNING_FUNCTIONS = new Set(['and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'is_null', 'is_not_null', 'is_true', 'is_false', 'is_not_true', 'is_not_false', 'is_distinct_from', 'is_not_distinct_from', 'like', 'in_list', 'add', 'sub', 'mul', 'neg', 'concat', 'upper', 'lower']);

function prunable(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'input':
    case 'const':
      return true;
    case 'call':
      return PRUNING_FUNCTIONS.has(e.fn) && e.args.every(prunable);
    case 'cast':
      return prunable(e.operand);
    case 'case':
      return e.whens.every((w) => prunable(w.cond) && prunable(w.then)) && prunable(e.else);
  }
}

/** The part of a filter over a partitioned filesystem scan's outputs that reads partition columns only, over the partition keys. */
function partitionPredicate(spec: Extract<OperatorSpec, { kind: 'source' }>, predicate: BoundExpr): BoundExpr | undefined {
  const keys = spec.table.partitionKeys ?? [];
  if (keys.length === 0 || spec.table.options.get('connector') !== 'filesystem') return undefined;
  const physical = sourceColumns(spec.table);
  const keyOf = (output: number): number => {
    const e = spec.outputs[output];
    if (e?.kind !== 'input') return -1;
    return keys.indexOf(physical[spec.readIndex[e.index]!]!.name);
  };
  const conjuncts: BoundExpr[] = [];
  const split = (e: BoundExpr): void => {
    if (e.kind === 'call' && e.fn === 'and') e.args.forEach(split);
    else conjuncts.push(e);
  };
  split(predicate);
  const kept = conjuncts.filter((c) => prunable(c) && [...referencedInputs(c)].every((j) => keyOf(j) >= 0));
  if (kept.length === 0) return undefined;
  const remapped = kept.map((c) => remapInputs(c, (j) => ({ kind: 'input', index: keyOf(j), type: spec.outputs[j]!.type, name: keys[keyOf(j)]! })));
  return remapped.reduce((a, b) => ({ kind: 'call', fn: 'and', args: [a, b], type: b.type }));
}

function exchange(keys: readonly number[], upstream: number, downstream: number): Partitioning {
  if (keys.length === 0) return upstream === 1 && downstream === 1 ? { kind: 'forward' } : { kind: 'single' };
  if (upstream === 1 && downstream === 1) return { kind: 'forward' };
  return { kind: 'hash', keys };
}

// ---------------------------------------------------------------------------------------
// EXPLAIN and fingerprint

export function describeSpec(n: PhysicalNode, nodes: readonly PhysicalNode[]): string {
  const s = n.spec;
  const inNames = (): string[] => (n.inputs[0] ? nodes[n.inputs[0].from]!.schema.map((f) => f.name) : []);
  switch (s.kind) {
    case 'source':
      return `Source(table=${s.table.name}, connector=${s.table.options.get('connector')}, read=[${s.read.map((c) => c.name).join(', ')}]${s.watermark ? `, watermark=${exprToString(s.watermark, s.read.map((c) => c.name))}` : ''}${s.partitionFilter ? `, partitions=[${exprToString(s.partitionFilter, s.table.partitionKeys ?? [])}]` : ''})`;
    case 'values':
      return `Values(rows=${s.rows.length})`;
    case 'calc': {
      const names = inNames();
      const parts: string[] = [];
      if (s.predicate) parts.push(`where=${exprToString(s.predicate, names)}`);
      if (s.projection) parts.push(`select=[${s.projection.map((e, i) => {
        const t = exprToString(e, names);
        return t === n.schema[i]!.name ? t : `${t} AS ${n.schema[i]!.name}`;
      }).join(', ')}]`);
      return `Calc(${parts.join(', ')})`;
    }
    case 'window-tvf':
      return `WindowTableFunction(${describeWindow(s.window)}, time=${inNames()[s.timeIndex]})`;
    case 'unnest':
      return describeUnnest(s.exprs, s.ordinality, s.outer, inNames());
    case 'correlate':
      return `Correlate(${s.name}(${s.args.map((a) => exprToString(a, inNames())).join(', ')}), joinType=${s.joinType}, columns=[${n.schema.slice(n.schema.length - (n.schema.length - nodes[n.inputs[0]!.from]!.schema.length)).map((f) => f.name).join(', ')}])`;
    case 'window-aggregate': {
      const names = inNames();
      const what = s.phase.kind === 'local' ? 'LocalWindowAggregate' : s.phase.kind === 'global' ? 'GlobalWindowAggregate' : 'WindowAggregate';
      const bounds = s.phase.kind === 'attached' ? s.phase : s.phase.kind === 'local' ? s.phase.attached : undefined;
      let time = s.phase.kind === 'global' ? '' : bounds !== undefined ? `, window=[${names[bounds.start]}, ${names[bounds.end]}]` : `, time=${names[s.timeIndex]}`;
      if ((s.phase.kind === 'local' || s.phase.kind === 'global') && s.phase.sliced === true && s.window.kind === 'hop') time = `, slices=${formatTtl(s.window.slide)}${s.phase.kind === 'global' && s.phase.shared === true ? ', shared' : ''}${time}`;
      // the local phase's strategy: adaptive (may pass rows straight through) or always pre-aggregating
      const adaptive = s.phase.kind === 'local' ? (s.phase.adaptive !== undefined ? ', preAggregate=ADAPTIVE' : ', preAggregate=ALWAYS') : '';
      return `${what}(${describeWindow(s.window)}${time}, groupBy=[${s.keys.map((k) => names[k]).join(', ')}], aggs=[${s.aggs.map((a) => aggToString(a, names)).join(', ')}]${s.inputUpdating === true ? ', consumes retractions' : ''}${adaptive})`;
    }
    case 'group-aggregate': {
      const names = inNames();
      return `${s.global === true ? 'GlobalGroupAggregate' : 'GroupAggregate'}(groupBy=[${s.keys.map((k) => names[k]).join(', ')}], aggs=[${s.aggs.map((a) => aggToString(a, names)).join(', ')}]${s.inputUpdating ? ', consumes retractions' : ''}${s.stateTtlMs !== undefined ? `, stateTtl=${formatTtl(s.stateTtlMs)}` : ''})`;
    }
    case 'local-group-aggregate': {
      const names = inNames();
      return `LocalGroupAggregate(groupBy=[${s.keys.map((k) => names[k]).join(', ')}], aggs=[${s.aggs.map((a) => aggToString(a, names)).join(', ')}], preAggregate=${s.adaptive === undefined ? 'ALWAYS' : s.unshuffled === true ? 'ADAPTIVE (no shuffle: passes rows on)' : 'ADAPTIVE'})`;
    }
    case 'join': {
      const l = nodes[n.inputs[0]!.from]!.schema.map((f) => f.name);
      const r = nodes[n.inputs[1]!.from]!.schema.map((f) => f.name);
      const updating = [s.leftUpdating ? 'left' : '', s.rightUpdating ? 'right' : ''].filter((x) => x !== '');
      let d = describeJoin(s.joinType, s.strategy, s.leftKeys, s.rightKeys, s.nullSafe, s.condition, l, r);
      if (updating.length > 0) d = `${d.slice(0, -1)}, consumes retractions from ${updating.join(' and ')})`;
      if (s.leftTtlMs !== undefined || s.rightTtlMs !== undefined) {
        const ttl = [s.leftTtlMs !== undefined ? `left=${formatTtl(s.leftTtlMs)}` : '', s.rightTtlMs !== undefined ? `right=${formatTtl(s.rightTtlMs)}` : ''].filter((x) => x !== '');
        d = `${d.slice(0, -1)}, stateTtl=[${ttl.join(', ')}])`;
      }
      return d;
    }
    case 'lookup-join': {
      const l = inNames();
      const keys = s.leftKeys.map((k, i) => `${l[k]} = ${s.columns[s.rightKeys[i]!]!.name}`);
      return `LookupJoin(table=${s.table.name}, type=${s.joinType.toUpperCase()}, keys=[${keys.join(', ')}], columns=[${s.columns.map((c) => c.name).join(', ')}]${s.condition ? `, where=${exprToString(s.condition, [...l, ...s.columns.map((c) => c.name)])}` : ''})`;
    }
    case 'file-lookup-join': {
      const l = nodes[n.inputs[0]!.from]!.schema.map((f) => f.name);
      const r = n.schema.slice(l.length).map((f) => f.name);
      const d = describeJoin(s.joinType, { kind: 'lookup' }, s.leftKeys, s.rightKeys, s.nullSafe, s.condition, l, r);
      return `${d.slice(0, -1)}, table=${s.lookup.table.name}, connector=${s.lookup.table.options.get('connector')}, read=[${s.lookup.read.map((c) => c.name).join(', ')}])`;
    }
    case 'rank': {
      const d = describeRank(s.fn, s.partitionKeys, s.orderKeys, s.range, s.outputRank, s.strategy, inNames());
      return s.inputUpdating ? `${d.slice(0, -1)}, consumes retractions)` : d;
    }
    case 'over-aggregate':
      return describeOver(s.partitionKeys, s.timeIndex, s.frame, s.calls, inNames(), s.inputUpdating);
    case 'temporal-sort':
      return `TemporalSort(orderBy=[${describeSortKeys(s.keys, inNames())}])`;
    case 'match-recognize':
      return describeMatch(s.partitionKeys, s.timeIndex, s.spec, inNames());
    case 'limit':
      return `Limit(${s.offset > 0 ? `offset=${s.offset}, ` : ''}fetch=${s.fetch})`;
    case 'union':
      return 'Union';
    case 'sink':
      return `Sink(table=${s.table.name}, connector=${s.table.options.get('connector')}${s.table.options.get('format') ? `, format=${s.table.options.get('format')}` : ''})`;
    case 'collect':
      return 'Collect(result to client)';
    default:
      return assertNever(s, 'operator');
  }
}

function describeEdge(e: PhysicalEdge, nodes: readonly PhysicalNode[]): string {
  switch (e.partitioning.kind) {
    case 'forward':
      return 'FORWARD';
    case 'single':
      return 'SINGLE';
    case 'hash': {
      const names = nodes[e.from]!.schema.map((f) => f.name);
      return `HASH[${e.partitioning.keys.map((k) => names[k]).join(', ')}]`;
    }
  }
}

/** The physical plan as text; with `changelogMode`, each node's mode as Flink prints it (`changelogMode=[I,D]`). */
export function explainPhysical(plan: PhysicalPlan, opts: { readonly changelogMode?: boolean } = {}): string {
  const lines: string[] = [];
  const modes = opts.changelogMode === true ? changelogModes(plan) : undefined;
  // a node read by several operators is a reused (shared) sub-plan: planned and run once
  const readers = new Map<number, number[]>();
  for (const n of plan.nodes) for (const e of n.inputs) readers.set(e.from, [...(readers.get(e.from) ?? []), n.id]);
  if (plan.timeDomain === 'processing') lines.push('(processing time: the sources emit the clock as their watermark, not their WATERMARK clauses)');
  for (const n of plan.nodes) {
    const ins = n.inputs.map((e) => `${e.from} via ${describeEdge(e, plan.nodes)}`).join(', ');
    const mode = modes === undefined ? (n.updating ? '  (changelog)' : '') : `  changelogMode=${modes.get(n.id)!}`;
    const by = readers.get(n.id) ?? [];
    const reused = by.length > 1 ? `  reused by [${by.join(', ')}]` : '';
    lines.push(`[${n.id}] ${describeSpec(n, plan.nodes)}  parallelism=${n.parallelism}${ins ? `  <- ${ins}` : ''}${mode}${reused}`);
    lines.push(`      schema: ${n.schema.map((f) => `${f.name} ${typeToString(f.type)}${f.rowtime ? ' *ROWTIME*' : f.proctime === true ? ' *PROCTIME*' : ''}`).join(', ')}`);
  }
  return lines.join('\n');
}

/** A hash of what determines the layout of state: operators, keys, aggregates, windows. */
export function planFingerprint(plan: PhysicalPlan): string {
  const h = createHash('sha256');
  for (const n of plan.nodes) {
    const s = n.spec;
    h.update(`${n.name}|${n.schema.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}|`);
    switch (s.kind) {
      case 'window-aggregate':
        h.update(`${JSON.stringify(s.window)}|${s.phase.kind}${s.phase.kind === 'local' && s.phase.attached !== undefined ? '-attached' : ''}|${s.keys.join(',')}|${s.aggs.map((a) => `${a.fn}/${a.distinct}/${a.args}/${a.filter}`).join(';')}${s.inputUpdating === true ? '|retract' : ''}${s.phase.kind === 'global' && s.phase.shared === true ? '|shared-slices' : ''}`);
        break;
      case 'group-aggregate':
        h.update(`${s.keys.join(',')}|${s.aggs.map((a) => `${a.fn}/${a.distinct}/${a.args}/${a.filter}`).join(';')}${s.global === true ? '|global' : ''}`);
        break;
      case 'local-group-aggregate':
        h.update(`${s.keys.join(',')}|${s.aggs.map((a) => `${a.fn}/${a.distinct}/${a.args}/${a.filter}`).join(';')}`);
        break;
      case 'calc':
        h.update(`${s.predicate ? exprKey(s.predicate) : ''}|${s.projection?.map(exprKey).join(',') ?? ''}`);
        break;
      case 'unnest':
        h.update(`${s.exprs.map(exprKey).join(',')}|${s.ordinality}|${s.outer}`);
        break;
      case 'join':
        h.update(`${s.joinType}|${JSON.stringify(s.strategy)}|${s.leftKeys.join(',')}|${s.rightKeys.join(',')}|${s.nullSafe.join(',')}|${s.condition ? exprKey(s.condition) : ''}`);
        break;
      case 'lookup-join':
        h.update(`${s.table.name}|${s.joinType}|${s.leftKeys.join(',')}|${s.rightKeys.join(',')}|${s.columns.map((c) => c.name).join(',')}|${s.condition ? exprKey(s.condition) : ''}`);
        break;
      case 'file-lookup-join':
        h.update(`${s.joinType}|${s.leftKeys.join(',')}|${s.rightKeys.join(',')}|${s.nullSafe.join(',')}|${s.condition ? exprKey(s.condition) : ''}|${s.lookup.table.name}|${s.lookup.read.map((c) => c.name).join(',')}`);
        break;
      case 'rank':
        h.update(`${s.fn}|${s.partitionKeys.join(',')}|${JSON.stringify(s.orderKeys)}|${s.range.start}-${s.range.end}|${s.outputRank}|${JSON.stringify(s.strategy)}`);
        break;
      case 'over-aggregate':
        h.update(`${s.partitionKeys.join(',')}|${s.timeIndex}|${JSON.stringify(s.frame)}|${s.calls.map((c) => `${c.fn}/${c.args}/${c.offset}`).join(';')}${s.inputUpdating ? '|updating' : ''}`);
        break;
      case 'temporal-sort':
        h.update(JSON.stringify(s.keys));
        break;
      case 'match-recognize':
        h.update(JSON.stringify([s.partitionKeys, s.timeIndex, s.orderKeys, s.spec], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
        break;
      case 'limit':
        h.update(`${s.offset}|${s.fetch}`);
        break;
      case 'source':
        h.update(`${s.table.name}|${s.read.map((c) => c.name).join(',')}`);
        break;
      case 'sink':
        h.update(s.table.name);
        break;
      default:
        break;
    }
    // Edges by input only: forward vs hash depends on the parallelism, which may change on restore.
    h.update(`<${n.inputs.map((e) => e.from).join(',')}>`);
  }
  return h.digest('hex').slice(0, 16);
}

/** A TTL for EXPLAIN: `1h`, `30min`, `1500ms`; `0ms` keeps state forever. */
export function formatTtl(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
