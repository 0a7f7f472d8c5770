// The checkpoint coordinator's decisions (pure functions) and the state file format.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoordinatorConfig, CoordinatorState } from '../../src/checkpoint/coordinator.js';
import { initialState, onAck, onCompleted, onSourceExhausted, onStopRequested, onTaskFailure, onTick } from '../../src/checkpoint/coordinator.js';
import { CheckpointStorage, decodeSnapshot, encodeSnapshot } from '../../src/checkpoint/storage.js';

const cfg: CoordinatorConfig = { intervalMs: 1000, timeoutMs: 5000, minPauseMs: 300, tolerableFailures: 1 };
const tasks = ['src#0', 'agg#0', 'sink#0'];
const sources = ['src#0'];
const ack = (taskId: string) => ({ taskId, handles: [], alignmentMs: taskId === 'agg#0' ? 7 : 0 });

describe('coordinator decisions', () => {
  it('triggers every interval, one at a time, and completes when every task acknowledged', () => {
    let s: CoordinatorState = initialState(1, 0);
    let d;
    [s, d] = onTick(s, 999, cfg, sources);
    expect(d).toEqual([]);
    [s, d] = onTick(s, 1000, cfg, sources);
    expect(d).toEqual([{ kind: 'trigger', id: 1, checkpoint: 'periodic' }]);
    [s, d] = onTick(s, 2500, cfg, sources);
    expect(d).toEqual([]); // one in flight
    [s, d] = onAck(s, 1, ack('src#0'), tasks);
    [s, d] = onAck(s, 1, ack('sink#0'), tasks);
    expect(d).toEqual([]);
    [s, d] = onAck(s, 1, ack('agg#0'), tasks);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'complete', alignmentMs: 7 });
    s = onCompleted(s, 1, 2600);
    expect(s.completed).toBe(1);
    // the next one: an interval after the last trigger (1000) and a min pause after the end (2600)
    [s, d] = onTick(s, 2800, cfg, sources);
    expect(d).toEqual([]);
    [s, d] = onTick(s, 2900, cfg, sources);
    expect(d).toEqual([{ kind: 'trigger', id: 2, checkpoint: 'periodic' }]);
  });

  it('a late ack of an aborted checkpoint is ignored', () => {
    let s = initialState(5, 0);
    let d;
    [s] = onTick(s, 1000, cfg, sources);
    [s, d] = onTick(s, 7000, cfg, sources); // timed out
    expect(d[0]).toMatchObject({ kind: 'abort', id: 5 });
    [s, d] = onAck(s, 5, ack('src#0'), tasks);
    expect(d).toEqual([]);
    expect(s.inFlight).toBeNull();
  });

  it('more failures in a row than tolerable fail the job; a success resets the count', () => {
    let s = initialState(1, 0);
    let d;
    [s] = onTick(s, 1000, cfg, sources);
    [s, d] = onTaskFailure(s, 1, 1100, cfg, 'disk full');
    expect(d.map((x) => x.kind)).toEqual(['abort']);
    [s] = onTick(s, 2100, cfg, sources);
    expect(s.inFlight?.id).toBe(2);
    for (const t of tasks) [s] = onAck(s, 2, ack(t), tasks);
    s = onCompleted(s, 2, 2200);
    expect(s.consecutiveFailures).toBe(0);
    [s] = onTick(s, 3200, cfg, sources);
    [s, d] = onTaskFailure(s, 3, 3300, cfg, 'disk full');
    expect(d.map((x) => x.kind)).toEqual(['abort']);
    [s] = onTick(s, 4300, cfg, sources);
    [s, d] = onTick(s, 9400, cfg, sources); // timeout: second failure in a row
    expect(d.map((x) => x.kind)).toEqual(['abort', 'fail-job']);
    expect((d[1] as { reason: string }).reason).toContain('2 checkpoints failed in a row');
  });

  it('a final checkpoint once every source is exhausted, at once; the job is then finished', () => {
    let s = initialState(1, 0);
    let d;
    s = onSourceExhausted(s, 'src#0');
    [s, d] = onTick(s, 10, cfg, sources);
    expect(d).toEqual([{ kind: 'trigger', id: 1, checkpoint: 'final' }]);
    for (const t of tasks) [s, d] = onAck(s, 1, ack(t), tasks);
    s = onCompleted(s, 1, 20);
    expect(s.finished).toBe(true);
    [s, d] = onTick(s, 5000, cfg, sources);
    expect(d).toEqual([]);
  });

  it('a stop request takes a savepoint, even with the interval off', () => {
    let s = initialState(3, 0);
    let d;
    const off = { ...cfg, intervalMs: 0 };
    [s, d] = onTick(s, 100_000, off, sources);
    expect(d).toEqual([]);
    s = onStopRequested(s);
    [s, d] = onTick(s, 100_001, off, sources);
    expect(d).toEqual([{ kind: 'trigger', id: 3, checkpoint: 'savepoint' }]);
  });
});

