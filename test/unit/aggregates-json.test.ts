// JSON_OBJECTAGG and JSON_ARRAYAGG, value by value against Flink's text worked out by hand
// (JsonObjectAggFunction / JsonArrayAggFunction: values through JSON_STRING, Jackson's
// serializer with ORDER_MAP_ENTRIES_BY_KEYS, no spaces), their retraction and merge, and their
// state through a checkpoint, restored into the same and into other key-group ranges.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Batch, Column } from '../../src/common/batch.js';
import { batchToRows, columnFromScalars } from '../../src/common/batch.js';
import { T } from '../../src/common/types.js';
import { JsonArrayAgg } from '../../src/expr/accumulators.js';
import { JsonObjectAgg } from '../../src/expr/json-accumulators.js';
import { Collector, newMetrics } from '../../src/exec/operator.js';
import type { OperatorContext, OperatorSnapshot } from '../../src/exec/operator.js';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/state-file.js';
import { collectScript } from '../../src/verify/collect.js';
import { hashRow, keyGroupOf } from '../../src/state/key-groups.js';
import { parseStatement } from '../../src/sql/parse.js';

const S = T.STRING;
const cols = (...cs: (string | null)[][]): Column[] => cs.map((c) => columnFromScalars(S, c));
const slots = (n: number, s = 0): Int32Array => new Int32Array(n).fill(s);

describe('JSON_OBJECTAGG accumulator', () => {
  it('sorts keys, writes NULL values as null (NULL ON NULL) or skips them (ABSENT ON NULL), quotes keys', () => {
    for (const absent of [false, true]) {
      const a = new JsonObjectAgg(0, 1, absent);
      a.grow(1);
      a.reset(0);
      expect(a.value(0)).toBe('{}');
      a.add(slots(4), null, 4, cols(['b', 'a', 'c"1', 'Z'], ['1', '"x"', null, 'true']));
      // Java's String order: 'Z' (0x5A) before 'a' (0x61) before 'b'; '"' escaped in the key
      expect(a.value(0)).toBe(absent ? '{"Z":true,"a":"x","b":1}' : '{"Z":true,"a":"x","b":1,"c\\"1":null}');
    }
  });

  it('fails on a key with two live values, as Flink ("Key ... is already present"), also for an equal value', () => {
    const a = new JsonObjectAgg(0, 1, false);
    a.grow(1);
    a.add(slots(2), null, 2, cols(['k', 'k'], ['1', '1']));
    expect(() => a.value(0)).toThrow("key 'k' is already present");
    // retracting one copy makes it valid again
    a.retract(slots(1), null, 1, cols(['k'], ['1']));
    expect(a.value(0)).toBe('{"k":1}');
  });

  it('a NULL key fails the job', () => {
    const a = new JsonObjectAgg(0, 1, false);
    a.grow(1);
    expect(() => a.add(slots(1), null, 1, cols([null], ['1']))).toThrow('a key is NULL');
  });

  it('retracts the exact pair; a retraction that comes first is kept until its pair arrives (Flink\'s retractMap), and merges', () => {
    const a = new JsonObjectAgg(0, 1, false);
    a.grow(3);
    a.add(slots(2), null, 2, cols(['a', 'b'], ['1', '2']));
    // a different value for 'a' does not remove a=1: it waits as a pending retraction
    a.retract(slots(1), null, 1, cols(['a'], ['9']));
    expect(a.value(0)).toBe('{"a":1,"b":2}');
    a.retract(slots(1), null, 1, cols(['a'], ['1']));
    expect(a.value(0)).toBe('{"b":2}');
    // the pending (a, 9) cancels the add of (a, 9)
    a.add(slots(1), null, 1, cols(['a'], ['9']));
    expect(a.value(0)).toBe('{"b":2}');
    a.add(slots(1), null, 1, cols(['a'], ['9']));
    expect(a.value(0)).toBe('{"a":9,"b":2}');
    // merge: slot 1's pending retraction of (b, 2) cancels slot 0's b; its c joins
    a.reset(1);
    a.retract(slots(1, 1), null, 1, cols(['b'], ['2']));
    a.add(slots(1, 1), null, 1, cols(['c'], ['[1]']));
    a.merge(0, 1);
    expect(a.value(0)).toBe('{"a":9,"c":[1]}');
    // save / load keeps counts, pending ones too
    a.retract(slots(1), null, 1, cols(['x'], ['0']));
    const b = new JsonObjectAgg(0, 1, false);
    b.grow(3);
    b.load(2, a.save(0));
    expect(b.value(2)).toBe('{"a":9,"c":[1]}');
    b.add(slots(1, 2), null, 1, cols(['x'], ['0']));
    expect(b.value(2)).toBe('{"a":9,"c":[1]}');
  });
});

