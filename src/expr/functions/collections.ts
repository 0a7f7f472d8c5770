// Value construction and access for the composite types (Flink's "value construction",
// "value access" and "collection functions"), over the representation of composite.ts.
//
// Semantics (Flink SQL):
// - ROW(a, b) / (a, b) builds a row whose fields are named EXPR$0, EXPR$1, ... (Calcite's
//   names); a NULL argument is a NULL field, never a NULL row.
// - ARRAY[a, b] and MAP[k1, v1, k2, v2] take the common type of their elements (keys, values);
//   NULL elements are kept. A repeated MAP key keeps its first position and takes the last value.
// - r.f of a NULL row is NULL. arr[i] counts from 1; an index out of range (0, negative, past
//   the end) or NULL gives NULL. m[k] is NULL when the key is absent.
// - CARDINALITY(arr | map) is the number of elements (entries); NULL for NULL.

import type { Column } from '../../common/batch.js';
import { getScalar } from '../../common/batch.js';
import { buildMap, mapGet, type MapValue } from '../../common/composite.js';
import type { DataType } from '../../common/types.js';
import { T, commonType, isComposite, typeToString } from '../../common/types.js';
import type { Kernel } from '../kernels.js';
import { registerFunction, type Signature } from '../registry.js';

/** The JS value of row i of `c` as it is stored inside a composite (null for NULL). */
function cell(c: Column, i: number): unknown {
  return getScalar(c, i);
}

function objColumn(type: DataType, n: number): { type: DataType; values: unknown[]; nulls: Uint8Array | null } {
  return { type, values: new Array<unknown>(n).fill(null), nulls: null };
}

/** The common type of `types`, NULL literals taking the others' type; null when there is none. */
function commonOf(types: readonly DataType[]): DataType | null {
  let t: DataType = T.NULL;
  for (const x of types) {
    const c = commonType(t, x);
    if (c === null) return null;
    t = c;
  }
  return t.kind === 'NULL' ? T.INT : t;
}

registerFunction({
  name: 'row_ctor',
  sqlNames: [],
  wideInts: true, // a BIGINT beyond ±(2^53-1) is carried inside as its bigint (composite.ts)
  doc: 'ROW(value, ...): a row of the values (fields EXPR$0, EXPR$1, ...)',
  resolve(args): Signature | string {
    if (args.length === 0) return 'at least one value';
    const types = args.map((a) => (a.kind === 'NULL' ? T.INT : a));
    return { args: types, ret: T.row(types.map((t, i) => ({ name: `EXPR$${i}`, type: t }))) };
  },
  kernel(sig): Kernel {
    return (args, n) => {
      const out = objColumn(sig.ret, n);
      const k = args.length;
      for (let i = 0; i < n; i++) {
        const row = new Array<unknown>(k);
        for (let j = 0; j < k; j++) row[j] = cell(args[j]!, i);
        out.values[i] = row;
      }
      return out;
    };
  },
});

registerFunction({
  name: 'array_ctor',
  sqlNames: [],
  wideInts: true, // a BIGINT beyond ±(2^53-1) is carried inside as its bigint (composite.ts)
  doc: 'ARRAY[value, ...]: an array of the values',
  resolve(args): Signature | string {
    if (args.length === 0) return 'at least one element (ARRAY[] has no element type)';
    const t = commonOf(args);
    if (t === null) return `elements of one type, got ${args.map(typeToString).join(', ')}`;
    return { args: args.map(() => t), ret: T.array(t) };
  },
  kernel(sig): Kernel {
    return (args, n) => {
      const out = objColumn(sig.ret, n);
      const k = args.length;
      for (let i = 0; i < n; i++) {
        const arr = new Array<unknown>(k);
        for (let j = 0; j < k; j++) arr[j] = cell(args[j]!, i);
        out.values[i] = arr;
      }
      return out;
    };
  },
});

registerFunction({
  name: 'map_ctor',
  sqlNames: [],
  wideInts: true, // a BIGINT beyond ±(2^53-1) is carried inside as its bigint (composite.ts)
  doc: 'MAP[key, value, ...]: a map of the key/value pairs',
  resolve(args): Signature | string {
    if (args.length === 0 || args.length % 2 !== 0) return 'key/value pairs: an even, non-zero number of values';
    const kt = commonOf(args.filter((_, i) => i % 2 === 0));
    const vt = commonOf(args.filter((_, i) => i % 2 === 1));
    if (kt === null) return `keys of one type, got ${args.filter((_, i) => i % 2 === 0).map(typeToString).join(', ')}`;
    if (vt === null) return `values of one type, got ${args.filter((_, i) => i % 2 === 1).map(typeToString).join(', ')}`;
    return { args: args.map((_, i) => (i % 2 === 0 ? kt : vt)), ret: T.map(kt, vt) };
  },
  kernel(sig): Kernel {
    return (args, n) => {
      const out = objColumn(sig.ret, n);
      const pairs = args.length / 2;
      for (let i = 0; i < n; i++) {
        const keys = new Array<unknown>(pairs);
        const values = new Array<unknown>(pairs);
        for (let j = 0; j < pairs; j++) {
          keys[j] = cell(args[2 * j]!, i);
          values[j] = cell(args[2 * j + 1]!, i);
        }
        out.values[i] = buildMap(keys, values);
      }
      return out;
    };
  },
});