describe('state files', () => {
  it('round-trip typed arrays, nested entries and -Infinity (msgpackr moreTypes)', () => {
    const snap = { keyed: new Map<number, unknown[]>([[3, [[1, 2, ['k', null], [5, [7, 8]]]]], [127, [new Float64Array([1.5, -2]), new Int32Array([4])]]]), operator: { watermark: -Infinity, pending: [[2, [{ hidden: '/x/.a', visible: '/x/a' }]]] } };
    const back = decodeSnapshot(encodeSnapshot(snap), 'f');
    expect([...back.keyed.keys()]).toEqual([3, 127]);
    expect(back.keyed.get(3)).toEqual([[1, 2, ['k', null], [5, [7, 8]]]]);
    const typed = back.keyed.get(127)!;
    expect(typed[0]).toBeInstanceOf(Float64Array);
    expect(Array.from(typed[0] as Float64Array)).toEqual([1.5, -2]);
    expect(typed[1]).toBeInstanceOf(Int32Array);
    expect(back.operator).toEqual(snap.operator);
  });

  it('a flipped byte, a truncation or a foreign file is detected', () => {
    const buf = encodeSnapshot({ keyed: new Map([[1, ['x']]]), operator: null });
    const flipped = Buffer.from(buf);
    flipped[14]! ^= 1;
    expect(() => decodeSnapshot(flipped, 'f')).toThrow(/fails its checksum/);
    expect(() => decodeSnapshot(buf.subarray(0, buf.length - 5), 'f')).toThrow(/checksum|truncated/);
    expect(() => decodeSnapshot(Buffer.from('hello world, not a state file at all, long enough'), 'f')).toThrow(/not a weir state file/);
  });

  it('a byte altered deep in a large array (past the first read pieces) is detected and the file named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-chk-'));
    const st = new CheckpointStorage(dir);
    // 3.5 MiB of state: read and hashed in several pieces
    const big = new Float64Array(450_000).map((_, i) => i * 0.5);
    const h = await st.writeState(1, '2-agg', 0, { keyed: new Map([[-1, [big]]]), operator: null });
    st.writeMetadata({ version: 2, checkpointId: 1, savepoint: false, fingerprint: 'f', maxParallelism: 128, triggeredAt: 0, completedAt: 0, durationMs: 0, alignmentMs: 0, states: [h], operators: [] });
    const back = st.load(1).operators.get('2-agg')![0]!.keyed.get(-1)![0] as Float64Array;
    expect(back[449_999]).toBe(449_999 * 0.5);
    const path = join(dir, 'chk-1', h.file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 8 - 1_000_000]! ^= 0x10;
    writeFileSync(path, bytes);
    expect(() => st.load(1)).toThrow(`${path} fails its checksum`);
  });

  it('latest() skips an incomplete newest checkpoint and names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-chk-'));
    const st = new CheckpointStorage(dir);
    for (const id of [1, 2]) {
      const h = await st.writeState(id, '0-source', 0, { keyed: new Map(), operator: { position: { x: id } } });
      st.writeMetadata({ version: 1, checkpointId: id, savepoint: false, fingerprint: 'f', maxParallelism: 128, triggeredAt: 0, completedAt: 0, durationMs: 0, alignmentMs: 0, states: [h], operators: [] });
    }
    await st.writeState(3, '0-source', 0, { keyed: new Map(), operator: null }); // no _metadata
    const l = st.latest();
    expect(l.id).toBe(2);
    expect(l.skipped).toEqual([{ id: 3, reason: expect.stringContaining('has no _metadata') }]);
    expect(st.load(2).operators.get('0-source')![0]!.operator).toEqual({ position: { x: 2 } });
    // a metadata file whose listed size does not match
    const meta = JSON.parse(readFileSync(join(dir, 'chk-2', '_metadata'), 'utf8'));
    meta.states[0].bytes += 1;
    writeFileSync(join(dir, 'chk-2', '_metadata'), JSON.stringify(meta));
    expect(st.latest().id).toBe(1);
  });
});

