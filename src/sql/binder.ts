// The binder: AST -> logical plan. It resolves table, view and column names, types every
// expression, inserts implicit casts, folds constants, and shapes aggregations:
//
//   SELECT ... FROM x WHERE w GROUP BY g HAVING h
//     => Project(items) <- Filter(h) <- Aggregate(keys, aggs) <- Project(keys, agg args) <- Filter(w) <- x
//
// An aggregation over a window TVF grouped by window_start and window_end becomes a
// WindowAggregate (see window-rewrite.ts); legacy group windows (GROUP BY TUMBLE(ts, ...))
// are turned into the TVF form first, so both spellings share one path.

import { binaryOfHex } from '../common/bytes.js';
import { sessionTimeZone } from '../common/time-zone.js';
import type { Scalar } from '../common/batch.js';
import type { SourceText, Span } from '../common/errors.js';
import { WeirError, assertNever, bindError, didYouMean, notSupported, planError } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, commonType, isNumeric, sameType, typeToString } from '../common/types.js';
import type { Catalog, FunctionDef, TableDef, ViewDef } from '../catalog/catalog.js';
import { metadataKey, sourceColumns } from '../catalog/catalog.js';
import { readableMetadata, sourceClassName } from '../connectors/metadata.js';
import type { UdfDefinition } from '../expr/udf.js';
import { udfDefinition, udfKey } from '../expr/udf.js';
import type { BoundExpr } from '../expr/bound.js';
import { constant, exprKey, inputRef, remapInputs } from '../expr/bound.js';
import { typeOfText } from './bind-typeof.js';
import { castAllowed } from '../expr/cast.js';
import { evaluateConstant } from '../expr/compile.js';
import { functionByName, functionBySqlName, sqlFunctionNames } from '../expr/registry.js';
import { AGGREGATE_NAMES, VARIANCE_FUNCTIONS, avgResultType, isAggregateName, resolveAggregate, setUserAggregateNames } from '../expr/aggregate-types.js';
import type { AggCall, AggregateNode, Field, LogicalPlan, Schema, SinkNode, WindowSpec } from '../plan/logical.js';

import { attachedWindowAggregateRewrite, windowAggregateRewrite } from '../plan/window-rewrite.js';
import { conjuncts, joinLeaves, makeJoin, moveInputs } from '../plan/join-build.js';
import { bindTemporalJoin } from './bind-temporal-join.js';
import type { SubqueryPredicate } from './bind-subquery.js';
import { bindLateralJoin } from './bind-lateral.js';
import { applySubqueryPredicate, astConjuncts, attachScalarSubqueries, containsSubquery, groupCorrelation, splitWhere } from './bind-subquery.js';
import { aggregateTtl, applyJoinTtl, checkHintUsed, stateTtlHint } from './bind-state-ttl.js';
import { bindRank, rankCallsOf } from './bind-rank.js';
import { foldRankFilter } from '../plan/rank-rewrite.js';
import { bindOver, collectOverCalls } from './bind-over.js';
import { bindOrderLimit } from './bind-order-limit.js';
import { bindMatchRecognize } from './bind-match.js';
import type { GroupingSet } from './bind-grouping-sets.js';
import { GROUPING_FUNCTIONS, expandGroupingSets, groupingFunction, intersectExcept, unionAll } from './bind-grouping-sets.js';
import { JSON_AGGREGATES, JSON_FUNCTIONS, bindJsonAggregateArgs, bindJsonCall } from './bind-json.js';
import type * as ast from './ast.js';
import { intervalLiteral, numericLiteral, resolveTypeName, typedLiteral } from './literals.js';

/** How expressions in one clause are bound. */
export interface ExprContext {
  readonly schema: Schema;
  /** Clause name for messages ("WHERE", "GROUP BY"). */
  readonly clause: string;
  /** Consulted first for every node; returns the bound form to use instead. */
  readonly intercept?: (e: ast.Expr) => BoundExpr | undefined;
  /** The fields input references point into when `schema` is not it (after GROUP BY): TYPEOF's nullability. */
  readonly typeSchema?: Schema;
  /**
   * Called for a column reference the schema cannot resolve (after intercept): throws, or
   * resolves it (a correlated subquery's reference to the outer query).
   */
  readonly onUnresolvedColumn?: (e: ast.ColumnRef) => BoundExpr;
}

interface CteDef {
  readonly name: string;
  readonly query: ast.Query;
  readonly columns: readonly string[] | undefined;
}

const WINDOW_COLUMNS = ['window_start', 'window_end', 'window_time'] as const;

const LEGACY_GROUP_WINDOWS = new Set(['TUMBLE', 'HOP', 'SESSION']);
const LEGACY_AUX: Record<string, { window: string; column: 0 | 1 | 2 }> = {
  TUMBLE_START: { window: 'TUMBLE', column: 0 },
  TUMBLE_END: { window: 'TUMBLE', column: 1 },
  TUMBLE_ROWTIME: { window: 'TUMBLE', column: 2 },
  HOP_START: { window: 'HOP', column: 0 },
  HOP_END: { window: 'HOP', column: 1 },
  HOP_ROWTIME: { window: 'HOP', column: 2 },
  SESSION_START: { window: 'SESSION', column: 0 },
  SESSION_END: { window: 'SESSION', column: 1 },
  SESSION_ROWTIME: { window: 'SESSION', column: 2 },
  TUMBLE_PROCTIME: { window: 'TUMBLE', column: 2 },
  HOP_PROCTIME: { window: 'HOP', column: 2 },
  SESSION_PROCTIME: { window: 'SESSION', column: 2 },
};

