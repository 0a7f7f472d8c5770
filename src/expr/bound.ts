// Bound scalar expressions: what the binder produces from AST expressions once names are
// resolved to input columns and every node has a type. Plan nodes hold these; the
// compiler in compile.ts turns a tree into a batch kernel once per query.

import { hexOfBinary } from '../common/bytes.js';
import { formatTimeOfDay } from '../common/time-of-day.js';
import type { Scalar } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { typeToString } from '../common/types.js';
import { formatTimestamp, formatDate } from '../common/time.js';
import { formatComposite } from '../common/display.js';

export type BoundExpr =
  /** Column `index` of the operator's input. */
  | { readonly kind: 'input'; readonly index: number; readonly type: DataType; readonly name: string }
  | { readonly kind: 'const'; readonly value: Scalar; readonly type: DataType }
  /** A scalar function from the registry (operators are functions too: `add`, `eq`, `and`). */
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly BoundExpr[]; readonly type: DataType }
  /** Searched CASE; branches are evaluated only on the rows that reach them. */
  | { readonly kind: 'case'; readonly whens: readonly { readonly cond: BoundExpr; readonly then: BoundExpr }[]; readonly else: BoundExpr; readonly type: DataType }
  | { readonly kind: 'cast'; readonly operand: BoundExpr; readonly type: DataType; readonly safe: boolean };

export function inputRef(index: number, type: DataType, name: string): BoundExpr {
  return { kind: 'input', index, type, name };
}

export function constant(value: Scalar, type: DataType): BoundExpr {
  return { kind: 'const', value, type };
}

/** Structural equality (for GROUP BY matching and common subexpressions). */
export function exprEquals(a: BoundExpr, b: BoundExpr): boolean {
  return exprKey(a) === exprKey(b);
}

/** A canonical text of the expression, usable as a map key. */
/** JSON.stringify replacer: a BIGINT beyond ±(2^53-1) inside a composite constant, as its digits (the type tells it from a string). */
function bigintText(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

export function exprKey(e: BoundExpr): string {
  switch (e.kind) {
    case 'input':
      return `#${e.index}`;
    case 'const':
      // (JSON writes NaN and the infinities as null and -0 as 0: spelled out so they stay apart)
      if (typeof e.value === 'bigint') return `c(bigint ${e.value}:${typeToString(e.type)})`;
      return `c(${typeof e.value === 'number' && (!Number.isFinite(e.value) || Object.is(e.value, -0)) ? `number ${Object.is(e.value, -0) ? '-0' : String(e.value)}` : JSON.stringify(e.value, bigintText)}:${typeToString(e.type)})`;
    case 'call':
      return `${e.fn}(${e.args.map(exprKey).join(',')})`;
    case 'case':
      return `case(${e.whens.map((w) => `${exprKey(w.cond)}=>${exprKey(w.then)}`).join(';')};else ${exprKey(e.else)})`;
    case 'cast':
      return `${e.safe ? 'try_cast' : 'cast'}(${exprKey(e.operand)} as ${typeToString(e.type)})`;
  }
}

/** Input columns the expression reads. */
export function referencedInputs(e: BoundExpr, out: Set<number> = new Set()): Set<number> {
  switch (e.kind) {
    case 'input':
      out.add(e.index);
      break;
    case 'const':
      break;
    case 'call':
      for (const a of e.args) referencedInputs(a, out);
      break;
    case 'case':
      for (const w of e.whens) {
        referencedInputs(w.cond, out);
        referencedInputs(w.then, out);
      }
      referencedInputs(e.else, out);
      break;
    case 'cast':
      referencedInputs(e.operand, out);
      break;
  }
  return out;
}

/** Rewrites input references (after projections are merged or columns pruned). */
export function remapInputs(e: BoundExpr, map: (index: number) => BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'input':
      return map(e.index);
    case 'const':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => remapInputs(a, map)) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ cond: remapInputs(w.cond, map), then: remapInputs(w.then, map) })), else: remapInputs(e.else, map) };
    case 'cast':
      return { ...e, operand: remapInputs(e.operand, map) };
  }
}

const INFIX: Record<string, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  mod: '%',
  eq: '=',
  ne: '<>',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  and: 'AND',
  or: 'OR',
  concat: '||',
};

export function formatConst(value: Scalar, type: DataType): string {
  if (value === null) return 'NULL';
  if (type.kind === 'BYTES' && typeof value === 'string') return `X'${hexOfBinary(value).toUpperCase()}'`;
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') return formatComposite(value, type);
  if (typeof value === 'bigint') return String(value);
  switch (type.kind) {
    case 'TIMESTAMP':
      return `TIMESTAMP '${formatTimestamp(value)}'`;
    case 'DATE':
      return `DATE '${formatDate(value)}'`;
    case 'TIME':
      return `TIME '${formatTimeOfDay(value, type.precision ?? 0)}'`;
    case 'INTERVAL_DAY_TIME':
      return `INTERVAL '${value / 1000}' SECOND`;
    case 'INTERVAL_YEAR_MONTH':
      return `INTERVAL '${value}' MONTH`;
    case 'BOOLEAN':
      return value ? 'TRUE' : 'FALSE';
    default:
      return String(value);
  }
}

/** Human-readable form for EXPLAIN; `names` gives input column names. */
export function exprToString(e: BoundExpr, names?: readonly string[]): string {
  switch (e.kind) {
    case 'input':
      return names?.[e.index] ?? e.name ?? `$${e.index}`;
    case 'const':
      return formatConst(e.value, e.type);
    case 'call': {
      const op = INFIX[e.fn];
      if (op !== undefined && e.args.length === 2) return `(${exprToString(e.args[0]!, names)} ${op} ${exprToString(e.args[1]!, names)})`;
      if (e.fn === 'not') return `NOT ${exprToString(e.args[0]!, names)}`;
      if (e.fn === 'neg') return `-${exprToString(e.args[0]!, names)}`;
      if (e.fn === 'is_null') return `${exprToString(e.args[0]!, names)} IS NULL`;
      if (e.fn === 'is_not_null') return `${exprToString(e.args[0]!, names)} IS NOT NULL`;
      // a user-defined function's key is `udf:<name>|<module>`: shown by its SQL name
      const fnName = e.fn.startsWith('udf:') ? e.fn.slice(4, e.fn.indexOf('|')) : e.fn.toUpperCase();
      return `${fnName}(${e.args.map((a) => exprToString(a, names)).join(', ')})`;
    }
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${exprToString(w.cond, names)} THEN ${exprToString(w.then, names)}`).join(' ')} ELSE ${exprToString(e.else, names)} END`;
    case 'cast':
      return `${e.safe ? 'TRY_CAST' : 'CAST'}(${exprToString(e.operand, names)} AS ${typeToString(e.type)})`;
  }
}