describe('DISTINCT aggregate state in a snapshot', () => {
  // COUNT(DISTINCT x) and SUM(DISTINCT x) keep each slot's values with their copy counts
  const run = async (type: 'num' | 'str' | 'row') => {
    const { createAccumulator } = await import('../../src/expr/accumulators.js');
    const { T } = await import('../../src/common/types.js');
    // 'row': the tuples of COUNT(DISTINCT a, b), a ROW<BIGINT, STRING> key (composite values)
    const argType = type === 'num' ? T.BIGINT : type === 'str' ? T.STRING : T.row([{ name: 'a', type: T.BIGINT }, { name: 'b', type: T.STRING }]);
    const valuesOf = (xs: readonly number[]): Float64Array | unknown[] => (type === 'num' ? Float64Array.from(xs) : type === 'str' ? xs.map((x) => ({ 5: 'x', 7: 'y', 9: 'z' })[x]!) : xs.map((x) => [x, `k${x}`]));
    const call = { fn: 'count' as const, args: [0], distinct: true, filter: undefined, type: T.BIGINT, name: 'n' };
    const a = createAccumulator(call, [argType], true);
    a.grow(4);
    for (let s = 0; s < 4; s++) a.reset(s);
    const slots = Int32Array.from([0, 0, 0, 2, 2, 3]);
    const col = { type: argType, values: valuesOf([5, 5, 7, 9, 7, 5]), nulls: null };
    a.add(slots, null, 6, [col]);
    // slot 1 unused; slot 0 holds 5 twice and 7 once, slot 2 holds 9 and 7, slot 3 holds 5
    const inUse = Uint8Array.from([1, 0, 1, 1]);
    const snap = decodeSnapshot(encodeSnapshot({ keyed: new Map([[0, [a.saveAll(4, inUse)]]]), operator: null }), 'f');
    const b = createAccumulator(call, [argType], true);
    b.grow(8);
    for (let s = 0; s < 8; s++) b.reset(s);
    // restored into other slots: 0 -> 5, 2 -> 6, 3 -> 7
    b.loadFrom(snap.keyed.get(0)![0], Int32Array.from([0, 2, 3]), Int32Array.from([5, 6, 7]), 3);
    expect([b.value(5), b.value(6), b.value(7)]).toEqual([2, 2, 1]);
    // the copy counts survived: one retraction of the doubled value keeps it, a second removes it
    const one = { type: argType, values: valuesOf([5]), nulls: null };
    b.retract(Int32Array.from([5]), null, 1, [one]);
    expect(b.value(5)).toBe(2);
    b.retract(Int32Array.from([5]), null, 1, [one]);
    expect(b.value(5)).toBe(1);
  };
  it('numbers: values and copy counts survive encode/decode into other slots', () => run('num'));
  it('strings: values and copy counts survive encode/decode into other slots', () => run('str'));
  it('rows (COUNT(DISTINCT a, b)): values and copy counts survive encode/decode into other slots', () => run('row'));
});

describe('DECIMAL SUM state in a snapshot', () => {
  // exact sums: a narrow DECIMAL(10, 2) sum held as an unscaled double, a 30-digit one as a bigint
  it('exact sums survive encode/decode into other slots and go on exactly', async () => {
    const { createAccumulator } = await import('../../src/expr/accumulators.js');
    const { T } = await import('../../src/common/types.js');
    const narrow = T.decimal(10, 2);
    const wide = T.decimal(38, 4);
    const sumOf = (t: typeof narrow) => ({ fn: 'sum' as const, args: [0], distinct: false, filter: undefined, type: T.decimal(38, t.scale!), name: 's' });
    const a = createAccumulator(sumOf(narrow), [narrow], true);
    const w = createAccumulator(sumOf(wide), [wide], true);
    for (const acc of [a, w]) {
      acc.grow(2);
      acc.reset(0);
      acc.reset(1);
    }
    // ten times 0.10 into slot 0 (a double sum would be 0.9999999999999999), -0.30 into slot 1
    a.add(new Int32Array(10), null, 10, [{ type: narrow, values: new Float64Array(10).fill(0.1), nulls: null }]);
    a.add(Int32Array.of(1), null, 1, [{ type: narrow, values: Float64Array.of(-0.3), nulls: null }]);
    w.add(Int32Array.of(0, 0, 1), null, 3, [{ type: wide, values: ['123456789012345678901234.5678', '0.0001', '-1.0000'], nulls: null }]);
    expect([a.value(0), a.value(1), w.value(0), w.value(1)]).toEqual(['1.00', '-0.30', '123456789012345678901234.5679', '-1.0000']);
    const inUse = Uint8Array.of(1, 1);
    const snap = decodeSnapshot(encodeSnapshot({ keyed: new Map([[0, [a.saveAll(2, inUse), w.saveAll(2, inUse)]]]), operator: null }), 'f');
    const b = createAccumulator(sumOf(narrow), [narrow], true);
    const v = createAccumulator(sumOf(wide), [wide], true);
    for (const acc of [b, v]) {
      acc.grow(8);
      for (let s = 0; s < 8; s++) acc.reset(s);
      // restored into other slots: 0 -> 6, 1 -> 7
      acc.loadFrom(snap.keyed.get(0)![acc === b ? 0 : 1], Int32Array.of(0, 1), Int32Array.of(6, 7), 2);
    }
    expect([b.value(6), b.value(7), v.value(6), v.value(7)]).toEqual(['1.00', '-0.30', '123456789012345678901234.5679', '-1.0000']);
    b.add(Int32Array.of(6), null, 1, [{ type: narrow, values: Float64Array.of(0.01), nulls: null }]);
    v.add(Int32Array.of(6), null, 1, [{ type: wide, values: ['876543210987654321098765.4321'], nulls: null }]);
    v.retract(Int32Array.of(7), null, 1, [{ type: wide, values: ['-1.0000'], nulls: null }]);
    expect([b.value(6), v.value(6), v.value(7)]).toEqual(['1.01', '1000000000000000000000000.0000', null]);
  });
});