const NONDETERMINISTIC = new Set(['CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'NOW', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'PROCTIME', 'RAND', 'RAND_INTEGER', 'UUID', 'UNIX_TIMESTAMP']);

export class Binder {
  private readonly ctes: CteDef[][] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly source: SourceText,
  ) {
    setUserAggregateNames(new Set([...catalog.functions.values()].filter((f) => f.kind === 'aggregate').map((f) => f.name.toUpperCase())));
  }

  /** A user-defined function of the session by SQL name, with its loaded definition. */
  userFunction(name: string): { fn: FunctionDef; def: UdfDefinition } | undefined {
    const fn = this.catalog.functions.get(name.toLowerCase());
    if (fn === undefined) return undefined;
    return { fn, def: udfDefinition(fn.specifier, fn.name) };
  }

  // -------------------------------------------------------------------------------------
  // Statements

  bindQuery(q: ast.Query): LogicalPlan {
    switch (q.kind) {
      case 'select':
        return this.bindSelect(q);
      case 'with': {
        const frame: CteDef[] = [];
        this.ctes.push(frame);
        try {
          for (const c of q.ctes) frame.push({ name: c.name.value, query: c.query, columns: c.columns?.map((i) => i.value) });
          return this.bindQuery(q.body);
        } finally {
          this.ctes.pop();
        }
      }
      case 'set-op':
        return this.bindSetOperation(q);
      case 'values':
        return this.bindValues(q);
      default:
        return assertNever(q, 'query');
    }
  }

  bindInsert(ins: ast.Insert): SinkNode {
    if (ins.overwrite) throw notSupported('INSERT OVERWRITE', ins.span, 'use INSERT INTO');
    const name = nameOf(ins.table);
    const obj = this.catalog.resolve(name, ins.table.span);
    if (obj.kind !== 'table') throw bindError(`cannot INSERT INTO view '${obj.name}'`, ins.table.span, 'insert into a table created with CREATE TABLE');
    const table = obj;
    if (table.columns.some((c) => c.kind === 'metadata' && !c.virtual)) {
      throw bindError(
        `Table '${table.name}' declares persistable metadata columns, but the underlying DynamicTableSink doesn't implement the SupportsWritingMetadata interface. If the column should not be persisted, it can be declared with the VIRTUAL keyword.`,
        ins.table.span,
        `weir's sinks write no metadata: declare ${table.columns.filter((c) => c.kind === 'metadata' && !c.virtual).map((c) => c.name).join(', ')} METADATA ... VIRTUAL`,
      );
    }
    const sinkColumns = table.columns.filter((c) => c.kind === 'physical');
    let query = this.bindQuery(ins.query);
    // target columns: all physical columns in order, or the listed ones
    let targets = sinkColumns.map((c, i) => i);
    if (ins.columns !== undefined) {
      targets = ins.columns.map((id) => {
        const i = sinkColumns.findIndex((c) => c.name.toLowerCase() === id.value.toLowerCase());
        if (i < 0) throw this.unknownColumn(id.value, sinkColumns.map((c) => c.name), id.span, `sink table ${table.name}`);
        return i;
      });
    }
    if (query.schema.length !== targets.length) {
      throw bindError(
        `INSERT INTO ${table.name} has ${targets.length} target column(s) but the query produces ${query.schema.length}`,
        ins.query.span,
        `${table.name} columns: ${targets.map((i) => sinkColumns[i]!.name).join(', ')}`,
      );
    }
    // Build the sink row: target columns from the query (cast where needed), others NULL.
    const exprs: BoundExpr[] = sinkColumns.map((c) => constant(null, c.type));
    targets.forEach((ti, qi) => {
      const f = query.schema[qi]!;
      const col = sinkColumns[ti]!;
      let e: BoundExpr = inputRef(qi, f.type, f.name);
      if (!sameType(f.type, col.type)) {
        if (!assignable(f.type, col.type)) {
          throw bindError(`column ${qi + 1} of the query (${f.name}) is ${typeToString(f.type)}, but sink column ${col.name} is ${typeToString(col.type)}`, ins.query.span, `CAST(${f.name} AS ${typeToString(col.type)})`);
        }
        e = { kind: 'cast', operand: e, type: col.type, safe: false };
      }
      exprs[ti] = e;
    });
    const identity = exprs.length === query.schema.length && exprs.every((e, i) => e.kind === 'input' && e.index === i);
    if (!identity) query = project(query, exprs, sinkColumns.map((c) => c.name));
    return { kind: 'sink', input: query, table, schema: query.schema };
  }

  // -------------------------------------------------------------------------------------
  // FROM

  bindFrom(f: ast.FromItem): LogicalPlan {
    switch (f.kind) {
      case 'table-ref': {
        if (f.systemTimeAsOf !== undefined) {
          throw planError('FOR SYSTEM_TIME AS OF is only allowed on the right side of a JOIN (a temporal join)', f.span, 'e.g. FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency');
        }
        const name = nameOf(f.name);
        const alias = f.alias?.value ?? f.name.parts[f.name.parts.length - 1]!.value;
        if (f.matchRecognize !== undefined) {
          const input = this.bindNamedRelation(name, f.name.span, f.name.parts[f.name.parts.length - 1]!.value);
          return bindMatchRecognize(this, input, f.matchRecognize, alias);
        }
        return this.bindNamedRelation(name, f.name.span, alias);
      }
      case 'subquery': {
        if (f.lateral) throw notSupported('a LATERAL subquery first in FROM', f.span, 'a LATERAL subquery follows the FROM item it reads: FROM t, LATERAL (SELECT ... FROM u WHERE u.k = t.k)');
        const plan = this.bindQuery(f.query);
        const aliases = f.columnAliases?.map((c) => c.value);
        if (f.matchRecognize !== undefined) return requalify(bindMatchRecognize(this, plan, f.matchRecognize, f.alias?.value ?? ''), f.alias?.value, aliases, f.span);
        return requalify(plan, f.alias?.value, aliases, f.span);
      }
      case 'table-function':
        // `FROM UNNEST(ARRAY[...])`: the collections of one empty row
        if (isUnnest(f)) return this.bindUnnest({ kind: 'values', rows: [[]], schema: [] }, f, false);
        if (f.lateral === true) throw bindError(`LATERAL TABLE(${f.name.value}(...)) joins a table function to the rows before it`, f.span, `FROM t CROSS JOIN LATERAL TABLE(${f.name.value}(t.x)) AS r(a, b)`);
        if (this.userFunction(f.name.value) !== undefined) throw bindError(`a table function is called per row of a table: LATERAL TABLE(${f.name.value}(...))`, f.span, `FROM t CROSS JOIN LATERAL TABLE(${f.name.value}(t.x)) AS r(a, b)`);
        return this.bindWindowTvf(f);
      case 'join': {
        if (isUnnest(f.right)) return this.bindUnnestJoin(f, f.right as ast.TableFunctionRef);
        if (flattenable(f)) {
          const { leaves, conds } = this.flattenJoin(f);
          return joinLeaves(leaves, conds);
        }
        return this.bindJoinUnit(f);
      }
      default:
        return assertNever(f, 'FROM item');
    }
  }

  /**
   * A tree of inner and comma joins as its leaves (bound FROM items, in order) and the
   * conjuncts of its ON clauses over the leaves' columns concatenated. Outer joins, USING and
   * temporal joins are leaves (bound as a unit).
   */
  flattenJoin(f: ast.FromItem): { leaves: LogicalPlan[]; conds: BoundExpr[] } {
    if (f.kind !== 'join' || !flattenable(f)) return { leaves: [this.bindFrom(f)], conds: [] };
    const l = this.flattenJoin(f.left);
    const r = this.flattenJoin(f.right);
    const nl = l.leaves.reduce((n, p) => n + p.schema.length, 0);
    const conds = [...l.conds, ...r.conds.map((c) => moveInputs(c, nl))];
    if (f.on !== undefined) {
      const schema = [...l.leaves, ...r.leaves].flatMap((p) => p.schema);
      const on = this.bindExpr(f.on, { schema, clause: 'ON' });
      this.expectBoolean(on, f.on, 'ON');
      conds.push(...conjuncts(on));
    }
    return { leaves: [...l.leaves, ...r.leaves], conds };
  }

  /** `left [CROSS | INNER | LEFT] JOIN UNNEST(...) [ON ...]`, `left, UNNEST(...)`. */
  private bindUnnestJoin(f: ast.Join, u: ast.TableFunctionRef): LogicalPlan {
    if (f.joinType === 'right' || f.joinType === 'full') throw notSupported(`${f.joinType.toUpperCase()} JOIN UNNEST`, f.span, 'use CROSS JOIN UNNEST(...) or LEFT JOIN UNNEST(...) ON TRUE');
    if (f.using !== undefined) throw notSupported('JOIN UNNEST(...) USING (...)', f.span, 'use CROSS JOIN UNNEST(...) and a WHERE condition');
    const left = this.bindFrom(f.left);
    const isTrue = f.on !== undefined && f.on.kind === 'literal' && f.on.value === true;
    if (f.joinType === 'left' && !isTrue) throw notSupported('LEFT JOIN UNNEST with a condition other than ON TRUE', f.on?.span ?? f.span, 'as in Flink, write LEFT JOIN UNNEST(...) ON TRUE and filter in WHERE');
    let plan = this.bindUnnest(left, u, f.joinType === 'left');
    if (f.on !== undefined && !isTrue) {
      const on = this.bindExpr(f.on, { schema: plan.schema, clause: 'ON' });
      this.expectBoolean(on, f.on, 'ON');
      plan = { kind: 'filter', input: plan, predicate: on, schema: plan.schema };
    }
    return plan;
  }

  /** An unnest node over `input`, the collections bound against its columns (a correlation). */
  private bindUnnest(input: LogicalPlan, u: ast.TableFunctionRef, outer: boolean): LogicalPlan {
    const exprs = u.args.map((a) => {
      if (a.kind !== 'expr') throw bindError('UNNEST takes ARRAY or MAP values', a.span);
      const x = this.bindExpr(a.expr, { schema: input.schema, clause: 'UNNEST' });
      // a MULTISET unnests as the array of its elements, each as often as it occurs (Flink's)
      if (x.type.kind === 'MULTISET') return this.call('multiset_elements', [x], a.span, 'UNNEST');
      if (x.type.kind !== 'ARRAY' && x.type.kind !== 'MAP') throw bindError(`UNNEST takes an ARRAY, a MAP or a MULTISET, not ${typeToString(x.type)}`, a.span);
      return x;
    });
    if (exprs.length === 0) throw bindError('UNNEST needs at least one ARRAY or MAP', u.span);
    // Calcite's column names: a ROW element's fields, a MAP's KEY and VALUE, else EXPR$i
    const cols: { name: string; type: DataType }[] = [];
    exprs.forEach((x, i) => {
      if (x.type.kind === 'MAP') cols.push({ name: 'KEY', type: x.type.key! }, { name: 'VALUE', type: x.type.element! });
      else if (x.type.element!.kind === 'ROW') for (const fl of x.type.element!.fields!) cols.push({ name: fl.name, type: fl.type });
      else cols.push({ name: `EXPR$${i}`, type: x.type.element! });
    });
    if (u.ordinality === true) cols.push({ name: 'ORDINALITY', type: T.INT });
    const aliases = u.columnAliases;
    if (aliases !== undefined && aliases.length !== cols.length) {
      throw bindError(`${aliases.length} column aliases given for the ${cols.length} column(s) of UNNEST (${cols.map((c) => `${c.name} ${typeToString(c.type)}`).join(', ')})`, u.span);
    }
    const qualifier = u.alias?.value;
    const fields: Field[] = cols.map((c, i) => ({ name: aliases?.[i]?.value ?? c.name, type: c.type, nullable: true, rowtime: false, qualifier }));
    return { kind: 'unnest', input, exprs, ordinality: u.ordinality === true, outer, schema: [...input.schema, ...fields] };
  }

  /** An outer join, a join with USING, or a temporal join. */
  private bindJoinUnit(f: ast.Join): LogicalPlan {
    const left = this.bindFrom(f.left);
    if (f.right.kind === 'table-function' && f.right.lateral === true) return this.bindCorrelate(f, left, f.right);
    if (f.right.kind === 'table-ref' && f.right.systemTimeAsOf !== undefined) return bindTemporalJoin(this, f, left, f.right);
    if (f.right.kind === 'subquery' && f.right.lateral) return bindLateralJoin(this, f, left, f.right);
    const right = this.bindFrom(f.right);
    const nl = left.schema.length;
    const schema = [...left.schema, ...right.schema];
    const conds: BoundExpr[] = [];
    const using: { l: number; r: number }[] = [];
    for (const id of f.using ?? []) {
      const find = (sch: Schema, side: string): number => {
        const matches = sch.flatMap((fl, i) => (fl.name.toLowerCase() === id.value.toLowerCase() ? [i] : []));
        if (matches.length === 0) throw this.unknownColumn(id.value, sch.map((x) => x.name), id.span, `the ${side} side of the join`);
        if (matches.length > 1) throw bindError(`column '${id.value}' in USING is ambiguous on the ${side} side of the join`, id.span);
        return matches[0]!;
      };
      const li = find(left.schema, 'left');
      const ri = find(right.schema, 'right');
      using.push({ l: li, r: ri });
      const lf = left.schema[li]!;
      const rf = right.schema[ri]!;
      conds.push(this.call('eq', [inputRef(li, lf.type, lf.name), inputRef(nl + ri, rf.type, rf.name)], id.span, '='));
    }
    const type = f.joinType === 'cross' ? 'inner' : f.joinType;
    // subqueries in the ON of an inner join: its conjuncts with subqueries filter the joined
    // rows as they would in WHERE (semi/anti joins, scalar values by left joins), as Calcite's
    // JOIN_SUB_QUERY_TO_CORRELATE plans them in Flink
    let after: { readonly scalar: ast.Expr[]; readonly predicates: ReturnType<typeof splitWhere>['subqueries'] } | undefined;
    if (f.on !== undefined && type === 'inner' && containsSubquery(f.on)) {
      const split = splitWhere(f.on);
      const rest = split.rest === undefined ? [] : astConjuncts(split.rest);
      const plain = rest.filter((e) => !containsSubquery(e));
      const scalar = rest.filter((e) => containsSubquery(e));
      for (const c of plain) {
        const on = this.bindExpr(c, { schema, clause: 'ON' });
        this.expectBoolean(on, c, 'ON');
        conds.push(...conjuncts(on));
      }
      after = { scalar, predicates: split.subqueries };
    } else if (f.on !== undefined) {
      const on = this.bindExpr(f.on, { schema, clause: 'ON' });
      this.expectBoolean(on, f.on, 'ON');
      conds.push(...conjuncts(on));
    }
    let plan = makeJoin(type, left, right, conds);
    if (after !== undefined) {
      for (const c of after.scalar) {
        const sc = attachScalarSubqueries(this, plan, [c]);
        const pred = this.bindExpr(c, { schema: plan.schema, clause: 'ON', ...(sc !== undefined ? { intercept: sc.intercept } : {}) });
        this.expectBoolean(pred, c, 'ON');
        const input = sc?.plan ?? plan;
        const filtered: LogicalPlan = { kind: 'filter', input, predicate: pred, schema: input.schema };
        // (the subquery values projected away again)
        plan = sc === undefined ? filtered : { kind: 'project', input: filtered, exprs: plan.schema.map((fl, i) => inputRef(i, fl.type, fl.name)), schema: filtered.schema.slice(0, plan.schema.length) };
      }
      for (const sq of after.predicates) plan = applySubqueryPredicate(this, plan, sq);
    }
    if (using.length === 0) return plan;
    // USING: each named column once (first), then the other columns of both sides
    const ref = (i: number): BoundExpr => inputRef(i, plan.schema[i]!.type, plan.schema[i]!.name);
    const exprs: BoundExpr[] = [];
    const names: string[] = [];
    for (const u of using) {
      const l = ref(u.l);
      const r = ref(nl + u.r);
      const t = commonType(l.type, r.type) ?? l.type;
      exprs.push(type === 'right' ? r : type === 'full' ? this.makeCase([{ cond: this.call('is_not_null', [l], f.span, 'IS NOT NULL'), then: castTo(l, t) }], castTo(r, t), f.span) : l);
      names.push(plan.schema[u.l]!.name);
    }
    plan.schema.forEach((fl, i) => {
      if (using.some((u) => u.l === i || nl + u.r === i)) return;
      exprs.push(ref(i));
      names.push(fl.name);
    });
    const out = project(plan, exprs, names);
    return { ...out, schema: out.schema.map((fl, i) => (i < using.length ? { ...fl, qualifier: undefined } : fl)) } as LogicalPlan;
  }


  /** Whether `name` is a CTE visible here (it hides a catalog table of the same name). */
  isCte(name: string): boolean {
    return this.ctes.some((frame) => frame.some((c) => c.name.toLowerCase() === name.toLowerCase()));
  }

  /** A table, view or CTE by name, with its fields qualified by `alias`. */
  bindNamedRelation(path: string | readonly string[], span: Span, alias: string): LogicalPlan {
    const name = typeof path === 'string' ? path : path.length === 1 ? path[0]! : '';
    for (let i = this.ctes.length - 1; i >= 0 && name !== ''; i--) {
      const cte = this.ctes[i]!.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (cte !== undefined) {
        // A CTE is bound where it is used, seeing the CTEs declared before it.
        const saved = this.ctes.splice(i + 1);
        try {
          return requalify(this.bindQuery(cte.query), alias, cte.columns, span);
        } finally {
          this.ctes.push(...saved);
        }
      }
    }
    const obj = this.catalog.resolve(path, span);
    if (obj.kind === 'table') return requalify(this.bindScan(obj), alias, undefined, span);
    return requalify(this.bindView(obj), alias, obj.columnAliases, span);
  }

  private bindView(view: ViewDef): LogicalPlan {
    const sub = new Binder(this.catalog, view.source);
    try {
      if (view.scope !== undefined) return this.catalog.withCurrent(view.scope.catalog, view.scope.database, () => sub.bindQuery(view.query));
      return sub.bindQuery(view.query);
    } catch (e) {
      if (e instanceof WeirError) e.withSource(view.source);
      throw e;
    }
  }

  /** A scan of all the table's columns; computed columns and the watermark are bound here. */
  bindScan(table: TableDef): LogicalPlan {
    // the source's columns: physical and metadata (read in the metadata's own type, then cast)
    const physical = sourceColumns(table);
    const metaTypes = checkMetadataColumns(table);
    const physSchema: Field[] = physical.map((c, i) => ({ name: c.name, type: metaTypes[i] ?? c.type, nullable: c.kind === 'physical' ? c.nullable : true, rowtime: false }));
    const sub = new Binder(this.catalog, table.source);
    const outputs: BoundExpr[] = [];
    const fields: Field[] = [];
    // Computed columns may reference physical columns and computed columns declared
    // earlier (Flink allows physical only; earlier computed ones are a convenience).
    for (const c of table.columns) {
      if (c.kind !== 'computed') {
        const i = physical.indexOf(c);
        const read = inputRef(i, physSchema[i]!.type, c.name);
        outputs.push(sameType(read.type, c.type) ? read : { kind: 'cast', operand: read, type: c.type, safe: false });
      } else {
        const ctx: ExprContext = {
          schema: physSchema,
          clause: `computed column ${c.name}`,
          intercept: (e) => {
            if (e.kind !== 'column' || e.parts.length !== 1) return undefined;
            const j = fields.findIndex((f) => f.name.toLowerCase() === e.parts[0]!.value.toLowerCase());
            const pj = physical.findIndex((p) => p.name.toLowerCase() === e.parts[0]!.value.toLowerCase());
            return j >= 0 && pj < 0 ? outputs[j] : undefined;
          },
        };
        try {
          outputs.push(sub.bindExpr(c.expr, ctx));
        } catch (e) {
          if (e instanceof WeirError) e.withSource(table.source);
          throw e;
        }
      }
      const proc = c.kind === 'computed' && isProctimeCall(c.expr);
      fields.push({ name: c.name, type: outputs[outputs.length - 1]!.type, nullable: c.kind === 'physical' ? c.nullable : !proc, rowtime: false, ...(proc ? { proctime: true } : {}), qualifier: table.name });
    }
    let watermark: BoundExpr | undefined;
    let watermarkDelay: number | undefined;
    if (table.watermark !== undefined) {
      const wm = table.watermark;
      const rt = fields.findIndex((f) => f.name.toLowerCase() === wm.column.toLowerCase());
      if (rt < 0) throw bindError(`WATERMARK column '${wm.column}' not found`, table.span).withSource(table.source);
      fields[rt] = { ...fields[rt]!, rowtime: true };
      const ctx: ExprContext = {
        schema: fields.map((f) => ({ ...f, rowtime: false, proctime: false })),
        clause: 'WATERMARK',
      };
      try {
        const overOutputs = sub.bindExpr(wm.expr, ctx);
        watermark = remapInputs(overOutputs, (i) => outputs[i]!);
        if (watermark.type.kind !== fields[rt]!.type.kind) throw bindError(`the WATERMARK expression must be a ${typeToString(fields[rt]!.type)} as its column is, got ${typeToString(watermark.type)}`, wm.expr.span);
        watermarkDelay = watermarkDelayOf(overOutputs, rt);
      } catch (e) {
        if (e instanceof WeirError) e.withSource(table.source);
        throw e;
      }
    }
    return { kind: 'scan', table, outputs, watermark, watermarkDelay, schema: fields };
  }

  /** TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset])) and HOP, CUMULATE, SESSION. */
  /**
   * `left CROSS JOIN LATERAL TABLE(f(args)) [AS t(a, b)]` (also `left, LATERAL TABLE(...)` and
   * `JOIN ... ON cond`, a filter on top) and `left LEFT JOIN LATERAL TABLE(...) ON TRUE`.
   */
  private bindCorrelate(f: ast.Join, left: LogicalPlan, tf: ast.TableFunctionRef): LogicalPlan {
    const name = tf.name.value;
    const user = this.userFunction(name);
    if (user === undefined) throw bindError(`table function ${name} not found`, tf.name.span, "create it first: CREATE FUNCTION name AS 'module.js' (a module with kind: 'table')");
    if (user.def.kind !== 'table') throw bindError(`${user.fn.name} is ${user.def.kind === 'aggregate' ? 'an aggregate' : 'a scalar'} function, not a table function`, tf.name.span, "a table function's module has kind: 'table' and an eval that yields rows");
    const args = tf.args.map((a) => {
      if (a.kind !== 'expr' || a.argName !== undefined) throw bindError(`the arguments of table function ${name} are expressions`, a.span);
      return this.bindExpr(a.expr, { schema: left.schema, clause: 'LATERAL TABLE' });
    });
    checkUserArgs(user.fn.name, user.def, args, tf.span);
    let joinType: 'inner' | 'left';
    if (f.joinType === 'cross' || f.joinType === 'inner') joinType = 'inner';
    else if (f.joinType === 'left') joinType = 'left';
    else throw notSupported(`${f.joinType.toUpperCase()} JOIN LATERAL TABLE`, f.span, 'use CROSS JOIN LATERAL TABLE(...) or LEFT JOIN LATERAL TABLE(...) ON TRUE');
    if (f.using !== undefined) throw bindError('USING is not allowed with LATERAL TABLE', f.span, 'use ON TRUE');
    const aliases = tf.columnAliases?.map((c) => c.value);
    const columns = user.def.columns;
    if (aliases !== undefined && aliases.length !== columns.length) throw bindError(`${aliases.length} column aliases given for the ${columns.length} column(s) of ${user.fn.name} (${columns.map((c) => c.name).join(', ')})`, tf.span);
    const qualifier = tf.alias?.value ?? user.fn.name;
    const fields: Field[] = columns.map((c, i) => ({ name: aliases?.[i] ?? c.name, type: c.type, nullable: true, rowtime: false, qualifier }));
    const node: LogicalPlan = { kind: 'correlate', input: left, fn: udfKey(user.fn.name, user.fn.specifier), name: user.fn.name, args: args.map((a, i) => castTo(a, user.def.args[i]!)), joinType, schema: [...left.schema, ...fields] };
    if (f.on === undefined) {
      if (joinType === 'left') throw bindError('LEFT JOIN LATERAL TABLE needs ON TRUE', f.span);
      return node;
    }
    const on = this.bindExpr(f.on, { schema: node.schema, clause: 'ON' });
    this.expectBoolean(on, f.on, 'ON');
    if (on.kind === 'const' && on.value === true) return node;
    if (joinType === 'left') throw notSupported('a LEFT JOIN LATERAL TABLE condition other than ON TRUE', f.on.span, 'Flink has the same rule: write LEFT JOIN LATERAL TABLE(f(x)) AS t(a) ON TRUE and filter in WHERE');
    return { kind: 'filter', input: node, predicate: on, schema: node.schema };
  }

  private bindWindowTvf(f: ast.TableFunctionRef): LogicalPlan {
    const name = f.name.value.toUpperCase();
    const params: Record<string, string[]> = {
      TUMBLE: ['DATA', 'TIMECOL', 'SIZE', 'OFFSET'],
      HOP: ['DATA', 'TIMECOL', 'SLIDE', 'SIZE', 'OFFSET'],
      CUMULATE: ['DATA', 'TIMECOL', 'STEP', 'SIZE', 'OFFSET'],
      SESSION: ['DATA', 'TIMECOL', 'GAP'],
    };
    const names = params[name];
    if (names === undefined) throw notSupported(`table function ${f.name.value}`, f.name.span, 'weir supports the window functions TUMBLE, HOP, CUMULATE and SESSION');
    // Arrange positional and named arguments by parameter name.
    const args = new Map<string, ast.TableFunctionArg>();
    f.args.forEach((a, i) => {
      const key = a.argName !== undefined ? a.argName.value.toUpperCase() : names[i];
      if (key === undefined || !names.includes(key)) {
        throw bindError(a.argName !== undefined ? `${name} has no parameter ${a.argName.value}` : `${name} takes at most ${names.length} arguments`, a.span, `${name}(${names.join(', ')})`);
      }
      if (args.has(key)) throw bindError(`${name} parameter ${key} given twice`, a.span);
      args.set(key, a);
    });
    const data = args.get('DATA');
    if (data === undefined || data.kind !== 'table') throw bindError(`${name} needs a table as its first argument`, data?.span ?? f.span, `${name}(TABLE t, DESCRIPTOR(time_column), ...)`);
    const tableName = nameOf(data.name);
    const input = this.bindNamedRelation(tableName, data.name.span, data.name.parts[data.name.parts.length - 1]!.value);
    const timecol = args.get('TIMECOL');
    if (timecol === undefined || timecol.kind !== 'descriptor' || timecol.columns.length !== 1) {
      throw bindError(`${name} needs DESCRIPTOR(time_column) as its second argument`, timecol?.span ?? f.span);
    }
    for (const f of input.schema) {
      if (isWindowColumn(f.name)) {
        throw bindError(`the input of ${name} already has a column named ${f.name}`, data.span, `rename it in the view or subquery (e.g. ${f.name} AS inner_${f.name.toLowerCase()}); ${name} adds window_start, window_end and window_time`);
      }
    }
    const timeId = timecol.columns[0]!;
    const timeIndex = resolveField(input.schema, [timeId], timeId.span, this);
    const timeField = input.schema[timeIndex]!;
    if (!timeField.rowtime && timeField.proctime !== true) throw notTimeAttribute(timeField, timeId.span);
    const proc = timeField.proctime === true;
    const interval = (key: string, required: boolean): number => {
      const a = args.get(key);
      if (a === undefined) {
        if (required) throw bindError(`${name} needs a ${key.toLowerCase()} argument`, f.span, `${name}(${names.join(', ')})`);
        return 0;
      }
      if (a.kind !== 'expr') throw bindError(`${name} ${key.toLowerCase()} must be an INTERVAL`, a.span);
      const e = this.bindExpr(a.expr, { schema: [], clause: `${name} ${key}` });
      if (e.kind !== 'const' || e.type.kind !== 'INTERVAL_DAY_TIME' || typeof e.value !== 'number') {
        throw bindError(`${name} ${key.toLowerCase()} must be a constant day-time INTERVAL, e.g. INTERVAL '10' SECOND`, a.span);
      }
      if (key !== 'OFFSET' && e.value <= 0) throw bindError(`${name} ${key.toLowerCase()} must be positive`, a.span);
      return e.value;
    };
    let window: WindowSpec;
    switch (name) {
      case 'TUMBLE':
        window = { kind: 'tumble', size: interval('SIZE', true), offset: interval('OFFSET', false) };
        break;
      case 'HOP': {
        const slide = interval('SLIDE', true);
        const size = interval('SIZE', true);
        if (size % slide !== 0) throw bindError(`HOP size (${size} ms) must be a whole multiple of the slide (${slide} ms)`, f.span);
        window = { kind: 'hop', slide, size, offset: interval('OFFSET', false) };
        break;
      }
      case 'CUMULATE': {
        const step = interval('STEP', true);
        const size = interval('SIZE', true);
        if (size % step !== 0) throw bindError(`CUMULATE size (${size} ms) must be a whole multiple of the step (${step} ms)`, f.span);
        window = { kind: 'cumulate', step, size, offset: interval('OFFSET', false) };
        break;
      }
      default: {
        const partitionKeys = data.partitionBy.map((p) => {
          const e = this.bindExpr(p, { schema: input.schema, clause: 'PARTITION BY' });
          if (e.kind !== 'input') throw bindError('PARTITION BY takes column names', p.span);
          return e.index;
        });
        window = { kind: 'session', gap: interval('GAP', true), partitionKeys };
      }
    }
    if (name !== 'SESSION' && data.partitionBy.length > 0) throw bindError(`PARTITION BY is only for SESSION windows`, data.span);
    window = this.windowZone(window, timeField, f.span);
    const base: Field[] = input.schema.map((fl) => ({ ...fl, rowtime: false, proctime: false }));
    const q = f.alias?.value;
    const schema: Field[] = [
      ...base.map((fl) => (q !== undefined ? { ...fl, qualifier: q } : fl)),
      { name: 'window_start', type: T.TIMESTAMP, nullable: false, rowtime: false, qualifier: q },
      { name: 'window_end', type: T.TIMESTAMP, nullable: false, rowtime: false, qualifier: q },
      proc ? { name: 'window_time', type: T.TIMESTAMP_LTZ, nullable: false, rowtime: false, proctime: true, qualifier: q } : { name: 'window_time', type: window.zone === undefined ? T.TIMESTAMP : T.TIMESTAMP_LTZ, nullable: false, rowtime: true, qualifier: q },
    ];
    return { kind: 'window-tvf', input, window, timeIndex, schema };
  }

  // -------------------------------------------------------------------------------------
  // SELECT

  private bindSelect(s: ast.Select): LogicalPlan {
    const core = this.bindSelectCore(s);
    const hidden = this.hiddenOrderColumns(s, core);
    if (hidden === undefined) return this.bindOrderLimit(core, s.orderBy, s.limit, s.offset);
    // ORDER BY columns of FROM that the select list leaves out (SQL allows them when there is
    // no DISTINCT or aggregation; Calcite, and so Flink, adds them to the projection and drops
    // them after the sort): selected after the list, sorted by position, then dropped
    const n = core.schema.length;
    const wider = this.bindSelectCore({ ...s, items: [...s.items, ...hidden.map((h): ast.SelectItem => ({ kind: 'expr', expr: h.expr, alias: undefined, span: h.span }))] });
    const orderBy = s.orderBy.map((o) => {
      const k = hidden.indexOf(o);
      if (k < 0) return o;
      const text = String(n + k + 1);
      return { ...o, expr: { kind: 'literal', type: 'number', value: n + k + 1, text, span: o.expr.span } satisfies ast.Expr };
    });
    const sorted = this.bindOrderLimit(wider, orderBy, s.limit, s.offset);
    return { kind: 'project', input: sorted, exprs: core.schema.map((f, i) => inputRef(i, sorted.schema[i]!.type, f.name)), schema: sorted.schema.slice(0, n) };
  }

  /** The ORDER BY items that name a column missing from the select list of a plain SELECT. */
  private hiddenOrderColumns(s: ast.Select, core: LogicalPlan): ast.OrderItem[] | undefined {
    if (s.orderBy.length === 0 || s.distinct || s.groupBy.length > 0 || s.having !== undefined) return undefined;
    const exprs = s.items.flatMap((i) => (i.kind === 'expr' ? [i.expr] : []));
    if (collectAggregates(exprs).length > 0 || collectOverCalls(exprs).length > 0) return undefined;
    const hidden = s.orderBy.filter((o) => {
      const e = unparen(o.expr);
      return e.kind === 'column' && tryResolveField(core.schema, e.parts) === undefined;
    });
    return hidden.length > 0 ? hidden : undefined;
  }

  private bindSelectCore(s: ast.Select): LogicalPlan {
    let plan: LogicalPlan;
    let where = s.where;
    // IN/EXISTS subqueries among WHERE's conjuncts become semi/anti joins over the rest
    let subqueries: SubqueryPredicate[] = [];
    if (where !== undefined && containsSubquery(where)) ({ rest: where, subqueries } = splitWhere(where));
    if (s.from !== undefined && s.from.kind === 'join' && flattenable(s.from) && where !== undefined && !containsSubquery(where)) {
      // WHERE over inner/comma joins: its conjuncts become join keys and conditions
      const { leaves, conds } = this.flattenJoin(s.from);
      const pred = this.bindExpr(where, { schema: leaves.flatMap((p) => p.schema), clause: 'WHERE' });
      this.expectBoolean(pred, where, 'WHERE');
      plan = joinLeaves(leaves, [...conds, ...conjuncts(pred)]);
      where = undefined;
    } else plan = s.from !== undefined ? this.bindFrom(s.from) : { kind: 'values', rows: [[]], schema: [] };
    if (where !== undefined) {
      // scalar subqueries: left joins below the filter, their columns projected away after it
      const scalar = attachScalarSubqueries(this, plan, [where]);
      const pred = this.bindExpr(where, { schema: plan.schema, clause: 'WHERE', ...(scalar !== undefined ? { intercept: scalar.intercept } : {}) });
      this.expectBoolean(pred, where, 'WHERE');
      if (scalar === undefined) plan = foldRankFilter({ kind: 'filter', input: plan, predicate: pred, schema: plan.schema });
      else {
        const filtered: LogicalPlan = { kind: 'filter', input: scalar.plan, predicate: pred, schema: scalar.plan.schema };
        plan = { kind: 'project', input: filtered, exprs: plan.schema.map((f, i) => inputRef(i, f.type, f.name)), schema: filtered.schema.slice(0, plan.schema.length) };
      }
    }
    for (const sq of subqueries) plan = applySubqueryPredicate(this, plan, sq);
    const ttl = stateTtlHint(s);
    if (ttl !== undefined) plan = applyJoinTtl(plan, ttl);
    const from = plan;
    const aggCalls = collectAggregates([...s.items.flatMap((i) => (i.kind === 'expr' ? [i.expr] : [])), ...(s.having ? [s.having] : [])]);
    const overCalls = collectOverCalls(s.items.flatMap((i) => (i.kind === 'expr' ? [i.expr] : [])));
    if (overCalls.length > 0) {
      if (s.groupBy.length > 0 || aggCalls.length > 0) {
        throw notSupported('OVER aggregation in a SELECT with GROUP BY or aggregates', overCalls[0]!.span, 'aggregate in a subquery, then apply OVER to its result: SELECT ..., SUM(x) OVER (...) FROM (SELECT ... GROUP BY ...)');
      }
      if (s.having !== undefined) throw bindError('HAVING needs GROUP BY or an aggregate function', s.having.span);
      plan = bindOver(this, s, plan, overCalls);
    } else if (s.groupBy.length > 0 || aggCalls.length > 0) {
      plan = this.bindAggregation(s, plan, aggCalls, aggregateTtl(plan, ttl));
    } else {
      if (s.having !== undefined) throw bindError('HAVING needs GROUP BY or an aggregate function', s.having.span);
      const scalar = attachScalarSubqueries(this, plan, s.items.map((i) => (i.kind === 'expr' ? i.expr : undefined)));
      if (scalar !== undefined) {
        // scalar subqueries in the select list: left joins; the list binds over the FROM's
        // columns (`*` means them alone) and reads each subquery's value by reference
        if (rankCallsOf(s.items).length > 0) throw notSupported('a scalar subquery in a SELECT with ROW_NUMBER, RANK or DENSE_RANK', s.span, 'rank in a subquery, then select from it');
        const { exprs, names } = this.bindSelectItems(s.items, { schema: plan.schema, clause: 'SELECT', intercept: scalar.intercept });
        plan = project(scalar.plan, exprs, names);
      } else {
        const ctx = this.rankContext(s, plan);
        const { exprs, names } = this.bindSelectItems(s.items, ctx.ctx);
        plan = project(ctx.plan, exprs, names);
      }
    }
    if (s.distinct) {
      const keys = plan.schema.map((_, i) => i);
      const stateTtl = s.groupBy.length > 0 || aggCalls.length > 0 ? undefined : aggregateTtl(from, ttl);
      plan = { kind: 'aggregate', input: plan, groupKeys: keys, aggs: [], schema: plan.schema.map((f) => ({ ...f, rowtime: false, proctime: false })), ...(stateTtl !== undefined ? { stateTtl } : {}) };
    }
    checkHintUsed(ttl, from);
    return plan;
  }

  /**
   * A ROW_NUMBER/RANK/DENSE_RANK OVER (...) in the select list: a rank node over `plan` (see
   * bind-rank.ts); the select list binds over the input's columns and reads the rank by reference.
   */
  private rankContext(s: ast.Select, plan: LogicalPlan): { plan: LogicalPlan; ctx: ExprContext } {
    const calls = rankCallsOf(s.items);
    if (calls.length === 0) return { plan, ctx: { schema: plan.schema, clause: 'SELECT' } };
    if (calls.length > 1) throw notSupported('more than one ranking function in a SELECT', calls[1]!.span, 'rank in one subquery, then rank its result in another');
    const call = calls[0]!;
    const rank = bindRank(call, plan, (e, schema, clause) => this.bindExpr(e, { schema, clause }));
    const n = plan.schema.length;
    const ref = inputRef(n, T.BIGINT, rank.schema[n]!.name);
    return { plan: rank, ctx: { schema: plan.schema, clause: 'SELECT', intercept: (e) => (e === call ? ref : undefined) } };
  }

  bindSelectItems(items: readonly ast.SelectItem[], ctx: ExprContext): { exprs: BoundExpr[]; names: string[] } {
    const exprs: BoundExpr[] = [];
    const names: string[] = [];
    items.forEach((item, pos) => {
      if (item.kind === 'star') {
        const q = item.qualifier?.parts.map((p) => p.value).join('.');
        let any = false;
        ctx.schema.forEach((f, i) => {
          if (q !== undefined && f.qualifier?.toLowerCase() !== q.toLowerCase()) return;
          exprs.push(inputRef(i, f.type, f.name));
          names.push(f.name);
          any = true;
        });
        if (!any && q !== undefined) throw bindError(`no table named '${q}' in FROM`, item.span);
        return;
      }
      exprs.push(this.bindExpr(item.expr, ctx));
      names.push(item.alias?.value ?? implicitName(item.expr, pos));
    });
    return { exprs, names };
  }

  /**
   * GROUP BY (and aggregates without one). With GROUPING SETS / ROLLUP / CUBE: one aggregation
   * per grouping set, unioned (see bind-grouping-sets.ts).
   */
  private bindAggregation(s: ast.Select, input: LogicalPlan, aggAsts: readonly ast.FunctionCall[], stateTtl?: number): LogicalPlan {
    const sets = expandGroupingSets(s.groupBy);
    if (sets === undefined) return this.bindGroupedBy(s, s.groupBy, input, aggAsts, stateTtl, undefined);
    // a legacy group window (TUMBLE(...)) does not bind as an expression: keyed by its position
    const keyOf = (e: ast.Expr): string => {
      try {
        return exprKey(this.bindExpr(e, { schema: input.schema, clause: 'GROUP BY' }));
      } catch {
        return `?${e.span.start}:${e.span.end}`;
      }
    };
    const types = new Map<string, DataType>();
    for (const set of sets) {
      for (const e of set) {
        const k = keyOf(e);
        if (!types.has(k) && !k.startsWith('?')) types.set(k, this.bindExpr(e, { schema: input.schema, clause: 'GROUP BY' }).type);
      }
    }
    const all = new Set(sets.flatMap((set) => set.map(keyOf)));
    const seen = new Map<string, number>();
    const branches = sets.map((set) => {
      const keys = new Set<string>();
      const exprs = set.filter((e) => {
        const k = keyOf(e);
        if (keys.has(k)) return false;
        keys.add(k);
        return true;
      });
      const signature = [...keys].sort().join('\u0000');
      const groupId = seen.get(signature) ?? 0;
      seen.set(signature, groupId + 1);
      const nulled = new Map([...types].filter(([k]) => !keys.has(k)));
      return this.bindGroupedBy(s, exprs, input, aggAsts, stateTtl, { all, keys, nulled, groupId });
    });
    return branches.length === 1 ? branches[0]! : unionAll(branches, s.span, 'GROUPING SETS');
  }

  /** A subquery's source text, blanks collapsed: the same subquery written twice has the same text. */
  private subqueryText(e: ast.Expr): string {
    return this.source.text.slice(e.span.start, e.span.end).replace(/\s+/g, ' ');
  }

  private bindGroupedBy(s: ast.Select, groupBy: readonly ast.Expr[], input: LogicalPlan, aggAsts: readonly ast.FunctionCall[], stateTtl: number | undefined, groupingSet: GroupingSet | undefined): LogicalPlan {
    let plan = input;
    // scalar subqueries in GROUP BY and inside aggregate calls provide the aggregation's input
    // rows (Calcite's createAggImpl replaces them first): left joins below it, correlated with
    // the input row, as in a SELECT without GROUP BY
    let below: ((e: ast.Expr) => BoundExpr | undefined) | undefined;
    const inCtx = (): ExprContext => ({ schema: plan.schema, clause: 'GROUP BY', ...(below !== undefined ? { intercept: below } : {}) });
    // 1. Legacy group window in GROUP BY -> window TVF
    let legacy: { name: string; call: ast.FunctionCall } | undefined;
    const groupAsts: ast.Expr[] = [];
    for (const g of groupBy) {
      const e = unparen(g);
      if (e.kind === 'function' && LEGACY_GROUP_WINDOWS.has(e.upper) && e.over === undefined) {
        if (legacy !== undefined) throw bindError('only one group window is allowed in GROUP BY', e.span);
        legacy = { name: e.upper, call: e };
      } else groupAsts.push(g);
    }
    let windowCols: number[] = [];
    if (legacy !== undefined) {
      plan = this.legacyWindowTvf(legacy.call, plan);
      const n = plan.schema.length;
      windowCols = [n - 3, n - 2, n - 1];
    }
    const beneath = attachScalarSubqueries(this, plan, [...groupAsts, ...aggAsts]);
    if (beneath !== undefined) {
      plan = beneath.plan;
      // by text, so that the same subquery written again in the select list finds its group key
      const byText = new Map<string, BoundExpr>();
      for (const g of [...groupAsts, ...aggAsts]) {
        walkExpr(g, (x) => {
          if (x.kind !== 'scalar-subquery') return undefined;
          const v = beneath.intercept(x);
          if (v !== undefined) byText.set(this.subqueryText(x), v);
          return false;
        });
      }
      below = (e) => (e.kind === 'scalar-subquery' ? byText.get(this.subqueryText(e)) : undefined);
    }
    // 2. group keys and aggregate arguments, bound over the input
    const groupExprs: BoundExpr[] = windowCols.map((i) => inputRef(i, plan.schema[i]!.type, plan.schema[i]!.name));
    const groupNames: string[] = windowCols.map((i) => plan.schema[i]!.name);
    for (const g of groupAsts) {
      const e = this.bindExpr(g, inCtx());
      if (containsAggregate(g)) throw bindError('aggregate functions are not allowed in GROUP BY', g.span);
      groupExprs.push(e);
      groupNames.push(e.kind === 'input' ? plan.schema[e.index]!.name : `$f${groupNames.length}`);
    }
    const pre: BoundExpr[] = [];
    const preNames: string[] = [];
    const preIndex = new Map<string, number>();
    const add = (e: BoundExpr, nameHint: string): number => {
      const k = exprKey(e);
      let i = preIndex.get(k);
      if (i === undefined) {
        i = pre.length;
        pre.push(e);
        preNames.push(e.kind === 'input' ? plan.schema[e.index]!.name : nameHint);
        preIndex.set(k, i);
      }
      return i;
    };
    const groupKeys = groupExprs.map((e, i) => add(e, groupNames[i]!));
    const aggs: AggCall[] = [];
    const aggIndex = new Map<string, number>();
    const varianceParts = new Map<string, VarianceParts>();
    for (const fc of aggAsts) {
      const key = this.aggregateKey(fc, plan.schema);
      if (aggIndex.has(key)) continue;
      const argCtx: ExprContext = { schema: plan.schema, clause: `${fc.upper}(...)`, ...(below !== undefined ? { intercept: below } : {}) };
      const bound = fc.args.map((a) => {
        if (containsAggregate(a)) throw bindError('aggregate functions cannot be nested', a.span);
        return this.bindExpr(a, argCtx);
      });
      const json = JSON_AGGREGATES.has(fc.upper) ? bindJsonAggregateArgs(this, fc, bound) : undefined;
      // COUNT(DISTINCT a, b, ...): one distinct value per tuple, and a tuple with a NULL field
      // is not counted (Calcite's COUNT of several arguments): the distinct key is
      // CASE WHEN a IS NULL OR b IS NULL ... THEN NULL ELSE ROW(a, b, ...) END.
      const args = fc.upper === 'COUNT' && fc.distinct && bound.length > 1 ? [this.distinctTuple(bound, fc.span)] : json?.args ?? bound;
      if (fc.over !== undefined) throw notSupported('OVER aggregation', fc.span);
      const variance = VARIANCE_FUNCTIONS[fc.upper];
      if (variance !== undefined) {
        // Rewritten as Flink does (Calcite's AggregateReduceFunctionsRule): SUM(x*x), SUM(x),
        // COUNT(x) and an expression over them, built after the aggregate node (varianceExprs).
        const a = args[0];
        if (args.length !== 1 || a === undefined || fc.star) throw bindError(`${fc.upper} takes one argument`, fc.span);
        if (a.type.kind !== 'NULL' && !isNumeric(a.type)) throw bindError(`${fc.upper} needs a numeric argument, got ${typeToString(a.type)}`, fc.span);
        if (fc.distinct) throw notSupported(`${fc.upper}(DISTINCT ...)`, fc.span);
        let filter: number | undefined;
        if (fc.filter !== undefined) {
          if (containsAggregate(fc.filter)) throw bindError('aggregate functions are not allowed in FILTER', fc.filter.span);
          const f = this.bindExpr(fc.filter, { schema: plan.schema, clause: 'FILTER', ...(below !== undefined ? { intercept: below } : {}) });
          this.expectBoolean(f, fc.filter, 'FILTER (WHERE ...)');
          filter = add(f, `$filter${aggs.length}`);
        }
        const x: BoundExpr = a.type.kind === 'DOUBLE' ? a : { kind: 'cast', operand: a, type: T.DOUBLE, safe: false };
        const name = this.source.text.slice(fc.span.start, fc.span.end);
        const part = (fn: AggCall['fn'], e: BoundExpr, type: DataType, what: string): number => {
          aggs.push({ fn, args: [add(e, `$arg${aggs.length}_0`)], distinct: false, filter, type, name: `${what} of ${name}` });
          return aggs.length - 1;
        };
        const sumSq = part('sum', { kind: 'call', fn: 'mul', args: [x, x], type: T.DOUBLE }, T.DOUBLE, 'SUM(x * x)');
        const sum = part('sum', x, T.DOUBLE, 'SUM(x)');
        const cnt = part('count', a, T.BIGINT, 'COUNT(x)');
        varianceParts.set(key, { sumSq, sum, count: cnt, sample: variance.sample, sqrt: variance.sqrt, type: avgResultType(a.type) });
        aggIndex.set(key, -1);
        continue;
      }
      const user = AGGREGATE_NAMES.has(fc.upper) ? undefined : this.userFunction(fc.upper);
      const r = user !== undefined ? this.resolveUserAggregate(user, args, fc) : resolveAggregate(fc.upper, args.map((a) => a.type), fc.star);
      if (typeof r === 'string') throw bindError(r, fc.span);
      if (fc.distinct && (r.fn === 'count_star' || args.length !== 1)) throw bindError(`${fc.upper}(DISTINCT ...) takes one argument`, fc.span);
      let filter: number | undefined;
      if (fc.filter !== undefined) {
        if (containsAggregate(fc.filter)) throw bindError('aggregate functions are not allowed in FILTER', fc.filter.span);
        const f = this.bindExpr(fc.filter, { schema: plan.schema, clause: 'FILTER', ...(below !== undefined ? { intercept: below } : {}) });
        this.expectBoolean(f, fc.filter, 'FILTER (WHERE ...)');
        filter = add(f, `$filter${aggs.length}`);
      }
      let separator: string | undefined;
      if (r.fn === 'listagg' && args[1] !== undefined) {
        const sep = args[1];
        if (sep.kind !== 'const' || typeof sep.value !== 'string') throw bindError('the LISTAGG separator must be a STRING literal', fc.args[1]!.span, "LISTAGG(name, '; ')");
        separator = sep.value;
      }
      aggIndex.set(key, aggs.length);
      const castArgs = user !== undefined ? args.map((a, i) => castTo(a, user.def.args[i]!)) : args;
      aggs.push({
        fn: r.fn,
        ...(user !== undefined ? { udf: { key: udfKey(user.fn.name, user.fn.specifier), name: user.fn.name, mergeable: user.def.mergeable, retractable: user.def.retractable } } : {}),
        args: (r.fn === 'listagg' ? castArgs.slice(0, 1) : castArgs).map((a, i) => add(a, `$arg${aggs.length}_${i}`)),
        distinct: fc.distinct,
        filter,
        type: r.type,
        name: this.source.text.slice(fc.span.start, fc.span.end),
        ...(separator !== undefined ? { separator } : {}),
        ...(json !== undefined ? { absentOnNull: json.absentOnNull } : {}),
      });
    }
    const preNode = project(plan, pre, preNames);
    const keyFields: Field[] = groupKeys.map((k, i) => {
      const f = preNode.schema[k]!;
      return { name: groupNames[i]!, type: f.type, nullable: f.nullable, rowtime: false, qualifier: undefined };
    });
    const aggFields: Field[] = aggs.map((a, i) => ({ name: `EXPR$${i}`, type: a.type, nullable: a.fn !== 'count' && a.fn !== 'count_star', rowtime: false }));
    const aggNode: AggregateNode = { kind: 'aggregate', input: preNode, groupKeys, aggs, schema: [...keyFields, ...aggFields], ...(stateTtl !== undefined ? { stateTtl } : {}) };
    // window_time of a legacy window (TUMBLE_ROWTIME) stays a time attribute
    let aggPlan: LogicalPlan = windowAggregateRewrite(aggNode) ?? attachedWindowAggregateRewrite(aggNode) ?? aggNode;
    if (legacy === undefined && aggPlan === aggNode && groupKeys.some((k) => isWindowColumn(preNode.schema[k]!.name))) {
      // Grouping by window columns without both bounds: an updating aggregate (Flink does the same).
    }
    // 3. Expressions after aggregation: group keys and aggregates by reference.
    const k = groupKeys.length;
    const keyByExpr = new Map<string, number>();
    groupExprs.forEach((e, i) => keyByExpr.set(exprKey(e), i));
    const aggSchema = aggPlan.schema;
    const keyOf = (e: ast.Expr): string => exprKey(this.bindExpr(e, inCtx()));
    const keySet = new Set(keyByExpr.keys());
    const set: GroupingSet = groupingSet ?? { all: keySet, keys: keySet, nulled: new Map(), groupId: 0 };
    const post: ExprContext = {
      schema: [],
      typeSchema: aggSchema,
      clause: 'SELECT',
      intercept: (e) => {
        if (e.kind === 'function' && e.over === undefined && GROUPING_FUNCTIONS.has(e.upper)) return groupingFunction(e, set, keyOf);
        if (e.kind === 'function' && isAggregateName(e.upper) && e.over === undefined) {
          const key = this.aggregateKey(e, plan.schema);
          const v = varianceParts.get(key);
          if (v !== undefined) return varianceExpr(v, (j) => inputRef(k + j, aggSchema[k + j]!.type, aggSchema[k + j]!.name));
          const i = aggIndex.get(key);
          if (i === undefined) throw bindError('internal: aggregate not collected', e.span);
          return inputRef(k + i, aggSchema[k + i]!.type, aggSchema[k + i]!.name);
        }
        if (e.kind === 'function' && LEGACY_AUX[e.upper] !== undefined) {
          const aux = LEGACY_AUX[e.upper]!;
          if (legacy === undefined || legacy.name !== aux.window) {
            throw bindError(`${e.upper} needs GROUP BY ${aux.window}(...)`, e.span);
          }
          if (!sameArgs(e, legacy.call, this.source)) throw bindError(`${e.upper} arguments must match GROUP BY ${legacy.call.upper}(...)`, e.span, `write ${e.upper}${this.source.text.slice(legacy.call.name.span.end, legacy.call.span.end)}`);
          const idx = aux.column;
          const f = aggSchema[idx]!;
          if (idx === 2 && e.upper.endsWith('_PROCTIME') !== (f.proctime === true)) {
            const right = `${aux.window}_${f.proctime === true ? 'PROCTIME' : 'ROWTIME'}`;
            throw bindError(`${e.upper} needs a window over ${e.upper.endsWith('_PROCTIME') ? 'a processing-time' : 'an event-time'} attribute`, e.span, `this window is over ${f.proctime === true ? 'processing' : 'event'} time: use ${right}`);
          }
          return inputRef(idx, f.type, f.name);
        }
        if (containsAggregate(e) || e.kind === 'literal' || e.kind === 'interval') return undefined;
        let bound: BoundExpr;
        try {
          bound = this.bindExpr(e, inCtx());
        } catch {
          return undefined;
        }
        const i = keyByExpr.get(exprKey(bound));
        if (i !== undefined) return inputRef(i, aggSchema[i]!.type, aggSchema[i]!.name);
        // a grouping column outside this grouping set
        const nulled = set.nulled.get(exprKey(bound));
        if (nulled !== undefined) return constant(null, nulled);
        return undefined;
      },
      onUnresolvedColumn: (c) => {
        const name = c.parts.map((p) => p.value).join('.');
        try {
          this.bindExpr(c, { schema: plan.schema, clause: 'SELECT' });
        } catch (err) {
          throw err;
        }
        throw bindError(`column '${name}' must appear in GROUP BY or be used in an aggregate function`, c.span, `add ${name} to GROUP BY, or wrap it in an aggregate such as MAX(${name})`);
      },
    };
    // scalar subqueries in HAVING and the select list: left joins over the aggregation,
    // correlated through its group keys (bind-subquery.ts)
    const outside = [s.having, ...s.items.map((it) => (it.kind === 'expr' ? it.expr : undefined))];
    // (not those inside an expression that is a group key: it reads the key)
    const grouped = new Set<ast.Expr>();
    if (below !== undefined) {
      for (const x of outside) {
        if (x === undefined) continue;
        walkExpr(x, (n) => {
          if (containsAggregate(n) || !containsSubquery(n)) return containsAggregate(n) ? undefined : false;
          let key: string;
          try {
            key = keyOf(n);
          } catch {
            return undefined;
          }
          if (!keyByExpr.has(key)) return undefined;
          walkExpr(n, (m) => {
            if (m.kind === 'scalar-subquery') grouped.add(m);
          });
          return false;
        });
      }
    }
    const scalar = attachScalarSubqueries(this, aggPlan, outside, { outsideAggregates: true, correlation: groupCorrelation(aggSchema, k, groupExprs, plan.schema), ungrouped: plan.schema, skip: grouped });
    const after: ExprContext = scalar === undefined ? post : { ...post, intercept: (e) => scalar.intercept(e) ?? post.intercept!(e) };
    if (scalar !== undefined) aggPlan = scalar.plan;
    if (s.having !== undefined) {
      const h = this.bindExpr(s.having, { ...after, clause: 'HAVING' });
      this.expectBoolean(h, s.having, 'HAVING');
      aggPlan = { kind: 'filter', input: aggPlan, predicate: h, schema: aggPlan.schema };
    }
    const { exprs, names } = this.bindSelectItems(
      s.items.map((it) => (it.kind === 'star' ? (() => { throw bindError('SELECT * is not allowed with GROUP BY', it.span); })() : it)),
      after,
    );
    return project(aggPlan, exprs, names);
  }

  /**
   * A window over a TIMESTAMP_LTZ time attribute is cut on local date-times in the session
   * zone (WindowSpec.zone), as Flink's are (its session gaps too are measured on local time).
   */
  private windowZone(window: WindowSpec, time: Field, span: Span): WindowSpec {
    if (time.type.kind !== 'TIMESTAMP_LTZ') return window;
    void span;
    return { ...window, zone: sessionTimeZone().id };
  }

  /** GROUP BY TUMBLE(ts, size [, offset]) / HOP(ts, slide, size [, offset]) / SESSION(ts, gap) as a TVF node. */
  private legacyWindowTvf(call: ast.FunctionCall, input: LogicalPlan): LogicalPlan {
    const name = call.upper;
    const expected: Record<string, string> = { TUMBLE: 'TUMBLE(time_attr, size [, offset])', HOP: 'HOP(time_attr, slide, size [, offset])', SESSION: 'SESSION(time_attr, gap)' };
    const [first, ...rest] = call.args;
    if (first === undefined || unparen(first).kind !== 'column') throw bindError(`${name} needs a time attribute column as its first argument`, call.span, expected[name]);
    const timeIndex = resolveField(input.schema, (unparen(first) as ast.ColumnRef).parts, first.span, this);
    const tf = input.schema[timeIndex]!;
    if (!tf.rowtime && tf.proctime !== true) throw notTimeAttribute(tf, first.span);
    const ms = rest.map((a) => {
      const e = this.bindExpr(a, { schema: [], clause: name });
      if (e.kind !== 'const' || e.type.kind !== 'INTERVAL_DAY_TIME' || typeof e.value !== 'number') throw bindError(`${name} arguments after the time column must be constant day-time INTERVALs`, a.span);
      return e.value;
    });
    let window: WindowSpec;
    if (name === 'TUMBLE' && (ms.length === 1 || ms.length === 2)) window = { kind: 'tumble', size: ms[0]!, offset: ms[1] ?? 0 };
    else if (name === 'HOP' && (ms.length === 2 || ms.length === 3)) {
      if (ms[1]! % ms[0]! !== 0) throw bindError('HOP size must be a whole multiple of the slide', call.span);
      window = { kind: 'hop', slide: ms[0]!, size: ms[1]!, offset: ms[2] ?? 0 };
    } else if (name === 'SESSION' && ms.length === 1) {
      window = { kind: 'session', gap: ms[0]!, partitionKeys: [] };
    } else throw bindError(`wrong number of arguments for ${name}`, call.span, expected[name]);
    for (const v of [ms[0]!, ms[1] ?? 1]) if (v <= 0) throw bindError(`${name} sizes must be positive`, call.span);
    window = this.windowZone(window, tf, call.span);
    const base = input.schema.map((f) => ({ ...f, rowtime: false, proctime: false }));
    const schema: Field[] = [
      ...base,
      { name: 'window_start', type: T.TIMESTAMP, nullable: false, rowtime: false },
      { name: 'window_end', type: T.TIMESTAMP, nullable: false, rowtime: false },
      tf.proctime === true ? { name: 'window_time', type: T.TIMESTAMP_LTZ, nullable: false, rowtime: false, proctime: true } : { name: 'window_time', type: window.zone === undefined ? T.TIMESTAMP : T.TIMESTAMP_LTZ, nullable: false, rowtime: true },
    ];
    return { kind: 'window-tvf', input, window, timeIndex, schema };
  }

  /** Identity of an aggregate call, so the same call written twice is computed once. */
  /** Checks a user-defined aggregate's arguments against its declared types. */
  private resolveUserAggregate(user: { fn: FunctionDef; def: UdfDefinition }, args: readonly BoundExpr[], fc: ast.FunctionCall): { fn: 'udaf'; type: DataType } {
    if (fc.star) throw bindError(`${user.fn.name}(*) is not allowed: ${user.fn.name} takes ${user.def.args.length} argument(s)`, fc.span);
    if (fc.distinct) throw notSupported(`${user.fn.name}(DISTINCT ...) of a user-defined aggregate`, fc.span);
    checkUserArgs(user.fn.name, user.def, args, fc.span);
    return { fn: 'udaf', type: user.def.ret };
  }

  private aggregateKey(fc: ast.FunctionCall, schema: Schema): string {
    const ctx: ExprContext = { schema, clause: fc.upper };
    const safeKey = (e: ast.Expr): string => {
      try {
        return exprKey(this.bindExpr(e, ctx));
      } catch {
        return `?${e.span.start}`;
      }
    };
    const onNull = fc.json?.behaviors.map((b) => b.behavior).join(' ') ?? '';
    return `${fc.upper}|${fc.star}|${fc.distinct}|${fc.args.map(safeKey).join(',')}|${fc.filter ? safeKey(fc.filter) : ''}|${onNull}`;
  }

  // -------------------------------------------------------------------------------------
  // UNION ALL, VALUES

  private bindSetOperation(q: ast.SetOperation): LogicalPlan {
    return this.bindOrderLimit(this.bindSetOperationCore(q), q.orderBy, q.limit, q.offset);
  }

  /** ORDER BY (a temporal sort) and LIMIT [OFFSET] over a query's result (see bind-order-limit.ts). */
  private bindOrderLimit(plan: LogicalPlan, orderBy: readonly ast.OrderItem[], limit: ast.Expr | undefined, offset: ast.Expr | undefined): LogicalPlan {
    return bindOrderLimit(this, plan, orderBy, limit, offset);
  }

  private bindSetOperationCore(q: ast.SetOperation): LogicalPlan {
    const left = this.bindQuery(q.left);
    const right = this.bindQuery(q.right);
    if (q.op !== 'union') return intersectExcept(left, right, q.op, q.all, q.span);
    let plan = unionAll([left, right], q.span, 'UNION');
    const schema = plan.schema;
    if (!q.all) plan = { kind: 'aggregate', input: plan, groupKeys: schema.map((_, i) => i), aggs: [], schema: schema.map((f) => ({ ...f, rowtime: false, proctime: false })) };
    return plan;
  }

  private bindValues(q: ast.Values): LogicalPlan {
    const first = q.rows[0];
    if (first === undefined) throw bindError('VALUES needs at least one row', q.span);
    const bound = q.rows.map((r) => {
      if (r.length !== first.length) throw bindError('every VALUES row must have the same number of columns', q.span);
      return r.map((e) => {
        const b = this.bindExpr(e, { schema: [], clause: 'VALUES' });
        if (b.kind !== 'const') throw bindError('VALUES takes constant expressions', e.span);
        return b;
      });
    });
    const types = first.map((_, i) => {
      let t: DataType = T.NULL;
      for (const r of bound) {
        const c = commonType(t, r[i]!.type);
        if (c === null) throw bindError(`VALUES column ${i + 1} mixes ${typeToString(t)} and ${typeToString(r[i]!.type)}`, q.span);
        t = c;
      }
      return t.kind === 'NULL' ? T.INT : t;
    });
    const rows = bound.map((r) => r.map((c, i) => (c.kind === 'const' ? castConstant(c, types[i]!) : null)));
    return { kind: 'values', rows, schema: types.map((t, i) => ({ name: `EXPR$${i}`, type: t, nullable: true, rowtime: false })) };
  }

  // -------------------------------------------------------------------------------------
  // Expressions

  bindExpr(e: ast.Expr, ctx: ExprContext): BoundExpr {
    const hit = ctx.intercept?.(e);
    if (hit !== undefined) return hit;
    switch (e.kind) {
      case 'paren':
        return this.bindExpr(e.expr, ctx);
      case 'literal':
        switch (e.type) {
          case 'number': {
            const { value, type } = numericLiteral(e.text, e.span);
            return constant(value, type);
          }
          case 'string':
            return constant(e.value as string, T.STRING);
          case 'binary': {
            const bytes = binaryOfHex((e.value as string).replace(/\s+/g, ''));
            if (bytes === null) throw bindError(`invalid binary literal ${e.text}`, e.span, "write X'...' with an even number of hex digits, e.g. X'0AFF'");
            return constant(bytes, T.BYTES);
          }
          case 'boolean':
            return constant(e.value as boolean, T.BOOLEAN);
          case 'null':
            return constant(null, T.NULL);
        }
        throw bindError('unknown literal');
      case 'interval': {
        const { value, type } = intervalLiteral(e);
        return constant(value, type);
      }
      case 'typed-literal': {
        const { value, type } = typedLiteral(e);
        return constant(value, type);
      }
      case 'column': {
        const idx = tryResolveField(ctx.schema, e.parts);
        if (idx === 'ambiguous') throw bindError(`column reference '${e.parts.map((p) => p.value).join('.')}' is ambiguous`, e.span, 'qualify it with a table name or alias');
        if (idx === undefined) {
          // `r.f`, `t.r.f.g`: a ROW column followed by field names (longest column prefix first)
          for (let k = e.parts.length - 1; k >= 1; k--) {
            const base = tryResolveField(ctx.schema, e.parts.slice(0, k));
            if (typeof base !== 'number') continue;
            const f = ctx.schema[base]!;
            if (f.type.kind !== 'ROW') continue;
            let x: BoundExpr = inputRef(base, f.type, f.name);
            for (const part of e.parts.slice(k)) x = this.fieldAccess(x, part);
            return x;
          }
          if (ctx.onUnresolvedColumn !== undefined) return ctx.onUnresolvedColumn(e);
          resolveField(ctx.schema, e.parts, e.span, this); // throws with a hint
          throw bindError('unreachable', e.span);
        }
        const f = ctx.schema[idx]!;
        return inputRef(idx, f.type, f.name);
      }
      case 'unary': {
        const x = this.bindExpr(e.operand, ctx);
        if (e.op === '+') {
          if (!isNumeric(x.type) && x.type.kind !== 'NULL') throw bindError(`unary + needs a number, got ${typeToString(x.type)}`, e.span);
          return x;
        }
        return this.call(e.op === '-' ? 'neg' : 'not', [x], e.span, e.op === '-' ? '-' : 'NOT');
      }
      case 'binary':
        return this.bindBinary(e, ctx);
      case 'is': {
        const x = this.bindExpr(e.operand, ctx);
        const fn = e.test === 'NULL' || e.test === 'UNKNOWN' ? (e.not ? 'is_not_null' : 'is_null') : e.test === 'TRUE' ? (e.not ? 'is_not_true' : 'is_true') : e.not ? 'is_not_false' : 'is_false';
        if (e.test === 'UNKNOWN' && x.type.kind !== 'BOOLEAN' && x.type.kind !== 'NULL') throw bindError('IS UNKNOWN needs a BOOLEAN operand', e.span);
        return this.call(fn, [x], e.span, `IS ${e.not ? 'NOT ' : ''}${e.test}`);
      }
      case 'between': {
        const x = this.bindExpr(e.operand, ctx);
        const lo = this.bindExpr(e.low, ctx);
        const hi = this.bindExpr(e.high, ctx);
        const range = (a: BoundExpr, b: BoundExpr): BoundExpr => this.call('and', [this.call('ge', [x, a], e.span, '>='), this.call('le', [x, b], e.span, '<=')], e.span, 'AND');
        let r = range(lo, hi);
        if (e.symmetric) r = this.call('or', [r, range(hi, lo)], e.span, 'OR');
        return e.not ? this.call('not', [r], e.span, 'NOT') : r;
      }
      case 'in-list': {
        const x = this.bindExpr(e.operand, ctx);
        const list = e.list.map((v) => this.bindExpr(v, ctx));
        let r: BoundExpr;
        if (list.every((v) => v.kind === 'const')) r = this.call('in_list', [x, ...list], e.span, 'IN');
        else r = list.map((v) => this.call('eq', [x, v], e.span, '=')).reduce((a, b) => this.call('or', [a, b], e.span, 'OR'));
        return e.not ? this.call('not', [r], e.span, 'NOT') : r;
      }
      case 'in-subquery':
      case 'exists':
        throw notSupported(
          `${e.kind === 'exists' ? 'EXISTS' : e.quantified !== undefined ? `${e.quantified.op} ${e.quantified.all ? 'ALL' : 'ANY'}` : 'IN'} with a subquery in ${ctx.clause === 'WHERE' ? 'this position of WHERE' : ctx.clause}`,
          e.span,
          'as in Flink, IN and EXISTS subqueries are planned as semi and anti joins: write them as conditions of WHERE, combined with AND (not under OR, nor in SELECT)',
        );
      case 'scalar-subquery':
        throw notSupported(`a scalar subquery in ${ctx.clause}`, e.span, 'scalar subqueries are planned in WHERE, in the select list and in HAVING (outside aggregate calls); elsewhere join with the subquery in FROM');
      case 'like': {
        if (e.similar && e.escape !== undefined) throw notSupported('SIMILAR TO ... ESCAPE', e.span, 'write the special character in brackets instead, e.g. [%]');
        const args = [this.bindExpr(e.operand, ctx), this.bindExpr(e.pattern, ctx)];
        if (e.similar) {
          const r = this.call('similar_to', args, e.span, 'SIMILAR TO');
          return e.not ? this.call('not', [r], e.span, 'NOT') : r;
        }
        if (e.escape !== undefined) {
          const esc = this.bindExpr(e.escape, ctx);
          if (esc.kind !== 'const' || typeof esc.value !== 'string' || esc.value.length !== 1) throw bindError('ESCAPE takes a one-character string literal', e.escape.span);
          args.push(esc);
        }
        const r = this.call('like', args, e.span, 'LIKE');
        return e.not ? this.call('not', [r], e.span, 'NOT') : r;
      }
      case 'case':
        return this.bindCase(e, ctx);
      case 'cast': {
        const x = this.bindExpr(e.operand, ctx);
        const to = resolveTypeName(e.type);
        if (!castAllowed(x.type, to)) throw bindError(`cannot cast ${typeToString(x.type)} to ${typeToString(to)}`, e.span);
        if (sameType(x.type, to)) return x;
        return this.fold({ kind: 'cast', operand: x, type: to, safe: e.try }, e.span);
      }
      case 'function':
        if (e.upper === 'ROW' && e.over === undefined && !e.star) return this.call('row_ctor', e.args.map((x) => this.bindExpr(x, ctx)), e.span, 'ROW');
        return this.bindFunction(e, ctx);
      case 'extract': {
        const x = this.bindExpr(e.operand, ctx);
        const fn: Record<string, string> = {
          YEAR: 'year',
          QUARTER: 'quarter',
          MONTH: 'month',
          WEEK: 'week',
          DAY: 'dayofmonth',
          DOW: 'dayofweek',
          DOY: 'dayofyear',
          HOUR: 'hour',
          MINUTE: 'minute',
          SECOND: 'second',
          MILLISECOND: 'millisecond',
          MICROSECOND: 'extract_microsecond',
          NANOSECOND: 'extract_nanosecond',
          DECADE: 'extract_decade',
          CENTURY: 'extract_century',
          MILLENNIUM: 'extract_millennium',
          ISODOW: 'extract_isodow',
          ISOYEAR: 'extract_isoyear',
          EPOCH: 'extract_epoch',
        };
        const f = fn[e.field];
        if (f === undefined) throw notSupported(`EXTRACT(${e.field} FROM ...)`, e.span, `fields: ${Object.keys(fn).join(', ')}`);
        return this.call(f, [x], e.span, `EXTRACT(${e.field})`);
      }
      case 'trim': {
        const x = this.bindExpr(e.operand, ctx);
        const args = [x];
        if (e.chars !== undefined) args.push(this.bindExpr(e.chars, ctx));
        return this.call(e.mode === 'BOTH' ? 'trim_both' : e.mode === 'LEADING' ? 'trim_leading' : 'trim_trailing', args, e.span, 'TRIM');
      }
      case 'row':
        // `(a, b)` outside IN: Flink's implicit ROW constructor
        return this.call('row_ctor', e.items.map((x) => this.bindExpr(x, ctx)), e.span, 'ROW');
      case 'collection':
        return this.call(e.type === 'ARRAY' ? 'array_ctor' : 'map_ctor', e.items.map((x) => this.bindExpr(x, ctx)), e.span, e.type === 'ARRAY' ? 'ARRAY[...]' : 'MAP[...]');
      case 'subscript': {
        const x = this.bindExpr(e.operand, ctx);
        if (x.type.kind !== 'ARRAY' && x.type.kind !== 'MAP') throw bindError(`only an ARRAY or a MAP can be indexed with [...], not ${typeToString(x.type)}`, e.span);
        return this.call('element_at', [x, this.bindExpr(e.index, ctx)], e.span, '[...]');
      }
      case 'field':
        return this.fieldAccess(this.bindExpr(e.operand, ctx), e.field);
      default:
        return assertNever(e, 'expression');
    }
  }

  private bindBinary(e: ast.Binary, ctx: ExprContext): BoundExpr {
    const l = this.bindExpr(e.left, ctx);
    const r = this.bindExpr(e.right, ctx);
    const fn: Record<ast.BinaryOp, string> = {
      '+': 'add',
      '-': 'sub',
      '*': 'mul',
      '/': 'div',
      '%': 'mod',
      '||': 'concat',
      '=': 'eq',
      '<>': 'ne',
      '<': 'lt',
      '<=': 'le',
      '>': 'gt',
      '>=': 'ge',
      AND: 'and',
      OR: 'or',
      'IS DISTINCT FROM': 'is_distinct_from',
      'IS NOT DISTINCT FROM': 'is_not_distinct_from',
    };
    return this.call(fn[e.op], [l, r], e.span, e.op);
  }

  private bindCase(e: ast.Case, ctx: ExprContext): BoundExpr {
    const operand = e.operand !== undefined ? this.bindExpr(e.operand, ctx) : undefined;
    const whens = e.whens.map((w) => {
      const v = this.bindExpr(w.when, ctx);
      const cond = operand !== undefined ? this.call('eq', [operand, v], w.when.span, '=') : v;
      if (operand === undefined) this.expectBoolean(cond, w.when, 'WHEN');
      return { cond, then: this.bindExpr(w.then, ctx) };
    });
    const elseExpr = e.else !== undefined ? this.bindExpr(e.else, ctx) : constant(null, T.NULL);
    return this.makeCase(whens, elseExpr, e.span);
  }

  /** Builds a CASE with the branches cast to their common type. */
  private makeCase(whens: { cond: BoundExpr; then: BoundExpr }[], elseExpr: BoundExpr, span: Span): BoundExpr {
    let t: DataType = elseExpr.type;
    for (const w of whens) {
      const c = commonType(t, w.then.type);
      if (c === null) throw bindError(`CASE branches have incompatible types ${typeToString(t)} and ${typeToString(w.then.type)}`, span);
      t = c;
    }
    if (t.kind === 'NULL') t = T.INT;
    const type = t;
    // Constant conditions: drop FALSE/NULL branches; a TRUE branch ends the CASE.
    const kept: { cond: BoundExpr; then: BoundExpr }[] = [];
    let final = castTo(elseExpr, type);
    for (const w of whens) {
      if (w.cond.kind === 'const') {
        if (w.cond.value === true) {
          final = castTo(w.then, type);
          break;
        }
        continue;
      }
      kept.push({ cond: w.cond, then: castTo(w.then, type) });
    }
    if (kept.length === 0) return final;
    return { kind: 'case', whens: kept, else: final, type };
  }

  private bindFunction(fc: ast.FunctionCall, ctx: ExprContext): BoundExpr {
    const upper = fc.upper;
    if (fc.over !== undefined) throw notSupported(`${upper}(...) OVER (...)`, fc.span, 'OVER windows (ROW_NUMBER, OVER aggregation) arrive in a later release of weir');
    if (isAggregateName(upper)) throw bindError(`aggregate function ${upper} is not allowed in ${ctx.clause}`, fc.span);
    if (LEGACY_GROUP_WINDOWS.has(upper)) throw bindError(`${upper}(...) is a group window: use it in GROUP BY`, fc.span, `or use the table function: FROM TABLE(${upper}(TABLE t, DESCRIPTOR(ts), ...))`);
    if (LEGACY_AUX[upper] !== undefined) throw bindError(`${upper} needs GROUP BY ${LEGACY_AUX[upper]!.window}(...)`, fc.span);
    if (fc.distinct) throw bindError(`DISTINCT is only allowed in aggregate functions`, fc.span);
    if (fc.filter !== undefined) throw bindError(`FILTER is only allowed on aggregate functions`, fc.filter.span);
    if (fc.star) throw bindError(`${upper}(*) is not a function`, fc.span);
    if (NONDETERMINISTIC.has(upper) && functionBySqlName(upper) === undefined) {
      throw notSupported(`${upper}`, fc.span);
    }
    if (fc.json !== undefined && JSON_FUNCTIONS.has(upper)) return bindJsonCall(this, fc, ctx);
    const args = (): BoundExpr[] => fc.args.map((a) => this.bindExpr(a, ctx));
    switch (upper) {
      case 'COALESCE':
      case 'IFNULL': {
        const a = args();
        if (a.length < 1 || (upper === 'IFNULL' && a.length !== 2)) throw bindError(`${upper} takes ${upper === 'IFNULL' ? 'two arguments' : 'at least one argument'}`, fc.span);
        const last = a[a.length - 1]!;
        return this.makeCase(a.slice(0, -1).map((x) => ({ cond: this.call('is_not_null', [x], fc.span, 'IS NOT NULL'), then: x })), last, fc.span);
      }
      case 'NULLIF': {
        const a = args();
        if (a.length !== 2) throw bindError('NULLIF takes two arguments', fc.span);
        return this.makeCase([{ cond: this.call('eq', [a[0]!, a[1]!], fc.span, '='), then: constant(null, T.NULL) }], a[0]!, fc.span);
      }
      case 'TIMESTAMPADD':
      case 'TIMESTAMPDIFF': {
        // The first argument is a time unit keyword (TIMESTAMPDIFF(SECOND, a, b)).
        const [unit, ...rest] = fc.args;
        const u = unit === undefined ? undefined : unparen(unit);
        if (u === undefined || u.kind !== 'column' || u.parts.length !== 1) throw bindError(`${upper} takes a time unit first: ${upper}(SECOND, ...)`, fc.span);
        const fn = functionBySqlName(upper)!;
        return this.call(fn.name, [constant(u.parts[0]!.value.toUpperCase(), T.STRING), ...rest.map((a) => this.bindExpr(a, ctx))], fc.span, upper);
      }
      case 'FLOOR':
      case 'CEIL':
      case 'CEILING': {
        // FLOOR(ts TO HOUR): the parser passes the unit as a column named after it
        const u = fc.args.length === 2 ? unparen(fc.args[1]!) : undefined;
        if (u === undefined || u.kind !== 'column' || u.parts.length !== 1) break;
        const fn = upper === 'FLOOR' ? 'floor_time' : 'ceil_time';
        return this.call(fn, [constant(u.parts[0]!.value.toUpperCase(), T.STRING), this.bindExpr(fc.args[0]!, ctx)], fc.span, upper);
      }
      case 'OVERLAPS': {
        // (p0, t0) OVERLAPS (p1, t1), as Flink (Calcite's convertOverlaps): an interval t is the
        // end p + t; each pair is sorted into [start, end]; TRUE when e0 >= s1 AND e1 >= s0
        const pairs = fc.args.map((a) => this.bindExpr(a, ctx));
        const ends = pairs.map((p) => {
          const fields = p.type.kind === 'ROW' ? (p.type.fields ?? []) : [];
          // a pair of constants is folded to a ROW constant
          const parts = p.kind === 'call' && p.fn === 'row_ctor' ? p.args : p.kind === 'const' && Array.isArray(p.value) ? fields.map((f, i) => constant((p.value as Scalar[])[i] ?? null, f.type)) : [];
          if (fc.args.length !== 2 || parts.length !== 2) throw bindError('OVERLAPS compares two periods: (start, end | interval) OVERLAPS (start, end | interval)', fc.span);
          const [point, t] = parts as [BoundExpr, BoundExpr];
          const end = t.type.kind === 'INTERVAL_DAY_TIME' || t.type.kind === 'INTERVAL_YEAR_MONTH' ? this.call('add', [point, t], fc.span, '+') : t;
          const le = this.call('le', [point, end], fc.span, 'OVERLAPS');
          return { s: this.makeCase([{ cond: le, then: point }], end, fc.span), e: this.makeCase([{ cond: le, then: end }], point, fc.span) };
        });
        const [a, b] = ends as [{ s: BoundExpr; e: BoundExpr }, { s: BoundExpr; e: BoundExpr }];
        return this.call('and', [this.call('ge', [a.e, b.s], fc.span, 'OVERLAPS'), this.call('ge', [b.e, a.s], fc.span, 'OVERLAPS')], fc.span, 'OVERLAPS');
      }
      case 'UNIX_TIMESTAMP':
        if (fc.args.length === 0) return this.call('unix_timestamp_now', [], fc.span, 'UNIX_TIMESTAMP()');
        break;
      case 'TYPEOF': {
        // folded while planning, as Flink's TypeOfFunction (src/sql/bind-typeof.ts)
        const a = args();
        if (a.length < 1 || a.length > 2) throw bindError('TYPEOF takes one or two arguments: TYPEOF(value [, force_serializable])', fc.span);
        const force = a[1];
        if (force !== undefined && (force.kind !== 'const' || (force.value !== null && typeof force.value !== 'boolean'))) {
          throw bindError(`TYPEOF's second argument must be a BOOLEAN literal, not ${typeToString(force.type)}`, fc.args[1]!.span, 'TYPEOF(x, TRUE) gives the serializable form');
        }
        return constant(typeOfText(a[0]!, ctx.typeSchema ?? ctx.schema, force?.kind === 'const' && force.value === true), T.STRING);
      }
      case 'IF': {
        const a = args();
        if (a.length !== 3) throw bindError('IF takes three arguments: IF(condition, then, else)', fc.span);
        this.expectBoolean(a[0]!, fc.args[0]!, 'IF');
        return this.makeCase([{ cond: a[0]!, then: a[1]! }], a[2]!, fc.span);
      }
    }
    const user = this.userFunction(upper);
    if (user !== undefined) {
      if (user.def.kind === 'table') throw bindError(`${user.fn.name} is a table function: call it in FROM`, fc.span, `FROM t CROSS JOIN LATERAL TABLE(${user.fn.name}(...)) AS r(...)`);
      const a = args();
      checkUserArgs(user.fn.name, user.def, a, fc.span);
      return this.call(udfKey(user.fn.name, user.fn.specifier), a, fc.span, user.fn.name);
    }
    const fn = functionBySqlName(upper);
    if (fn === undefined && UNSUPPORTED_FUNCTIONS[upper] !== undefined) throw notSupported(UNSUPPORTED_FUNCTIONS[upper], fc.span);
    if (fn === undefined && (GROUPING_FUNCTIONS.has(upper) || upper === 'ROLLUP' || upper === 'CUBE' || upper === 'GROUPING SETS')) {
      throw bindError(`${upper === 'ROLLUP' || upper === 'CUBE' || upper === 'GROUPING SETS' ? upper : `${upper}(...)`} is only allowed ${GROUPING_FUNCTIONS.has(upper) ? 'in the SELECT list or HAVING of a query with GROUP BY' : 'as an element of GROUP BY'}`, fc.span);
    }
    if (fn === undefined) {
      const guess = didYouMean(upper, [...sqlFunctionNames(), ...AGGREGATE_NAMES, 'COALESCE', 'NULLIF', 'IF', 'IFNULL']);
      throw bindError(`function ${fc.name.value} not found`, fc.name.span, guess !== undefined ? `did you mean ${guess}?` : 'SHOW FUNCTIONS lists the functions weir knows');
    }
    return this.call(fn.name, args(), fc.span, upper);
  }

  /**
   * Resolves a registry function for bound arguments, casts the arguments to its signature
   * and folds the call when every argument is constant. `display` names the operator or
   * function in messages.
   */
  /** `x.f` on a ROW value: the field's value (NULL when the row is NULL). */
  fieldAccess(x: BoundExpr, field: ast.Ident): BoundExpr {
    if (x.type.kind !== 'ROW') throw bindError(`'${field.value}' is not a field: ${typeToString(x.type)} has no fields`, field.span);
    const fields = x.type.fields ?? [];
    let i = fields.findIndex((f) => f.name === field.value);
    if (i < 0 && !field.quoted) i = fields.findIndex((f) => f.name.toLowerCase() === field.value.toLowerCase());
    if (i < 0) {
      const guess = didYouMean(field.value, fields.map((f) => f.name));
      throw bindError(`no field '${field.value}' in ${typeToString(x.type)}`, field.span, guess !== undefined ? `did you mean '${guess}'?` : undefined);
    }
    return this.fold({ kind: 'call', fn: 'row_field', args: [x, constant(i, T.INT)], type: fields[i]!.type }, field.span);
  }

  /** The distinct key of COUNT(DISTINCT a, b, ...): ROW(a, b, ...), or NULL when a field is NULL. */
  private distinctTuple(args: readonly BoundExpr[], span: Span): BoundExpr {
    const row = this.call('row_ctor', [...args], span, 'ROW');
    const anyNull = args.map((a) => this.call('is_null', [a], span, 'IS NULL')).reduce((x, y) => this.call('or', [x, y], span, 'OR'));
    return { kind: 'case', whens: [{ cond: anyNull, then: constant(null, row.type) }], else: row, type: row.type };
  }

  call(fnName: string, args: BoundExpr[], span: Span, display: string): BoundExpr {
    const fn = functionByName(fnName);
    if (fn === undefined) throw bindError(`internal: no function ${fnName}`, span);
    const sig = fn.resolve(args.map((a) => a.type));
    if (typeof sig === 'string') {
      const types = args.map((a) => typeToString(a.type)).join(', ');
      throw bindError(`cannot apply ${display} to (${types})`, span, `${display} takes ${sig}`);
    }
    const cast = args.map((a, i) => castTo(a, sig.args[i]!));
    if (cast.some((a) => a.kind === 'const')) {
      // Constant arguments (patterns, regular expressions, units) are checked now, with a position.
      try {
        fn.kernel(sig, cast.map((a) => (a.kind === 'const' ? a.value : undefined)));
      } catch (e) {
        throw bindError(e instanceof Error ? e.message : String(e), span);
      }
    }
    return this.fold({ kind: 'call', fn: fnName, args: cast, type: sig.ret }, span);
  }

  /** Evaluates an expression whose inputs are all constants. */
  private fold(e: BoundExpr, span: Span): BoundExpr {
    const args = e.kind === 'call' ? e.args : e.kind === 'cast' ? [e.operand] : [];
    if (e.kind === 'call' && functionByName(e.fn)?.deterministic === false) return e;
    if (!args.every((a) => a.kind === 'const')) return e;
    try {
      return constant(evaluateConstant(e), e.type);
    } catch (err) {
      if (err instanceof WeirError && err.span === undefined) throw new WeirError(err.kind === 'execution' ? 'bind' : err.kind, err.message, { span, hint: err.hint });
      throw err;
    }
  }

  expectBoolean(e: BoundExpr, src: ast.Expr, clause: string): void {
    if (e.type.kind !== 'BOOLEAN' && e.type.kind !== 'NULL') throw bindError(`${clause} needs a BOOLEAN condition, got ${typeToString(e.type)}`, src.span);
  }

  unknownColumn(name: string, candidates: readonly string[], span: Span, where: string): WeirError {
    const guess = didYouMean(name, candidates);
    return bindError(`column '${name}' not found in ${where}`, span, guess !== undefined ? `did you mean '${guess}'?` : candidates.length > 0 ? `columns: ${candidates.join(', ')}` : undefined);
  }
}

// ---------------------------------------------------------------------------------------
// helpers

export function notTimeAttribute(f: Field, span: Span): WeirError {
  if (f.joinDroppedRowtime === true) {
    return bindError(
      `column '${f.name}' is not a time attribute: it comes out of a regular join, whose output has no time attribute (as in Flink)`,
      span,
      `an interval join keeps time attributes: bound one side's time by the other's, e.g. ON a.id = b.id AND a.ts BETWEEN b.ts - INTERVAL '5' MINUTE AND b.ts`,
    );
  }
  return bindError(`column '${f.name}' is not a time attribute`, span, `windows need an event-time column: declare WATERMARK FOR ${f.name} AS ${f.name} - INTERVAL '5' SECOND in CREATE TABLE (or, for processing time, a column pt AS PROCTIME())`);
}

/** `PROCTIME()` as written (a computed column `pt AS PROCTIME()` is a processing-time attribute). */
export function isProctimeCall(e: ast.Expr): boolean {
  const u = unparen(e);
  return u.kind === 'function' && u.upper === 'PROCTIME' && u.args.length === 0 && u.over === undefined;
}

/** A bound `PROCTIME()` call: its column is a processing-time attribute. */
export function isProctimeBound(e: BoundExpr): boolean {
  return e.kind === 'call' && e.fn === 'proctime';
}

/** Inner and comma joins without USING or FOR SYSTEM_TIME AS OF flatten into one join tree. */
function isUnnest(f: ast.FromItem): boolean {
  return f.kind === 'table-function' && f.name.value.toUpperCase() === 'UNNEST' && f.lateral === true;
}

export function flattenable(f: ast.Join): boolean {
  // (a join with UNNEST is a correlation of its left side: bound as a unit, bindUnnestJoin)
  if (isUnnest(f.right)) return false;
  return (f.joinType === 'inner' || f.joinType === 'cross') && f.using === undefined && !(f.right.kind === 'table-ref' && f.right.systemTimeAsOf !== undefined) && !(f.right.kind === 'table-function' && f.right.lateral === true) && !(f.right.kind === 'subquery' && f.right.lateral) && !(f.on !== undefined && containsSubquery(f.on));
}

/** `t`, `db.t` or `cat.db.t`, resolved by the catalog against the current catalog and database. */
/**
 * Checks a table's METADATA columns against what its connector reads (Flink's rules and
 * wording): the key must be one the connector provides and the declared type castable from
 * the metadata's type. Returns, per source column (sourceColumns order), the type the source
 * produces for a metadata column (undefined for a physical one).
 */
function checkMetadataColumns(table: TableDef): (DataType | undefined)[] {
  const cols = sourceColumns(table);
  if (!cols.some((c) => c.kind === 'metadata')) return [];
  const connector = table.options.get('connector');
  const readable = readableMetadata(connector);
  const id = `${table.name}`;
  const fail = (message: string, hint?: string): never => {
    throw bindError(message, table.span, hint).withSource(table.source);
  };
  if (readable === undefined) {
    fail(`Table '${id}' declares metadata columns, but the underlying DynamicTableSource doesn't implement the SupportsReadingMetadata interface. Therefore, metadata cannot be read from the given source.`, `the ${connector} connector has no metadata; weir reads metadata from the filesystem connector (${[...readableMetadata('filesystem')!.keys()].join(', ')})`);
  }
  return cols.map((c) => {
    if (c.kind !== 'metadata') return undefined;
    const key = metadataKey(c);
    const type = readable!.get(key);
    if (type === undefined) fail(`Invalid metadata key '${key}' in column '${c.name}' of table '${id}'. The DynamicTableSource class '${sourceClassName(connector)}' supports the following metadata keys for reading:\n${[...readable!.keys()].join('\n')}`);
    if (!sameType(type!, c.type) && !castAllowed(type!, c.type)) fail(`Invalid data type for metadata column '${c.name}' of table '${id}'. The column cannot be declared as '${typeToString(c.type)}' because the type must be castable from metadata type '${typeToString(type!)} NOT NULL'.`);
    return type;
  });
}

function nameOf(q: ast.QualifiedName): readonly string[] {
  return q.parts.map((p) => p.value);
}

export function unparen(e: ast.Expr): ast.Expr {
  return e.kind === 'paren' ? unparen(e.expr) : e;
}

function isWindowColumn(name: string): boolean {
  return (WINDOW_COLUMNS as readonly string[]).includes(name.toLowerCase());
}

/** Same argument text (ignoring spaces and case), for TUMBLE_START(...) vs GROUP BY TUMBLE(...). */
function sameArgs(a: ast.FunctionCall, b: ast.FunctionCall, source: SourceText): boolean {
  const text = (f: ast.FunctionCall): string =>
    f.args
      .map((x) => source.text.slice(x.span.start, x.span.end))
      .join(',')
      .replace(/\s+/g, '')
      .toLowerCase();
  return text(a) === text(b);
}

/** Field index for a possibly qualified name; 'ambiguous' when several match. */
export function tryResolveField(schema: Schema, parts: readonly ast.Ident[]): number | 'ambiguous' | undefined {
  const name = parts[parts.length - 1]!.value;
  const qualifier = parts.length > 1 ? parts[parts.length - 2]!.value : undefined;
  const matches: number[] = [];
  schema.forEach((f, i) => {
    if (f.name.toLowerCase() !== name.toLowerCase()) return;
    if (qualifier !== undefined && f.qualifier?.toLowerCase() !== qualifier.toLowerCase()) return;
    matches.push(i);
  });
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const exact = matches.filter((i) => schema[i]!.name === name);
    return exact.length === 1 ? exact[0] : 'ambiguous';
  }
  return undefined;
}

