// `node --expose-gc bench/full-snapshot-memory.mjs DIST [N]`: where a full snapshot's memory goes, for an
// updating GROUP BY k (COUNT, SUM) of N groups (default 5M): the live state's array buffers, each
// snapshot copy (buffer and view), and the peak RSS while the state writer writes it.
const { filledGroupAggregate } = await import('./group-op-fill.mjs');
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = process.argv[2];
const N = Number(process.argv[3] ?? 5_000_000);
const { StateWriter } = await import(`${root}/src/checkpoint/state-writer.js`);
const op = await filledGroupAggregate(root, N);
const per = (b) => (b / N).toFixed(1);
gc(); gc();
const m0 = process.memoryUsage();
console.log(`live: arrayBuffers ${per(m0.arrayBuffers)} B/key, heap ${per(m0.heapUsed)}, rss ${per(m0.rss)}`);
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
console.log(`snapshot copies: ${per(total)} B/key: ${sizes.join(', ')}`);
gc();
const m1 = process.memoryUsage();
console.log(`live + snapshot: arrayBuffers ${per(m1.arrayBuffers)}, rss ${per(m1.rss)}`);
const dir = mkdtempSync(join(tmpdir(), 'fp-mem-'));
const w = new StateWriter(dir);
let peak = 0;
const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
await w.write(1, 'op', 0, s);
clearInterval(t);
peak = Math.max(peak, process.memoryUsage.rss());
const m2 = process.memoryUsage();
console.log(`while writing: peak rss ${per(peak)}; after: arrayBuffers ${per(m2.arrayBuffers)} (pooled again), rss ${per(m2.rss)}`);
await w.close();
rmSync(dir, { recursive: true, force: true });
