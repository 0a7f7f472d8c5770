// Summarises V8 .cpuprofile files (node --cpu-prof --cpu-prof-dir=DIR): per file (one per
// thread), the sampled busy time, the top functions by self time, and the top source files by
// inclusive time (a sample counts for every file on its stack, once).
// Usage: node bench/cpuprof-top.mjs DIR [top=25] [filesTop=12] [fileRegex]: with fileRegex,
// also the inclusive time of each function of the matching files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, topArg, filesArg, fnFile] = process.argv.slice(2);
const fnRe = fnFile === undefined ? null : new RegExp(fnFile);
const top = Number(topArg ?? 25);
const filesTop = Number(filesArg ?? 12);
const short = (url) => url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^dist\/src\//, '');
for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const incl = new Map();
  const fincl = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    const dt = p.timeDeltas[i] ?? 0;
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') { idle += dt; continue; }
    total += dt;
    const key = `${cf.functionName || '(anon)'} ${short(cf.url)}:${cf.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const u = short(byId.get(id).callFrame.url);
      if (u !== '' && !seen.has(u)) { seen.add(u); incl.set(u, (incl.get(u) ?? 0) + dt); }
      if (fnRe !== null && fnRe.test(u)) {
        const cf2 = byId.get(id).callFrame;
        const fk = `${cf2.functionName || '(anon)'} ${u}:${cf2.lineNumber + 1}`;
        if (!seen.has(fk)) { seen.add(fk); fincl.set(fk, (fincl.get(fk) ?? 0) + dt); }
      }
    }
  }
  console.log(`== ${f}: ${(total / 1e6).toFixed(2)} s sampled busy, ${(idle / 1e6).toFixed(2)} s idle`);
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(v / 1e3).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log('  -- inclusive by file');
  for (const [k, v] of [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, filesTop)) console.log(`${(v / 1e3).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  if (fnRe !== null) {
    console.log('  -- inclusive by function of ' + fnFile);
    for (const [k, v] of [...fincl.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(v / 1e3).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
}