export function resolveField(schema: Schema, parts: readonly ast.Ident[], span: Span, binder: Binder): number {
  const r = tryResolveField(schema, parts);
  if (typeof r === 'number') return r;
  const full = parts.map((p) => p.value).join('.');
  if (r === 'ambiguous') throw bindError(`column reference '${full}' is ambiguous`, span, 'qualify it with a table name or alias');
  const qualifiers = [...new Set(schema.map((f) => f.qualifier).filter((q): q is string => q !== undefined))];
  const where = qualifiers.length === 1 ? qualifiers[0]! : qualifiers.length > 1 ? qualifiers.join(', ') : 'the input';
  if (parts.length > 1) {
    const q = parts[parts.length - 2]!.value;
    if (!qualifiers.some((x) => x.toLowerCase() === q.toLowerCase())) {
      const guess = didYouMean(q, qualifiers);
      throw bindError(`no table or alias named '${q}' in FROM`, span, guess !== undefined ? `did you mean '${guess}'?` : undefined);
    }
  }
  throw binder.unknownColumn(parts[parts.length - 1]!.value, schema.map((f) => f.name), span, where);
}

/** Gives a plan's fields a new qualifier (and optionally new names). */
function requalify(plan: LogicalPlan, qualifier: string | undefined, names: readonly string[] | undefined, span: Span): LogicalPlan {
  if (names !== undefined && names.length !== plan.schema.length) throw bindError(`${names.length} column aliases given for ${plan.schema.length} columns`, span);
  const schema: Field[] = plan.schema.map((f, i) => ({ ...f, name: names?.[i] ?? f.name, qualifier }));
  return { ...plan, schema } as LogicalPlan;
}

