// TYPEOF(x [, force_serializable]): the argument's data type as Flink prints it. Flink folds
// it while planning (TypeOfFunction), so it is a STRING constant here too.
//
// The summary form is LogicalType.asSummaryString (`INT NOT NULL`, `STRING`, `BYTES`,
// `TIMESTAMP(3) *ROWTIME*`, `TIMESTAMP_LTZ(3) *PROCTIME* NOT NULL`, `ROW<\`a\` INT>`); with
// force_serializable = TRUE it is asSerializableString (`VARCHAR(2147483647)`,
// `TIMESTAMP(3) WITH LOCAL TIME ZONE`, time attributes unmarked).
//
// weir's types carry no nullability, so it is worked out from the expression: a literal is
// NOT NULL, a column as declared (NOT NULL, or a window bound), a call NOT NULL when all its
// arguments are, except the functions that can give NULL for non-NULL arguments, and IS
// [NOT] NULL / COALESCE / IFNULL / CASE by their own rules (Calcite's).

import type { DataType } from '../common/types.js';
import { exprKey, type BoundExpr } from '../expr/bound.js';
import type { Field } from '../plan/logical.js';

/** Functions whose result may be NULL when no argument is (Flink's nullable return types). */
const MAY_RETURN_NULL = new Set([
  'element_at', 'element', 'json_value', 'json_query', 'regexp_extract', 'regexp_substr', 'to_timestamp', 'to_date', 'split_index', 'parse_url',
  'from_base64', 'str_to_map', 'array_max', 'array_min', 'map_from_arrays', 'convert_tz', 'date_format', 'from_unixtime', 'decode', 'elt',
  'current_watermark', 'to_timestamp_ltz',
]);

/** Functions that never return NULL (predicates over NULL). */
const NEVER_NULL = new Set(['is_null', 'is_not_null', 'is_true', 'is_false', 'is_not_true', 'is_not_false', 'is_distinct_from', 'is_not_distinct_from', 'is_json', 'json_exists', 'json_object', 'json_array', 'is_alpha', 'is_decimal', 'is_digit']);

export function exprNullable(e: BoundExpr, schema: readonly Field[]): boolean {
  switch (e.kind) {
    case 'const':
      return e.value === null;
    case 'input':
      return schema[e.index]?.nullable ?? true;
    case 'cast':
      return e.safe || exprNullable(e.operand, schema);
    case 'case':
      // `WHEN x IS NOT NULL THEN x` (COALESCE, IFNULL) gives a non-NULL x
      return e.whens.some((w) => !guarded(w.cond, w.then) && exprNullable(w.then, schema)) || exprNullable(e.else, schema);
    case 'call': {
      if (NEVER_NULL.has(e.fn)) return false;
      if (MAY_RETURN_NULL.has(e.fn) || e.fn.startsWith('udf:')) return true;
      return e.args.some((a) => exprNullable(a, schema));
    }
  }
}

function guarded(cond: BoundExpr, then: BoundExpr): boolean {
  return cond.kind === 'call' && cond.fn === 'is_not_null' && exprKey(cond.args[0]!) === exprKey(then);
}

/** Nullability of a value and of its elements or fields (`ARRAY[1, 2]` is `ARRAY<INT NOT NULL> NOT NULL`). */
interface Shape {
  readonly nullable: boolean;
  /** A character or binary literal: CHAR(n) / BINARY(n), as in Calcite. */
  readonly length?: number;
  readonly parts?: readonly Shape[];
}

function joinShapes(shapes: readonly Shape[]): Shape {
  const first = shapes[0];
  const lengths = shapes.map((p) => p.length);
  const length = lengths.length > 0 && lengths.every((n) => n !== undefined) ? Math.max(...(lengths as number[])) : undefined;
  return {
    nullable: shapes.length === 0 || shapes.some((p) => p.nullable),
    ...(length !== undefined ? { length } : {}),
    ...(shapes.length === 1 && first!.parts !== undefined ? { parts: first!.parts } : {}),
  };
}

