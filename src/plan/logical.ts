// The logical plan: a closed union of relational nodes over bound expressions. Every pass
// (pruning, window-aggregate detection, physical planning, the DuckDB translation) switches
// over `kind` and ends in assertNever, so a new node does not compile until every pass
// handles it.

import type { Scalar } from '../common/batch.js';
import { assertNever } from '../common/errors.js';
import type { Span } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { typeToString } from '../common/types.js';
import type { TableDef } from '../catalog/catalog.js';
import type { BoundExpr } from '../expr/bound.js';
import { exprToString } from '../expr/bound.js';
import type { MatchRecognizeNode } from './match.js';
import { describeMatch } from './match.js';

export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** An event-time attribute: watermarks hold for it, windows may use it. */
  readonly rowtime: boolean;
  /**
   * A processing-time attribute (PROCTIME()): windows and deduplication may order by it. Its
   * values are materialised where PROCTIME() is evaluated, and a job that uses one runs on
   * processing-time watermarks (exec/source-task.ts).
   */
  readonly proctime?: boolean;
  /** Table name or alias this field can be qualified with. */
  readonly qualifier?: string | undefined;
  /** Was a time attribute before a regular join (for the message when a window needs one). */
  readonly joinDroppedRowtime?: boolean;
}

export type Schema = readonly Field[];

/** Window assignment, times in milliseconds. */
/**
 * `zone`: set when the time attribute is a TIMESTAMP_LTZ, to the session zone's id. Windows
 * are then cut on the local date-time of each instant in that zone (a day window is a local
 * day, 23 or 25 hours long across a DST switch), window_start/window_end are local TIMESTAMPs
 * and window_time is the TIMESTAMP_LTZ instant of window_end - 1 (the later one when that
 * local time occurs twice), as Flink's TimeWindowUtil does.
 */
export type WindowSpec =
  | { readonly kind: 'tumble'; readonly size: number; readonly offset: number; readonly zone?: string }
  | { readonly kind: 'hop'; readonly slide: number; readonly size: number; readonly offset: number; readonly zone?: string }
  | { readonly kind: 'cumulate'; readonly step: number; readonly size: number; readonly offset: number; readonly zone?: string }
  /** `partitionKeys` are input columns (PARTITION BY); sessions are per group key anyway. */
  | { readonly kind: 'session'; readonly gap: number; readonly partitionKeys: readonly number[]; readonly zone?: string };

/** `udaf`: a user-defined aggregate function (AggCall.udf says which, src/expr/udf.ts). */
export type AggFunction = 'count_star' | 'count' | 'sum' | 'min' | 'max' | 'avg' | 'sum0' | 'array_agg' | 'collect' | 'first_value' | 'last_value' | 'listagg' | 'json_objectagg' | 'json_arrayagg' | 'udaf';

/**
 * A user-defined aggregate of an AggCall. `phase` is set in a two-phase window aggregation:
 * the local part emits each accumulator encoded as text (`partial`), the global part merges
 * those (`merge`).
 */
export interface UdafRef {
  readonly key: string;
  readonly name: string;
  readonly mergeable: boolean;
  readonly retractable: boolean;
  readonly phase?: 'partial' | 'merge';
}

export interface AggCall {
  readonly fn: AggFunction;
  readonly udf?: UdafRef;
  /** Input columns of the argument(s). */
  readonly args: readonly number[];
  readonly distinct: boolean;
  /** Input column holding the FILTER (WHERE ...) condition. */
  readonly filter: number | undefined;
  readonly type: DataType;
  /** Display name for EXPLAIN. */
  readonly name: string;
  /** LISTAGG's separator (a constant; ',' when not given). */
  readonly separator?: string;
  /** JSON_OBJECTAGG / JSON_ARRAYAGG: ABSENT ON NULL (NULL values skipped) rather than NULL ON NULL. */
  readonly absentOnNull?: boolean;
}

export interface ScanNode {
  readonly kind: 'scan';
  readonly table: TableDef;
  /**
   * Output columns as expressions over the table's physical columns (input index i = the
   * i-th physical column of `table.columns`): plain references for physical columns, the
   * bound expression for computed ones. Pruning drops outputs the query does not read; the
   * source then reads (and parses) only the physical columns still referenced.
   */
  readonly outputs: readonly BoundExpr[];
  /** The watermark strategy, over the physical columns (independent of pruning). */
  readonly watermark: BoundExpr | undefined;
  /** Watermark delay in ms when the strategy is `rowtime - INTERVAL`, for diagnostics. */
  readonly watermarkDelay: number | undefined;
  readonly schema: Schema;
}

