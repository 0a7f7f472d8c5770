// State that outgrows the heap (issue 14 item 4): a real `weir run` under a 32 MiB heap
// (node --max-old-space-size=32) with an updating GROUP BY over ever new STRING keys must end
// with exit 1 and a message naming the operator and its state, never V8's "heap out of memory"
// crash (exit 134) or a stack trace; and it must not restart (it would only fail again).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WEIR } from './weir.js';

it('a 32 MiB heap: the job stops with the operator and its state size, not a V8 crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-state-limit-'));
  writeFileSync(
    join(dir, 'job.sql'),
    `CREATE TABLE g (k BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '20000000', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '20000000');
CREATE TABLE o (k STRING, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO o SELECT CONCAT('key-', CAST(k AS STRING)), COUNT(*) FROM g GROUP BY CONCAT('key-', CAST(k AS STRING));
`,
  );
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=32', WEIR, 'run', 'job.sql', '-q', '--checkpoint-interval', '0'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
  expect(r.stderr).not.toContain('FATAL ERROR');
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/error: the job's state no longer fits in memory: \d+ MiB of the 3\d MiB heap limit \(after garbage collection\) in use; the largest state is operator \[3-group-aggregate\] \(subtask 0\) with [\d,]+ entries, about \d+ MiB/);
  expect(r.stderr).toContain('--max-old-space-size');
  expect(r.stderr).not.toContain('restarting');
  expect(r.stderr).not.toMatch(/this is a bug|at .*\.js:\d+/);
}, 60_000);
