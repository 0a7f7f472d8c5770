// A/B CPU of the csv and json decoders and encoders on existing types (INT, BIGINT, DOUBLE,
// STRING, TIMESTAMP, DATE), for branch types: the decoders gained a TIME and a BYTES value
// kind; the columns here have neither, so any cost is the extra branches.
// usage: node bench/types-formats-ab.mjs <dist dir> [rows]
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
const dist = process.argv[2];
const rows = Number(process.argv[3] ?? 300000);
const imp = (p) => import(pathToFileURL(join(dist, p)).href);
const { CsvDecoder, CsvEncoder } = await imp('src/connectors/formats/csv.js');
const { JsonDecoder, JsonEncoder } = await imp('src/connectors/formats/json.js');
const { T } = await imp('src/common/types.js');
const cols = [
  { name: 'id', type: T.INT },
  { name: 'big', type: T.BIGINT },
  { name: 'x', type: T.DOUBLE },
  { name: 's', type: T.STRING },
  { name: 'ts', type: T.TIMESTAMP },
  { name: 'd', type: T.DATE },
];
const csv = [];
const json = [];
for (let i = 0; i < rows; i++) {
  const ts = `2024-01-0${(i % 9) + 1} 1${i % 10}:2${i % 10}:3${i % 10}.${String(i % 1000).padStart(3, '0')}`;
  const d = `2024-0${(i % 9) + 1}-1${i % 10}`;
  csv.push(`${i},${i * 1000003},${i / 7},name${i % 977},${ts},${d}`);
  json.push(JSON.stringify({ id: i, big: i * 1000003, x: i / 7, s: `name${i % 977}`, ts, d }));
}
const csvBytes = Buffer.from(csv.join('\n') + '\n');
const jsonBytes = Buffer.from(json.join('\n') + '\n');
const proj = cols.map((_, i) => i);
function decode(dec, bytes) {
  const batches = [];
  const CH = 1 << 20;
  for (let p = 0; p < bytes.length; p += CH) {
    dec.push(bytes.subarray(p, Math.min(bytes.length, p + CH)), p);
    for (let b = dec.decode(4096); b !== null; b = dec.decode(4096)) batches.push(b.batch);
  }
  dec.finish();
  for (let b = dec.decode(4096); b !== null; b = dec.decode(4096)) batches.push(b.batch);
  return batches;
}
const cpu = (f) => {
  const a = process.cpuUsage();
  const r = f();
  const b = process.cpuUsage(a);
  return [(b.user + b.system) / 1e6, r];
};
const out = {};
for (let round = 0; round < 3; round++) {
  const [cd, cb] = cpu(() => decode(new CsvDecoder(cols, proj, {}), csvBytes));
  const [jd, jb] = cpu(() => decode(new JsonDecoder(cols, proj, {}), jsonBytes));
  const ce = new CsvEncoder(cols.map((c) => c.type));
  const je = new JsonEncoder(cols);
  const [cw] = cpu(() => { let n = 0; for (const b of cb) n += ce.encode(b).length; return n; });
  const [jw] = cpu(() => { let n = 0; for (const b of jb) n += je.encode(b).length; return n; });
  if (round > 0) for (const [k, v] of Object.entries({ csvDecode: cd, jsonDecode: jd, csvEncode: cw, jsonEncode: jw })) (out[k] ??= []).push(v);
}
console.log(JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.min(...v).toFixed(3)]))));
