// ROW, ARRAY and MAP values in the json and debezium-json formats, as Flink's json format
// writes and reads them: a ROW is a JSON object keyed by field names, an ARRAY a JSON array,
// a MAP a JSON object (its keys as JSON strings). Nested scalars follow the rules of the
// top-level columns (json.ts): numbers as JSON numbers or strings holding one, timestamps as
// text or epoch milliseconds, a STRING element of any other JSON value takes its JSON text.
// A value that does not fit its type is a bad value for the whole column (the record fails
// or is skipped with ignore-parse-errors), never a silent NULL.

import { formatTimeOfDay } from '../../common/time-of-day.js';
import { base64OfBinary, binaryOfBase64 } from '../../common/bytes.js';
import { Buffer } from 'node:buffer';
import type { MapValue } from '../../common/composite.js';
import { buildMap } from '../../common/composite.js';
import type { DataType } from '../../common/types.js';
import { isComposite, multisetAsMap } from '../../common/types.js';
import { parseInt64 } from '../../common/int64.js';
import { rewriteJsonNumbers } from '../../common/json-numbers.js';
import { formatDate, formatTimestamp } from '../../common/time.js';
import { ValueKind, formatDecimal, formatDouble, formatInteger, parseInt53Bytes, parseScalarBytes, valueKindOf } from './text-values.js';

/** Thrown by fromJson for a value that does not fit; the caller reports the column's text. */
export class CompositeValueError extends Error {}

function scalarFromText(t: DataType, text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  const v = text === '' ? undefined : parseScalarBytes(valueKindOf(t, ''), t, bytes, 0, bytes.length);
  if (v === undefined) throw new CompositeValueError(`'${text}' is not a ${t.kind}`);
  return v;
}

/**
 * JSON.parse reads every number as a double, which rounds an integer beyond 2^53. Integer
 * tokens of 16 digits or more (outside strings) are therefore handed to fromJson as their
 * exact text, marked with this prefix, when the column's type holds a BIGINT.
 */
const EXACT = '\u0000weir-number:';

/** True when `t` is or contains a BIGINT. */
export function holdsBigint(t: DataType): boolean {
  if (t.kind === 'BIGINT') return true;
  if (t.kind === 'ROW') return (t.fields ?? []).some((f) => holdsBigint(f.type));
  if (t.kind === 'ARRAY') return holdsBigint(t.element!);
  if (t.kind === 'MAP') return holdsBigint(t.key!) || holdsBigint(t.element!);
  if (t.kind === 'MULTISET') return holdsBigint(t.element!);
  return false;
}

/** JSON.parse, but long integer tokens come back as EXACT-marked text (see above). */
export function parseJsonExact(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  // integer tokens of 16 digits or more (a double holds 15 exactly)
  return JSON.parse(rewriteJsonNumbers(text, (token) => (/^-?\d{16,}$/.test(token) ? JSON.stringify(EXACT + token) : undefined)));
}

