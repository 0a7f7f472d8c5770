// Encode, structured clone and decode of 200 generated Nexmark bid batches (2,048 rows, all
// seven columns), each part timed alone (CPU ms), 3 rounds: per-batch dictionaries, then (a build
// with them, branch nxp2) the channel's dictionaries kept from batch to batch, as RemoteSender
// and the receiving PortMux use them. Usage: node bench/exchange-parts-micro.mjs <absolute dist dir>
const [distDir] = process.argv.slice(2);
const { encodeMessage, decodeMessage, ChannelDicts, ChannelMirrors } = await import(`${distDir}/src/exec/remote.js`);
const { NexmarkGenerator, defaultNexmarkConfig } = await import(`${distDir}/src/connectors/nexmark/generator.js`);
const gen = new NexmarkGenerator({ ...defaultNexmarkConfig(), eventsNum: 1e9 }, 'bid', ['auction', 'bidder', 'price', 'channel', 'url', 'date_time', 'extra']);
let cur = 0;
const batches = [];
for (let i = 0; i < 200; i++) { const r = gen.generate(cur, 1, 2048); cur = r.next; batches.push(r.batch); }
const cpu = (f) => { const c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); return Math.round((c.user + c.system) / 1000); };
for (const mode of ChannelDicts === undefined ? ['batch'] : ['batch', 'channel']) {
  for (let r = 0; r < 3; r++) {
    const dicts = mode === 'channel' ? new ChannelDicts() : null;
    const mirrors = mode === 'channel' ? new ChannelMirrors() : null;
    const wire = [];
    const cloned = [];
    const e = cpu(() => { for (const b of batches) wire.push(encodeMessage({ kind: 'data', batch: b }, [], dicts)); });
    const c = cpu(() => { for (const w of wire) cloned.push(structuredClone(w)); });
    const d = cpu(() => { for (const w of cloned) decodeMessage(w, mirrors); });
    console.log(`${mode} dictionaries: encode ${e} ms, clone ${c} ms, decode ${d} ms, total ${e + c + d} ms`);
  }
}
