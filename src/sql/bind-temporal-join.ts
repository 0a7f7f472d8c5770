// Temporal joins: `FROM l JOIN r FOR SYSTEM_TIME AS OF l.ts ON l.k = r.k`.
//
// Processing time against a bounded file table without a primary key is a lookup join, as
// Flink's lookupable legacy CSV source (upstream Nexmark q13): the file is read once when the
// join starts, indexed by the ON clause's equality keys, and each left row joins every
// matching row (strategy 'lookup'; the AS OF attribute is not read). Otherwise:
//
// The right side is a versioned table: a table with a PRIMARY KEY and an event-time attribute
// (WATERMARK), whose rows (usually a changelog, e.g. debezium-json) are versions valid from
// their rowtime on. Each left row joins the version valid at its own time. Validation follows
// Flink's planner, each failure a positioned error with a hint:
// - the right side must be a table with a primary key and a time attribute, or a view (or
//   WITH query) deduplicated to the latest row per key with ROW_NUMBER (Flink's versioned
//   view: its key is the PARTITION BY columns, its time attribute the ORDER BY column); the
//   join then reads the deduplication's append-only input, each row a new version of its key;
// - the AS OF expression must be a time attribute of the left side (processing time,
//   `PROCTIME()`, is a lookup join, which comes with processing time);
// - the ON clause's equality conditions must cover the whole primary key;
// - only INNER and LEFT joins.
//
// The join node keeps every non-key condition as its residual (conditions on the versioned
// table only are NOT pushed below the join: filtering the changelog would drop a new version
// that fails the condition while the old one stays valid, so a left row would join a version
// that is no longer current). Output: left columns then right ones; the left time attribute
// stays one (rows are emitted once the watermark passes them), the right one becomes a plain
// TIMESTAMP, as in Flink.

import { bindError, notSupported, planError } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound.js';
import { inputRef, referencedInputs } from '../expr/bound.js';
import { T, sameType } from '../common/types.js';
import { andAll, conjuncts } from '../plan/join-build.js';
import type { Field, JoinNode, JoinType, LogicalPlan } from '../plan/logical.js';
import { isUpdating } from '../plan/logical.js';
import type { TableDef } from '../catalog/catalog.js';
import type * as ast from './ast.js';
import type { Binder } from './binder.js';

const VERSIONED_HINT = 'a versioned table has a PRIMARY KEY (...) NOT ENFORCED and a WATERMARK, and is usually read from a changelog (\'format\' = \'debezium-json\')';

