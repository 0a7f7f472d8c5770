// SET checks its key and value when it runs (issue 11 item 20), through `weir run`: a typo of
// an option weir implements is an error with a did-you-mean, a bad value is an error at the
// SET (not at every query after it), RESET of an unknown key says so, and a Flink option weir
// does not implement is accepted with a note, so Flink files still run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { weir } from './weir.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-set-'));
let n = 0;
async function run(sql: string) {
  const file = join(dir, `s${n++}.sql`);
  writeFileSync(file, sql);
  return weir(['run', file]);
}

it('SET and RESET check keys and values; Flink options weir lacks are accepted with a note', async () => {
  const typo = await run(`SET 'paralelism.default' = '2';\n`);
  expect(typo.code).toBe(1);
  expect(typo.stderr).toContain("unknown option 'paralelism.default'");
  expect(typo.stderr).toContain("did you mean 'parallelism.default'?");

  const bad = await run(`SET 'execution.checkpointing.interval' = 'ten';\n`);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("'execution.checkpointing.interval' must be a duration");
  expect(bad.stderr).toContain('1 | SET');

  const reset = await run(`RESET 'foo';\n`);
  expect(reset.code).toBe(1);
  expect(reset.stderr).toContain("unknown option 'foo'");

  const flink = await run(`SET 'table.exec.sink.upsert-materialize' = 'NONE';\nSET 'parallelism.default' = '2';\nRESET 'parallelism.default';\nSELECT 1 + 1 AS two;\n`);
  expect(flink.code, flink.stderr).toBe(0);
  expect(flink.stderr).toContain("note: 'table.exec.sink.upsert-materialize' is a Flink option weir does not implement");
  expect(flink.stdout).toContain('+I[2]');
}, 120_000);

it('--set on the command line is checked as SET is: usage errors (exit 2) for a typo or a bad value', async () => {
  const file = join(dir, 'plain.sql');
  writeFileSync(file, 'SELECT 1 + 1 AS two;\n');
  const typo = await weir(['run', file, '--set', 'paralelism.default=2']);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain("unknown option 'paralelism.default'");
  expect(typo.stderr).toContain("did you mean 'parallelism.default'?");
  const bad = await weir(['run', file, '--set', 'execution.checkpointing.interval=ten']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("'execution.checkpointing.interval' must be a duration");
  const ok = await weir(['run', file, '--set', 'parallelism.default=2', '--set', 'table.exec.sink.upsert-materialize=NONE']);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stderr).toContain("'table.exec.sink.upsert-materialize' is a Flink option weir does not implement");
  expect(ok.stdout).toContain('+I[2]');
}, 120_000);
