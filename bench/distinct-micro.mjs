// Nexmark q16's two shared DISTINCT states alone (bidder and auction, each with COUNT(DISTINCT)
// and three FILTERs on price bands), over the generator's bid columns: the bids are generated
// and grouped by channel first (untimed), then only SharedDistinct.add is timed (process CPU).
// Usage: node bench/distinct-micro.mjs <dist> [events=2000000]; run two builds alternately.
import { resolve } from 'node:path';
const [rootArg, evArg] = process.argv.slice(2);
const root = resolve(rootArg);
const events = Number(evArg ?? 2000000);
const G = await import(`${root}/src/connectors/nexmark/generator.js`);
const { SharedDistinct } = await import(`${root}/src/expr/shared-distinct.js`);
const { createAccumulator } = await import(`${root}/src/expr/accumulators.js`);
const { T } = await import(`${root}/src/common/types.js`);
const cfg = G.defaultNexmarkConfig();
cfg.eventsNum = events;
const gen = new G.NexmarkGenerator(cfg, 'bid', ['auction', 'bidder', 'price', 'channel']);
const batches = [];
const slotOf = new Map();
let cursor = 0;
for (;;) {
  const r = gen.generate(cursor, 1, 4096);
  cursor = r.next;
  const b = r.batch;
  if (b.length === 0) break;
  const n = b.length;
  const ch = b.columns[3].values, price = b.columns[2].values;
  const slots = new Int32Array(n);
  const f1 = new Uint8Array(n), f2 = new Uint8Array(n), f3 = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = slotOf.get(ch[i]);
    if (s === undefined) { s = slotOf.size; slotOf.set(ch[i], s); }
    slots[i] = s;
    const p = price[i];
    f1[i] = p < 10000 ? 1 : 0; f2[i] = p >= 10000 && p < 1000000 ? 1 : 0; f3[i] = p >= 1000000 ? 1 : 0;
  }
  const bo = (v) => ({ type: T.BOOLEAN, values: v, nulls: null });
  batches.push({ n, slots, cols: [b.columns[0], b.columns[1], bo(f1), bo(f2), bo(f3)] });
  if (cursor >= events) break;
}
const mk = (arg) => {
  const members = [undefined, 2, 3, 4].map((filter) => ({ inner: createAccumulator({ fn: 'count', args: [arg], distinct: false, filter: undefined, type: T.BIGINT, name: 'c' }, [T.BIGINT], false), filter }));
  const d = new SharedDistinct(arg, T.BIGINT, members, false);
  return { d, members };
};
const states = [mk(0), mk(1)];
for (const s of states) { s.d.grow(slotOf.size); for (const m of s.members) { m.inner.grow(slotOf.size); for (let i = 0; i < slotOf.size; i++) m.inner.reset(i); } }
const c0 = process.cpuUsage();
for (const b of batches) for (const s of states) s.d.add(b.slots, null, b.n, b.cols);
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ root, events, groups: slotOf.size, cpu: +((c.user + c.system) / 1e6).toFixed(3), rss: Math.round(process.memoryUsage().rss / 1048576) }));
