// Encode + structured clone + decode of generated Nexmark bid batches (200 x 2,048 rows, all
// seven columns) as the exchange between threads does them (src/exec/remote.ts): CPU ms per
// round, 8 rounds. Usage: node bench/exchange-encode-micro.mjs <absolute dist dir> [channel]
// With `channel` (and a build that has them, branch nxp2) the batches cross one channel with its
// string dictionaries kept from batch to batch (ChannelDicts), as RemoteSender sends them.
const [distDir, mode] = process.argv.slice(2);
const { encodeMessage, decodeMessage, ChannelDicts, ChannelMirrors } = await import(`${distDir}/src/exec/remote.js`);
const channel = mode === 'channel' && ChannelDicts !== undefined;
const { NexmarkGenerator, defaultNexmarkConfig } = await import(`${distDir}/src/connectors/nexmark/generator.js`);
const gen = new NexmarkGenerator({ ...defaultNexmarkConfig(), eventsNum: 1e9 }, 'bid', ['auction', 'bidder', 'price', 'channel', 'url', 'date_time', 'extra']);
const batches = [];
let cur = 0;
for (let i = 0; i < 200; i++) { const r = gen.generate(cur, 1, 2048); cur = r.next; batches.push(r.batch); }

function run() {
  const c0 = process.cpuUsage();
  let rows = 0;
  const dicts = channel ? new ChannelDicts() : null;
  const mirrors = channel ? new ChannelMirrors() : null;
  for (const b of batches) {
    const transfer = [];
    const w = encodeMessage({ kind: 'data', batch: b }, transfer, dicts);
    const back = structuredClone(w);  // no transfer: batches are reused
    const m = decodeMessage(back, mirrors);
    rows += m.batch.length;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}
const t = [];
for (let r = 0; r < 8; r++) t.push(run().toFixed(0));
console.log(distDir, channel ? 'channel dictionaries,' : 'per-batch dictionaries,', 'ms per 200x2048 rows:', t.join(' '));
