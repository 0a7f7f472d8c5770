// CPU-only, operator level, before vs after, interleaved (branch wide64: wide BIGINT in more operators;
// the narrow case must cost what it did): a TUMBLE window aggregate with COUNT(DISTINCT) and MAX
// (window-aggregate, shared-distinct), a regular join storing both sides (JoinRows), and OVER
// ROWS 5 PRECEDING (RowStore).
// usage: node bench/wide64-micro.mjs <before: a build's dist dir> <after: a build's dist dir> [rounds]
import { join } from 'node:path';
const sides = {};
for (const side of ['before', 'after']) {
  const dist = join(side === 'before' ? process.argv[2] : process.argv[3], 'src');
  const m = (p) => import(join(dist, p));
  sides[side] = {
    ...(await m('exec/operators/window-aggregate.js')), ...(await m('exec/operators/regular-join.js')), ...(await m('exec/operators/over-aggregate.js')),
    ...(await m('exec/operator.js')), ...(await m('common/types.js')), ...(await m('expr/compile.js')),
  };
}
// CPU time of this process (user + system), less disturbed than wall time on a loaded machine
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const ROUNDS = Number(process.argv[4] ?? 10);
const N = 4096, B = 120;
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const batches = [];
for (let b = 0; b < B; b++) {
  const k = new Float64Array(N), v = new Float64Array(N), t = new Float64Array(N);
  for (let i = 0; i < N; i++) { k[i] = 1000 + Math.floor(rnd() * 5000); v[i] = Math.floor(rnd() * 1e6); t[i] = (b * N + i) * 2; }
  batches.push({ k, v, t });
}
const ctx = (s) => ({ operatorId: 'x', subtask: 0, parallelism: 1, maxParallelism: 128, keyGroups: { start: 0, end: 128 }, metrics: s.newMetrics() });
const col = (T, values, type = T.BIGINT) => ({ type, values, nulls: null });
function windowRun(s) {
  const { T } = s;
  const a = (fn, distinct) => ({ fn, args: [1], distinct, filter: undefined, type: T.BIGINT, name: fn });
  const op = new s.WindowAggregateOperator({ kind: 'tumble', size: 10_000, offset: 0 }, 2, [T.BIGINT, T.BIGINT, T.TIMESTAMP], [0], [a('count', true), a('max', false), a('sum', false)], [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.TIMESTAMP, T.TIMESTAMP, T.TIMESTAMP], 4096);
  op.open(ctx(s));
  const out = new s.Collector();
  const t0 = cpuMs();
  for (const { k, v, t } of batches) {
    op.processBatch({ length: N, columns: [col(T, k), col(T, v), col(T, t, T.TIMESTAMP)], ops: null }, out, 0);
    op.processWatermark(t[N - 1] - 1000, out);
    out.drain();
  }
  return cpuMs() - t0;
}
function joinRun(s) {
  const { T } = s;
  const spec = { joinType: 'inner', strategy: { kind: 'regular' }, leftKeys: [0], rightKeys: [0], nullSafe: [false], condition: undefined, leftUpdating: false, rightUpdating: false };
  const KV = [T.BIGINT, T.BIGINT];
  const op = new s.RegularJoinOperator(spec, KV, KV, [...KV, ...KV], 4096);
  op.open(ctx(s));
  const out = new s.Collector();
  const t0 = cpuMs();
  // keys spread over 5000 * 40: few matches per row, both sides stored
  for (let b = 0; b < B; b++) {
    const { k, v } = batches[b];
    const kk = k.map((x, i) => x * 40 + (i % 40));
    op.processBatch({ length: N, columns: [col(T, kk), col(T, v)], ops: null }, out, b % 2);
    out.drain();
  }
  return cpuMs() - t0;
}
function overRun(s) {
  const { T } = s;
  const c = (fn) => ({ fn, args: [1], type: T.BIGINT, offset: 1, default: null, name: fn });
  const op = new s.OverAggregateOperator([T.BIGINT, T.BIGINT, T.TIMESTAMP], [0], 2, { unit: 'rows', preceding: 5 }, [c('sum'), c('max')], [T.BIGINT, T.BIGINT, T.TIMESTAMP, T.BIGINT, T.BIGINT], 4096);
  op.open(ctx(s));
  const out = new s.Collector();
  const t0 = cpuMs();
  for (let b = 0; b < 40; b++) {
    const { k, v, t } = batches[b];
    op.processBatch({ length: N, columns: [col(T, k), col(T, v), col(T, t, T.TIMESTAMP)], ops: null }, out, 0);
    op.processWatermark(t[N - 1], out);
    out.drain();
  }
  return cpuMs() - t0;
}
// scalar functions over narrow BIGINT columns (branch wide2: ABS, MOD, ROUND, POWER, SIGN carry wide values)
function calcRun(s) {
  const { T } = s;
  const inp = (index) => ({ kind: 'input', index, type: T.BIGINT });
  const lit = (value, type) => ({ kind: 'const', value, type });
  const call = (fn, args, type = T.BIGINT) => ({ kind: 'call', fn, args, type });
  const exprs = [
    call('abs', [inp(0)]),
    call('mod_fn', [inp(1), inp(0)]),
    call('round', [inp(1), lit(-2, T.INT)]),
    call('power', [inp(0), inp(1)], T.DOUBLE),
    call('sign', [inp(1)]),
  ].map((e) => s.compileExpr(e));
  const t0 = cpuMs();
  for (let r = 0; r < 3; r++)
    for (const { k, v } of batches) {
      const batch = { length: N, columns: [col(T, k), col(T, v)], ops: null };
      for (const e of exprs) e(batch);
    }
  return cpuMs() - t0;
}
const all = { window: windowRun, join: joinRun, over: overRun, calc: calcRun };
// WIDE64_ONLY=join (comma-separated) measures only those
const runs = process.env.WIDE64_ONLY ? Object.fromEntries(process.env.WIDE64_ONLY.split(',').map((w) => [w, all[w]])) : all;
const res = {};
for (const w of Object.keys(runs)) res[w] = { before: [], after: [] };
for (let round = 0; round < ROUNDS; round++)
  for (const side of round % 2 ? ['before', 'after'] : ['after', 'before']) for (const w of Object.keys(runs)) res[w][side].push(runs[w](sides[side]));
for (const w of Object.keys(runs)) {
  const b = res[w].before.slice().sort((x, y) => x - y), a = res[w].after.slice().sort((x, y) => x - y);
  const mid = Math.floor(ROUNDS / 2);
  console.log(`${w}: min CPU ms before ${b[0].toFixed(0)} after ${a[0].toFixed(0)}; before/after (>1: after faster) min ${(b[0] / a[0]).toFixed(3)} median ${(b[mid] / a[mid]).toFixed(3)}`);
}
