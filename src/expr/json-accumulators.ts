// JSON_OBJECTAGG (Flink's JsonObjectAggFunction; JSON_ARRAYAGG is LISTAGG's state, accumulators.ts).
// As in Flink, the binder wraps each value in JSON_STRING (a nested JSON_OBJECT / JSON_ARRAY
// call stays as it is, already JSON), so these accumulators only see JSON text (STRING) and
// keep it as the state; a SQL NULL value is kept as the text `null` under NULL ON NULL and
// skipped under ABSENT ON NULL. The result is never NULL: no entries give `{}` / `[]`.

import type { Column, ColumnBuilder, Scalar } from '../common/batch.js';
import { WeirError } from '../common/errors.js';
import { jsonQuote } from './functions/json.js';
import type { Accumulator } from './accumulators.js';
// (a cycle with accumulators.ts: functions only, called after both modules have loaded)
import { loadEach, saveEach } from './accumulators.js';

/** The text a SQL NULL value is kept as (JSON text from JSON_STRING is never `null`). */
const NULL_TEXT = 'null';

/**
 * JSON_OBJECTAGG([KEY] k VALUE v [NULL | ABSENT ON NULL]): per group, for each key the live
 * values (JSON text) with their counts. A retraction lowers the count of that exact pair; a
 * retraction of a pair not (yet) there is kept as a negative count, which a later add or a
 * merge cancels, as Flink keeps it in its retractMap. The result is the object of the keys with
 * a live value, sorted by key (Flink serializes with ORDER_MAP_ENTRIES_BY_KEYS); a key with more
 * than one live value is an error, as Flink's "Key '...' is already present". weir checks that
 * when it emits the result, after a batch's adds and retractions, so an update that replaces a
 * key's value (-U old, +U new in one batch) is never taken for a duplicate.
 */
export class JsonObjectAgg implements Accumulator {
  /** Per slot: the keys holding exactly one copy of one value (the usual state), key -> value. */
  private live: (Map<string, string> | undefined)[] = [];
  /** Per slot: the other keys (pending retractions, duplicates), key -> value -> count. */
  private odd: (Map<string, Map<string, number>> | undefined)[] = [];
  /** Per slot: the result text while the slot is unchanged. */
  private text: (string | undefined)[] = [];
  constructor(
    private readonly keyArg: number,
    private readonly valueArg: number,
    private readonly absentOnNull: boolean,
  ) {}
  grow(cap: number): void {
    while (this.live.length < cap) {
      this.live.push(undefined);
      this.odd.push(undefined);
      this.text.push(undefined);
    }
  }
  reset(slot: number): void {
    this.live[slot] = undefined;
    this.odd[slot] = undefined;
    this.text[slot] = undefined;
  }
  private bump(slot: number, key: string, value: string, d: number): void {
    this.text[slot] = undefined;
    let live = this.live[slot];
    if (live === undefined) {
      live = new Map();
      this.live[slot] = live;
    }
    let vals = this.odd[slot]?.get(key);
    if (vals === undefined) {
      const lv = live.get(key);
      if (lv === undefined && d === 1) {
        live.set(key, value);
        return;
      }
      if (lv === value && d === -1) {
        live.delete(key);
        return;
      }
      // anything else is kept with counts
      vals = new Map();
      if (lv !== undefined) {
        vals.set(lv, 1);
        live.delete(key);
      }
      let odd = this.odd[slot];
      if (odd === undefined) {
        odd = new Map();
        this.odd[slot] = odd;
      }
      odd.set(key, vals);
    }
    const c = (vals.get(value) ?? 0) + d;
    if (c === 0) vals.delete(value);
    else vals.set(value, c);
    if (vals.size === 0) this.odd[slot]!.delete(key);
    else if (vals.size === 1) {
      const [v, n] = vals.entries().next().value as [string, number];
      if (n === 1) {
        this.odd[slot]!.delete(key);
        live.set(key, v);
      }
    }
  }
  private apply(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[], d: number): void {
    const kc = batch[this.keyArg]!;
    const vc = batch[this.valueArg]!;
    const kv = kc.values as string[];
    const vv = vc.values as string[];
    for (let j = 0; j < count; j++) {
      const r = rows === null ? j : rows[j]!;
      if (kc.nulls !== null && kc.nulls[r] === 1) {
        throw new WeirError('execution', 'JSON_OBJECTAGG: a key is NULL', { hint: 'keys must not be NULL: filter them out (FILTER (WHERE k IS NOT NULL))', permanent: true });
      }
      const isNull = vc.nulls !== null && vc.nulls[r] === 1;
      if (isNull && this.absentOnNull) continue;
      this.bump(slots[j]!, kv[r]!, isNull ? NULL_TEXT : vv[r]!, d);
    }
  }
  add(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.apply(slots, rows, count, batch, 1);
  }
  retract(slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void {
    this.apply(slots, rows, count, batch, -1);
  }
  value(slot: number): Scalar {
    const cached = this.text[slot];
    if (cached !== undefined) return cached;
    const entries: [string, string][] = [];
    const live = this.live[slot];
    if (live !== undefined) for (const e of live) entries.push(e);
    const odd = this.odd[slot];
    if (odd !== undefined) {
      for (const [key, vals] of odd) {
        let v: string | undefined;
        let n = 0;
        for (const [x, c] of vals) {
          if (c <= 0) continue;
          n += c;
          v = x;
        }
        if (n > 1) {
          throw new WeirError('execution', `JSON_OBJECTAGG: key '${key}' is already present (duplicate keys are not allowed in JSON_OBJECTAGG)`, { hint: 'make the keys unique within each group', permanent: true });
        }
        if (v !== undefined) entries.push([key, v]);
      }
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let out = '{';
    for (let i = 0; i < entries.length; i++) out += `${i > 0 ? ',' : ''}${jsonQuote(entries[i]![0])}:${entries[i]![1]}`;
    out += '}';
    this.text[slot] = out;
    return out;
  }
  result(slot: number, out: ColumnBuilder): void {
    out.pushString(this.value(slot) as string);
  }
  merge(target: number, source: number): void {
    for (const [key, value, c] of this.triples(source)) this.bump(target, key, value, c);
  }
  /** The slot's state as (key, value, count) triples. */
  private triples(slot: number): [string, string, number][] {
    const out: [string, string, number][] = [];
    const live = this.live[slot];
    if (live !== undefined) for (const [k, v] of live) out.push([k, v, 1]);
    const odd = this.odd[slot];
    if (odd !== undefined) for (const [k, vals] of odd) for (const [v, c] of vals) out.push([k, v, c]);
    return out;
  }
  /** [key, value, count, key, value, count, ...] */
  save(slot: number): unknown {
    if (this.live[slot] === undefined && this.odd[slot] === undefined) return null;
    return this.triples(slot).flat();
  }
  load(slot: number, st: unknown): void {
    this.reset(slot);
    if (st === null) return;
    const flat = st as (string | number)[];
    for (let i = 0; i + 2 < flat.length; i += 3) this.bump(slot, flat[i] as string, flat[i + 1] as string, flat[i + 2] as number);
  }
  saveAll(high: number, inUse: Uint8Array): unknown {
    return saveEach(this, high, inUse);
  }
  loadFrom(st: unknown, from: Int32Array, to: Int32Array, n: number): void {
    loadEach(this, st, from, to, n);
  }
}
