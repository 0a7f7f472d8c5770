// Flink's JSON functions over STRING columns: JSON_VALUE, JSON_QUERY, JSON_EXISTS, IS JSON,
// JSON_STRING, JSON_OBJECT and JSON_ARRAY.
//
// Flink runs them on Calcite's JsonFunctions (Jackson to parse, Jayway JsonPath to evaluate),
// and their observable behaviour is what this file reproduces:
// - A path is `[lax | strict] $ step*`; without a mode it is strict. Steps: `.name`, `.*`,
//   `['name']`, `["name"]`, `[n]` (n < 0 counts from the end), `[n, m, ...]`, `[*]`.
// - A path without wildcards or index lists is definite: it finds one value or nothing. In
//   strict mode "nothing" (a missing key, an index out of range, a step on the wrong kind of
//   value) is an error; in lax mode it is an empty result. A JSON null found is an empty
//   result in both modes.
// - Other paths collect every match into an array (missing ones skipped), never an error.
// - Input that is not JSON is an error. Errors and empty results then follow each function's
//   ON ERROR / ON EMPTY clause (defaults: NULL; JSON_EXISTS: FALSE ON ERROR).
// - Values are printed as Java prints them (Flink's): integers as written, other numbers as
//   Java's Double.toString (1.0, 1.0E10), objects keeping their key order.

import type { Scalar } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import { T, isIntegral, isNumeric, typeToString } from '../../common/types.js';
import { formatNumber } from '../../common/display.js';
import { base64OfBinary } from '../../common/bytes.js';
import { formatDate, formatTimestamp } from '../../common/time.js';
import { formatTimeOfDay } from '../../common/time-of-day.js';
import type { Kernel } from '../kernels.js';
import { rowwiseNullable } from '../kernels.js';
import { registerFunction } from '../registry.js';

// ---------------------------------------------------------------------------------------
// JSON values, parsed keeping key order and number text

export class JsonNumber {
  constructor(
    readonly text: string,
    readonly integral: boolean,
  ) {}
}

export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | Map<string, JsonNode>;

class JsonSyntaxError extends Error {}

/** Parses JSON text (RFC 8259; surrounding whitespace allowed). Throws JsonSyntaxError. */
export function parseJson(text: string): JsonNode {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (): never => {
    throw new JsonSyntaxError(`not valid JSON at character ${i + 1}`);
  };
  const value = (depth: number): JsonNode => {
    if (depth > 1000) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, JsonNode>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        m.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return m;
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      const a: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else fail();
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m === null) return fail();
    i += m[0].length;
    return new JsonNumber(m[0], m[1] === undefined && m[2] === undefined);
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail();
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 32) fail();
      if (c === 92) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const h = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) fail();
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default:
            fail();
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  const v = value(0);
  ws();
  if (i !== n) fail();
  return v;
}

/** Java's Double.toString for a finite double (Flink prints JSON numbers with it). */
export function javaDouble(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : `${mant}.0`}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

function numberText(v: JsonNumber): string {
  if (v.integral) return /^-0+$/.test(v.text) ? '0' : v.text;
  return javaDouble(Number(v.text));
}

/** A string as a JSON string literal (Jackson's escaping: short escapes, else \u00XX). */
export function jsonQuote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 34:
        out += '\\"';
        break;
      case 92:
        out += '\\\\';
        break;
      case 8:
        out += '\\b';
        break;
      case 9:
        out += '\\t';
        break;
      case 10:
        out += '\\n';
        break;
      case 12:
        out += '\\f';
        break;
      case 13:
        out += '\\r';
        break;
      default:
        out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    }
  }
  return out + s.slice(start) + '"';
}

