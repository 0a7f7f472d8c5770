// A JavaScript function that throws fails the job with the function's name, its message and
// the input values, and the process exits (never hangs), also at parallelism 2, where the
// functions run in worker threads that each load the module. Real `weir run` processes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weir } from './weir.js';

function jobDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-udf-cli-'));
  mkdirSync(join(dir, 'in'));
  // two files: two splits, so both source subtasks read rows at parallelism 2
  const rows = (from: number): string => Array.from({ length: 50 }, (_, i) => `k${(from + i) % 7},${from + i}`).join('\n') + '\n';
  writeFileSync(join(dir, 'in', 'a.csv'), rows(0));
  writeFileSync(join(dir, 'in', 'b.csv'), rows(50));
  writeFileSync(join(dir, 'boom.mjs'), `export default { args: ['STRING', 'BIGINT'], returns: 'BIGINT', eval(k, v) { if (v === 77) throw new Error('no 77 please'); return v; } };`);
  writeFileSync(
    join(dir, 'agg.mjs'),
    `export default { args: ['BIGINT'], returns: 'BIGINT', createAccumulator() { return { s: 0 }; }, accumulate(a, v) { if (v === 63) throw new RangeError('63 is out of range'); a.s += v; }, merge(a, os) { for (const o of os) a.s += o.s; }, getValue(a) { return a.s; } };`,
  );
  writeFileSync(join(dir, 'tf.mjs'), `export default { kind: 'table', args: ['BIGINT'], returns: 'BIGINT', *eval(v) { if (v === 91) throw new Error('ninety-one'); yield v; } };`);
  return dir;
}

const DDL = `CREATE TABLE t (k STRING, v BIGINT) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'csv');
CREATE FUNCTION boom AS 'boom.mjs';
CREATE FUNCTION agg AS 'agg.mjs';
CREATE FUNCTION tf AS 'tf.mjs';
`;

describe('a throwing JavaScript function fails the job', () => {
  for (const p of [1, 2]) {
    it(`scalar, aggregate and table functions at parallelism ${p}: exit 1 with the name, the message and the row`, async () => {
      const dir = jobDir();
      const cases: [string, string][] = [
        ['SELECT k, boom(k, v) FROM t;', "function boom failed on the row ('k0', 77): no 77 please"],
        ['SELECT k, agg(v) FROM t GROUP BY k;', 'function agg (accumulate) failed on the row (63): 63 is out of range'],
        ['SELECT k, x FROM t, LATERAL TABLE(tf(v)) AS r(x);', 'function tf failed on the row (91): ninety-one'],
      ];
      for (const [query, message] of cases) {
        writeFileSync(join(dir, 'job.sql'), DDL + query);
        const started = Date.now();
        // no automatic restarts: the function throws on every attempt (test/recovery/restart.test.ts
        // covers restarts and giving up after them)
        const r = await weir(['run', 'job.sql', '-p', String(p), '--checkpoint-dir', join(dir, 'chk'), '--set', 'restart-strategy.type=none'], { cwd: dir, timeoutMs: 30_000 });
        expect(r.signal, `${query} hung`).toBeNull();
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(message);
        expect(r.stderr).not.toMatch(/this is a bug|at .*\.js:\d+/);
        expect(Date.now() - started).toBeLessThan(30_000);
      }
    }, 90_000);
  }
});