describe('JSON_ARRAYAGG accumulator', () => {
  it('keeps arrival order and skips NULLs (NULL ON NULL: the binder passes the text null); a retraction removes the earliest equal element', () => {
    const n = new JsonArrayAgg(0);
    n.grow(2);
    expect(n.value(0)).toBe('[]');
    n.add(slots(6), null, 6, cols(['1', 'null', '"x"', null, '1', '{"k":2}']));
    expect(n.value(0)).toBe('[1,null,"x",1,{"k":2}]');
    n.retract(slots(2), null, 2, cols(['1', 'null']));
    expect(n.value(0)).toBe('["x",1,{"k":2}]');
    // a retraction of an element not there does nothing (Flink's ListView.remove)
    n.retract(slots(1), null, 1, cols(['7']));
    expect(n.value(0)).toBe('["x",1,{"k":2}]');
    n.add(slots(1, 1), null, 1, cols(['true']));
    n.merge(0, 1);
    expect(n.value(0)).toBe('["x",1,{"k":2},true]');
    const m = new JsonArrayAgg(0);
    m.grow(1);
    m.load(0, n.save(0));
    expect(m.value(0)).toBe('["x",1,{"k":2},true]');
  });
});

async function query(sql: string, rows: string, parallelism = 1): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-jsonagg-'));
  writeFileSync(join(dir, 't.csv'), rows);
  const text = `CREATE TABLE t (g INT, k STRING, i INT, d DOUBLE, m DECIMAL(10, 2), b BOOLEAN, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 't.csv')}', 'format' = 'csv');\n${sql};`;
  const r = await collectScript({ name: 'q.sql', text }, { parallelism });
  return r.queries[0]!.rows.map((x) => JSON.stringify(x)).sort();
}

