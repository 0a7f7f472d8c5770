// DuckDB translation of an event-time temporal join (see translate.ts).
//
// The versioned table is read as its changelog, not its final rows: every record in file
// order with a sequence number, as versions: an after image (op c, r, u) is a row version, a
// before image of a delete (op d) a "no row" version; before images of updates are not
// versions (the operator ignores -U). An append-only source's rows are all row versions. Per
// join key and time the last record wins. Each left row then takes the latest version of its
// key at or before its time (DuckDB's ASOF JOIN; a null-safe key compares as a one-element
// list, where NULL equals NULL) and joins it when it is a row version that passes the
// residual condition; a LEFT join pads the others with NULLs, an INNER join drops them.
//
// A versioned view (a keep-last deduplication, see bind-temporal-join.ts) arrives here as the
// deduplication's input, which is append-only: every row of it is a version.
//
// What the stream does beyond this (a left row that arrives after the watermark passed its
// time joins the versions still kept) only differs for late rows, which verify reports.

import type { TableDef } from '../catalog/catalog.js';
import type { LogicalPlan } from '../plan/logical.js';
import { describeNode } from '../plan/logical.js';
import { listDataFiles } from '../connectors/filesystem/filesystem.js';
import { exactJsonFiles } from './json-exact.js';
import { filesystemPath } from '../connectors/filesystem/partitions.js';
import { DuckDbTranslationError, exprToDuckDb, sqlString } from './duck-expr.js';
import type { TranslateContext } from './translate.js';
import { TranslationError, jsonType, jsonValue, planToDuckDb, q, readPhysical } from './translate.js';

type JoinNode = Extract<LogicalPlan, { kind: 'join' }>;

/** SQL for a temporal join: each left row with the right version valid at its time. */
export function temporalJoinToDuckDb(p: JoinNode, left: string, ctx: TranslateContext): string {
  if (p.strategy.kind !== 'temporal') throw new TranslationError(describeNode(p), 'not a temporal join');
  const { leftTime, rightTime } = p.strategy;
  const right = p.right;
  const nl = p.left.schema.length;
  const nr = right.schema.length;
  const expr = (f: () => string): string => {
    try {
      return f();
    } catch (e) {
      if (e instanceof DuckDbTranslationError) throw new TranslationError(describeNode(p), e.message);
      throw e;
    }
  };
  // versions: the scan's columns c0.. over each changelog record, with __acc and __seq
  let rows: string;
  if (right.kind === 'scan') {
    const events = versionEvents(right.table, ctx);
    const outputs = right.outputs.map((e, i) => `${expr(() => exprToDuckDb(e, (j) => `s.p${j}`))} AS c${i}`);
    rows = `SELECT ${[...outputs, 's.__acc', 's.__seq'].join(', ')} FROM (${events}) s`;
  } else {
    // a versioned view: the deduplication's append-only input (projected as the view
    // projects it), every row a version, in input order
    rows = `SELECT s.*, 1 AS __acc, row_number() OVER () AS __seq FROM (${planToDuckDb(right, ctx)}) s`;
  }
  const notNull = [`e.c${rightTime} IS NOT NULL`, ...p.rightKeys.filter((_, i) => !p.nullSafe[i]).map((k) => `e.c${k} IS NOT NULL`)];
  const partition = [...p.rightKeys.map((k) => `e.c${k}`), `e.c${rightTime}`].join(', ');
  const versions = `SELECT * FROM (${rows}) e WHERE ${notNull.join(' AND ')} QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY e.__seq DESC) = 1`;
  const on = [
    ...p.leftKeys.map((k, i) => (p.nullSafe[i] ? `[l.c${k}] = [v.c${p.rightKeys[i]!}]` : `l.c${k} = v.c${p.rightKeys[i]!}`)),
    `l.c${leftTime} >= v.c${rightTime}`,
  ].join(' AND ');
  const col = (j: number): string => (j < nl ? `l.c${j}` : `v.c${j - nl}`);
  const cond = p.condition === undefined ? 'TRUE' : `(${expr(() => exprToDuckDb(p.condition!, col))})`;
  const lcols = Array.from({ length: nl }, (_, i) => `l.c${i} AS c${i}`);
  const rcols = Array.from({ length: nr }, (_, i) => `v.c${i} AS r${i}`);
  const joined = `SELECT ${[...lcols, ...rcols].join(', ')}, coalesce(v.__acc = 1 AND ${cond}, false) AS __ok FROM (${left}) l ASOF LEFT JOIN (${versions}) v ON ${on}`;
  const out = [...Array.from({ length: nl }, (_, i) => `j.c${i} AS c${i}`), ...Array.from({ length: nr }, (_, i) => `CASE WHEN j.__ok THEN j.r${i} END AS c${nl + i}`)];
  return `SELECT ${out.join(', ')} FROM (${joined}) j${p.joinType === 'inner' ? ' WHERE j.__ok' : ''}`;
}

/**
 * The table's changelog as versions: physical columns p0, p1, ..., `__acc` (1 a row version,
 * 0 a delete) and `__seq` (the record's position in the input).
 */
function versionEvents(table: TableDef, ctx: TranslateContext): string {
  const format = table.options.get('format');
  if (table.options.get('connector') !== 'filesystem' || format !== 'debezium-json') {
    // append-only: every row is a version, in input order
    return `SELECT a.*, 1 AS __acc, row_number() OVER () AS __seq FROM (${readPhysical(table, ctx)}) a`;
  }
  const physical = table.columns.filter((c) => c.kind === 'physical');
  const files = `[${exactJsonFiles(listDataFiles(filesystemPath(table))).map(sqlString).join(', ')}]`;
  const struct = `STRUCT(${physical.map((c) => `${q(c.name)} ${jsonType(c.type)}`).join(', ')})`;
  const image = (side: string): string => physical.map((c, i) => `${jsonValue(`${side}.${q(c.name)}`, c.type)} AS p${i}`).join(', ');
  const ev = `SELECT *, row_number() OVER () AS __seq FROM read_json(${files}, format = 'newline_delimited', columns = {'before': '${struct}', 'after': '${struct}', 'op': 'VARCHAR'})`;
  return `WITH ev AS (${ev}) SELECT ${image('after')}, 1 AS __acc, __seq FROM ev WHERE op IN ('c', 'r', 'u') AND after IS NOT NULL UNION ALL SELECT ${image('before')}, 0 AS __acc, __seq FROM ev WHERE op = 'd' AND before IS NOT NULL`;
}