/** Compact JSON text of a value (Jackson's form). */
export function jsonText(v: JsonNode): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return jsonQuote(v);
  if (v instanceof JsonNumber) return numberText(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${jsonQuote(k)}:${jsonText(x)}`);
  return `{${parts.join(',')}}`;
}

// ---------------------------------------------------------------------------------------
// Paths

type Step = { readonly kind: 'key'; readonly name: string } | { readonly kind: 'index'; readonly at: readonly number[] } | { readonly kind: 'wildcard' };

export interface JsonPath {
  readonly strict: boolean;
  readonly steps: readonly Step[];
  /** No wildcard or index list: one value or nothing. */
  readonly definite: boolean;
}

class PathError extends Error {}

export function parsePath(spec: string): JsonPath {
  const m = /^\s*(strict|lax)\s+/i.exec(spec);
  const strict = m === null || m[1]!.toLowerCase() === 'strict';
  const p = m === null ? spec.trim() : spec.slice(m[0].length).trim();
  if (!p.startsWith('$')) throw new PathError(`the JSON path '${spec}' must start with $`);
  const steps: Step[] = [];
  let i = 1;
  const bad = (): never => {
    throw new PathError(`the JSON path '${spec}' is not valid at character ${i + 1} (weir reads $, .key, .*, ['key'], [n], [n, m] and [*])`);
  };
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      if (p[i + 1] === '*') {
        steps.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      const k = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(p.slice(i + 1));
      if (k === null) bad();
      steps.push({ kind: 'key', name: k![0] });
      i += 1 + k![0].length;
      continue;
    }
    if (c === '[') {
      const rest = p.slice(i);
      let q = /^\[\s*\*\s*\]/.exec(rest);
      if (q !== null) {
        steps.push({ kind: 'wildcard' });
        i += q[0].length;
        continue;
      }
      q = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest) ?? /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest);
      if (q !== null) {
        steps.push({ kind: 'key', name: q[1]!.replace(/\\(.)/g, '$1') });
        i += q[0].length;
        continue;
      }
      q = /^\[\s*(-?\d+(?:\s*,\s*-?\d+)*)\s*\]/.exec(rest);
      if (q !== null) {
        steps.push({ kind: 'index', at: q[1]!.split(',').map((x) => Number(x.trim())) });
        i += q[0].length;
        continue;
      }
      bad();
    }
    bad();
  }
  const definite = steps.every((s) => s.kind === 'key' || (s.kind === 'index' && s.at.length === 1));
  return { strict, steps, definite };
}

const NOT_FOUND = Symbol('not found');
const STEP_ERROR = Symbol('step error');

/**
 * Evaluates a path. A definite path gives its value, or NOT_FOUND (a missing key or index,
 * or a step on the wrong kind of value); an indefinite one gives the array of its matches.
 * In an indefinite path, as in Jayway JsonPath (Flink's evaluator), a step while the path so
 * far is still definite fails the whole path (STEP_ERROR) when it is a key step on a
 * non-object, an index step on a non-array, or a missing key that is not the last step; a
 * strict path then is an error, a lax one skips the value.
 */
function evaluate(root: JsonNode, path: JsonPath): JsonNode | typeof NOT_FOUND | typeof STEP_ERROR {
  if (path.definite) {
    let cur: JsonNode = root;
    for (const s of path.steps) {
      if (s.kind === 'key') {
        if (!(cur instanceof Map) || !cur.has(s.name)) return NOT_FOUND;
        cur = cur.get(s.name)!;
      } else if (s.kind === 'index') {
        if (!Array.isArray(cur)) return NOT_FOUND;
        const k = s.at[0]!;
        const j = k < 0 ? cur.length + k : k;
        if (j < 0 || j >= cur.length) return NOT_FOUND;
        cur = cur[j]!;
      }
    }
    return cur;
  }
  let cur: JsonNode[] = [root];
  let upstreamDefinite = true;
  const steps = path.steps;
  for (let si = 0; si < steps.length; si++) {
    const s = steps[si]!;
    const leaf = si === steps.length - 1;
    const next: JsonNode[] = [];
    for (const v of cur) {
      if (s.kind === 'key') {
        if (!(v instanceof Map)) {
          if (upstreamDefinite && path.strict) return STEP_ERROR;
          continue;
        }
        if (v.has(s.name)) next.push(v.get(s.name)!);
        else if (!leaf && upstreamDefinite && path.strict) return STEP_ERROR;
      } else if (s.kind === 'index') {
        if (!Array.isArray(v)) {
          if (upstreamDefinite && path.strict) return STEP_ERROR;
          continue;
        }
        for (const k of s.at) {
          const j = k < 0 ? v.length + k : k;
          if (j >= 0 && j < v.length) next.push(v[j]!);
        }
      } else if (Array.isArray(v)) next.push(...v);
      else if (v instanceof Map) next.push(...v.values());
    }
    if (s.kind === 'wildcard' || (s.kind === 'index' && s.at.length > 1)) upstreamDefinite = false;
    cur = next;
  }
  return cur;
}

/** The outcome of a path over a JSON text: a value, empty (nothing / JSON null), or an error. */
type Outcome = { readonly kind: 'value'; readonly value: Exclude<JsonNode, null> } | { readonly kind: 'empty' } | { readonly kind: 'error'; readonly message: string };

function query(json: string, spec: string, path: JsonPath | PathError): Outcome {
  if (path instanceof PathError) return { kind: 'error', message: path.message };
  let root: JsonNode;
  try {
    root = parseJson(json);
  } catch (e) {
    return { kind: 'error', message: `the input is ${(e as Error).message}` };
  }
  const r = evaluate(root, path);
  if (r === STEP_ERROR) return { kind: 'error', message: `the path '${spec}' does not fit the JSON (strict mode; write 'lax ${spec.trim()}' to skip such values)` };
  if (r === NOT_FOUND) return path.strict ? { kind: 'error', message: `no value at '${spec}' (strict mode; write 'lax ${spec.trim()}' to get an empty result instead)` } : { kind: 'empty' };
  if (r === null) return { kind: 'empty' };
  return { kind: 'value', value: r };
}

function pathOf(spec: string): JsonPath | PathError {
  try {
    return parsePath(spec);
  } catch (e) {
    if (e instanceof PathError) return e;
    throw e;
  }
}

/** A path parser that parses a constant path once. */
function pathCache(constPath: Scalar | undefined): (spec: string) => JsonPath | PathError {
  const fixed = typeof constPath === 'string' ? pathOf(constPath) : undefined;
  return (spec) => fixed ?? pathOf(spec);
}

function jsonError(fn: string, message: string): WeirError {
  return new WeirError('execution', `${fn}: ${message}`, { hint: `${fn}'s ON ERROR clause decides what an error gives (NULL by default)`, permanent: true });
}