export interface ProjectNode {
  readonly kind: 'project';
  readonly input: LogicalPlan;
  readonly exprs: readonly BoundExpr[];
  readonly schema: Schema;
}

export interface FilterNode {
  readonly kind: 'filter';
  readonly input: LogicalPlan;
  readonly predicate: BoundExpr;
  readonly schema: Schema;
}

/**
 * A table function joined per row (Flink's Correlate): `CROSS JOIN LATERAL TABLE(f(x))`
 * (inner: a row producing nothing is dropped) or `LEFT JOIN LATERAL TABLE(f(x)) ON TRUE`
 * (left: such a row is kept with NULLs). Output: the input's columns, then the function's.
 * Each output row keeps its input row's changelog kind.
 */
export interface CorrelateNode {
  readonly kind: 'correlate';
  readonly input: LogicalPlan;
  /** The user-defined table function's key (src/expr/udf.ts) and SQL name. */
  readonly fn: string;
  readonly name: string;
  /** Arguments, over the input's columns. */
  readonly args: readonly BoundExpr[];
  readonly joinType: 'inner' | 'left';
  readonly schema: Schema;
}

/** A window TVF used on its own: appends window_start, window_end, window_time. */
export interface WindowTvfNode {
  readonly kind: 'window-tvf';
  readonly input: LogicalPlan;
  readonly window: WindowSpec;
  /** Input column holding the time attribute the windows are assigned on. */
  readonly timeIndex: number;
  readonly schema: Schema;
}

/**
 * `t CROSS JOIN UNNEST(t.arr) AS u(x)` (Flink's correlate with UNNEST): each input row is
 * repeated once per element of its collections. Output: the input columns, then per
 * collection its element columns (an ARRAY of ROWs gives one column per field, a MAP its key
 * and value, any other ARRAY one column), then the 1-based ORDINALITY (INT) when asked.
 * Several collections are zipped; the shorter ones are padded with NULLs. An empty or NULL
 * collection gives no row, or (`outer`, LEFT JOIN UNNEST ... ON TRUE) one row of NULLs.
 * A changelog input's rows keep their kinds: a retraction retracts the same expansion.
 */
export interface UnnestNode {
  readonly kind: 'unnest';
  readonly input: LogicalPlan;
  readonly exprs: readonly BoundExpr[];
  readonly ordinality: boolean;
  readonly outer: boolean;
  readonly schema: Schema;
}

/** GROUP BY without a window: an updating aggregate (output is a changelog). */
export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly input: LogicalPlan;
  readonly groupKeys: readonly number[];
  readonly aggs: readonly AggCall[];
  /** Output: group keys, then aggregates. */
  readonly schema: Schema;
  /** State TTL in ms from a STATE_TTL hint (else the session's 'table.exec.state.ttl'). */
  readonly stateTtl?: number;
}

/**
 * A window aggregation: each window's final row is emitted once when the watermark passes
 * window_end - 1. Output: group keys, aggregates, window_start, window_end, window_time.
 */
export interface WindowAggregateNode {
  readonly kind: 'window-aggregate';
  readonly input: LogicalPlan;
  readonly window: WindowSpec;
  readonly timeIndex: number;
  readonly groupKeys: readonly number[];
  readonly aggs: readonly AggCall[];
  /**
   * Windows assigned upstream (a window aggregation over windowed rows, such as another window
   * aggregation's output, grouped by its window_start and window_end): the input columns holding
   * each row's window bounds. `timeIndex` is then the window_end column.
   */
  readonly attached?: { readonly start: number; readonly end: number } | undefined;
  readonly schema: Schema;
}

/**
 * How a join matches rows. Every kind keeps the full residual `condition` (time bounds
 * included), so matching is always exact; the kind adds what lets state be freed and output be
 * emitted as the watermark passes.
 * - regular: both sides' rows kept (until state TTL), output updating when an outer side or
 *   an input is updating.
 * - interval: `lower <= left.time - right.time <= upper` (ms, inclusive) is implied by the
 *   condition; both inputs append-only with time attributes; output append-only.
 * - window: both inputs are windowed (window_start/window_end among the equi-keys); rows are
 *   joined when the window closes; output append-only.
 * - temporal: the left row joins the version of the right (versioned) table valid at the
 *   left row's time, emitted once the watermark passes it.
 * - lookup: the left row joins every matching row of a bounded table read when the job starts.
 */