/** Weir's value of type `t` from a parsed JSON value (null stays null). */
export function fromJson(j: unknown, t: DataType): unknown {
  if (j === null || j === undefined) return null;
  if (typeof j === 'string' && j.startsWith(EXACT)) {
    // an integer token too long for a double (parseJsonExact)
    const text = j.slice(EXACT.length);
    if (t.kind === 'BIGINT') {
      const v = parseInt64(text);
      if (v === null) throw new CompositeValueError(`${text} is out of range for BIGINT (-9223372036854775808..9223372036854775807)`);
      return v;
    }
    if (t.kind === 'STRING') return text;
    j = Number(text);
  }
  switch (t.kind) {
    case 'BIGINT':
      if (typeof j === 'number' && Number.isSafeInteger(j)) return j + 0;
      if (typeof j === 'string') {
        const v = parseInt64(j.trim());
        if (v !== null) return v;
      }
      if (typeof j === 'number' && Number.isInteger(j)) throw new CompositeValueError(`${j} is not an exact BIGINT (write it as plain digits)`);
      if (typeof j === 'number') return scalarFromText(t, String(j));
      if (typeof j === 'string') return scalarFromText(t, j);
      throw new CompositeValueError(`${JSON.stringify(j)} is not a BIGINT`);
    case 'ROW': {
      if (typeof j !== 'object' || Array.isArray(j)) throw new CompositeValueError('a ROW is a JSON object');
      const o = j as Record<string, unknown>;
      return (t.fields ?? []).map((f) => (Object.hasOwn(o, f.name) ? fromJson(o[f.name], f.type) : null));
    }
    case 'ARRAY':
      if (!Array.isArray(j)) throw new CompositeValueError('an ARRAY is a JSON array');
      return j.map((x) => fromJson(x, t.element!));
    case 'MULTISET':
      // flink-json reads and writes a MULTISET as its map of element -> count
      return fromJson(j, multisetAsMap(t));
    case 'MAP': {
      if (typeof j !== 'object' || Array.isArray(j)) throw new CompositeValueError('a MAP is a JSON object');
      const o = j as Record<string, unknown>;
      const keys = Object.keys(o);
      return buildMap(
        keys.map((k) => fromJson(k, t.key!)),
        keys.map((k) => fromJson(o[k], t.element!)),
      );
    }
    case 'STRING':
      return typeof j === 'string' ? j : JSON.stringify(j);
    case 'BOOLEAN':
      if (typeof j === 'boolean') return j;
      if (typeof j === 'string' && /^(true|false)$/i.test(j)) return j.toLowerCase() === 'true';
      throw new CompositeValueError(`${JSON.stringify(j)} is not a BOOLEAN`);
    case 'TIMESTAMP':
      if (typeof j === 'number') {
        const text = String(j);
        const b = Buffer.from(text, 'utf8');
        const v = parseInt53Bytes(b, 0, b.length);
        if (v !== v) throw new CompositeValueError(`${text} is not epoch milliseconds`);
        return v;
      }
      if (typeof j !== 'string') throw new CompositeValueError(`${JSON.stringify(j)} is not a TIMESTAMP`);
      return scalarFromText(t, j);
    case 'DATE':
    case 'TIME':
      if (typeof j !== 'string') throw new CompositeValueError(`${JSON.stringify(j)} is not a ${t.kind}`);
      return scalarFromText(t, j);
    case 'BYTES': {
      // Base64 text, as Flink's json format writes byte[]
      const b = typeof j === 'string' ? binaryOfBase64(j) : null;
      if (b === null) throw new CompositeValueError(`${JSON.stringify(j)} is not Base64 BYTES`);
      return b;
    }
    default:
      if (typeof j === 'number') return scalarFromText(t, String(j));
      if (typeof j === 'string') return scalarFromText(t, j);
      throw new CompositeValueError(`${JSON.stringify(j)} is not a ${t.kind}`);
  }
}

/** JSON text of a non-NULL value of type `t` (nested NULLs as null). */
export function toJsonText(v: unknown, t: DataType): string {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'ROW': {
      const a = v as readonly unknown[];
      return `{${(t.fields ?? []).map((f, i) => `${JSON.stringify(f.name)}:${toJsonText(a[i], f.type)}`).join(',')}}`;
    }
    case 'ARRAY':
      return `[${(v as readonly unknown[]).map((x) => toJsonText(x, t.element!)).join(',')}]`;
    case 'MULTISET':
      return toJsonText(v, multisetAsMap(t));
    case 'MAP': {
      const m = v as MapValue;
      const keyText = (k: unknown): string => (typeof k === 'string' ? k : isComposite(t.key!) ? toJsonText(k, t.key!) : JSON.parse(toJsonText(k, t.key!)) + '');
      return `{${m.keys.map((k, i) => `${JSON.stringify(keyText(k))}:${toJsonText(m.values[i], t.element!)}`).join(',')}}`;
    }
    case 'STRING':
      return JSON.stringify(v);
    case 'BOOLEAN':
      return v === true || v === 1 ? 'true' : 'false';
    case 'TIMESTAMP':
      return `"${formatTimestamp(v as number)}"`;
    case 'DATE':
      return `"${formatDate(v as number)}"`;
    case 'TIME':
      return `"${formatTimeOfDay(v as number, t.precision ?? 0)}"`;
    case 'BYTES':
      return `"${base64OfBinary(v as string)}"`;
    case 'INT':
    case 'BIGINT':
      return typeof v === 'bigint' ? String(v) : formatInteger(v as number); // a bigint beyond ±(2^53-1): its digits
    case 'DECIMAL': {
      if (typeof v === 'string') return v; // a wide DECIMAL's exact text
      const x = v as number;
      return Number.isFinite(x) ? formatDecimal(x, t.scale ?? 0) : `"${String(x)}"`;
    }
    default: {
      const x = v as number;
      if (x === 0) return Object.is(x, -0) ? '-0.0' : '0';
      return Number.isFinite(x) ? formatDouble(x) : `"${String(x)}"`;
    }
  }
}

export { ValueKind };