function constString(c: Scalar | undefined, what: string): string {
  if (typeof c !== 'string') throw new Error(`internal: ${what} must be a constant string`);
  return c;
}

// ---------------------------------------------------------------------------------------
// Functions

const S = T.STRING;

/** JSON_VALUE(json, path, emptyMode, emptyDefault, errorMode, errorDefault): the scalar as text. */
registerFunction({
  name: 'json_value',
  // SHOW FUNCTIONS and completion; calls always come through the special syntax (src/sql/bind-json.ts)
  sqlNames: ['JSON_VALUE'],
  doc: "JSON_VALUE(json, path [RETURNING type] [NULL | ERROR | DEFAULT x ON EMPTY] [NULL | ERROR | DEFAULT x ON ERROR])",
  resolve(args) {
    if (args.length !== 6) return 'six arguments (internal form)';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => S), ret: S };
  },
  kernel(_sig, consts): Kernel {
    const paths = pathCache(consts[1]);
    const onEmpty = constString(consts[2], 'ON EMPTY');
    const onError = constString(consts[4], 'ON ERROR');
    return rowwiseNullable(S, (a) => {
      const json = a[0] as string | null;
      const spec = a[1] as string | null;
      const emptyDefault = a[3] as string | null;
      const errorDefault = a[5] as string | null;
      if (json === null || spec === null) return null;
      const o = query(json, spec, paths(spec));
      let error: string;
      if (o.kind === 'empty') {
        if (onEmpty === 'ERROR') error = `empty result at '${spec}' (ERROR ON EMPTY)`;
        else return onEmpty === 'DEFAULT' ? (emptyDefault ?? null) : null;
      } else if (o.kind === 'error') error = o.message;
      else {
        const v = o.value;
        if (typeof v === 'string') return v;
        if (typeof v === 'boolean') return v ? 'true' : 'false';
        if (v instanceof JsonNumber) return numberText(v);
        error = `the value at '${spec}' is ${Array.isArray(v) ? 'an array' : 'an object'}, not a scalar (JSON_QUERY returns arrays and objects)`;
      }
      if (onError === 'ERROR') throw jsonError('JSON_VALUE', error);
      return onError === 'DEFAULT' ? (errorDefault ?? null) : null;
    });
  },
});

