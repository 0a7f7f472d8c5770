// Binding of Flink's JSON functions (JSON_VALUE, JSON_QUERY, JSON_EXISTS, JSON_OBJECT,
// JSON_ARRAY, IS JSON): their clauses become constant arguments of the registry functions in
// src/expr/functions/json.ts; JSON_VALUE's RETURNING type is a cast of the extracted text
// (a failed conversion is an error, which ON ERROR decides, as in Flink).

import { bindError, notSupported } from '../common/errors.js';
import type { DataType } from '../common/types.js';
import { T, typeToString } from '../common/types.js';
import type { BoundExpr } from '../expr/bound.js';
import { constant } from '../expr/bound.js';
import { castAllowed } from '../expr/cast.js';
import { jsonSerializable, jsonValueTypeOk } from '../expr/functions/json.js';
import type * as ast from './ast.js';
import type { Binder, ExprContext } from './binder.js';
import { resolveTypeName } from './literals.js';

export const JSON_FUNCTIONS = new Set(['JSON_VALUE', 'JSON_QUERY', 'JSON_EXISTS', 'JSON_OBJECT', 'JSON_ARRAY', 'IS JSON']);

const str = (s: string): BoundExpr => constant(s, T.STRING);
const nullStr = (): BoundExpr => constant(null, T.STRING);