export type JoinStrategy =
  | { readonly kind: 'regular' }
  | { readonly kind: 'interval'; readonly leftTime: number; readonly rightTime: number; readonly lower: number; readonly upper: number }
  /**
   * `leftStart`/`rightStart`: the window_start key columns, set when a window's start follows
   * from its end (TUMBLE, HOP, CUMULATE, not SESSION), so rows of one window need no start key.
   */
  /** `zone`: the windows are over a TIMESTAMP_LTZ attribute, their bounds local date-times in this zone. */
  | { readonly kind: 'window'; readonly leftEnd: number; readonly rightEnd: number; readonly leftStart?: number; readonly rightStart?: number; readonly zone?: string }
  | { readonly kind: 'temporal'; readonly leftTime: number; readonly rightTime: number }
  /**
   * A processing-time lookup join (`FOR SYSTEM_TIME AS OF` a processing-time attribute against
   * a bounded file table without a primary key, as Flink's lookupable legacy CSV source): the
   * right side is a scan of that table, read once when the operator opens and indexed by the
   * right keys; each left row joins every matching row at once. INNER and LEFT; no state.
   */
  /** `leftTime`: the processing-time attribute of the left side, for a jdbc lookup join. */
  | { readonly kind: 'lookup'; readonly leftTime?: number };

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/**
 * A join. Output: the left columns then the right ones (semi and anti: the left ones only).
 * `leftKeys[i] = rightKeys[i]` are the equi-join keys (a NULL key matches nothing unless
 * `nullSafe[i]`, from IS NOT DISTINCT FROM); `condition` is the rest of the ON clause, over
 * the left columns followed by the right ones.
 */
export interface JoinNode {
  readonly kind: 'join';
  readonly joinType: JoinType;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly nullSafe: readonly boolean[];
  readonly condition: BoundExpr | undefined;
  readonly strategy: JoinStrategy;
  readonly schema: Schema;
  /** State TTL in ms of each side's rows from a STATE_TTL hint (else 'table.exec.state.ttl'). */
  readonly stateTtl?: { readonly left?: number; readonly right?: number };
}

/** An OVER window function: an aggregate, FIRST_VALUE / LAST_VALUE (nulls skipped, as Flink's) or LAG. */
export type OverFunction = AggFunction | 'first_value' | 'last_value' | 'lag';

export interface OverCall {
  readonly fn: OverFunction;
  /** Input columns of the argument (none for COUNT(*)). */
  readonly args: readonly number[];
  readonly type: DataType;
  /** LAG's offset (rows back; 1 by default). */
  readonly offset: number;
  /** LAG's default value, of `type`. */
  readonly default: Scalar;
  /** LISTAGG's separator (',' when absent). */
  readonly separator?: string;
  /** Display name for EXPLAIN. */
  readonly name: string;
}

/**
 * The frame of an OVER window, always ending at the current row (Flink allows no other end):
 * ROWS: the current row and `preceding` rows before it; RANGE: the rows whose time is at
 * most `preceding` ms before the current row's, peers (rows of equal time) included.
 * `preceding` undefined = UNBOUNDED PRECEDING.
 */
export interface OverFrame {
  readonly unit: 'rows' | 'range';
  readonly preceding: number | undefined;
}

/**
 * OVER aggregation, ordered by one column ascending. Over an append-only input that column is
 * a time attribute, and rows are emitted in time order once the watermark passes their time.
 * Over an updating input (beyond Flink) it is a time attribute or a TIMESTAMP column, and the
 * output is an updating changelog that always folds to the batch result over the current input.
 * Output: the input columns, then one column per call.
 */
export interface OverAggregateNode {
  readonly kind: 'over-aggregate';
  readonly input: LogicalPlan;
  readonly partitionKeys: readonly number[];
  readonly timeIndex: number;
  readonly frame: OverFrame;
  readonly calls: readonly OverCall[];
  readonly schema: Schema;
}

export interface SortKey {
  readonly index: number;
  readonly desc: boolean;
  /** NULLs first (Flink's default: first for ASC, last for DESC). */
  readonly nullsFirst: boolean;
}

/**
 * A temporal sort: keys[0] is a time attribute, ascending; rows are buffered and emitted in
 * key order once the watermark passes their time. Output append-only, same columns.
 */