describe('JSON_OBJECTAGG / JSON_ARRAYAGG in SQL', () => {
  const DATA = ['1,a,1,1.0E10,1.50,true,x', '1,b,-2,0.5,-0.25,false,"q""t"', '1,c,,0.0001,,,', '2,d,7,100.0,3.00,true,\\'].join('\n') + '\n';

  it('writes each value as JSON_STRING does: integers, doubles in Java form, DECIMALs at their scale, booleans, escaped strings', async () => {
    const rows = await query(
      'SELECT g, JSON_OBJECTAGG(KEY k VALUE i), JSON_OBJECTAGG(KEY k VALUE d), JSON_OBJECTAGG(KEY k VALUE m), JSON_OBJECTAGG(KEY k VALUE b ABSENT ON NULL), JSON_ARRAYAGG(s), JSON_ARRAYAGG(s NULL ON NULL) FROM t GROUP BY g',
      DATA,
    );
    expect(rows).toEqual([
      JSON.stringify([1, '{"a":1,"b":-2,"c":null}', '{"a":1.0E10,"b":0.5,"c":1.0E-4}', '{"a":1.50,"b":-0.25,"c":null}', '{"a":true,"b":false}', '["x","q\\"t"]', '["x","q\\"t",null]']),
      JSON.stringify([2, '{"d":7}', '{"d":100.0}', '{"d":3.00}', '{"d":true}', '["\\\\"]', '["\\\\"]']),
    ]);
  });

  it('inserts a nested JSON_OBJECT / JSON_ARRAY as JSON, a string holding JSON as a string', async () => {
    const rows = await query("SELECT JSON_ARRAYAGG(JSON_OBJECT(KEY k VALUE i)), JSON_OBJECTAGG(KEY k VALUE JSON_ARRAY(i, b)), JSON_ARRAYAGG('{\"a\":1}') FROM t WHERE g = 1", DATA);
    expect(rows).toEqual([JSON.stringify(['[{"a":1},{"b":-2},{"c":null}]', '{"a":[1,true],"b":[-2,false],"c":[]}', '["{\\"a\\":1}","{\\"a\\":1}","{\\"a\\":1}"]'])]);
  });

  it('refuses DISTINCT, other ON clauses, non-STRING keys and INTERVAL values (OVER: aggregates-json.sqltest); takes FILTER', async () => {
    const fails = async (sql: string, msg: string): Promise<void> => {
      await expect(query(sql, DATA)).rejects.toThrow(msg);
    };
    await fails('SELECT JSON_OBJECTAGG(KEY i VALUE k) FROM t', 'a JSON_OBJECTAGG key must be a STRING, got INT');
    await fails('SELECT JSON_ARRAYAGG(k ERROR ON NULL) FROM t', 'takes only NULL ON NULL or ABSENT ON NULL');
    await fails("SELECT JSON_ARRAYAGG(INTERVAL '1' DAY) FROM t", 'a INTERVAL DAY TO SECOND value in JSON_ARRAYAGG');
    // composite values are JSON (Flink's JsonGenerateUtils), branch fsql
    expect(await query('SELECT JSON_ARRAYAGG(ARRAY[i]), JSON_OBJECTAGG(KEY k VALUE ROW(i, k)) FROM t WHERE g = 2', DATA)).toEqual([JSON.stringify(['[[7]]', '{"d":{"EXPR$0":7,"EXPR$1":"d"}}'])]);
    await fails('SELECT JSON_ARRAYAGG(DISTINCT k) FROM t', 'JSON_ARRAYAGG(DISTINCT ...)');
    expect(await query('SELECT JSON_OBJECTAGG(KEY k VALUE i) FILTER (WHERE i > 0) FROM t', DATA)).toEqual([JSON.stringify(['{"a":1,"d":7}'])]);
  });

  it('parses KEY ... VALUE, the ON NULL clause and FILTER into one aggregate call', () => {
    const st = parseStatement({ name: 'q.sql', text: 'SELECT JSON_OBJECTAGG(k VALUE v ABSENT ON NULL) FILTER (WHERE v > 1) FROM t' }) as unknown as { query: { items: { expr: { upper: string; args: unknown[]; json: { behaviors: { behavior: string }[] }; filter: unknown } }[] } };
    const e = st.query.items[0]!.expr;
    expect(e.upper).toBe('JSON_OBJECTAGG');
    expect(e.args.length).toBe(2);
    expect(e.json.behaviors.map((b) => b.behavior)).toEqual(['ABSENT']);
    expect(e.filter).toBeDefined();
  });
});

// --- checkpoint and restore of the group aggregate's JSON state

const MAXP = 128;
const ctx = (start = 0, end = MAXP): OperatorContext => ({ operatorId: '1-group-aggregate', subtask: 0, parallelism: 1, maxParallelism: MAXP, keyGroups: { start, end }, metrics: newMetrics() });
// input: g BIGINT, k STRING, v (JSON text) STRING; JSON_OBJECTAGG(KEY k VALUE v), JSON_ARRAYAGG(v NULL ON NULL)
const IN = [T.BIGINT, S, S];
const AGGS = [
  { fn: 'json_objectagg', args: [1, 2], distinct: false, filter: undefined, type: S, name: 'o' },
  { fn: 'json_arrayagg', args: [2], distinct: false, filter: undefined, type: S, name: 'a', absentOnNull: false },
] as const;
const make = (): GroupAggregateOperator => new GroupAggregateOperator(IN, [0], AGGS as never, true, [T.BIGINT, S, S], 4096, 0, 0);