export function bindJsonCall(binder: Binder, fc: ast.FunctionCall, ctx: ExprContext): BoundExpr {
  const clauses = fc.json ?? { behaviors: [] };
  const name = fc.upper;
  const arg = (i: number): BoundExpr => binder.bindExpr(fc.args[i]!, ctx);
  const stringArg = (i: number, what: string): BoundExpr => {
    const e = arg(i);
    if (e.type.kind !== 'STRING' && e.type.kind !== 'NULL') throw bindError(`${name} needs a STRING ${what}, got ${typeToString(e.type)}`, fc.args[i]!.span, what === 'JSON text' ? 'CAST it to STRING, or build JSON with JSON_OBJECT / JSON_ARRAY' : undefined);
    return e;
  };
  /** The behaviour for `event`, checked against what the function takes there. */
  const behavior = (event: 'EMPTY' | 'ERROR' | 'NULL', allowed: readonly ast.JsonBehaviorKind[], fallback: ast.JsonBehaviorKind): { kind: ast.JsonBehaviorKind; def: number | undefined } => {
    const found = clauses.behaviors.filter((b) => b.event === event);
    if (found.length > 1) throw bindError(`${name} takes one ON ${event} clause`, found[1]!.span);
    const b = found[0];
    if (b === undefined) return { kind: fallback, def: undefined };
    if (!allowed.includes(b.behavior)) throw bindError(`${name} does not take ${b.behavior}${b.behavior === 'DEFAULT' ? ' ...' : ''} ON ${event}`, b.span, `it takes ${allowed.map((a) => (a === 'DEFAULT' ? 'DEFAULT value' : a)).join(', ')} ON ${event}`);
    return { kind: b.behavior, def: b.defaultArg };
  };
  const noOther = (events: readonly string[]): void => {
    const bad = clauses.behaviors.find((b) => !events.includes(b.event));
    if (bad !== undefined) throw bindError(`${name} has no ON ${bad.event} clause`, bad.span);
  };
  const span = fc.span;
  switch (name) {
    case 'IS JSON':
      return binder.call('is_json', [stringArg(0, 'operand'), str(clauses.isJson ?? 'VALUE')], span, 'IS JSON');
    case 'JSON_EXISTS': {
      noOther(['ERROR']);
      const onError = behavior('ERROR', ['TRUE', 'FALSE', 'UNKNOWN', 'ERROR'], 'FALSE');
      return binder.call('json_exists', [stringArg(0, 'JSON text'), stringArg(1, 'path'), str(onError.kind)], span, name);
    }
    case 'JSON_QUERY': {
      noOther(['EMPTY', 'ERROR']);
      if (clauses.returning !== undefined) {
        const t = resolveTypeName(clauses.returning);
        if (t.kind !== 'STRING') throw notSupported(`JSON_QUERY ... RETURNING ${typeToString(t)}`, clauses.returning.span, 'JSON_QUERY returns the JSON text as a STRING');
      }
      const kinds: ast.JsonBehaviorKind[] = ['NULL', 'ERROR', 'EMPTY ARRAY', 'EMPTY OBJECT'];
      const onEmpty = behavior('EMPTY', kinds, 'NULL');
      const onError = behavior('ERROR', kinds, 'NULL');
      return binder.call('json_query', [stringArg(0, 'JSON text'), stringArg(1, 'path'), str(clauses.wrapper ?? 'WITHOUT'), str(onEmpty.kind), str(onError.kind)], span, name);
    }
    case 'JSON_VALUE': {
      noOther(['EMPTY', 'ERROR']);
      const type: DataType = clauses.returning === undefined ? T.STRING : resolveTypeName(clauses.returning);
      if (!castAllowed(T.STRING, type) || (type.kind !== 'STRING' && !jsonValueTypeOk(type) && type.kind !== 'DATE' && type.kind !== 'TIMESTAMP')) {
        throw bindError(`JSON_VALUE cannot return ${typeToString(type)}`, clauses.returning!.span, 'RETURNING takes STRING, BOOLEAN, a number type, DATE or TIMESTAMP');
      }
      const kinds: ast.JsonBehaviorKind[] = ['NULL', 'ERROR', 'DEFAULT'];
      const onEmpty = behavior('EMPTY', kinds, 'NULL');
      const onError = behavior('ERROR', kinds, 'NULL');
      const defaultText = (b: { kind: ast.JsonBehaviorKind; def: number | undefined }): BoundExpr => {
        if (b.def === undefined) return nullStr();
        const d = arg(b.def);
        if (d.type.kind !== 'NULL' && !castAllowed(d.type, type)) throw bindError(`the DEFAULT value (${typeToString(d.type)}) does not fit JSON_VALUE's type ${typeToString(type)}`, fc.args[b.def]!.span);
        return d.type.kind === 'STRING' ? d : { kind: 'cast', operand: d, type: T.STRING, safe: false };
      };
      const text = binder.call('json_value', [stringArg(0, 'JSON text'), stringArg(1, 'path'), str(onEmpty.kind), defaultText(onEmpty), str(onError.kind), defaultText(onError)], span, name);
      if (type.kind === 'STRING') return text;
      const tryCast: BoundExpr = { kind: 'cast', operand: text, type, safe: true };
      if (onError.kind === 'ERROR') return { kind: 'cast', operand: text, type, safe: false };
      if (onError.kind === 'NULL') return tryCast;
      // DEFAULT ON ERROR: a text that does not convert gives the default
      const failed: BoundExpr = binder.call('and', [binder.call('is_not_null', [text], span, 'IS NOT NULL'), binder.call('is_null', [tryCast], span, 'IS NULL')], span, 'AND');
      const def: BoundExpr = { kind: 'cast', operand: defaultText(onError), type, safe: false };
      return { kind: 'case', whens: [{ cond: failed, then: def }], else: tryCast, type };
    }
    case 'JSON_OBJECT':
    case 'JSON_ARRAY': {
      noOther(['NULL']);
      const onNull = behavior('NULL', ['NULL', 'ABSENT'], name === 'JSON_OBJECT' ? 'NULL' : 'ABSENT');
      const values: BoundExpr[] = [];
      let flags = '';
      fc.args.forEach((a, i) => {
        const e = binder.bindExpr(a, ctx);
        const isKey = name === 'JSON_OBJECT' && i % 2 === 0;
        if (isKey) {
          if (e.type.kind !== 'STRING') throw bindError(`a JSON_OBJECT key must be a STRING, got ${typeToString(e.type)}`, a.span);
        } else {
          if (!jsonSerializable(e.type)) throw notSupported(`a ${typeToString(e.type)} value in ${name}`, a.span, `CAST it to STRING`);
          // a nested JSON_OBJECT / JSON_ARRAY is JSON already, not a string to quote
          let inner: ast.Expr = a;
          while (inner.kind === 'paren') inner = inner.expr;
          flags += inner.kind === 'function' && (inner.upper === 'JSON_OBJECT' || inner.upper === 'JSON_ARRAY') && inner.json !== undefined ? 'r' : '-';
        }
        values.push(e);
      });
      return binder.call(name === 'JSON_OBJECT' ? 'json_object' : 'json_array', [str(onNull.kind), str(flags), ...values], span, name);
    }
    default:
      throw bindError(`internal: ${name} is not a JSON function`, span);
  }
}