export interface SortNode {
  readonly kind: 'sort';
  readonly input: LogicalPlan;
  readonly keys: readonly SortKey[];
  readonly schema: Schema;
}

/** LIMIT [OFFSET]: the first `fetch` rows after skipping `offset`, in arrival order. */
export interface LimitNode {
  readonly kind: 'limit';
  readonly input: LogicalPlan;
  readonly offset: number;
  readonly fetch: number;
  readonly schema: Schema;
}

export interface UnionNode {
  readonly kind: 'union';
  readonly inputs: readonly LogicalPlan[];
  readonly schema: Schema;
}

export interface ValuesNode {
  readonly kind: 'values';
  readonly rows: readonly (readonly Scalar[])[];
  readonly schema: Schema;
}

/** INSERT INTO a table. */
export interface SinkNode {
  readonly kind: 'sink';
  readonly input: LogicalPlan;
  readonly table: TableDef;
  readonly schema: Schema;
}

export type RankFunction = 'row_number' | 'rank' | 'dense_rank';

/**
 * How a rank runs (chosen by rank-rewrite.ts from the pattern, as Flink's planner does):
 * - topn: a Top-N per partition, updating output (+I/-U/+U/-D).
 * - deduplicate: ROW_NUMBER() = 1 ordered by the input's time attribute, over an append-only
 *   input: keep-first (ASC) buffers the earliest row and emits it once the watermark passes
 *   its time (append-only, late rows dropped); keep-last (DESC) emits at once and replaces the
 *   row when one with a time at or after it arrives (updating).
 * - window: window_start and window_end are in the partition and come from a window TVF or
 *   window aggregation: each window's ranking is emitted once, when the watermark passes
 *   window_end - 1 (append-only). `endIndex` is the input column of window_end; `dedup` is set
 *   for window deduplication (ROW_NUMBER = 1 by the time attribute): with 'last' a row tied
 *   on time with the kept one replaces it (Flink's keep-last rule), otherwise the first stays.
 */
export type RankStrategy =
  | { readonly kind: 'topn' }
  | { readonly kind: 'deduplicate'; readonly timeIndex: number; readonly keepLast: boolean }
  | { readonly kind: 'window'; readonly endIndex: number; readonly dedup: 'first' | 'last' | undefined };

/**
 * ROW_NUMBER / RANK / DENSE_RANK OVER (PARTITION BY ... ORDER BY ...) filtered on the rank
 * (Top-N). Output: the input columns, then the rank (BIGINT) when `outputRank`. `range` is
 * the inclusive range of ranks kept; it is undefined only between binding the subquery and
 * folding the outer filter into the node (a rank left without a range is refused).
 */
export interface RankNode {
  readonly kind: 'rank';
  readonly input: LogicalPlan;
  readonly fn: RankFunction;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  readonly range: { readonly start: number; readonly end: number } | undefined;
  readonly outputRank: boolean;
  readonly strategy: RankStrategy;
  readonly schema: Schema;
  /** The ranking call, for the error when no filter bounds the rank. */
  readonly span?: Span | undefined;
}

export type LogicalPlan =
  | ScanNode
  | ProjectNode
  | FilterNode
  | WindowTvfNode
  | UnnestNode
  | CorrelateNode
  | AggregateNode
  | WindowAggregateNode
  | JoinNode
  | RankNode
  | OverAggregateNode
  | SortNode
  | LimitNode
  | UnionNode
  | ValuesNode
  | MatchRecognizeNode
  | SinkNode;

export function inputsOf(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'scan':
    case 'values':
      return [];
    case 'project':
    case 'filter':
    case 'window-tvf':
    case 'unnest':
    case 'correlate':
    case 'aggregate':
    case 'window-aggregate':
    case 'rank':
    case 'over-aggregate':
    case 'sort':
    case 'limit':
    case 'match-recognize':
    case 'sink':
      return [p.input];
    case 'union':
      return p.inputs;
    case 'join':
      return [p.left, p.right];
    default:
      return assertNever(p, 'plan node');
  }
}

/**
 * True when the node's output is a changelog with updates or deletes (not append-only).
 * Window aggregates are append-only (over a changelog too); a GROUP BY without a window is not.
 */