/** Binds a temporal join against a versioned table (`right` carries FOR SYSTEM_TIME AS OF). */
export function bindTemporalJoin(binder: Binder, join: ast.Join, left: LogicalPlan, right: ast.TableRef): LogicalPlan {
  const asOf = right.systemTimeAsOf!;
  const name = right.name.parts[right.name.parts.length - 1]!.value;
  const alias = right.alias?.value ?? name;
  if (join.joinType !== 'inner' && join.joinType !== 'left') {
    const what = join.joinType === 'cross' ? 'a comma or CROSS join' : `a ${join.joinType.toUpperCase()} join`;
    throw planError(`a temporal join (FOR SYSTEM_TIME AS OF) must be INNER or LEFT, not ${what}`, join.span, 'write JOIN ... FOR SYSTEM_TIME AS OF ... ON ... or LEFT JOIN ... FOR SYSTEM_TIME AS OF ... ON ...');
  }
  if (join.using !== undefined) throw notSupported('USING in a temporal join', join.span, `write the condition with ON, e.g. ON ${join.using.map((u) => `l.${u.value} = ${alias}.${u.value}`).join(' AND ')}`);
  if (join.on === undefined) throw planError('a temporal join needs an ON condition on the versioned table\'s primary key', join.span);

  // Processing time: `FOR SYSTEM_TIME AS OF PROCTIME()` (or a proctime column) is a lookup join.
  const inner = unparen(asOf);
  if (inner.kind === 'function' && inner.upper === 'PROCTIME') {
    throw notSupported('FOR SYSTEM_TIME AS OF PROCTIME()', asOf.span, 'name the left side\'s processing-time attribute: declare proc_time AS PROCTIME() in its table (or SELECT *, PROCTIME() AS proc_time in a view) and write FOR SYSTEM_TIME AS OF o.proc_time');
  }
  // AS OF: the left side's time attribute.
  const asOfExpr = binder.bindExpr(asOf, { schema: left.schema, clause: 'FOR SYSTEM_TIME AS OF' });
  if (asOfExpr.kind !== 'input') {
    throw planError('FOR SYSTEM_TIME AS OF must name the left side\'s time attribute, not an expression', asOf.span, leftTimeHint(left));
  }
  const leftField = left.schema[asOfExpr.index]!;
  const processing = leftField.proctime === true;
  if (!leftField.rowtime && !processing) {
    const why = leftField.joinDroppedRowtime === true ? 'it comes out of a regular join, whose output has no time attribute' : 'it has no WATERMARK';
    throw planError(`FOR SYSTEM_TIME AS OF must name the left side's time attribute, but column '${leftField.name}' is not one (${why})`, asOf.span, leftTimeHint(left));
  }
  const leftTime = asOfExpr.index;

  // The versioned table: a table, or a view (or WITH query) deduplicated to the latest row
  // per key, whose input rows are then the versions (see versionedView).
  const bound = binder.bindNamedRelation(right.name.parts.map((p) => p.value), right.name.span, alias);
  let rightPlan: LogicalPlan;
  let tableName: string;
  let pkIndex: number[];
  let rightTime: number;
  let lookup: true | string = 'not a lookup join';
  let jdbc = false;
  // a processing-time join against a jdbc table is a lookup join: each left row's keys are
  // looked up in the database when the row arrives (Flink's lookup join)
  if (processing && bound.kind === 'scan' && bound.table.options.get('connector') === 'jdbc') {
    lookup = true;
    jdbc = true;
    tableName = bound.table.name;
    rightPlan = bound;
    pkIndex = [];
    rightTime = -1;
  } else if (bound.kind === 'scan') {
    const table = bound.table;
    tableName = table.name;
    rightPlan = bound;
    if (processing && (table.primaryKey === undefined || table.primaryKey.length === 0)) {
      // Processing time against a table without a primary key: a lookup join, when the table
      // is a bounded file (Flink's legacy CSV source is lookupable: every row of the file with
      // the equality keys' values joins).
      lookup = lookupRefusal(table, bound);
      if (lookup !== true) throw planError(`temporal join: table '${table.name}' has no primary key, so FOR SYSTEM_TIME AS OF its processing time is a lookup join, and ${lookup}`, right.name.span, `a lookup join reads a bounded file: 'connector' = 'filesystem' with an insert-only format and no 'source.monitor-interval'; otherwise declare PRIMARY KEY (key columns) NOT ENFORCED (${VERSIONED_HINT})`);
    } else if (table.primaryKey === undefined || table.primaryKey.length === 0) {
      throw planError(
        `temporal join: table '${table.name}' is not a versioned table: it has no primary key`,
        right.name.span,
        `declare it in CREATE TABLE ${table.name}: PRIMARY KEY (key columns) NOT ENFORCED; ${VERSIONED_HINT}`,
      );
    }
    if (lookup === true) {
      rightTime = -1;
    } else if (processing) {
      // Processing time: a version is valid from the moment the join's input read it. The rows
      // are stamped with the clock as they come (a hidden column), so the join is the
      // event-time one on those times, and the job's watermark is the clock: a left row
      // stamped t joins the latest version stamped at or before t.
      rightTime = bound.schema.length;
      rightPlan = {
        kind: 'project',
        input: bound,
        exprs: [...bound.schema.map((f, i) => inputRef(i, f.type, f.name)), { kind: 'call', fn: 'proctime', args: [], type: T.TIMESTAMP_LTZ }],
        schema: [...bound.schema.map((f) => ({ ...f, rowtime: false, proctime: false })), { name: '$version_time', type: T.TIMESTAMP_LTZ, nullable: false, rowtime: false, proctime: true }],
      };
    } else rightTime = bound.schema.findIndex((f) => f.rowtime);
    if (rightTime < 0 && lookup !== true) {
      throw planError(
        `temporal join: table '${table.name}' is not a versioned table: it has no event-time attribute`,
        right.name.span,
        `declare one in CREATE TABLE ${table.name}: WATERMARK FOR update_time AS update_time - INTERVAL '5' SECOND; ${VERSIONED_HINT}`,
      );
    }
    pkIndex = (table.primaryKey ?? []).map((k) => bound.schema.findIndex((f) => f.name.toLowerCase() === k.toLowerCase()));
  } else {
    tableName = name;
    const what = binder.isCte(name) ? 'WITH query' : 'view';
    if (processing) throw notSupported(`a processing-time temporal join against a ${what}`, right.name.span, 'join a table with a PRIMARY KEY: FOR SYSTEM_TIME AS OF a processing-time attribute reads its latest row per key');
    const v = versionedView(bound);
    if (typeof v === 'string') {
      throw planError(`temporal join: ${what} '${name}' is not a versioned table: ${v}`, right.name.span, VIEW_HINT);
    }
    rightPlan = v.plan;
    pkIndex = v.keys;
    rightTime = v.time;
  }
  const rightSchema = rightPlan.schema;
  const primaryKey = pkIndex.map((k) => rightSchema[k]!.name);


  // ON: equality conditions between a left expression and a right column are the keys.
  const nl = left.schema.length;
  const nr = rightSchema.length;
  const on = binder.bindExpr(join.on, { schema: [...left.schema, ...rightSchema], clause: 'ON' });
  if (on.type.kind !== 'BOOLEAN' && on.type.kind !== 'NULL') throw bindError(`ON needs a BOOLEAN condition, got ${on.type.kind}`, join.on.span);
  const joinType: JoinType = join.joinType;
  const leftOnly: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  const keyPairs: { l: BoundExpr; r: number; nullSafe: boolean }[] = [];
  for (const c of conjuncts(on)) {
    const side = sideOf(c, nl);
    if (side === 'left' && joinType === 'inner') {
      leftOnly.push(c);
      continue;
    }
    if (side === 'both' && c.kind === 'call' && (c.fn === 'eq' || c.fn === 'is_not_distinct_from') && c.args.length === 2) {
      const [a, b] = c.args as [BoundExpr, BoundExpr];
      const pair = sideOf(a, nl) === 'left' && b.kind === 'input' && b.index >= nl ? { l: a, r: b.index - nl } : sideOf(b, nl) === 'left' && a.kind === 'input' && a.index >= nl ? { l: b, r: a.index - nl } : undefined;
      if (pair !== undefined) {
        keyPairs.push({ ...pair, nullSafe: c.fn !== 'eq' });
        continue;
      }
    }
    residual.push(c);
  }
  if (jdbc && keyPairs.length === 0) {
    throw planError(`lookup join: the ON clause must equate a column of '${tableName}' with the left side (the lookup key)`, join.on.span, `write ON <left column> = ${alias}.<column>`);
  }
  if (jdbc && keyPairs.some((p) => p.nullSafe)) throw notSupported('IS NOT DISTINCT FROM as a lookup key', join.on.span, 'write the lookup key with =');
  const missing = pkIndex.filter((k) => !keyPairs.some((p) => p.r === k));
  if (missing.length > 0) {
    const pk = primaryKey.join(', ');
    throw planError(
      `temporal join: the ON clause must equate the whole primary key of '${tableName}' (${pk}) with the left side, but ${missing.map((k) => `'${rightSchema[k]!.name}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not`,
      join.on.span,
      `add ${missing.map((k) => `${alias}.${rightSchema[k]!.name} = <left column>`).join(' AND ')} to ON`,
    );
  }

  if (lookup === true && keyPairs.length === 0) {
    throw planError(
      `lookup join: the ON clause must equate a column of '${tableName}' with the left side (the lookup keys)`,
      join.on.span,
      `e.g. ON ${rightSchema[0] === undefined ? 'l.k = r.k' : `<left expression> = ${alias}.${rightSchema[0].name}`}`,
    );
  }
  // a key compared across types is looked up in the right column's type
  for (const p of keyPairs) {
    const rt = rightSchema[p.r]!.type;
    if (lookup === true && !sameType(p.l.type, rt)) p.l = { kind: 'cast', operand: p.l, type: rt, safe: false };
  }

  // Left keys that are expressions are computed by a projection below the join.
  let l: LogicalPlan = left;
  const pushed = andAll(leftOnly);
  if (pushed !== undefined) l = { kind: 'filter', input: l, predicate: pushed, schema: l.schema };
  const extra: BoundExpr[] = [];
  const leftKeys = keyPairs.map((p) => {
    if (p.l.kind === 'input') return p.l.index;
    extra.push(p.l);
    return nl + extra.length - 1;
  });
  if (extra.length > 0) {
    const exprs = [...l.schema.map((f, i) => inputRef(i, f.type, f.name)), ...extra];
    const schema: Field[] = [...l.schema, ...extra.map((e, i) => ({ name: `$lkey${i}`, type: e.type, nullable: true, rowtime: false }))];
    l = { kind: 'project', input: l, exprs, schema };
  }
  const wl = l.schema.length;
  const shift = (e: BoundExpr): BoundExpr => (wl === nl ? e : moveRight(e, nl, wl - nl));
  const outer = joinType === 'left';
  const schema: Field[] = [...l.schema, ...rightSchema.map((f) => ({ ...f, rowtime: false, proctime: false, nullable: outer ? true : f.nullable }))];
  const node: JoinNode = {
    kind: 'join',
    joinType,
    left: l,
    right: rightPlan,
    leftKeys,
    rightKeys: keyPairs.map((p) => p.r),
    nullSafe: keyPairs.map((p) => p.nullSafe),
    condition: andAll(residual.map(shift)),
    strategy: lookup === true ? (jdbc ? { kind: 'lookup', leftTime } : { kind: 'lookup' }) : { kind: 'temporal', leftTime, rightTime },
    schema,
  };
  // the hidden version time of a processing-time join is not an output column
  const visible = processing && lookup !== true ? nr - 1 : nr;
  if (extra.length === 0 && visible === nr) return node;
  const keep = [...[...Array(nl).keys()], ...[...Array(visible).keys()].map((i) => wl + i)];
  return { kind: 'project', input: node, exprs: keep.map((i) => inputRef(i, schema[i]!.type, schema[i]!.name)), schema: keep.map((i) => schema[i]!) };
}

