// Values of the composite types ROW, ARRAY and MAP, carried in 'obj' columns (types.ts).
//
// Representation (plain JS data, so it crosses worker threads by structured clone and goes
// into msgpackr state files unchanged):
//   ROW<a, b, ...>  -> an array with one entry per field, in field order
//   ARRAY<T>        -> an array of elements
//   MAP<K, V>       -> { keys: K[], values: V[] } in insertion order, keys distinct
// Elements and fields are carried as their scalar form: null for NULL, a boolean for BOOLEAN,
// a number for the numeric and temporal types (epoch ms, days, ms/months for intervals), a
// string for STRING, and nested composites the same way. The type says which is which.
//
// Invariant: a composite value is never mutated once it is in a column (kernels build new
// ones), so columns, state and output batches may share them.

export interface MapValue {
  readonly keys: readonly unknown[];
  readonly values: readonly unknown[];
}

export type CompositeValue = readonly unknown[] | MapValue;

export function isMapValue(v: unknown): v is MapValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'keys' in v && 'values' in v;
}

/**
 * A canonical text of a value, equal exactly when the values are equal (SQL equality of
 * composites is field by field; two NULL fields count as equal here, as Flink's GROUP BY on a
 * row does). Used as a map key and to hash keys. It needs no type: within one column the
 * type is fixed, and the representation alone is unambiguous there.
 */
export function canonicalText(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number') return Object.is(v, -0) ? 'n0' : `n${v}`;
  if (typeof v === 'bigint') return `n${v}`; // a BIGINT beyond ±(2^53-1) (common/int64.ts): never equal to a number
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i > 0 ? ',' : '') + canonicalText(v[i]);
    return s + ']';
  }
  if (isMapValue(v)) {
    // maps are equal whatever their entry order: sort the entries' texts
    const entries = v.keys.map((k, i) => `${canonicalText(k)}=${canonicalText(v.values[i])}`);
    entries.sort();
    return `{${entries.join(',')}}`;
  }
  return `?${String(v)}`;
}

/** SQL equality of two non-NULL composite values (NULL fields compare equal, see above). */
export function compositeEquals(a: unknown, b: unknown): boolean {
  return canonicalText(a) === canonicalText(b);
}

/** The value stored for MAP key `k` (scalar key), or undefined. Later duplicates never exist. */
export function mapGet(m: MapValue, k: unknown): unknown {
  const keys = m.keys;
  if (typeof k !== 'object' || k === null) {
    for (let i = 0; i < keys.length; i++) if (keys[i] === k) return m.values[i];
    return undefined;
  }
  const want = canonicalText(k);
  for (let i = 0; i < keys.length; i++) if (canonicalText(keys[i]) === want) return m.values[i];
  return undefined;
}

/**
 * Builds a map from entries in order; a repeated key keeps its first position and takes the
 * last value (Flink's MAP[...] constructor puts the entries into a hash map one by one).
 */
export function buildMap(keys: readonly unknown[], values: readonly unknown[]): MapValue {
  const outK: unknown[] = [];
  const outV: unknown[] = [];
  const seen = new Map<unknown, number>();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const id = typeof k === 'object' && k !== null ? canonicalText(k) : k;
    const at = seen.get(id);
    if (at !== undefined) outV[at] = values[i];
    else {
      seen.set(id, outK.length);
      outK.push(k);
      outV.push(values[i]);
    }
  }
  return { keys: outK, values: outV };
}
