// The main thread's part of a full checkpoint of the group aggregate: feeds N distinct BIGINT keys
// (COUNT(*), SUM) to an operator of the build under ROOT (a dist/ directory) and times six
// snapshot() calls, CPU and wall. A/B: node bench/snapshot-ab.mjs dist 2000000; node
// bench/snapshot-ab.mjs /work/before/dist 2000000.
import { resolve } from 'node:path';
import { filledGroupAggregate } from './group-op-fill.mjs';

const root = resolve(process.argv[2] ?? 'dist');
const N = Number(process.argv[3] ?? 2e6);
const op = await filledGroupAggregate(root, N);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const res = [];
for (let r = 0; r < 6; r++) {
  const c0 = cpu(), t0 = performance.now();
  const s = op.snapshot(r + 1);
  res.push(`${(cpu() - c0).toFixed(0)}cpu/${(performance.now() - t0).toFixed(0)}wall`);
}
console.log(root, 'snapshot ms:', res.join(' '));
