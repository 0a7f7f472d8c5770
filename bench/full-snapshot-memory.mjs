// `node --expose-gc bench/full-snapshot-memory.mjs DIST [N] [cow]`: where a full snapshot's memory goes, for an
// updating GROUP BY k (COUNT, SUM) of N groups (default 5M): the live state's array buffers, each
// snapshot copy (buffer and view), and the peak RSS while the state writer writes it.
// `cow`: the snapshot is copy-on-write (checkpoint/cow.ts), as a job's are, and the operator
// updates 1% of the keys (every 100th) in batches of 4096 while the writer takes the columns.
const { filledGroupAggregate } = await import('./group-op-fill.mjs');
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.argv[2];
const N = Number(process.argv[3] ?? 5_000_000);
const cow = process.argv[4] === 'cow';
const { StateWriter } = await import(`${root}/src/checkpoint/state-writer.js`);
const op = await filledGroupAggregate(root, N);
const per = (b) => (b / N).toFixed(1);
gc(); gc();
const m0 = process.memoryUsage();
console.log(`live: arrayBuffers ${per(m0.arrayBuffers)} B/key, heap ${per(m0.heapUsed)}, rss ${per(m0.rss)}`);
// (the operator's context as a job gives it: snapshots go to a state writer)
if (cow) op.ctx = { ...op.ctx, cowSnapshots: true };
const s = op.snapshot(1);
const e = s.keyed.get(-1)[0];
let total = 0;
const sizes = [];
const walk = (x, path) => {
  if (ArrayBuffer.isView(x)) { total += x.buffer.byteLength; sizes.push(`${path} ${per(x.buffer.byteLength)}${x.buffer.byteLength !== x.byteLength ? ` (view ${per(x.byteLength)})` : ''}`); return; }
  if (Array.isArray(x)) { x.forEach((y, i) => walk(y, `${path}[${i}]`)); return; }
  if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
};
walk(e, 'block');
console.log(`snapshot copies: ${per(total)} B/key: ${sizes.join(', ')}${s.cow !== undefined ? ' (the other columns copy-on-write)' : ''}`);
gc();
const m1 = process.memoryUsage();
console.log(`live + snapshot: arrayBuffers ${per(m1.arrayBuffers)}, rss ${per(m1.rss)}`);
const dir = mkdtempSync(join(tmpdir(), 'fp-mem-'));
const w = new StateWriter(dir);
let peak = 0;
const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
const c0 = process.cpuUsage();
const written = w.write(1, 'op', 0, s);
let updated = 0;
if (cow) {
  // updates while the writer takes the columns: every 100th key, a batch per event-loop turn
  const { T } = await import(`${root}/src/common/types.js`);
  const { Collector } = await import(`${root}/src/exec/operator.js`);
  let done = false;
  written.then(() => (done = true), () => (done = true));
  for (let i = 0; !done; i += 4096) {
    const k = new Float64Array(4096), v = new Float64Array(4096);
    for (let j = 0; j < 4096; j++) { k[j] = (((i + j) * 100) % N); v[j] = 1; }
    const c = new Collector();
    op.processBatch({ length: 4096, columns: [{ type: T.BIGINT, values: k, nulls: null }, { type: T.BIGINT, values: v, nulls: null }], ops: null }, c);
    c.drain();
    updated += 4096;
    await new Promise((r) => setImmediate(r));
  }
}
await written;
const c1 = process.cpuUsage(c0);
clearInterval(t);
peak = Math.max(peak, process.memoryUsage.rss());
const m2 = process.memoryUsage();
console.log(`while writing: peak rss ${per(peak)}${cow ? ` (${updated} rows of updates meanwhile, ${s.cow.stats.logged} slots logged, ${s.cow.stats.blocks} blocks)` : ''}; after: arrayBuffers ${per(m2.arrayBuffers)}, rss ${per(m2.rss)}; CPU ${((c1.user + c1.system) / 1e6).toFixed(2)} s`);
await w.close();
rmSync(dir, { recursive: true, force: true });