/** True when a processing-time join against this table can be a lookup join; else why not. */
function lookupRefusal(table: TableDef, scan: LogicalPlan): true | string {
  const connector = table.options.get('connector');
  if (connector !== 'filesystem') return `a lookup join reads a bounded file, but '${table.name}' is a '${connector ?? '?'}' table`;
  if (table.options.get('source.monitor-interval') !== undefined) return `a lookup join reads a bounded file, but '${table.name}' is monitored for new files ('source.monitor-interval')`;
  if (isUpdating(scan)) return `a lookup join reads an insert-only file, but '${table.name}' is a changelog`;
  return true;
}

const VIEW_HINT =
  'Flink accepts as a versioned table a view that keeps the latest row per key: CREATE VIEW v AS SELECT ... FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY key ORDER BY time_attr DESC) AS rn FROM append_only_table) WHERE rn = 1';

/**
 * A view deduplicated to the latest row per key (ROW_NUMBER() = 1 ordered by the time
 * attribute DESC over an append-only input, under projections): its primary key is the
 * PARTITION BY columns and its time attribute the ORDER BY column (Flink infers both). As a
 * versioned table it is the deduplication's INPUT, projected as the view projects it: every
 * input row is a new version of its key from its rowtime on (a later row with the same key
 * and time replaces the earlier, as keep-last deduplication does). Returns why not otherwise.
 */