export function isUpdating(p: LogicalPlan): boolean {
  switch (p.kind) {
    case 'aggregate':
      return true;
    case 'scan':
      return p.table.options.get('format') === 'debezium-json' || (p.table.options.get('connector') === 'postgres-cdc' && p.table.options.get('scan.startup.mode') !== 'snapshot');
    case 'values':
      return false;
    case 'window-aggregate':
      // final rows at the watermark, also over a changelog (its -U/-D rows retract from windows
      // still open), as Flink's window aggregate
      return false;
    case 'join':
      return joinIsUpdating(p.joinType, p.strategy, isUpdating(p.left), isUpdating(p.right));
    case 'rank':
      return rankIsUpdating(p.strategy, isUpdating(p.input));
    default:
      return inputsOf(p).some(isUpdating);
  }
}

/**
 * Whether a join's output carries retractions (Flink's rules): an interval, window or temporal
 * join emits each result once (append-only); a regular join is append-only only when both
 * inputs are and no side is padded with NULLs that a later match would retract (inner and
 * semi); an anti join retracts a row once a match arrives.
 */
export function joinIsUpdating(type: JoinType, strategy: JoinStrategy, leftUpdating: boolean, rightUpdating: boolean): boolean {
  if (strategy.kind !== 'regular') return leftUpdating;
  if (leftUpdating || rightUpdating) return true;
  return type !== 'inner' && type !== 'semi';
}

/** Keep-first deduplication and window ranks emit final rows only; every other rank updates. */
export function rankIsUpdating(strategy: RankStrategy, inputUpdating: boolean): boolean {
  if (strategy.kind === 'window') return inputUpdating;
  if (strategy.kind === 'deduplicate') return inputUpdating || strategy.keepLast;
  return true;
}

export function rankFunctionName(fn: RankFunction): string {
  return fn.toUpperCase();
}

/** `Rank(ROW_NUMBER, partitionBy=[k], orderBy=[v DESC], rank in [1, 3], ...)` for EXPLAIN. */
export function describeRank(
  fn: RankFunction,
  partitionKeys: readonly number[],
  orderKeys: readonly SortKey[],
  range: { readonly start: number; readonly end: number } | undefined,
  outputRank: boolean,
  strategy: RankStrategy,
  names: readonly string[],
): string {
  const order = orderKeys.map((k) => `${names[k.index]}${k.desc ? ' DESC' : ''}${k.nullsFirst === k.desc ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`).join(', ');
  const what = strategy.kind === 'deduplicate' ? 'Deduplicate' : strategy.kind === 'window' ? (strategy.dedup !== undefined ? 'WindowDeduplicate' : 'WindowRank') : 'Rank';
  const parts = [rankFunctionName(fn), `partitionBy=[${partitionKeys.map((k) => names[k]).join(', ')}]`, `orderBy=[${order}]`];
  parts.push(range === undefined ? 'rank unbounded' : `rank in [${range.start}, ${range.end}]`);
  if (strategy.kind === 'deduplicate') parts.push(strategy.keepLast ? 'keep=last' : 'keep=first');
  if (strategy.kind === 'window') parts.push(`window_end=${names[strategy.endIndex]}${strategy.dedup !== undefined ? `, keep=${strategy.dedup}` : ''}`);
  if (!outputRank) parts.push('no rank number');
  return `${what}(${parts.join(', ')})`;
}

export function joinTypeName(t: JoinType): string {
  return t === 'full' ? 'FULL OUTER' : t.toUpperCase();
}

/** The window and, over a TIMESTAMP_LTZ attribute, the zone its local times are in. */
function windowToString(w: WindowSpec): string {
  const s = windowShape(w);
  return w.zone === undefined ? s : `${s.slice(0, -1)}, timezone=${w.zone})`;
}

function windowShape(w: WindowSpec): string {
  const ms = (x: number): string => (x % 1000 === 0 ? `${x / 1000}s` : `${x}ms`);
  switch (w.kind) {
    case 'tumble':
      return `TUMBLE(size=${ms(w.size)}${w.offset ? `, offset=${ms(w.offset)}` : ''})`;
    case 'hop':
      return `HOP(slide=${ms(w.slide)}, size=${ms(w.size)}${w.offset ? `, offset=${ms(w.offset)}` : ''})`;
    case 'cumulate':
      return `CUMULATE(step=${ms(w.step)}, size=${ms(w.size)}${w.offset ? `, offset=${ms(w.offset)}` : ''})`;
    case 'session':
      return `SESSION(gap=${ms(w.gap)})`;
  }
}

export function describeWindow(w: WindowSpec): string {
  return windowToString(w);
}