/** JSON_QUERY(json, path, wrapper, emptyMode, errorMode): an array or object as JSON text. */
registerFunction({
  name: 'json_query',
  // SHOW FUNCTIONS and completion; calls always come through the special syntax (src/sql/bind-json.ts)
  sqlNames: ['JSON_QUERY'],
  doc: 'JSON_QUERY(json, path [WITHOUT | WITH [CONDITIONAL | UNCONDITIONAL] [ARRAY] WRAPPER] [NULL | ERROR | EMPTY ARRAY | EMPTY OBJECT ON EMPTY] [... ON ERROR])',
  resolve(args) {
    if (args.length !== 5) return 'five arguments (internal form)';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => S), ret: S };
  },
  kernel(_sig, consts): Kernel {
    const paths = pathCache(consts[1]);
    const wrapper = constString(consts[2], 'the wrapper');
    const onEmpty = constString(consts[3], 'ON EMPTY');
    const onError = constString(consts[4], 'ON ERROR');
    const fallback = (mode: string): string | null => (mode === 'EMPTY ARRAY' ? '[]' : mode === 'EMPTY OBJECT' ? '{}' : null);
    return rowwiseNullable(S, (a) => {
      const json = a[0] as string | null;
      const spec = a[1] as string | null;
      if (json === null || spec === null) return null;
      const o = query(json, spec, paths(spec));
      let error: string;
      if (o.kind === 'error') error = o.message;
      else {
        let v: JsonNode | undefined = o.kind === 'value' ? o.value : undefined;
        if (v !== undefined && wrapper === 'UNCONDITIONAL') v = [v];
        else if (v !== undefined && wrapper === 'CONDITIONAL' && !Array.isArray(v)) v = [v];
        if (v === undefined) {
          if (onEmpty === 'ERROR') error = `empty result at '${spec}' (ERROR ON EMPTY)`;
          else return fallback(onEmpty);
        } else if (Array.isArray(v) || v instanceof Map) return jsonText(v);
        else error = `the value at '${spec}' is a scalar, not an array or object (JSON_VALUE returns scalars; WITH WRAPPER wraps it in an array)`;
      }
      if (onError === 'ERROR') throw jsonError('JSON_QUERY', error);
      return fallback(onError);
    });
  },
});

