// CPU seconds of one GROUP BY over 300,000 rows in 20,000 groups, at parallelism 1 (branch jsonagg):
//   node bench/json-aggregates.mjs <checkout with a built dist/> <sum | listagg | arrayagg | objectagg>
// e.g. alternate `node bench/json-aggregates.mjs /work/before sum` and `... . sum` for an A/B.
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [root = '.', which = 'objectagg'] = process.argv.slice(2);
const file = join(tmpdir(), 'weir-json-aggregates.csv');
if (!existsSync(file)) {
  let x = 7;
  const lines = [];
  for (let i = 0; i < 300_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // g, a key unique within the row's group (JSON_OBJECTAGG fails on a duplicate), v
    lines.push(`${x % 20_000},k${i % 50}_${i},${(x >>> 8) % 1000}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}
const QUERIES = {
  sum: 'SELECT g, COUNT(*), SUM(v) FROM t GROUP BY g',
  listagg: 'SELECT g, LISTAGG(k) FROM t GROUP BY g',
  arrayagg: 'SELECT g, JSON_ARRAYAGG(v) FROM t GROUP BY g',
  objectagg: 'SELECT g, JSON_OBJECTAGG(KEY k VALUE v) FROM t GROUP BY g',
};
const { collectScript } = await import(join(resolve(root), 'dist/src/verify/collect.js'));
const text = `CREATE TABLE t (g INT, k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv');\n${QUERIES[which]};`;
const c0 = process.cpuUsage();
const t0 = Date.now();
const r = await collectScript({ name: 'q.sql', text }, { parallelism: 1 });
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ root, which, rows: r.queries[0].rows.length, cpu_s: (c.user + c.system) / 1e6, wall_s: (Date.now() - t0) / 1000 }));