/**
 * Fills a column of `type` from per-row JS values (`undefined` or null = NULL). Booleans of
 * a BOOLEAN result become 0/1, as a bool column carries them.
 */
function scalarResult(type: DataType, n: number, get: (i: number) => unknown): Column {
  const kind = isComposite(type) ? 'obj' : type.kind === 'BOOLEAN' ? 'bool' : type.kind === 'STRING' ? 'str' : 'f64';
  let values: Float64Array | unknown[] | Uint8Array = kind === 'obj' ? new Array<unknown>(n).fill(null) : kind === 'str' ? new Array<string>(n).fill('') : kind === 'bool' ? new Uint8Array(n) : new Float64Array(n);
  let nulls: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = get(i);
    if (v === null || v === undefined) {
      nulls ??= new Uint8Array(n);
      nulls[i] = 1;
    } else if (kind === 'bool') (values as Uint8Array)[i] = v === true ? 1 : 0;
    else {
      // a BIGINT beyond ±(2^53-1) from inside a composite: the column goes wide (common/int64.ts)
      if (typeof v === 'bigint' && values instanceof Float64Array) values = Array.from(values);
      (values as unknown[])[i] = v;
    }
  }
  return { type, values: values as Column['values'], nulls };
}

registerFunction({
  name: 'row_field',
  sqlNames: [],
  doc: 'r.f: a field of a row (the second argument is the field position, from 0)',
  resolve(args): Signature | string {
    const [r, i] = args;
    if (r === undefined || r.kind !== 'ROW' || i === undefined) return 'a ROW and a field position';
    return { args: [r, T.INT], ret: T.NULL };
  },
  kernel(sig, consts): Kernel {
    const pos = consts[1];
    if (typeof pos !== 'number') throw new Error('row_field needs a constant field position');
    const type = sig.ret;
    return (args, n) => {
      const r = args[0]!;
      const rv = r.values as unknown[];
      const rn = r.nulls;
      return scalarResult(type, n, (i) => (rn !== null && rn[i] === 1 ? null : (rv[i] as readonly unknown[])[pos]));
    };
  },
});

registerFunction({
  name: 'element_at',
  sqlNames: [],
  doc: 'arr[i] (from 1; NULL out of range) or map[key] (NULL when absent)',
  resolve(args): Signature | string {
    const [c, k] = args;
    if (c === undefined || k === undefined) return 'an ARRAY and an index, or a MAP and a key';
    if (c.kind === 'ARRAY') {
      if (k.kind !== 'INT' && k.kind !== 'BIGINT' && k.kind !== 'NULL') return `an integer index, got ${typeToString(k)}`;
      return { args: [c, T.INT], ret: c.element! };
    }
    if (c.kind === 'MAP') {
      const kt = commonType(c.key!, k);
      if (kt === null) return `a key of type ${typeToString(c.key!)}, got ${typeToString(k)}`;
      return { args: [c, c.key!], ret: c.element! };
    }
    return `an ARRAY or a MAP, got ${typeToString(c)}`;
  },
  kernel(sig): Kernel {
    const type = sig.ret;
    const isArray = sig.args[0]!.kind === 'ARRAY';
    return (args, n) => {
      const c = args[0]!;
      const k = args[1]!;
      const cv = c.values as unknown[];
      return scalarResult(type, n, (i) => {
        if ((c.nulls !== null && c.nulls[i] === 1) || (k.nulls !== null && k.nulls[i] === 1)) return null;
        if (isArray) {
          const a = cv[i] as readonly unknown[];
          const idx = (k.values as Float64Array)[i]!;
          return idx >= 1 && idx <= a.length ? a[idx - 1] : null;
        }
        return mapGet(cv[i] as MapValue, cell(k, i));
      });
    };
  },
});

registerFunction({
  name: 'cardinality',
  sqlNames: ['CARDINALITY'],
  doc: 'CARDINALITY(array | map): the number of elements (entries)',
  resolve(args): Signature | string {
    const [c] = args;
    if (args.length !== 1 || c === undefined || (c.kind !== 'ARRAY' && c.kind !== 'MAP')) return 'one ARRAY or MAP';
    return { args: [c], ret: T.INT };
  },
  kernel(): Kernel {
    return (args, n) => {
      const c = args[0]!;
      const cv = c.values as unknown[];
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (c.nulls !== null && c.nulls[i] === 1) continue;
        const v = cv[i];
        out[i] = Array.isArray(v) ? v.length : (v as MapValue).keys.length;
      }
      return { type: T.INT, values: out, nulls: c.nulls === null ? null : c.nulls.slice(0, n) };
    };
  },
});
