// Nexmark queries at p1, at p2, and the machine's ceiling for the same work: two independent p1
// processes over half the events each, started together (issue #13: "p2 never slower than p1").
// Rounds alternate p1, p2, ceiling so that a change in the machine's load hits all three.
//
// Usage: node bench/nexmark-ceiling.mjs <events> <rounds> q3 q8 ...
// Prints one markdown row per query: medians of the job time (planning excluded, as the suite
// measures it; the ceiling's time is its slower process's) and of CPU seconds (user+sys of the
// process, every thread; the ceiling's is both processes' sum).
//
// Half the events is not the same split as p2's (p2's subtasks read strided halves of one event
// sequence; a half-size run reads the first half of a sequence generated with half the events),
// but Nexmark's generator is stationary, so the work per event is the same.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const one = join(root, 'dist/bench/nexmark-one.js');
const [eventsArg, roundsArg, ...queries] = process.argv.slice(2);
const events = Number(eventsArg);
const rounds = Number(roundsArg);
if (!(events > 0) || !(rounds > 0) || queries.length === 0) {
  console.error('usage: node bench/nexmark-ceiling.mjs <events> <rounds> q3 q8 ...');
  process.exit(2);
}

function runOne(query, n, p) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', 'node', one, `queries/nexmark/${query}.sql`, String(n), String(p)], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', () => {
      const line = out.trim().split('\n').pop() ?? '';
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      try {
        const r = JSON.parse(line);
        if (r.error !== undefined || m === null) return reject(new Error(`${query} p${p}: ${r.error ?? err}`));
        resolve({ seconds: r.seconds, rows: r.resultRows, cpu: Number(m[1]) + Number(m[2]) });
      } catch {
        reject(new Error(`${query} p${p}: ${out} ${err}`));
      }
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f2 = (x) => x.toFixed(2);
const mev = (s) => `${(events / s / 1e6).toFixed(2)}M`;

console.log(`| query | events | p1 s (events/s) | p2 s (events/s) | ceiling s (events/s) | p2 / p1 | ceiling / p1 | p2 / ceiling | CPU s p1 / p2 / ceiling | runs: p1; p2; ceiling s |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const q of queries) {
  const p1 = [];
  const p2 = [];
  const ceil = [];
  for (let r = 0; r < rounds; r++) {
    p1.push(await runOne(q, events, 1));
    p2.push(await runOne(q, events, 2));
    const [a, b] = await Promise.all([runOne(q, events / 2, 1), runOne(q, events / 2, 1)]);
    ceil.push({ seconds: Math.max(a.seconds, b.seconds), cpu: a.cpu + b.cpu });
  }
  const t1 = median(p1.map((x) => x.seconds));
  const t2 = median(p2.map((x) => x.seconds));
  const tc = median(ceil.map((x) => x.seconds));
  const list = (xs) => xs.map((x) => f2(x.seconds)).join(' ');
  console.log(
    `| ${q} | ${events.toLocaleString('en-US')} | ${f2(t1)} (${mev(t1)}) | ${f2(t2)} (${mev(t2)}) | ${f2(tc)} (${mev(tc)}) | ${f2(t1 / t2)} | ${f2(t1 / tc)} | ${f2(tc / t2)} | ${f2(median(p1.map((x) => x.cpu)))} / ${f2(median(p2.map((x) => x.cpu)))} / ${f2(median(ceil.map((x) => x.cpu)))} | ${list(p1)}; ${list(p2)}; ${list(ceil)} |`,
  );
}
