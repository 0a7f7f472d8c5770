// The shared DISTINCT state (one per group and column, a bitmask of the FILTERs each value
// passed, counts per call for changelog input) and the column-wise group key index, each
// against a model worked out independently: the updating GROUP BY operator fed random inserts
// and retractions (NULLs, several FILTERs over one column, numbers and strings), a snapshot
// taken half-way restored at parallelism 1 and at parallelism 2; and ColumnKeyIndex against
// a Map over keys that would collide as joined strings, with NULLs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { GroupKeys } from '../../src/exec/operators/group-keys.js';
import { ColumnKeyIndex } from '../../src/exec/operators/key-index.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { batchFromRows, batchToRows } from '../../src/common/batch.js';
import type { Batch, Column, Scalar } from '../../src/common/batch.js';
import type { Accumulator } from '../../src/expr/accumulators.js';
import { SharedDistinct } from '../../src/expr/shared-distinct.js';
import { T } from '../../src/common/types.js';
import type { DataType } from '../../src/common/types.js';
import type { AggCall } from '../../src/plan/logical.js';
import { hashColumns, hashKey, keyGroupOf } from '../../src/state/key-groups.js';
import { compileJavaDatePattern } from '../../src/common/time.js';

// input: g, x (BIGINT, NULLs), s (STRING, NULLs), f1, f2 (BOOLEAN, NULLs: a FILTER NULL fails)
const IN: DataType[] = [T.BIGINT, T.BIGINT, T.STRING, T.BOOLEAN, T.BOOLEAN];
const call = (fn: AggCall['fn'], arg: number, filter: number | undefined, type: DataType = T.BIGINT): AggCall => ({ fn, args: [arg], distinct: true, filter, type, name: fn });
const AGGS: AggCall[] = [
  call('count', 1, undefined),
  call('count', 1, 3),
  call('count', 1, 4),
  call('sum', 1, 3),
  call('count', 2, 4),
  call('count', 2, undefined),
  { fn: 'count_star', args: [], distinct: false, filter: undefined, type: T.BIGINT, name: 'n' },
  // a FILTER without DISTINCT: the operator reads it through its reader (the inner COUNT)
  { fn: 'count_star', args: [], distinct: false, filter: 3, type: T.BIGINT, name: 'nf' },
];
const OUT: DataType[] = [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT];

type Row = [number, number | null, string | null, boolean | null, boolean | null];

/** The expected result from the rows currently in the input, computed directly. */
function model(live: readonly Row[]): string[] {
  const groups = new Map<number, Row[]>();
  for (const r of live) groups.set(r[0], [...(groups.get(r[0]) ?? []), r]);
  const out: string[] = [];
  for (const [g, rows] of groups) {
    const distinct = <V>(col: 1 | 2, f: 3 | 4 | null): V[] => [...new Set(rows.filter((r) => r[col] !== null && (f === null || r[f] === true)).map((r) => r[col] as V))];
    const sum1 = distinct<number>(1, 3);
    out.push(JSON.stringify([g, distinct(1, null).length, sum1.length, distinct(1, 4).length, sum1.length === 0 ? null : sum1.reduce((a, b) => a + b, 0), distinct(2, 4).length, distinct(2, null).length, rows.length, rows.filter((r) => r[3] === true).length]));
  }
  return out.sort();
}

/** Folds a changelog into its rows (multiset). */
function fold(into: Map<string, number>, batches: readonly Batch[]): void {
  for (const b of batches) {
    const rows = batchToRows(b);
    rows.forEach((r, i) => {
      const k = JSON.stringify(r);
      const op = b.ops === null ? 0 : b.ops[i]!;
      into.set(k, (into.get(k) ?? 0) + (op === 0 || op === 2 ? 1 : -1));
      if (into.get(k) === 0) into.delete(k);
    });
  }
}

function rowsOf(m: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, c] of m) {
    expect(c).toBeGreaterThan(0);
    for (let i = 0; i < c; i++) out.push(k);
  }
  return out.sort();
}

function ctx(start = 0, end = 128, parallelism = 1): OperatorContext {
  return { operatorId: 'agg', subtask: 0, parallelism, maxParallelism: 128, keyGroups: { start, end }, metrics: newMetrics() };
}