/** The JSON aggregate functions (their arguments bound here, their state in src/expr/json-accumulators.ts). */
export const JSON_AGGREGATES = new Set(['JSON_OBJECTAGG', 'JSON_ARRAYAGG']);

/**
 * JSON_OBJECTAGG([KEY] k VALUE v [ON NULL]) and JSON_ARRAYAGG(v [ON NULL]): as Flink's
 * WrapJsonAggFunctionArgumentsRule, each value becomes its JSON text (JSON_STRING; a nested
 * JSON_OBJECT / JSON_ARRAY call is JSON already and stays as it is), so the accumulator keeps
 * STRINGs. NULL ON NULL is JSON_OBJECTAGG's default, ABSENT ON NULL JSON_ARRAYAGG's (Flink's).
 */
export function bindJsonAggregateArgs(binder: Binder, fc: ast.FunctionCall, args: readonly BoundExpr[]): { args: BoundExpr[]; absentOnNull: boolean } {
  const name = fc.upper;
  const object = name === 'JSON_OBJECTAGG';
  if (fc.distinct) throw notSupported(`${name}(DISTINCT ...)`, fc.span);
  const behaviors = fc.json?.behaviors ?? [];
  const bad = behaviors.find((b) => b.event !== 'NULL' || (b.behavior !== 'NULL' && b.behavior !== 'ABSENT'));
  if (bad !== undefined) throw bindError(`${name} takes only NULL ON NULL or ABSENT ON NULL`, bad.span);
  if (behaviors.length > 1) throw bindError(`${name} takes one ON NULL clause`, behaviors[1]!.span);
  const absentOnNull = (behaviors[0]?.behavior ?? (object ? 'NULL' : 'ABSENT')) === 'ABSENT';
  const n = object ? 2 : 1;
  if (fc.star || args.length !== n) throw bindError(object ? 'JSON_OBJECTAGG takes one key and one value: JSON_OBJECTAGG(KEY k VALUE v)' : 'JSON_ARRAYAGG takes one value', fc.span);
  const out: BoundExpr[] = [];
  if (object) {
    const k = args[0]!;
    if (k.type.kind !== 'STRING') throw bindError(`a JSON_OBJECTAGG key must be a STRING, got ${typeToString(k.type)}`, fc.args[0]!.span, 'CAST it to STRING');
    out.push(k);
  }
  const v = args[n - 1]!;
  const vAst = fc.args[n - 1]!;
  if (!jsonSerializable(v.type)) throw notSupported(`a ${typeToString(v.type)} value in ${name}`, vAst.span, `CAST it to STRING`);
  let inner: ast.Expr = vAst;
  while (inner.kind === 'paren') inner = inner.expr;
  const raw = inner.kind === 'function' && (inner.upper === 'JSON_OBJECT' || inner.upper === 'JSON_ARRAY') && inner.json !== undefined;
  const text = raw ? v : binder.call('json_string', [v], vAst.span, 'JSON_STRING');
  if (object || absentOnNull) out.push(text);
  else {
    // JSON_ARRAYAGG keeps LISTAGG's state, which skips NULLs: NULL ON NULL makes them `null`
    out.push({ kind: 'case', whens: [{ cond: binder.call('is_null', [text], vAst.span, 'IS NULL'), then: constant('null', T.STRING) }], else: text, type: T.STRING });
  }
  return { args: out, absentOnNull };
}