/** A projection; plain references keep their time attribute. */
export function project(input: LogicalPlan, exprs: readonly BoundExpr[], names: readonly string[]): LogicalPlan {
  const schema: Field[] = exprs.map((e, i) => {
    const src = e.kind === 'input' ? input.schema[e.index] : undefined;
    return {
      name: names[i] ?? `EXPR$${i}`,
      type: e.type.kind === 'NULL' ? T.INT : e.type,
      nullable: isProctimeBound(e) ? false : (src?.nullable ?? true),
      rowtime: src?.rowtime ?? false,
      ...(src?.proctime === true || isProctimeBound(e) ? { proctime: true } : {}),
      qualifier: src?.qualifier,
    };
  });
  const fixed = exprs.map((e) => (e.type.kind === 'NULL' ? castTo(e, T.INT) : e));
  return { kind: 'project', input, exprs: fixed, schema };
}

export function castTo(e: BoundExpr, t: DataType): BoundExpr {
  if (sameType(e.type, t)) return e;
  if (e.kind === 'const') return constant(castConstant(e, t), t);
  return { kind: 'cast', operand: e, type: t, safe: false };
}

function castConstant(c: Extract<BoundExpr, { kind: 'const' }>, t: DataType): Scalar {
  if (c.value === null || sameType(c.type, t)) return c.value;
  return evaluateConstant({ kind: 'cast', operand: c, type: t, safe: false });
}