function make(c = ctx()): GroupAggregateOperator {
  const op = new GroupAggregateOperator(IN, [0], AGGS, true, OUT, 1024);
  op.open(c);
  return op;
}

/** Random batches of inserts and retractions of rows currently in the input. */
function script(seed: number, batches: number): { batch: Row[]; ops: number[] }[] {
  let s = seed;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const live: Row[] = [];
  const out: { batch: Row[]; ops: number[] }[] = [];
  const bool = (): boolean | null => [true, false, null][rnd(3)]!;
  for (let b = 0; b < batches; b++) {
    const batch: Row[] = [];
    const ops: number[] = [];
    const n = 1 + rnd(12);
    for (let i = 0; i < n; i++) {
      if (live.length > 0 && rnd(3) === 0) {
        const r = live.splice(rnd(live.length), 1)[0]!;
        batch.push(r);
        ops.push(rnd(2) === 0 ? 1 : 3); // -U or -D
      } else {
        const r: Row = [rnd(4), rnd(6) === 0 ? null : rnd(7) - 2, rnd(5) === 0 ? null : ['a', 'b', 'c', 'a|b'][rnd(4)]!, bool(), bool()];
        live.push(r);
        batch.push(r);
        ops.push(rnd(2) === 0 ? 0 : 2); // +I or +U
      }
    }
    out.push({ batch, ops });
  }
  return out;
}

function liveAfter(steps: readonly { batch: Row[]; ops: number[] }[]): Row[] {
  const live: Row[] = [];
  for (const { batch, ops } of steps) {
    batch.forEach((r, i) => {
      if (ops[i] === 0 || ops[i] === 2) live.push(r);
      else live.splice(live.indexOf(r), 1);
    });
  }
  return live;
}

describe('shared DISTINCT state', () => {
  it('several FILTERs over one column, NULLs and retractions: the folded changelog equals the model after every batch', () => {
    for (const seed of [1, 2, 3, 4]) {
      const steps = script(seed, 60);
      const op = make();
      const result = new Map<string, number>();
      for (let k = 0; k < steps.length; k++) {
        const out = new Collector();
        op.processBatch(batchFromRows(IN, steps[k]!.batch, steps[k]!.ops), out);
        fold(result, out.drain());
        expect(rowsOf(result)).toEqual(model(liveAfter(steps.slice(0, k + 1))));
      }
    }
  });

  it('a snapshot taken half-way restores at parallelism 1 and 2 (rows routed by key group) and continues to the model result', () => {
    for (const seed of [5, 6]) {
      const steps = script(seed, 80);
      const first = make();
      const before = new Map<string, number>();
      for (const st of steps.slice(0, 40)) {
        const out = new Collector();
        first.processBatch(batchFromRows(IN, st.batch, st.ops), out);
        fold(before, out.drain());
      }
      const snap: OperatorSnapshot = first.snapshot(1);
      for (const ranges of [[[0, 128]], [[0, 64], [64, 128]]]) {
        const subs = ranges.map(([a, b]) => {
          const op = make(ctx(a, b, ranges.length));
          // a restore owns what it is given (it takes typed arrays over), so each subtask gets
          // its own decoded copy, as a restore from a state file does
          op.restore(decodeSnapshot(encodeSnapshot(snap), 'test.state').keyed);
          return { op, a: a!, b: b! };
        });
        const result = new Map(before);
        for (const st of steps.slice(40)) {
          for (const sub of subs) {
            const idx = st.batch.map((r, i) => i).filter((i) => {
              const kg = keyGroupOf(hashKey([st.batch[i]![0]]), 128);
              return kg >= sub.a && kg < sub.b;
            });
            if (idx.length === 0) continue;
            const out = new Collector();
            sub.op.processBatch(batchFromRows(IN, idx.map((i) => st.batch[i]!), idx.map((i) => st.ops[i]!)), out);
            fold(result, out.drain());
          }
        }
        expect(rowsOf(result)).toEqual(model(liveAfter(steps)));
      }
    }
  });
});