describe('COLLECT state in a snapshot', () => {
  // each slot's values with their counts (a MULTISET), ROW values by value, NULLs skipped
  it('values and counts survive encode/decode into other slots; retractions then count down and remove at 0', async () => {
    const { createAccumulator } = await import('../../src/expr/accumulators.js');
    const { T } = await import('../../src/common/types.js');
    const rowType = T.row([{ name: 'a', type: T.INT }]);
    const call = { fn: 'collect' as const, args: [0], distinct: false, filter: undefined, type: T.multiset(T.STRING), name: 'c' };
    const rowCall = { ...call, type: T.multiset(rowType) };
    const a = createAccumulator(call, [T.STRING], true);
    const r = createAccumulator(rowCall, [rowType], true);
    for (const acc of [a, r]) {
      acc.grow(3);
      for (let s = 0; s < 3; s++) acc.reset(s);
    }
    a.add(Int32Array.of(0, 0, 2, 0, 2, 0), null, 6, [{ type: T.STRING, values: ['x', 'y', 'z', 'x', '', 'x'], nulls: Uint8Array.of(0, 0, 0, 0, 1, 0) }]);
    r.add(Int32Array.of(0, 0, 0), null, 3, [{ type: rowType, values: [[1], [2], [1]], nulls: null }]);
    // a retraction of a value never added is kept as -1, as Flink's CollectAggFunction does
    a.retract(Int32Array.of(2), null, 1, [{ type: T.STRING, values: ['w'], nulls: null }]);
    expect([a.value(0), a.value(2), r.value(0)]).toEqual([{ keys: ['x', 'y'], values: [3, 1] }, { keys: ['z', 'w'], values: [1, -1] }, { keys: [[1], [2]], values: [2, 1] }]);
    const inUse = Uint8Array.of(1, 0, 1);
    const snap = decodeSnapshot(encodeSnapshot({ keyed: new Map([[0, [a.saveAll(3, inUse), r.saveAll(3, inUse)]]]), operator: null }), 'f');
    const b = createAccumulator(call, [T.STRING], true);
    const q = createAccumulator(rowCall, [rowType], true);
    for (const acc of [b, q]) {
      acc.grow(8);
      for (let s = 0; s < 8; s++) acc.reset(s);
    }
    b.loadFrom(snap.keyed.get(0)![0], Int32Array.of(0, 2), Int32Array.of(6, 7), 2);
    q.loadFrom(snap.keyed.get(0)![1], Int32Array.of(0), Int32Array.of(5), 1);
    b.retract(Int32Array.of(6, 6, 7), null, 3, [{ type: T.STRING, values: ['y', 'x', 'z'], nulls: null }]);
    b.add(Int32Array.of(7), null, 1, [{ type: T.STRING, values: ['w'], nulls: null }]);
    q.retract(Int32Array.of(5), null, 1, [{ type: rowType, values: [[2]], nulls: null }]);
    expect([b.value(6), b.value(7), q.value(5)]).toEqual([{ keys: ['x'], values: [2] }, { keys: ['w'], values: [0] }, { keys: [[1]], values: [2] }]);
  });
});