/** Whether a query column of type `from` can be written to a sink column of type `to`. */
function assignable(from: DataType, to: DataType): boolean {
  if (from.kind === 'NULL') return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (to.kind === 'STRING' && from.kind === 'STRING') return true;
  if (from.kind === 'DATE' && to.kind === 'TIMESTAMP') return true;
  // Flink casts TIMESTAMP (and DATE) to TIMESTAMP_LTZ implicitly, through the session zone
  if (to.kind === 'TIMESTAMP_LTZ' && (from.kind === 'TIMESTAMP' || from.kind === 'DATE')) return true;
  return from.kind === to.kind;
}

/** Arguments of a user-defined function: as many as declared, each implicitly castable to its declared type. */
export function checkUserArgs(name: string, def: UdfDefinition, args: readonly BoundExpr[], span: Span): void {
  const declared = `${name}(${def.args.map(typeToString).join(', ')})`;
  if (args.length !== def.args.length) throw bindError(`function ${name} takes ${def.args.length} argument(s), got ${args.length}`, span, `its module declares ${declared}`);
  args.forEach((a, i) => {
    const d = def.args[i]!;
    const common = commonType(a.type, d);
    if (a.type.kind !== 'NULL' && (common === null || common.kind !== d.kind)) {
      throw bindError(`argument ${i + 1} of ${name} is ${typeToString(a.type)}, but the function takes ${typeToString(d)}`, span, `its module declares ${declared}; CAST the argument`);
    }
  });
}