function batch(rows: readonly (readonly [number, string, string | null])[], ops: readonly number[]): Batch {
  return {
    length: rows.length,
    columns: [columnFromScalars(T.BIGINT, rows.map((r) => r[0])), columnFromScalars(S, rows.map((r) => r[1])), columnFromScalars(S, rows.map((r) => r[2]))],
    ops: Uint8Array.from(ops),
  } as unknown as Batch;
}

/** The latest output row of each group (+I / +U), by group. */
function latest(out: Collector, into: Map<number, string>): void {
  for (const b of out.drain()) {
    const ops = (b as unknown as { ops: Uint8Array | null }).ops;
    batchToRows(b).forEach((r, i) => {
      const op = ops === null ? 0 : ops[i]!;
      if (op === 0 || op === 2) into.set(r[0] as number, JSON.stringify(r.slice(1)));
      else if (op === 3) into.delete(r[0] as number);
    });
  }
}

describe('JSON aggregate state across a checkpoint', () => {
  const before = batch(
    [
      [1, 'a', '1'],
      [1, 'b', null],
      [2, 'x', '"s"'],
      [3, 'q', '[1]'],
      [1, 'c', '3'],
    ],
    [0, 0, 0, 0, 0],
  );
  // after the restore: a retraction of (1, b, null) and of (2, x, "s") (group 2 empties), new rows
  const after = batch(
    [
      [1, 'b', null],
      [2, 'x', '"s"'],
      [1, 'd', 'true'],
      [3, 'r', '2'],
    ],
    [1, 3, 0, 0],
  );
  const expected = new Map<number, string>([
    [1, JSON.stringify(['{"a":1,"c":3,"d":true}', '[1,3,true]'])],
    [3, JSON.stringify(['{"q":[1],"r":2}', '[[1],2]'])],
  ]);

  it('restores into one operator and into two key-group ranges (a rescale), giving an uninterrupted run\'s results', () => {
    const clean = make();
    clean.open(ctx());
    const o = new Collector();
    const cleanOut = new Map<number, string>();
    clean.processBatch(before, o);
    clean.processBatch(after, o);
    latest(o, cleanOut);
    expect(cleanOut).toEqual(expected);

    const first = make();
    first.open(ctx());
    first.processBatch(before, new Collector());
    const snap = decodeSnapshot(encodeSnapshot(first.snapshot(1) as OperatorSnapshot), 'test.state');
    for (const ranges of [[[0, MAXP]], [[0, 64], [64, MAXP]]]) {
      const got = new Map<number, string>();
      // each restored subtask sees the rows of its own key groups (earlier results come from before the checkpoint)
      const early = new Map<number, string>();
      const o0 = new Collector();
      const pre = make();
      pre.open(ctx());
      pre.processBatch(before, o0);
      latest(o0, early);
      for (const [start, end] of ranges) {
        const op = make();
        op.open(ctx(start, end));
        op.restore(structuredClone(snap.keyed));
        const mine = (g: number): boolean => {
          const kg = keyGroupOf(hashRow([columnFromScalars(T.BIGINT, [g])], 0), MAXP);
          return kg >= start! && kg < end!;
        };
        const rows: [number, string, string | null][] = [];
        const ops: number[] = [];
        const all = batchToRows(after);
        all.forEach((r, i) => {
          if (!mine(r[0] as number)) return;
          rows.push(r as [number, string, string | null]);
          ops.push(after.ops![i]!);
        });
        const out = new Collector();
        op.processBatch(batch(rows, ops), out);
        latest(out, got);
        for (const [g, v] of early) if (mine(g) && !got.has(g) && !rows.some((r) => r[0] === g)) got.set(g, v);
      }
      expect(got).toEqual(expected);
    }
  });
});