describe('ColumnKeyIndex', () => {
  // two key columns, STRING and BIGINT, whose values would collide if joined as text
  const TYPES: DataType[] = [T.STRING, T.STRING, T.BIGINT];
  const str = fc.constantFrom<string | null>('a|b', 'a', 'b|c', 'b', '', null, 's1:a', '1', 'n1|', '\u0001|');
  const num = fc.constantFrom<number | null>(1, 0, -0, NaN, null, 2 ** 53, -1);
  const key = fc.tuple(str, str, num);
  // fewer keys for the operation sequences, so deletes and gets hit stored keys
  const few = fc.tuple(fc.constantFrom<string | null>('a|b', 'a', '', null), fc.constantFrom<string | null>('b|c', 'b', null), fc.constantFrom<number | null>(1, -0, NaN, null));
  const op = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: few }),
    fc.record({ kind: fc.constant('delete' as const), key: few }),
    fc.record({ kind: fc.constant('get' as const), key: few }),
  );
  // SameValueZero, as a Map compares: -0 is 0, NaN is NaN
  const text = (k: readonly Scalar[]): string => JSON.stringify(k.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v === 0 ? 0 : v)));

  it('behaves like a Map over random set/delete/get sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 300 }), (ops) => {
        const keys = new GroupKeys(TYPES, [0, 1, 2]);
        const index = new ColumnKeyIndex([0, 1, 2], keys, 4);
        const model = new Map<string, number>();
        let next = 0;
        for (const o of ops) {
          const batch = batchFromRows(TYPES, [o.key]);
          index.prepare(batch);
          const t = text(o.key);
          const found = index.find(0);
          expect(found).toBe(model.get(t) ?? -1);
          if (o.kind === 'set' && found < 0) {
            const slot = next++;
            keys.grow(slot + 1);
            keys.store(slot, batch, 0);
            index.insert(0, slot);
            model.set(t, slot);
            expect(index.hashes[0]).toBe(hashKey(o.key));
          } else if (o.kind === 'delete' && found >= 0) {
            index.remove(found);
            model.delete(t);
          }
        }
        expect(index.size).toBe(model.size);
      }),
      { numRuns: 100, seed: 11 },
    );
  });

  // the index compares keys only when their 32-bit hashes match, so the comparison itself is
  // checked directly: keys equal as joined text ('a|b','c' / 'a','b|c'; '' / NULL) must differ
  it('hashes string columns row by row as hashKey does (runs of one value, NULLs inside runs)', () => {
    const cell = fc.constantFrom<string | null>('2015-07-15', 'channel-1', 'a', '', null);
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 60 }), (rows) => {
        const col = (k: 0 | 1): Column => ({ type: T.STRING, values: rows.map((r) => r[k] ?? ''), nulls: Uint8Array.from(rows.map((r) => (r[k] === null ? 1 : 0))) });
        const two = new Uint32Array(rows.length);
        hashColumns([col(0), col(1)], rows.length, two);
        const one = new Uint32Array(rows.length);
        hashColumns([col(1)], rows.length, one);
        expect([...two]).toEqual(rows.map((r) => hashKey([r[0], r[1]])));
        expect([...one]).toEqual(rows.map((r) => hashKey([r[1]])));
      }),
    );
  });

  it('compares a stored key with a row value by value (NULL only equals NULL)', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const keys = new GroupKeys(TYPES, [0, 1, 2]);
        keys.grow(1);
        keys.store(0, batchFromRows(TYPES, [a]), 0);
        const row = batchFromRows(TYPES, [b]);
        expect(keys.equalsRow(0, row.columns, 0)).toBe(text(a) === text(b));
      }),
      { numRuns: 500, seed: 12 },
    );
  });
});

describe('DATE_FORMAT reuses its last text', () => {
  it('only while the finest field shown is unchanged (minute, day, second, millisecond patterns)', () => {
    const base = Date.UTC(2015, 6, 15, 23, 58, 59, 998);
    const times = [0, 1, 2, 1000, 59_999, 60_000, 60_001, 59_999, -1, 86_400_000, 86_399_999, -3_600_000, 2, 2].map((d) => base + d);
    for (const p of ['yyyy-MM-dd', 'HH:mm', 'yyyy-MM-dd HH:mm:ss', 'ss.SSS', 'hh a', "'at' D"]) {
      const cached = compileJavaDatePattern(p);
      for (const t of [...times, -1, 0, -86_400_001]) expect(cached.format(t)).toBe(compileJavaDatePattern(p).format(t));
    }
  });
});

