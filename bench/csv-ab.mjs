// CSV decoder A/B: decodes one csv file of bids (auction, price, date_time projected; PROJ=0,2,4
// to change) in 4,096-row batches with the CsvDecoder of each given build (a dist/ directory),
// the builds alternating pass by pass in one process, the first pass dropped; prints the
// median and least CPU ms of each build.
//
//   node bench/csv-ab.mjs <passes> <dist> [<dist> ...]     (FILE=<csv> to change the input)
//
// FILE defaults to the first 2,000,000 lines of bench/data/bids-10000000/part-0.csv, written
// to /tmp/gbx-data/part-0.csv by: head -n 2000000 bench/data/bids-10000000/part-0.csv
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
const [passesArg, ...roots] = process.argv.slice(2);
const file = process.env.FILE ?? '/tmp/gbx-data/part-0.csv';
const mods = [];
for (const r of roots) mods.push((await import(`${resolve(r)}/src/connectors/formats/csv.js`)).CsvDecoder);
const data = readFileSync(file);
const T = (kind, extra = {}) => ({ kind, nullable: true, ...extra });
const cols = [
  { name: 'auction', type: T('BIGINT') }, { name: 'bidder', type: T('BIGINT') }, { name: 'price', type: T('BIGINT') },
  { name: 'channel', type: T('STRING') }, { name: 'date_time', type: T('TIMESTAMP', { precision: 3 }) },
];
const proj = (process.env.PROJ ?? '0,2,4').split(',').map(Number);
const CH = 1 << 20;
const times = roots.map(() => []);
for (let pass = 0; pass < Number(passesArg); pass++) for (let k = 0; k < roots.length; k++) {
  const c0 = process.cpuUsage();
  const d = new mods[k](cols, proj, {}, file);
  let rows = 0;
  for (let off = 0; off < data.length; off += CH) {
    d.push(data.subarray(off, Math.min(off + CH, data.length)), off);
    if (off + CH >= data.length) d.finish();
    for (;;) { const b = d.decode(4096); if (b === null) break; rows += b.batch.length; }
  }
  const c = process.cpuUsage(c0);
  if (pass > 0) times[k].push(Math.round((c.user + c.system) / 1000));
}
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
roots.forEach((r, k) => console.log(JSON.stringify({ root: r, min: Math.min(...times[k]), med: med(times[k]), times: times[k].join(' ') })));
