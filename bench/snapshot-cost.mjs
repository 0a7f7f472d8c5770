// The task thread's part of a full checkpoint of the group aggregate, with the real state writer
// thread: feeds N distinct BIGINT keys (COUNT(*), SUM) to an operator of the build under ROOT (a
// dist/ directory), then 6 times: snapshot() and the hand-off to the writer (StateWriter.write),
// timed alone (CPU and wall; the writer is idle then: the previous write was awaited first), then
// waits for the file. With branch ckpt the writer hands the buffers back and the next snapshot
// copies into them; before, every snapshot copied into fresh memory.
// A/B: node bench/snapshot-cost.mjs dist 5000000; node bench/snapshot-cost.mjs /work/before/dist 5000000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { filledGroupAggregate } from './group-op-fill.mjs';

const root = resolve(process.argv[2] ?? 'dist');
const N = Number(process.argv[3] ?? 2e6);
const { StateWriter } = await import(`${root}/src/checkpoint/state-writer.js`);
const op = await filledGroupAggregate(root, N);
const dir = mkdtempSync(join(tmpdir(), 'weir-snapshot-cost-'));
const writer = new StateWriter(dir);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const res = [];
const keep = setInterval(() => {}, 1000); // the writer thread is unref()d
for (let r = 0; r < 6; r++) {
  const c0 = cpu(), t0 = performance.now();
  const s = op.snapshot(r + 1);
  const p = writer.write(r + 1, '1-group-aggregate', 0, s);
  res.push(`${(cpu() - c0).toFixed(0)}cpu/${(performance.now() - t0).toFixed(0)}wall`);
  await p;
  rmSync(join(dir, `chk-${r + 1}`), { recursive: true, force: true });
}
clearInterval(keep);
await writer.close();
rmSync(dir, { recursive: true, force: true });
console.log(root, N, 'keys; task thread per full snapshot, ms:', res.join(' '));