export function versionedView(p: LogicalPlan): { plan: LogicalPlan; keys: number[]; time: number } | string {
  if (p.kind === 'project') {
    const r = versionedView(p.input);
    if (typeof r === 'string') return r;
    const find = (i: number): number => p.exprs.findIndex((e) => e.kind === 'input' && e.index === i);
    const keys = r.keys.map(find);
    const missing = r.keys.filter((_, i) => keys[i]! < 0).map((k) => `'${r.plan.schema[k]!.name}'`);
    if (missing.length > 0) return `it does not select its deduplication key${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the PARTITION BY columns are its primary key)`;
    const time = find(r.time);
    if (time < 0 || !p.schema[time]!.rowtime) return `it does not select its time attribute '${r.plan.schema[r.time]!.name}' (the ORDER BY column of the deduplication)`;
    return { plan: { ...p, input: r.plan }, keys, time };
  }
  if (p.kind === 'rank') {
    const s = p.strategy;
    if (p.fn !== 'row_number' || s.kind !== 'deduplicate' || !s.keepLast || p.outputRank || p.range === undefined || p.range.start !== 1 || p.range.end !== 1) {
      return 'its ranking is not a deduplication to the latest row per key (ROW_NUMBER() OVER (PARTITION BY key ORDER BY time attribute DESC) = 1 over an append-only input)';
    }
    if (p.partitionKeys.length === 0) return 'its deduplication has no PARTITION BY key, so it has no primary key';
    // the rank's columns are its input's: its input under the rank's (qualified) names
    const exprs = p.input.schema.map((f, i) => inputRef(i, f.type, f.name));
    return { plan: { kind: 'project', input: p.input, exprs, schema: p.schema }, keys: [...p.partitionKeys], time: s.timeIndex };
  }
  if (p.kind === 'filter' && (p.input.kind === 'rank' || p.input.kind === 'project')) {
    return 'it filters the deduplicated rows (a condition next to rn = 1); only projections may follow the deduplication';
  }
  return 'it is not a deduplication to the latest row per key';
}