export function implicitName(e: ast.Expr, pos: number): string {
  const u = unparen(e);
  if (u.kind === 'column') return u.parts[u.parts.length - 1]!.value;
  return `EXPR$${pos}`;
}

export function containsAggregate(e: ast.Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'function' && isAggregateName(x.upper) && x.over === undefined) found = true;
  });
  return found;
}

/** Aggregate calls in expressions, outermost first, not looking inside them. */
function collectAggregates(exprs: readonly ast.Expr[]): ast.FunctionCall[] {
  const out: ast.FunctionCall[] = [];
  for (const e of exprs) {
    walkExpr(e, (x) => {
      if (x.kind === 'function' && isAggregateName(x.upper) && x.over === undefined) {
        out.push(x);
        return false;
      }
      return true;
    });
  }
  return out;
}

/** Visits expression nodes; returning false skips the node's children. */
export function walkExpr(e: ast.Expr, visit: (e: ast.Expr) => boolean | void): void {
  if (visit(e) === false) return;
  const kids: ast.Expr[] = [];
  switch (e.kind) {
    case 'literal':
    case 'interval':
    case 'typed-literal':
    case 'column':
      break;
    case 'paren':
      kids.push(e.expr);
      break;
    case 'unary':
      kids.push(e.operand);
      break;
    case 'binary':
      kids.push(e.left, e.right);
      break;
    case 'is':
      kids.push(e.operand);
      break;
    case 'between':
      kids.push(e.operand, e.low, e.high);
      break;
    case 'in-list':
      kids.push(e.operand, ...e.list);
      break;
    case 'in-subquery':
      kids.push(e.operand);
      break;
    case 'exists':
    case 'scalar-subquery':
      break;
    case 'like':
      kids.push(e.operand, e.pattern);
      if (e.escape) kids.push(e.escape);
      break;
    case 'case':
      if (e.operand) kids.push(e.operand);
      for (const w of e.whens) kids.push(w.when, w.then);
      if (e.else) kids.push(e.else);
      break;
    case 'cast':
      kids.push(e.operand);
      break;
    case 'function':
      kids.push(...e.args);
      if (e.filter) kids.push(e.filter);
      break;
    case 'extract':
      kids.push(e.operand);
      break;
    case 'trim':
      kids.push(e.operand);
      if (e.chars) kids.push(e.chars);
      break;
    case 'row':
    case 'collection':
      kids.push(...e.items);
      break;
    case 'subscript':
      kids.push(e.operand, e.index);
      break;
    case 'field':
      kids.push(e.operand);
      break;
    default:
      assertNever(e, 'expression');
  }
  for (const k of kids) walkExpr(k, visit);
}

