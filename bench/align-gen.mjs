// Bids in the bench's layout (4 files, each a consecutive quarter of the time range, and the
// ceiling's -half-0/-half-1 link directories):  node bench/align-gen.mjs <events> <dir> [dist]
import { openSync, writeSync, closeSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
const dist = (await import('node:path')).resolve(process.argv[4] ?? 'dist');
const { NexmarkGenerator, defaultNexmarkConfig } = await import(dist + '/src/connectors/nexmark/generator.js');
const { CsvEncoder } = await import(dist + '/src/connectors/formats/csv.js');
const EVENTS = Number(process.argv[2]), FILES = 4, DATA = process.argv[3];
mkdirSync(DATA, { recursive: true });
const gen = new NexmarkGenerator({ ...defaultNexmarkConfig(), eventsNum: Infinity }, 'bid', ['auction', 'bidder', 'price', 'channel', 'date_time']);
const enc = new CsvEncoder(gen.types);
let cursor = 0, rows = 0;
for (let f = 0; f < FILES; f++) {
  const fd = openSync(join(DATA, `part-${f}.csv`), 'w');
  const upTo = Math.round((EVENTS * (f + 1)) / FILES);
  while (rows < upTo) { const r = gen.generate(cursor, 1, Math.min(65536, upTo - rows)); cursor = r.next; rows += r.batch.length; writeSync(fd, enc.encode(r.batch)); }
  closeSync(fd);
}
for (let h = 0; h < 2; h++) { const dir = `${DATA}-half-${h}`; mkdirSync(dir, { recursive: true }); for (let f = h * 2; f < h * 2 + 2; f++) symlinkSync(join(DATA, `part-${f}.csv`), join(dir, `part-${f}.csv`)); }
console.log(rows);