export function aggToString(a: AggCall, names: readonly string[]): string {
  const args = a.fn === 'count_star' ? '*' : a.args.map((i) => names[i] ?? `$${i}`).join(', ');
  const fn = a.fn === 'count_star' ? 'COUNT' : a.fn === 'udaf' ? `${a.udf!.name}${a.udf!.phase === 'partial' ? '$partial' : a.udf!.phase === 'merge' ? '$merge' : ''}` : a.fn.toUpperCase();
  return `${fn}(${a.distinct ? 'DISTINCT ' : ''}${args})${a.filter !== undefined ? ` FILTER (WHERE ${names[a.filter] ?? `$${a.filter}`})` : ''}`;
}

export function physicalNames(t: TableDef): string[] {
  return t.columns.filter((c) => c.kind === 'physical').map((c) => c.name);
}

export function describeUnnest(exprs: readonly BoundExpr[], ordinality: boolean, outer: boolean, names: readonly string[]): string {
  return `Unnest(${exprs.map((e) => exprToString(e, names)).join(', ')}${ordinality ? ', WITH ORDINALITY' : ''}${outer ? ', outer' : ''})`;
}

/** One line describing the node (for EXPLAIN). */
export function describeNode(p: LogicalPlan): string {
  const inNames = (q: LogicalPlan): string[] => q.schema.map((f) => f.name);
  switch (p.kind) {
    case 'scan':
      return `Scan(table=${p.table.name}, columns=[${p.schema.map((f) => f.name).join(', ')}]${p.watermark ? `, watermark=${exprToString(p.watermark, physicalNames(p.table))}` : ''})`;
    case 'project': {
      const names = inNames(p.input);
      return `Project(${p.exprs.map((e, i) => {
        const s = exprToString(e, names);
        const n = p.schema[i]!.name;
        return s === n ? s : `${s} AS ${n}`;
      }).join(', ')})`;
    }
    case 'filter':
      return `Filter(${exprToString(p.predicate, inNames(p.input))})`;
    case 'window-tvf':
      return `WindowTableFunction(${windowToString(p.window)}, time=${inNames(p.input)[p.timeIndex]})`;
    case 'unnest':
      return describeUnnest(p.exprs, p.ordinality, p.outer, inNames(p.input));
    case 'correlate':
      return `Correlate(${p.name}(${p.args.map((a) => exprToString(a, inNames(p.input))).join(', ')}), joinType=${p.joinType}, columns=[${p.schema.slice(p.input.schema.length).map((f) => f.name).join(', ')}])`;
    case 'aggregate': {
      const names = inNames(p.input);
      return `Aggregate(groupBy=[${p.groupKeys.map((k) => names[k]).join(', ')}], aggs=[${p.aggs.map((a) => aggToString(a, names)).join(', ')}])`;
    }
    case 'window-aggregate': {
      const names = inNames(p.input);
      const time = p.attached !== undefined ? `window=[${names[p.attached.start]}, ${names[p.attached.end]}]` : `time=${names[p.timeIndex]}`;
      return `WindowAggregate(${windowToString(p.window)}, ${time}, groupBy=[${p.groupKeys.map((k) => names[k]).join(', ')}], aggs=[${p.aggs.map((a) => aggToString(a, names)).join(', ')}])`;
    }
    case 'join':
      return describeJoin(p.joinType, p.strategy, p.leftKeys, p.rightKeys, p.nullSafe, p.condition, inNames(p.left), inNames(p.right));
    case 'rank':
      return describeRank(p.fn, p.partitionKeys, p.orderKeys, p.range, p.outputRank, p.strategy, inNames(p.input));
    case 'over-aggregate':
      return describeOver(p.partitionKeys, p.timeIndex, p.frame, p.calls, inNames(p.input), isUpdating(p.input));
    case 'sort':
      return `TemporalSort(orderBy=[${describeSortKeys(p.keys, inNames(p.input))}])`;
    case 'match-recognize':
      return describeMatch(p.partitionKeys, p.timeIndex, p.spec, inNames(p.input));
    case 'limit':
      return `Limit(${p.offset > 0 ? `offset=${p.offset}, ` : ''}fetch=${p.fetch})`;
    case 'union':
      return `Union(all=true)`;
    case 'values':
      return `Values(rows=${p.rows.length})`;
    case 'sink':
      return `Sink(table=${p.table.name}, connector=${p.table.options.get('connector') ?? '?'})`;
    default:
      return assertNever(p, 'plan node');
  }
}