/** The shape of a constant (a folded literal or constructor). */
function shapeOfValue(v: unknown, t: DataType): Shape {
  if (v === null || v === undefined) return { nullable: true };
  if (typeof v === 'string' && (t.kind === 'STRING' || t.kind === 'BYTES')) return { nullable: false, length: t.kind === 'STRING' ? [...v].length : v.length };
  if (t.kind === 'ROW' && Array.isArray(v)) return { nullable: false, parts: (t.fields ?? []).map((f, i) => shapeOfValue(v[i], f.type)) };
  if (t.kind === 'ARRAY' && Array.isArray(v)) return { nullable: false, parts: [joinShapes(v.map((x) => shapeOfValue(x, t.element!)))] };
  if (t.kind === 'MAP' && typeof v === 'object' && 'keys' in v && 'values' in v) {
    const m = v as { keys: unknown[]; values: unknown[] };
    return { nullable: false, parts: [joinShapes(m.keys.map((x) => shapeOfValue(x, t.key!))), joinShapes(m.values.map((x) => shapeOfValue(x, t.element!)))] };
  }
  return { nullable: false };
}

function shapeOf(e: BoundExpr, schema: readonly Field[]): Shape {
  if (e.kind === 'const') return shapeOfValue(e.value, e.type);
  const nullable = exprNullable(e, schema);
  if (e.kind === 'call' && (e.fn === 'row_ctor' || e.fn === 'array_ctor' || e.fn === 'map_ctor')) {
    const parts = e.args.map((a) => shapeOf(a, schema));
    if (e.fn === 'array_ctor') return { nullable, parts: [joinShapes(parts)] };
    if (e.fn === 'map_ctor') return { nullable, parts: [joinShapes(parts.filter((_, i) => i % 2 === 0)), joinShapes(parts.filter((_, i) => i % 2 === 1))] };
    return { nullable, parts };
  }
  return { nullable };
}

function render(t: DataType, s: Shape, serializable: boolean, attr: string): string {
  const charLength = s.length;
  const part = (i: number): Shape => s.parts?.[i] ?? { nullable: true };
  let text: string;
  switch (t.kind) {
    case 'STRING':
      text = charLength !== undefined ? `CHAR(${charLength})` : serializable ? 'VARCHAR(2147483647)' : 'STRING';
      break;
    case 'BYTES':
      text = charLength !== undefined ? `BINARY(${charLength})` : serializable ? 'VARBINARY(2147483647)' : 'BYTES';
      break;
    case 'DECIMAL':
      text = `DECIMAL(${t.precision ?? 10}, ${t.scale ?? 0})`;
      break;
    case 'TIMESTAMP':
      text = `TIMESTAMP(${t.precision ?? 3})`;
      break;
    case 'TIMESTAMP_LTZ':
      text = serializable ? `TIMESTAMP(${t.precision ?? 3}) WITH LOCAL TIME ZONE` : `TIMESTAMP_LTZ(${t.precision ?? 3})`;
      break;
    case 'TIME':
      text = `TIME(${t.precision ?? 0})`;
      break;
    case 'INTERVAL_DAY_TIME':
      text = 'INTERVAL DAY(2) TO SECOND(3)';
      break;
    case 'INTERVAL_YEAR_MONTH':
      text = 'INTERVAL YEAR(2) TO MONTH';
      break;
    case 'ROW':
      text = `ROW<${(t.fields ?? []).map((f, i) => `\`${f.name.replace(/`/g, '``')}\` ${render(f.type, part(i), serializable, '')}`).join(', ')}>`;
      break;
    case 'ARRAY':
      text = `ARRAY<${render(t.element!, part(0), serializable, '')}>`;
      break;
    case 'MAP':
      text = `MAP<${render(t.key!, part(0), serializable, '')}, ${render(t.element!, part(1), serializable, '')}>`;
      break;
    case 'NULL':
      return 'NULL';
    default:
      text = t.kind;
  }
  return `${text}${serializable ? '' : attr}${s.nullable ? '' : ' NOT NULL'}`;
}

/** TYPEOF's text for a bound argument over `schema` (the input of the expression). */
export function typeOfText(e: BoundExpr, schema: readonly Field[], serializable: boolean): string {
  const field = e.kind === 'input' ? schema[e.index] : undefined;
  const attr = field?.rowtime === true ? ' *ROWTIME*' : field?.proctime === true ? ' *PROCTIME*' : '';
  return render(e.type, shapeOf(e, schema), serializable, attr);
}