/** JSON_EXISTS(json, path, errorMode): TRUE when the path finds a (non-null) value. */
registerFunction({
  name: 'json_exists',
  // SHOW FUNCTIONS and completion; calls always come through the special syntax (src/sql/bind-json.ts)
  sqlNames: ['JSON_EXISTS'],
  doc: 'JSON_EXISTS(json, path [TRUE | FALSE | UNKNOWN | ERROR ON ERROR])',
  resolve(args) {
    if (args.length !== 3) return 'three arguments (internal form)';
    for (const a of args) if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING arguments, got ${typeToString(a)}`;
    return { args: args.map(() => S), ret: T.BOOLEAN };
  },
  kernel(_sig, consts): Kernel {
    const paths = pathCache(consts[1]);
    const onError = constString(consts[2], 'ON ERROR');
    return rowwiseNullable(T.BOOLEAN, (a) => {
      const json = a[0] as string | null;
      const spec = a[1] as string | null;
      if (json === null || spec === null) return null;
      const o = query(json, spec, paths(spec));
      if (o.kind !== 'error') return o.kind === 'value';
      switch (onError) {
        case 'TRUE':
          return true;
        case 'UNKNOWN':
          return null;
        case 'ERROR':
          throw jsonError('JSON_EXISTS', o.message);
        default:
          return false;
      }
    });
  },
});

/** `s IS JSON [VALUE | SCALAR | ARRAY | OBJECT]`; NULL is not JSON (FALSE, as Flink documents). */
registerFunction({
  name: 'is_json',
  sqlNames: [],
  doc: 's IS [NOT] JSON [VALUE | SCALAR | ARRAY | OBJECT]',
  resolve(args) {
    if (args.length !== 2) return 'two arguments (internal form)';
    const [a] = args;
    if (a!.kind !== 'STRING' && a!.kind !== 'NULL') return `a STRING, got ${typeToString(a!)} (CAST it to STRING)`;
    return { args: [S, S], ret: T.BOOLEAN };
  },
  kernel(_sig, consts): Kernel {
    const kind = constString(consts[1], 'the JSON kind');
    return rowwiseNullable(T.BOOLEAN, (a) => {
      const s = a[0] as string | null;
      if (s === null) return false;
      let v: JsonNode;
      try {
        v = parseJson(s);
      } catch {
        return false;
      }
      switch (kind) {
        case 'OBJECT':
          return v instanceof Map;
        case 'ARRAY':
          return Array.isArray(v);
        case 'SCALAR':
          return !(v instanceof Map) && !Array.isArray(v);
        default:
          return true;
      }
    });
  },
});

/** Types JSON_STRING, JSON_OBJECT and JSON_ARRAY take as values. */
export function jsonValueTypeOk(t: DataType): boolean {
  return t.kind === 'NULL' || t.kind === 'STRING' || t.kind === 'BOOLEAN' || isNumeric(t);
}

/**
 * Types JSON_STRING, JSON_OBJECT, JSON_ARRAY and their aggregates serialize (Flink's
 * JsonGenerateUtils): the scalars above, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, BYTES, and
 * ROW, ARRAY and MAP of them.
 */
export function jsonSerializable(t: DataType): boolean {
  switch (t.kind) {
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'BYTES':
      return true;
    case 'ROW':
      return (t.fields ?? []).every((f) => jsonSerializable(f.type));
    case 'ARRAY':
      return jsonSerializable(t.element!);
    case 'MAP':
      return jsonSerializable(t.key!) && jsonSerializable(t.element!);
    default:
      return jsonValueTypeOk(t);
  }
}

/** `.fff` of a fraction in ms: minimal digits (ISO_LOCAL_TIME) or groups of three (ISO_INSTANT); '' for 0. */
function isoFraction(ms: number, groupsOfThree: boolean): string {
  if (ms === 0) return '';
  const f = String(ms).padStart(3, '0');
  return '.' + (groupsOfThree ? f : f.replace(/0+$/, ''));
}

/** A date-time, a ROW, an ARRAY or a MAP as JSON, as Flink's JsonGenerateUtils writes them. */
function compositeToJson(v: unknown, t: DataType): string {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'DATE':
      return `"${formatDate(v as number)}"`;
    case 'TIME': {
      // ISO_LOCAL_TIME: seconds always, the fraction without trailing zeros
      const ms = v as number;
      return `"${formatTimeOfDay(ms - (ms % 1000), 0)}${isoFraction(ms % 1000, false)}"`;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      // ISO_LOCAL_DATE_TIME (2020-01-01T10:00:00.5), or ISO_INSTANT in UTC for TIMESTAMP_LTZ
      // (2020-01-01T10:00:00.500Z)
      const text = formatTimestamp(v as number);
      const dot = text.lastIndexOf('.');
      const ltz = t.kind === 'TIMESTAMP_LTZ';
      return `"${text.slice(0, dot).replace(' ', 'T')}${isoFraction(Number(text.slice(dot + 1)), ltz)}${ltz ? 'Z' : ''}"`;
    }
    case 'BYTES':
      return `"${base64OfBinary(v as string)}"`;
    case 'ROW': {
      const a = v as readonly unknown[];
      return `{${(t.fields ?? []).map((f, i) => `${jsonQuote(f.name)}:${compositeToJson(a[i], f.type)}`).join(',')}}`;
    }
    case 'ARRAY':
      return `[${(v as readonly unknown[]).map((x) => compositeToJson(x, t.element!)).join(',')}]`;
    case 'MAP': {
      // keys are written as text (Jackson's field names)
      const m = v as { readonly keys: readonly unknown[]; readonly values: readonly unknown[] };
      const keyText = (k: unknown): string => (typeof k === 'string' && t.key!.kind === 'STRING' ? k : k === null ? 'null' : compositeToJson(k, t.key!).replace(/^"(.*)"$/s, '$1'));
      return `{${m.keys.map((k, i) => `${jsonQuote(keyText(k))}:${compositeToJson(m.values[i], t.element!)}`).join(',')}}`;
    }
    default:
      return sqlToJson(v as number | bigint | string | boolean, t, false);
  }
}

/** A SQL value as JSON text; `raw` marks a value that already is JSON text (a nested JSON_OBJECT / JSON_ARRAY). */
function sqlToJson(v: number | bigint | string | boolean, t: DataType, raw: boolean): string {
  if (raw) return v as string;
  if (!jsonValueTypeOk(t)) return compositeToJson(v, t);
  if (t.kind === 'STRING') return jsonQuote(v as string);
  if (t.kind === 'BOOLEAN') return v === true || v === 1 ? 'true' : 'false';
  if (isIntegral(t)) return String(v);
  if (t.kind === 'DECIMAL') return formatNumber(v as number, t);
  return javaDouble(v as number);
}

registerFunction({
  name: 'json_string',
  sqlNames: ['JSON_STRING'],
  doc: 'JSON_STRING(x): x as JSON text',
  wideInts: true, // String() of a bigint is its digits
  resolve(args) {
    const [a] = args;
    if (args.length !== 1 || a === undefined) return 'one argument';
    if (!jsonSerializable(a)) return `a value of a type JSON can hold, got ${typeToString(a)}`;
    return { args: [a.kind === 'NULL' ? S : a], ret: S };
  },
  kernel(sig): Kernel {
    const t = sig.args[0]!;
    return rowwiseNullable(S, (a) => (a[0] === null ? null : sqlToJson(a[0]!, t, false)));
  },
});

/**
 * JSON_OBJECT(onNull, flags, k1, v1, k2, v2, ...) and JSON_ARRAY(onNull, flags, v1, ...):
 * `onNull` is 'NULL' or 'ABSENT'; flags holds one character per value, 'r' for a value that is
 * JSON already (a nested JSON_OBJECT / JSON_ARRAY call), '-' otherwise.
 */
function jsonConstructor(name: 'json_object' | 'json_array'): void {
  const object = name === 'json_object';
  registerFunction({
    name,
    sqlNames: [name.toUpperCase()],
    doc: object ? 'JSON_OBJECT([KEY] k VALUE v, ... [NULL | ABSENT ON NULL])' : 'JSON_ARRAY(v, ... [NULL | ABSENT ON NULL])',
    wideInts: true, // String() of a bigint is its digits
    resolve(args) {
      if (args.length < 2) return 'the internal form';
      const out: DataType[] = [S, S];
      for (let i = 2; i < args.length; i++) {
        const a = args[i]!;
        if (object && (i - 2) % 2 === 0) {
          if (a.kind !== 'STRING' && a.kind !== 'NULL') return `STRING keys, got ${typeToString(a)}`;
          out.push(S);
        } else {
          if (!jsonSerializable(a)) return `values of a type JSON can hold, got ${typeToString(a)}`;
          out.push(a.kind === 'NULL' ? S : a);
        }
      }
      return { args: out, ret: S };
    },
    kernel(sig, consts): Kernel {
      const absent = constString(consts[0], 'ON NULL') === 'ABSENT';
      const flags = constString(consts[1], 'the flags');
      const types = sig.args;
      return rowwiseNullable(S, (a) => {
        const parts: string[] = [];
        if (object) {
          for (let i = 2; i + 1 < a.length; i += 2) {
            const k = a[i];
            if (k === null) throw new WeirError('execution', 'JSON_OBJECT: a key is NULL', { hint: 'keys must not be NULL', permanent: true });
            const v = a[i + 1];
            if (v === null && absent) continue;
            parts.push(`${jsonQuote(k as string)}:${v === null ? 'null' : sqlToJson(v!, types[i + 1]!, flags[(i - 2) / 2] === 'r')}`);
          }
          return `{${parts.join(',')}}`;
        }
        for (let i = 2; i < a.length; i++) {
          const v = a[i];
          if (v === null) {
            if (!absent) parts.push('null');
            continue;
          }
          parts.push(sqlToJson(v!, types[i]!, flags[i - 2] === 'r'));
        }
        return `[${parts.join(',')}]`;
      });
    },
  });
}
jsonConstructor('json_object');
jsonConstructor('json_array');
