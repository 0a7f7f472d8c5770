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

import type { Column, Scalar } from '../../common/batch.js';
import { getScalar } from '../../common/batch.js';
import { buildMap, canonicalText, mapGet, type MapValue } from '../../common/composite.js';
import { WeirError } from '../../common/errors.js';
import type { DataType } from '../../common/types.js';
import { T, commonType, isComposite, typeToString } from '../../common/types.js';
import { isWideDecimal } from '../decimal.js';
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
  name: 'multiset_elements',
  sqlNames: [],
  doc: 'UNNEST of a MULTISET: its elements as an ARRAY, each repeated as often as it occurs (Flink expands the count)',
  resolve(args): Signature | string {
    const [c] = args;
    if (args.length !== 1 || c === undefined || c.kind !== 'MULTISET') return 'one MULTISET';
    return { args: [c], ret: T.array(c.element!) };
  },
  kernel(sig): Kernel {
    return (args, n) => {
      const c = args[0]!;
      const cv = c.values as unknown[];
      return scalarResult(sig.ret, n, (i) => {
        if (c.nulls !== null && c.nulls[i] === 1) return null;
        const m = cv[i] as MapValue;
        const out: unknown[] = [];
        for (let j = 0; j < m.keys.length; j++) for (let r = m.values[j] as number; r > 0; r--) out.push(m.keys[j]);
        return out;
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
    // a MULTISET too fails in Flink: its code generator takes only arrays and maps ("Expect an array or a map.")
    if (args.length !== 1 || c === undefined || (c.kind !== 'ARRAY' && c.kind !== 'MAP')) return c?.kind === 'MULTISET' ? 'one ARRAY or MAP (Flink cannot take the CARDINALITY of a MULTISET either: "Expect an array or a map.")' : 'one ARRAY or MAP';
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

// ---------------------------------------------------------------------------------------
// Flink's collection functions (ARRAY_*, MAP_*, ELEMENT, SPLIT). Semantics from Flink's
// documentation and its runtime functions (ArrayUnionFunction, ArraySortFunction, ...):
// - a NULL array (map) argument gives NULL; a NULL element is a value, equal to another NULL
//   (ARRAY_CONTAINS(arr, NULL) is TRUE when arr holds a NULL, ARRAY_REMOVE removes NULLs);
// - results keep the order of first occurrence (ARRAY_DISTINCT, ARRAY_UNION, ARRAY_EXCEPT,
//   ARRAY_INTERSECT), positions count from 1 (ARRAY_POSITION is 0 when absent);
// - elements are equal as in GROUP BY (numbers by value, composites field by field).

/** A JS Map key for an element: scalars as themselves, composites by their canonical text. */
function elementKey(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? canonicalText(v) : v;
}

/** Elements of `a` in order of first occurrence, skipping those whose key is in `skip`. */
function distinctInto(a: readonly unknown[], seen: Set<unknown>, out: unknown[], keep: (k: unknown) => boolean = () => true): unknown[] {
  for (const v of a) {
    const k = elementKey(v);
    if (seen.has(k) || !keep(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

/**
 * A kernel over the per-row values of its arguments (null for NULL): `strict` gives NULL when
 * any argument is NULL without calling `f`. Composite results are new values (never mutated).
 */
function collectionKernel(ret: DataType, strict: boolean, f: (a: unknown[]) => unknown): Kernel {
  return (args, n) => {
    const k = args.length;
    const row = new Array<unknown>(k);
    return scalarResult(ret, n, (i) => {
      for (let j = 0; j < k; j++) {
        const v = cell(args[j]!, i);
        if (v === null && strict) return null;
        row[j] = v;
      }
      return f(row);
    });
  };
}

/** Orders two non-NULL scalar elements (numbers, bigints, strings, booleans) as Flink compares them. */
function compareElements(a: unknown, b: unknown): number {
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function isArray(t: DataType | undefined): t is DataType & { kind: 'ARRAY' } {
  return t !== undefined && t.kind === 'ARRAY';
}

/** Element types ARRAY_MAX, ARRAY_MIN and ARRAY_SORT can order. */
function orderable(t: DataType): boolean {
  return !isComposite(t) && !(t.kind === 'DECIMAL' && isWideDecimal(t));
}

function arrayFunction(name: string, doc: string, resolve: (args: readonly DataType[]) => Signature | string, kernel: (sig: Signature, consts: readonly (Scalar | undefined)[]) => Kernel): void {
  registerFunction({ name, sqlNames: [name.toUpperCase()], doc, wideInts: true, resolve, kernel });
}

/** One ARRAY argument, the result of `ret` of its element type. */
function oneArray(args: readonly DataType[], ret: (el: DataType) => DataType, check?: (el: DataType) => string | undefined): Signature | string {
  const [a] = args;
  if (args.length !== 1 || !isArray(a)) return `one ARRAY${a !== undefined ? `, got ${args.map(typeToString).join(', ')}` : ''}`;
  const bad = check?.(a.element!);
  if (bad !== undefined) return bad;
  return { args: [a], ret: ret(a.element!) };
}

/** An ARRAY and a value of its element type (the common type of both). */
function arrayAndElement(args: readonly DataType[], ret: (arr: DataType) => DataType): Signature | string {
  const [a, x] = args;
  if (args.length !== 2 || !isArray(a) || x === undefined) return 'an ARRAY and an element';
  const el = commonOf([a.element!, x]);
  if (el === null) return `an element of type ${typeToString(a.element!)}, got ${typeToString(x)}`;
  const arr = T.array(el);
  return { args: [arr, el], ret: ret(arr) };
}

/** Arrays of one common element type: at least `min` of them (exactly `max` when given). */
function arrays(args: readonly DataType[], min: number, max?: number): Signature | string {
  const what = max === undefined ? `at least ${min} ARRAY${min > 1 ? 's' : ''}` : `${max} ARRAYs`;
  if (args.length < min || (max !== undefined && args.length !== max)) return what;
  if (!args.every((t) => isArray(t) || t.kind === 'NULL')) return `${what}, got ${args.map(typeToString).join(', ')}`;
  const el = commonOf(args.filter(isArray).map((t) => t.element!));
  if (el === null) return `ARRAYs of one element type, got ${args.map(typeToString).join(', ')}`;
  const arr = T.array(el);
  return { args: args.map(() => arr), ret: arr };
}

arrayFunction('element', 'ELEMENT(array): the sole element of the array; NULL when it is empty, an error when it has more than one', (args) => oneArray(args, (el) => el), (sig) =>
  collectionKernel(sig.ret, true, ([a]) => {
    const arr = a as readonly unknown[];
    if (arr.length > 1) throw new WeirError('execution', `ELEMENT of an array with ${arr.length} elements: it takes an array of at most one element`, { permanent: true });
    return arr.length === 0 ? null : arr[0];
  }),
);

arrayFunction('array_append', 'ARRAY_APPEND(array, element): the array with the element added at the end (a NULL element too)', (args) => arrayAndElement(args, (arr) => arr), (sig) =>
  collectionKernel(sig.ret, false, ([a, x]) => (a === null ? null : [...(a as readonly unknown[]), x])),
);

arrayFunction('array_prepend', 'ARRAY_PREPEND(array, element): the array with the element added at the front (a NULL element too)', (args) => arrayAndElement(args, (arr) => arr), (sig) =>
  collectionKernel(sig.ret, false, ([a, x]) => (a === null ? null : [x, ...(a as readonly unknown[])])),
);

arrayFunction('array_contains', 'ARRAY_CONTAINS(array, element): whether the array holds the element (a NULL element: whether it holds a NULL)', (args) => arrayAndElement(args, () => T.BOOLEAN), (sig) =>
  collectionKernel(sig.ret, false, ([a, x]) => {
    if (a === null) return null;
    const k = elementKey(x);
    return (a as readonly unknown[]).some((v) => elementKey(v) === k);
  }),
);

arrayFunction('array_position', 'ARRAY_POSITION(array, element): the position (from 1) of the first occurrence, 0 when absent; NULL when either is NULL', (args) => arrayAndElement(args, () => T.INT), (sig) =>
  collectionKernel(sig.ret, true, ([a, x]) => {
    const k = elementKey(x);
    return (a as readonly unknown[]).findIndex((v) => elementKey(v) === k) + 1;
  }),
);

arrayFunction('array_remove', 'ARRAY_REMOVE(array, element): the array without the elements equal to it (a NULL element removes the NULLs)', (args) => arrayAndElement(args, (arr) => arr), (sig) =>
  collectionKernel(sig.ret, false, ([a, x]) => {
    if (a === null) return null;
    const k = elementKey(x);
    return (a as readonly unknown[]).filter((v) => elementKey(v) !== k);
  }),
);

arrayFunction('array_distinct', 'ARRAY_DISTINCT(array): the distinct elements, in order of first occurrence (one NULL kept)', (args) => oneArray(args, (el) => T.array(el)), (sig) =>
  collectionKernel(sig.ret, true, ([a]) => distinctInto(a as readonly unknown[], new Set(), [])),
);

arrayFunction('array_reverse', 'ARRAY_REVERSE(array): the elements in reverse order', (args) => oneArray(args, (el) => T.array(el)), (sig) =>
  collectionKernel(sig.ret, true, ([a]) => [...(a as readonly unknown[])].reverse()),
);

arrayFunction(
  'array_slice',
  'ARRAY_SLICE(array, start [, end]): the elements from start to end inclusive, from 1 (0 is the start, negative counts from the end)',
  (args) => {
    const [a, s, e] = args;
    if (args.length < 2 || args.length > 3 || !isArray(a)) return 'an ARRAY, a start offset and an optional end offset';
    for (const t of [s, e]) if (t !== undefined && !(t.kind === 'INT' || t.kind === 'BIGINT' || t.kind === 'NULL')) return `integer offsets, got ${typeToString(t)}`;
    return { args: args.length === 2 ? [a, T.INT] : [a, T.INT, T.INT], ret: a };
  },
  (sig) =>
    collectionKernel(sig.ret, true, (row) => {
      const arr = row[0] as readonly unknown[];
      const n = arr.length;
      if (n === 0) return arr;
      // Flink's ArraySliceFunction: negative offsets count from the end; the start is at least
      // 1; an end of 0 means 1; past the end means the end
      let start = row[1] as number;
      let end = row.length > 2 ? (row[2] as number) : n;
      if (start < 0) start += n + 1;
      if (end < 0) end += n + 1;
      start = Math.max(1, start);
      end = end === 0 ? 1 : Math.min(end, n);
      return end < start ? [] : arr.slice(start - 1, end);
    }),
);

arrayFunction(
  'array_sort',
  'ARRAY_SORT(array [, ascending [, nulls_first]]): the elements in order; by default ascending with NULLs first, descending with NULLs last',
  (args) => {
    const [a, asc, nf] = args;
    if (args.length < 1 || args.length > 3 || !isArray(a)) return 'an ARRAY and optional BOOLEANs ascending_order and null_first';
    if (!orderable(a.element!)) return `an ARRAY of comparable elements, got ${typeToString(a)}`;
    for (const t of [asc, nf]) if (t !== undefined && t.kind !== 'BOOLEAN' && t.kind !== 'NULL') return `BOOLEAN ascending_order and null_first, got ${typeToString(t)}`;
    return { args: [a, ...args.slice(1).map(() => T.BOOLEAN)], ret: a };
  },
  (sig) =>
    collectionKernel(sig.ret, true, (row) => {
      const arr = row[0] as readonly unknown[];
      const asc = row.length > 1 ? row[1] === true : true;
      const nullsFirst = row.length > 2 ? row[2] === true : asc;
      const sign = asc ? 1 : -1;
      // Array.prototype.sort is stable, as Java's Arrays.sort of objects
      return [...arr].sort((x, y) => (x === null ? (y === null ? 0 : nullsFirst ? -1 : 1) : y === null ? (nullsFirst ? 1 : -1) : sign * compareElements(x, y)));
    }),
);

arrayFunction('array_union', 'ARRAY_UNION(array1, array2): the distinct elements of both, in order of first occurrence', (args) => arrays(args, 2, 2), (sig) =>
  collectionKernel(sig.ret, true, ([a, b]) => {
    const seen = new Set<unknown>();
    return distinctInto(b as readonly unknown[], seen, distinctInto(a as readonly unknown[], seen, []));
  }),
);

arrayFunction('array_concat', 'ARRAY_CONCAT(array1, ...): the elements of all arrays in order; NULL when any is NULL', (args) => arrays(args, 1), (sig) =>
  collectionKernel(sig.ret, true, (row) => ([] as unknown[]).concat(...(row as unknown[][]))),
);

arrayFunction('array_except', 'ARRAY_EXCEPT(array1, array2): the distinct elements of array1 not in array2, in order', (args) => arrays(args, 2, 2), (sig) =>
  collectionKernel(sig.ret, true, ([a, b]) => {
    const other = new Set((b as readonly unknown[]).map(elementKey));
    return distinctInto(a as readonly unknown[], new Set(), [], (k) => !other.has(k));
  }),
);

arrayFunction('array_intersect', 'ARRAY_INTERSECT(array1, array2): the distinct elements of array1 also in array2, in order', (args) => arrays(args, 2, 2), (sig) =>
  collectionKernel(sig.ret, true, ([a, b]) => {
    const other = new Set((b as readonly unknown[]).map(elementKey));
    return distinctInto(a as readonly unknown[], new Set(), [], (k) => other.has(k));
  }),
);

for (const [name, sign] of [['array_max', 1], ['array_min', -1]] as const) {
  arrayFunction(
    name,
    `${name.toUpperCase()}(array): the ${sign > 0 ? 'greatest' : 'least'} non-NULL element; NULL when there is none`,
    (args) => oneArray(args, (el) => el, (el) => (orderable(el) ? undefined : `an ARRAY of comparable elements, got ARRAY<${typeToString(el)}>`)),
    (sig) =>
      collectionKernel(sig.ret, true, ([a]) => {
        let best: unknown = null;
        for (const v of a as readonly unknown[]) if (v !== null && (best === null || sign * compareElements(v, best) > 0)) best = v;
        return best;
      }),
  );
}

arrayFunction(
  'array_join',
  'ARRAY_JOIN(array, delimiter [, null_replacement]): the STRING elements joined by the delimiter; NULL elements are left out, or replaced',
  (args) => {
    const [a, d, r] = args;
    if (args.length < 2 || args.length > 3 || !isArray(a) || !(a.element!.kind === 'STRING' || a.element!.kind === 'NULL')) return 'an ARRAY<STRING>, a delimiter and an optional null replacement';
    for (const t of [d, r]) if (t !== undefined && t.kind !== 'STRING' && t.kind !== 'NULL') return `STRING delimiter and null replacement, got ${typeToString(t)}`;
    return { args: [T.array(T.STRING), ...args.slice(1).map(() => T.STRING)], ret: T.STRING };
  },
  (sig) =>
    collectionKernel(sig.ret, true, (row) => {
      const arr = row[0] as readonly (string | null)[];
      const replace = row.length > 2 ? (row[2] as string) : null;
      let s = '';
      let first = true;
      for (const v of arr) {
        const x = v ?? replace;
        if (x === null) continue;
        s += first ? x : (row[1] as string) + x;
        first = false;
      }
      return s;
    }),
);

registerFunction({
  name: 'split',
  sqlNames: ['SPLIT'],
  doc: "SPLIT(string, delimiter): the parts between the delimiters, an ARRAY<STRING> (an empty delimiter splits into characters)",
  resolve(args) {
    if (args.length !== 2 || !args.every((t) => t.kind === 'STRING' || t.kind === 'NULL')) return 'a STRING and a STRING delimiter';
    return { args: [T.STRING, T.STRING], ret: T.array(T.STRING) };
  },
  kernel(sig) {
    // Flink's SplitFunction: an empty string has no parts; an empty delimiter splits into
    // code points; otherwise every delimiter separates two parts (empty ones kept)
    return collectionKernel(sig.ret, true, ([s, d]) => ((s as string).length === 0 ? [] : (d as string).length === 0 ? Array.from(s as string) : (s as string).split(d as string)));
  },
});

// ---- maps

function isMap(t: DataType | undefined): t is DataType & { kind: 'MAP' } {
  return t !== undefined && t.kind === 'MAP';
}

function oneMap(args: readonly DataType[], ret: (m: DataType) => DataType): Signature | string {
  const [m] = args;
  if (args.length !== 1 || !isMap(m)) return `one MAP${m !== undefined ? `, got ${args.map(typeToString).join(', ')}` : ''}`;
  return { args: [m], ret: ret(m) };
}

arrayFunction('map_keys', 'MAP_KEYS(map): the keys, an ARRAY', (args) => oneMap(args, (m) => T.array(m.key!)), (sig) => collectionKernel(sig.ret, true, ([m]) => [...(m as MapValue).keys]));
arrayFunction('map_values', 'MAP_VALUES(map): the values, an ARRAY', (args) => oneMap(args, (m) => T.array(m.element!)), (sig) => collectionKernel(sig.ret, true, ([m]) => [...(m as MapValue).values]));
arrayFunction(
  'map_entries',
  'MAP_ENTRIES(map): the entries, an ARRAY<ROW<key, value>>',
  (args) => oneMap(args, (m) => T.array(T.row([{ name: 'key', type: m.key! }, { name: 'value', type: m.element! }]))),
  (sig) =>
    collectionKernel(sig.ret, true, ([m]) => {
      const map = m as MapValue;
      return map.keys.map((k, i) => [k, map.values[i]]);
    }),
);

arrayFunction(
  'map_from_arrays',
  'MAP_FROM_ARRAYS(keys, values): the map of keys[i] to values[i] (arrays of one length; a repeated key takes its last value)',
  (args) => {
    const [k, v] = args;
    if (args.length !== 2 || !isArray(k) || !isArray(v)) return 'an ARRAY of keys and an ARRAY of values';
    return { args: [k, v], ret: T.map(k.element!.kind === 'NULL' ? T.INT : k.element!, v.element!.kind === 'NULL' ? T.INT : v.element!) };
  },
  (sig) =>
    collectionKernel(sig.ret, true, ([k, v]) => {
      const keys = k as readonly unknown[];
      const values = v as readonly unknown[];
      if (keys.length !== values.length) throw new WeirError('execution', `MAP_FROM_ARRAYS of ${keys.length} keys and ${values.length} values: the arrays must have the same length`, { permanent: true });
      return buildMap(keys, values);
    }),
);

arrayFunction(
  'map_union',
  'MAP_UNION(map1, ...): the entries of all maps; a key of a later map takes its value',
  (args) => {
    if (args.length < 1 || !args.every((t) => isMap(t) || t.kind === 'NULL')) return `at least one MAP${args.length > 0 ? `, got ${args.map(typeToString).join(', ')}` : ''}`;
    const maps = args.filter(isMap);
    const kt = commonOf(maps.map((m) => m.key!));
    const vt = commonOf(maps.map((m) => m.element!));
    if (kt === null || vt === null) return `MAPs of one type, got ${args.map(typeToString).join(', ')}`;
    const m = T.map(kt, vt);
    return { args: args.map(() => m), ret: m };
  },
  (sig) =>
    collectionKernel(sig.ret, true, (row) => {
      const maps = row as MapValue[];
      return buildMap(
        maps.flatMap((m) => m.keys),
        maps.flatMap((m) => m.values),
      );
    }),
);
