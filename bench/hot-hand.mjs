// The hand-written loops of bench/run.ts (handTumble, handHop, handGroupBy), run alone, timed
// as hot-ab.mjs times weir (wall, process CPU, main-thread CPU). The loops are taken from the
// built dist/bench/run.js at run time (not copied): its text from `async function scanBids`
// to the next section marker.
//
//   node bench/hot-hand.mjs <tumble|hop|group> [dataDir]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const [q, data = join(import.meta.dirname, 'data', 'bids-10000000')] = process.argv.slice(2);
const src = readFileSync(join(import.meta.dirname, '..', 'dist', 'bench', 'run.js'), 'utf8');
const from = src.indexOf('async function scanBids');
const to = src.indexOf('// -----', from);
if (from < 0 || to < 0) throw new Error('dist/bench/run.js: the hand loops were not found (build first)');
const file = join(mkdtempSync(join(tmpdir(), 'weir-hand-')), 'hand.mjs');
writeFileSync(
  file,
  `import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
const DATA = ${JSON.stringify(data)};
function dataFiles() { return readdirSync(DATA).filter((f) => f.endsWith('.csv')).sort().map((f) => join(DATA, f)); }
${src.slice(from, to)}
export { handTumble, handHop, handGroupBy };
`,
);
const loops = await import(file);
const mainCpu = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const m0 = mainCpu();
const c0 = process.cpuUsage();
const m = await { tumble: loops.handTumble, hop: loops.handHop, group: loops.handGroupBy }[q]();
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ hand: q, wall: +m.seconds.toFixed(3), cpu: +((c.user + c.system) / 1e6).toFixed(3), main: +(mainCpu() - m0).toFixed(2), rows: m.resultRows }));