export function describeSortKeys(keys: readonly SortKey[], names: readonly string[]): string {
  return keys.map((k) => `${names[k.index]} ${k.desc ? 'DESC' : 'ASC'}`).join(', ');
}

export function describeFrame(f: OverFrame): string {
  if (f.preceding === undefined) return `${f.unit.toUpperCase()} UNBOUNDED PRECEDING`;
  const n = f.unit === 'rows' ? `${f.preceding}` : `${f.preceding}ms`;
  return `${f.unit.toUpperCase()} BETWEEN ${n} PRECEDING AND CURRENT ROW`;
}

export function overCallToString(c: OverCall, names: readonly string[]): string {
  const args = c.fn === 'count_star' ? '*' : c.args.map((i) => names[i] ?? `$${i}`).join(', ');
  const extra = c.fn === 'lag' ? `, ${c.offset}${c.default !== null ? `, ${typeof c.default === 'bigint' ? String(c.default) : JSON.stringify(c.default)}` : ''}` : '';
  return `${c.fn === 'count_star' ? 'COUNT' : c.fn.toUpperCase()}(${args}${extra})`;
}

/** `OverAggregate(partitionBy=[..], orderBy=[ts], ROWS BETWEEN 2 PRECEDING AND CURRENT ROW, aggs=[..])` */
export function describeOver(partitionKeys: readonly number[], timeIndex: number, frame: OverFrame, calls: readonly OverCall[], names: readonly string[], inputUpdating: boolean): string {
  return `OverAggregate(partitionBy=[${partitionKeys.map((k) => names[k]).join(', ')}], orderBy=[${names[timeIndex]}], ${describeFrame(frame)}, aggs=[${calls.map((c) => overCallToString(c, names)).join(', ')}]${inputUpdating ? ', consumes retractions' : ''})`;
}

const JOIN_NODE_NAME: Record<JoinStrategy['kind'], string> = { regular: 'Join', interval: 'IntervalJoin', window: 'WindowJoin', temporal: 'TemporalJoin', lookup: 'LookupJoin' };

/** `Join(type=LEFT, keys=[a.id = b.id], where=...)` for EXPLAIN (logical and physical). */
export function describeJoin(
  type: JoinType,
  strategy: JoinStrategy,
  leftKeys: readonly number[],
  rightKeys: readonly number[],
  nullSafe: readonly boolean[],
  condition: BoundExpr | undefined,
  leftNames: readonly string[],
  rightNames: readonly string[],
): string {
  const all = [...leftNames, ...rightNames];
  const keys = leftKeys.map((l, i) => `${leftNames[l]} ${nullSafe[i] ? 'IS NOT DISTINCT FROM' : '='} ${rightNames[rightKeys[i]!]}`);
  const parts = [`type=${joinTypeName(type)}`, `keys=[${keys.join(', ')}]`];
  if (condition !== undefined) parts.push(`where=${exprToString(condition, all)}`);
  switch (strategy.kind) {
    case 'regular':
      break;
    case 'interval':
      parts.push(`bounds=${leftNames[strategy.leftTime]} - ${rightNames[strategy.rightTime]} in [${strategy.lower}ms, ${strategy.upper}ms]`);
      break;
    case 'window':
      parts.push(`window_end=[${leftNames[strategy.leftEnd]}, ${rightNames[strategy.rightEnd]}]`);
      break;
    case 'temporal':
      parts.push(`time=${leftNames[strategy.leftTime]}, version=${rightNames[strategy.rightTime]}`);
      break;
    case 'lookup':
      if (strategy.leftTime !== undefined) parts.push(`time=${leftNames[strategy.leftTime]}`);
      break;
  }
  return `${JOIN_NODE_NAME[strategy.kind]}(${parts.join(', ')})`;
}

export function schemaToString(s: Schema): string {
  return s.map((f) => `${f.name} ${typeToString(f.type)}${f.rowtime ? ' *ROWTIME*' : f.proctime === true ? ' *PROCTIME*' : ''}`).join(', ');
}

/** Indented tree, root first. */
export function explainLogical(p: LogicalPlan): string {
  const lines: string[] = [];
  const walk = (q: LogicalPlan, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${describeNode(q)}`);
    for (const c of inputsOf(q)) walk(c, depth + 1);
  };
  walk(p, 0);
  return lines.join('\n');
}