function leftTimeHint(left: LogicalPlan): string {
  const times = left.schema.filter((f) => f.rowtime).map((f) => (f.qualifier !== undefined ? `${f.qualifier}.${f.name}` : f.name));
  if (times.length > 0) return `the left side's time attribute${times.length > 1 ? 's are' : ' is'} ${times.join(', ')}: FOR SYSTEM_TIME AS OF ${times[0]}`;
  return 'the left side has no time attribute: declare WATERMARK FOR <column> AS <column> - INTERVAL \'5\' SECOND on its table';
}

function unparen(e: ast.Expr): ast.Expr {
  return e.kind === 'paren' ? unparen(e.expr) : e;
}

function sideOf(e: BoundExpr, nl: number): 'left' | 'right' | 'both' | 'none' {
  let l = false;
  let r = false;
  for (const i of referencedInputs(e)) {
    if (i < nl) l = true;
    else r = true;
  }
  return l && r ? 'both' : l ? 'left' : r ? 'right' : 'none';
}

/** Moves references to columns >= `from` by `by` (the right columns, past extra left keys). */
function moveRight(e: BoundExpr, from: number, by: number): BoundExpr {
  switch (e.kind) {
    case 'input':
      return e.index >= from ? { ...e, index: e.index + by } : e;
    case 'const':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => moveRight(a, from, by)) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ cond: moveRight(w.cond, from, by), then: moveRight(w.then, from, by) })), else: moveRight(e.else, from, by) };
    case 'cast':
      return { ...e, operand: moveRight(e.operand, from, by) };
  }
}