describe('shared DISTINCT state over large numeric sets (tables in a shared buddy arena)', () => {
  // One SharedDistinct over a DOUBLE column with three members (no FILTER, FILTER col 1,
  // FILTER col 2) driven directly: 40 groups, one of them with thousands of values (a table
  // past the arena's largest block), NaN, -0 and 0, random retractions and groups reset (their
  // blocks go back to the arena and serve other groups). After every batch each member's inner
  // accumulator (a recorder of the values it was given) and save(slot) equal a model worked
  // out from the live rows; at the end saveAll restores into a fresh state with the same sets.
  type R = [number, number, boolean, boolean];
  const recorder = (): Accumulator & { sets: Map<number, Map<string, number>> } => {
    const sets = new Map<number, Map<string, number>>();
    const bump = (slot: number, x: number, d: number): void => {
      const m = sets.get(slot) ?? new Map<string, number>();
      sets.set(slot, m);
      const k = Object.is(x, -0) ? '0' : String(x);
      const c = (m.get(k) ?? 0) + d;
      if (c === 0) m.delete(k);
      else m.set(k, c);
    };
    const walk = (d: number) => (slots: Int32Array, rows: Int32Array | null, count: number, batch: readonly Column[]): void => {
      for (let j = 0; j < count; j++) bump(slots[j]!, (batch[0]!.values as Float64Array)[rows === null ? j : rows[j]!]!, d);
    };
    return {
      sets,
      grow() {},
      reset: (slot: number) => void sets.delete(slot),
      add: walk(1),
      retract: walk(-1),
      value: () => null,
      result() {},
      merge() {},
      save: () => null,
      load() {},
      saveAll: () => null,
      loadFrom() {},
    } as unknown as Accumulator & { sets: Map<number, Map<string, number>> };
  };
  const key = (x: number): string => (Object.is(x, -0) ? '0' : String(x));
  // DOUBLE: NumberSets from the start. BIGINT: groups start with 8-byte int32 cells (IntSet);
  // from batch 20 on slots 20..39 meet values an IntSet cannot hold (NaN, 1.5, beyond int32)
  // and move to a NumberSet mid-way, and from batch 35 slot 0 (thousands of entries, counts)
  for (const [retract, type] of [[true, T.DOUBLE], [false, T.DOUBLE], [true, T.BIGINT], [false, T.BIGINT]] as const) {
    it(`${type.kind}, ${retract ? 'with retractions' : 'insert-only'}: every member's values and the saved entries equal the model after every batch`, () => {
      let s = (retract ? 11 : 12) + (type === T.BIGINT ? 2 : 0);
      const rnd = (n: number): number => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return (s >>> 8) % n;
      };
      const inners = [recorder(), recorder(), recorder()];
      const make = (): SharedDistinct => {
        const d = new SharedDistinct(0, type, inners.map((inner, k) => ({ inner, filter: k === 0 ? undefined : k })), retract);
        d.grow(40);
        return d;
      };
      const shared = make();
      const late = type === T.BIGINT;
      const live: R[] = [];
      const check = (d: SharedDistinct, withInners: boolean): void => {
        const bySlot: R[][] = Array.from({ length: 40 }, () => []);
        for (const r of live) bySlot[r[0]]!.push(r);
        for (let slot = 0; slot < 40; slot++) {
          const rows = bySlot[slot]!;
          const want = [0, 1, 2].map((k) => new Set(rows.filter((r) => k === 0 || r[k + 1]).map((r) => key(r[1]))));
          if (withInners) for (let k = 0; k < 3; k++) expect([...(inners[k]!.sets.get(slot) ?? new Map()).keys()].sort()).toEqual([...want[k]!].sort());
          const saved = d.save(slot) as [number[], Uint32Array, unknown] | null;
          const got = saved === null ? [] : saved[0].map((x, i) => `${key(x)}:${saved[1][i]}`).sort();
          const all = new Set([...want[0]!, ...want[1]!, ...want[2]!]);
          expect(got).toEqual([...all].map((x) => `${x}:${[0, 1, 2].reduce((m, k) => m | (want[k]!.has(x) ? 1 << k : 0), 0)}`).sort());
        }
      };
      for (let b = 0; b < 50; b++) {
        const rows: R[] = [];
        const ops: number[] = [];
        for (let i = 0; i < 500; i++) {
          if (retract && live.length > 0 && rnd(4) === 0) {
            rows.push(live.splice(rnd(live.length), 1)[0]!);
            ops.push(1);
            continue;
          }
          const slot = rnd(3) !== 0 ? 0 : 1 + rnd(39);
          const special = [NaN, -0, 0, 1.5, 2 ** 31, -(2 ** 31) - 1, -(2 ** 31), 2 ** 31 - 1][rnd(8)]!;
          const wide = !late || (slot === 0 ? b >= 35 : b >= 20 && slot >= 20);
          const x = rnd(50) === 0 ? (wide || (special | 0) === special ? special : -0) : slot === 0 ? rnd(1000000) - (late ? 500000 : 0) : rnd(300);
          const r: R = [slot, x, rnd(2) === 0, rnd(3) === 0];
          live.push(r);
          rows.push(r);
          ops.push(0);
        }
        // inserts and retractions go in separate calls, in order, as the operator does per run
        for (let i = 0; i < rows.length; ) {
          let e = i;
          while (e < rows.length && ops[e] === ops[i]) e++;
          const part = rows.slice(i, e);
          const cols: Column[] = [
            { type, values: Float64Array.from(part.map((r) => r[1])), nulls: null },
            { type: T.BOOLEAN, values: Uint8Array.from(part.map((r) => (r[2] ? 1 : 0))), nulls: null },
            { type: T.BOOLEAN, values: Uint8Array.from(part.map((r) => (r[3] ? 1 : 0))), nulls: null },
          ];
          const slots = Int32Array.from(part.map((r) => r[0]));
          if (ops[i] === 0) shared.add(slots, null, part.length, cols);
          else shared.retractRows(slots, null, part.length, cols);
          i = e;
        }
        if (b % 10 === 9) {
          // a group goes away: its rows leave the model, its block the arena
          const slot = 1 + rnd(39);
          shared.reset(slot);
          for (const inner of inners) inner.reset(slot);
          for (let i = live.length - 1; i >= 0; i--) if (live[i]![0] === slot) live.splice(i, 1);
        }
        if (b % 10 === 9) check(shared, true);
        if (late && (b === 19 || b === 49)) {
          // which kind of set each group holds (by class name): int32 cells until a value needs more
          const kinds = (shared as unknown as { sets: ({ constructor: { name: string } } | undefined)[] }).sets.map((x) => x?.constructor.name);
          // (insert-only: a group of small non-negative values keeps a PackedIntSet, one that
          // met a negative value or one beyond 29 bits an IntSet; slot 0 meets negative values at once)
          const small = (k: string | undefined): boolean => k === undefined || k === 'IntSet' || (!retract && k === 'PackedIntSet');
          const packed = kinds.filter((k) => k === 'PackedIntSet').length;
          if (b === 19) expect([kinds[0], kinds.slice(1).filter((k) => !small(k)), retract ? packed === 0 : packed > 10]).toEqual(['IntSet', [], true]);
          else expect([kinds[0], kinds.slice(20).filter((k) => k === 'NumberSet').length > 10, kinds.slice(1, 20).filter((k) => !small(k))]).toEqual(['NumberSet', true, []]);
        }
      }
      expect((shared.save(0) as unknown[][])[0]!.length).toBeGreaterThan(6144);
      const inUse = new Uint8Array(40).fill(1);
      const copy = make();
      const all = Int32Array.from({ length: 40 }, (_, i) => i);
      copy.loadFrom(shared.saveAll(40, inUse), all, all, 40);
      check(copy, false);
    });
  }
  // PackedIntSet (insert-only, value and mask in one int32): with 3 members values keep 29
  // bits, so 2^29 - 1 is the largest packed value. Six groups, each with its own path: small
  // values and 0 (a packed cell of value 0 is live only through its mask), > 24,576 values (a
  // table past the arena's largest block), the first value of 2^29 (-> IntSet), a negative
  // value (-> IntSet), 2^31 (-> NumberSet at once), 2^29 then 1.5 (-> IntSet -> NumberSet).
  it('BIGINT insert-only, packed cells: values at the 29-bit limit, widening on the first value beyond; the members and saved entries equal the model', () => {
    let s = 99;
    const rnd = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % n;
    };
    const LIMIT = 2 ** 29 - 1;
    const inners = [recorder(), recorder(), recorder()];
    const make = (): SharedDistinct => {
      const d = new SharedDistinct(0, T.BIGINT, inners.map((inner, k) => ({ inner, filter: k === 0 ? undefined : k })), false);
      d.grow(6);
      return d;
    };
    const shared = make();
    const live: R[] = [];
    const special: (number | null)[][] = [[], [LIMIT + 1], [-1], [2 ** 31], [LIMIT + 1, 1.5], []];
    for (let b = 0; b < 40; b++) {
      const rows: R[] = [];
      for (let i = 0; i < 2000; i++) {
        const slot = rnd(2) === 0 ? 0 : rnd(6);
        let x = [rnd(50000), 0, LIMIT, rnd(LIMIT + 1)][rnd(4)]!;
        if (slot === 0) x = rnd(3) === 0 ? LIMIT - rnd(30000) : rnd(40000);
        if (slot === 5) x = 0;
        // the specials arrive at batch 10 (the second at batch 20)
        if ((b === 10 || b === 20) && i < 50) {
          const sp = special[slot]![b === 10 ? 0 : 1];
          if (sp !== undefined && sp !== null) x = sp;
        }
        rows.push([slot, x, rnd(2) === 0, rnd(3) === 0]);
      }
      live.push(...rows);
      const cols: Column[] = [
        { type: T.BIGINT, values: Float64Array.from(rows.map((r) => r[1])), nulls: null },
        { type: T.BOOLEAN, values: Uint8Array.from(rows.map((r) => (r[2] ? 1 : 0))), nulls: null },
        { type: T.BOOLEAN, values: Uint8Array.from(rows.map((r) => (r[3] ? 1 : 0))), nulls: null },
      ];
      shared.add(Int32Array.from(rows.map((r) => r[0])), null, rows.length, cols);
    }
    const check = (d: SharedDistinct, withInners: boolean): void => {
      for (let slot = 0; slot < 6; slot++) {
        const rows = live.filter((r) => r[0] === slot);
        const want = [0, 1, 2].map((k) => new Set(rows.filter((r) => k === 0 || r[k + 1]).map((r) => key(r[1]))));
        if (withInners) for (let k = 0; k < 3; k++) expect([...(inners[k]!.sets.get(slot) ?? new Map()).keys()].sort()).toEqual([...want[k]!].sort());
        const saved = d.save(slot) as [number[], Uint32Array, unknown];
        const got = saved[0].map((x, i) => `${key(x)}:${saved[1][i]}`).sort();
        expect(got).toEqual([...want[0]!].map((x) => `${x}:${[0, 1, 2].reduce((m, k) => m | (want[k]!.has(x) ? 1 << k : 0), 0)}`).sort());
      }
    };
    check(shared, true);
    const kinds = (shared as unknown as { sets: { constructor: { name: string } }[] }).sets.map((x) => x.constructor.name);
    expect(kinds).toEqual(['PackedIntSet', 'IntSet', 'IntSet', 'NumberSet', 'NumberSet', 'PackedIntSet']);
    expect((shared.save(0) as unknown[][])[0]!.length).toBeGreaterThan(24576); // (3/4 of the largest block's 32,768 cells)
    expect((shared.save(5) as unknown[][])[0]).toEqual([0]);
    const copy = make();
    const all = Int32Array.from({ length: 6 }, (_, i) => i);
    copy.loadFrom(shared.saveAll(6, new Uint8Array(6).fill(1)), all, all, 6);
    check(copy, false);
    expect((copy as unknown as { sets: { constructor: { name: string } }[] }).sets.map((x) => x.constructor.name)).toEqual(kinds);
  });
});