/** The delay of a watermark strategy `rowtime - INTERVAL 'n' unit`, for diagnostics. */
function watermarkDelayOf(e: BoundExpr, rowtime: number): number | undefined {
  if (e.kind === 'input' && e.index === rowtime) return 0;
  if (e.kind === 'call' && e.fn === 'sub' && e.args[0]?.kind === 'input' && e.args[0].index === rowtime && e.args[1]?.kind === 'const' && typeof e.args[1].value === 'number') return e.args[1].value;
  return undefined;
}

/** Flink functions and grouping constructs spelled as calls, which weir has not got yet. */
const UNSUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
  COLLECT: 'the aggregate COLLECT',
};

/** Where a variance-family call's parts are among the aggregates, and what it computes. */
export interface VarianceParts {
  readonly sumSq: number;
  readonly sum: number;
  readonly count: number;
  readonly sample: boolean;
  readonly sqrt: boolean;
  readonly type: DataType;
}

/**
 * VAR_POP = (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / COUNT(x); the _SAMP forms divide by
 * COUNT(x) - 1 (NULL for one row: a DOUBLE division by zero is NULL); STDDEV takes the square
 * root. Computed in DOUBLE (a rounding error that makes the difference slightly negative is
 * clamped to 0) and cast to the result type (an integer type truncates, as AVG does).
 */
export function varianceExpr(v: VarianceParts, ref: (aggIndex: number) => BoundExpr): BoundExpr {
  const D = T.DOUBLE;
  const call = (fn: string, ...args: BoundExpr[]): BoundExpr => ({ kind: 'call', fn, args, type: fn === 'lt' ? T.BOOLEAN : D });
  const sumSq = ref(v.sumSq);
  const sum = ref(v.sum);
  const count: BoundExpr = { kind: 'cast', operand: ref(v.count), type: D, safe: false };
  const diff = call('sub', sumSq, call('div', call('mul', sum, sum), count));
  const clamped: BoundExpr = { kind: 'case', whens: [{ cond: call('lt', diff, constant(0, D)), then: constant(0, D) }], else: diff, type: D };
  const den = v.sample ? call('sub', count, constant(1, D)) : count;
  let e = call('div', clamped, den);
  if (v.sqrt) e = call('sqrt', e);
  return v.type.kind === 'DOUBLE' ? e : { kind: 'cast', operand: e, type: v.type, safe: false };
}
