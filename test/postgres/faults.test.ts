// Issue 15 item 6, the cases test/postgres/proof.test.ts leaves open, against a real PostgreSQL:
// - the at-least-once jdbc sink (no 'sink.semantic'): its connection killed with
//   pg_terminate_backend, once while a load runs and once idle just before a last change; with
//   'sink.max-retries' = '0' the failed flush fails the job, which restarts in the process from
//   its checkpoint; the replay repeats upserts and deletes, which are idempotent;
// - a SIGKILL exactly between a checkpoint completing and the exactly-once sink's COMMIT
//   PREPARED, and exactly between a checkpoint completing and the postgres-cdc source
//   confirming its position to the replication slot: windows of a few ms, reached through the
//   test crash points of src/common/test-hooks.ts (WEIR_TEST_CRASH_AT), then `--restore latest`.
// Each time the sink table must end equal to the same aggregate computed by PostgreSQL over the
// final source table, with no prepared transaction left behind.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../support/postgres.js';
import { start, tmp, writeJob, sleep, until } from '../recovery/crash.js';
import { CheckpointStorage } from '../../src/checkpoint/storage.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

async function createTables(src: string, sink: string): Promise<void> {
  await server.query(`CREATE TABLE ${src} (id int PRIMARY KEY, customer text, amount numeric(10,2))`);
  await server.query(`ALTER TABLE ${src} REPLICA IDENTITY FULL`);
  await server.query(`INSERT INTO ${src} SELECT g, 'c' || (g % 5), (g * 7 % 1000) / 100.0 FROM generate_series(1, 100) g`);
  await server.query(`CREATE TABLE ${sink} (customer text PRIMARY KEY, n bigint, total numeric(38,2), hi int)`);
}

function job(src: string, sink: string, slot: string, sinkOptions: string, settings = ''): string {
  return `${settings}
CREATE TABLE src (id INT, customer STRING, amount DECIMAL(10, 2), PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'postgres-cdc', 'hostname' = '${server.host}', 'port' = '${server.port}', 'username' = '${server.user}', 'password' = '${server.password}',
  'database-name' = '${server.database}', 'schema-name' = 'public', 'table-name' = '${src}', 'slot.name' = '${slot}');
CREATE TABLE agg (customer STRING, n BIGINT, total DECIMAL(38, 2), hi INT, PRIMARY KEY (customer) NOT ENFORCED)
WITH ('connector' = 'jdbc', 'url' = '${server.jdbcUrl}', 'table-name' = '${sink}', 'username' = '${server.user}', 'password' = '${server.password}'${sinkOptions});
INSERT INTO agg SELECT customer, COUNT(*), SUM(amount), MAX(id) FROM src GROUP BY customer;
`;
}

/** One transaction of changes: rows move between customers, amounts change, a row goes, a row comes. */
async function change(src: string, i: number): Promise<void> {
  await server.query(
    `BEGIN; UPDATE ${src} SET customer = 'c' || ((id + ${i}) % 6), amount = amount + 0.25 WHERE id % 7 = ${i % 7};
     DELETE FROM ${src} WHERE id = ${1 + ((i * 13) % 100)}; INSERT INTO ${src} VALUES (${1000 + i}, 'c${i % 6}', ${i}.5) ON CONFLICT DO NOTHING; COMMIT`,
  );
}

const sinkRows = (sink: string): Promise<Record<string, unknown>[]> => server.query(`SELECT customer, n::text, total::text, hi FROM ${sink} ORDER BY customer`);
const wantRows = (src: string): Promise<Record<string, unknown>[]> =>
  server.query(`SELECT customer, count(*)::text AS n, sum(amount)::numeric(38,2)::text AS total, max(id) AS hi FROM ${src} GROUP BY customer ORDER BY customer`);
const prepared = async (): Promise<string[]> => (await server.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts ORDER BY gid')).map((r) => r.gid);

/** Terminates the client connections whose last statement wrote the sink table; returns how many. */
async function killSink(sink: string): Promise<number> {
  const r = await server.query<{ t: boolean }>(
    `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = current_database() AND query LIKE '%"${sink}"%'`,
  );
  return r.filter((x) => x.t).length;
}

const equal = async (src: string, sink: string): Promise<boolean> => JSON.stringify(await sinkRows(sink)) === JSON.stringify(await wantRows(src));

/** Runs the job until a crash point SIGKILLs it (changes keep coming meanwhile), then restores it without the crash point and checks the sink. */
async function crashAt(point: string, src: string, sink: string, slot: string): Promise<void> {
  await createTables(src, sink);
  const dir = tmp('weir-pgfault-');
  const chk = join(dir, 'chk');
  writeJob(dir, job(src, sink, slot, ", 'sink.semantic' = 'exactly-once', 'sink.buffer-flush.interval' = '0'"));
  const args = ['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', '100ms', '-p', '1', '-q'];
  process.env.WEIR_TEST_CRASH_AT = point;
  let first: ReturnType<typeof start>;
  try {
    first = start(args, dir);
  } finally {
    delete process.env.WEIR_TEST_CRASH_AT;
  }
  let ended = false;
  void first.done.then(() => (ended = true));
  let i = 0;
  try {
    // the source confirms only positions past the snapshot: changes must stream for that
    while (!ended && i < 500) {
      await change(src, i++);
      await sleep(20);
    }
  } finally {
    first.child.kill('SIGKILL');
  }
  const r1 = await first.done;
  expect(r1.signal, r1.stderr).toBe('SIGKILL');
  expect(i, 'the crash point was reached').toBeLessThan(500);
  expect(new CheckpointStorage(chk).latest().id).toBeDefined();
  if (point === 'jdbc-sink-commit') {
    // killed before COMMIT PREPARED of a completed checkpoint: its transaction is still prepared
    expect((await prepared()).length).toBeGreaterThan(0);
  }
  // more changes while it is down, touching only some customers (the others' rows must come
  // from the crashed run's checkpoint)
  for (let k = 0; k < 3; k++) await change(src, 500 + k * 7);
  const second = start([...args, '--restore', 'latest'], dir);
  let ended2 = false;
  void second.done.then(() => (ended2 = true));
  try {
    await until(async () => ended2 || (await equal(src, sink)), 15_000, 'the sink to equal the aggregate');
  } finally {
    second.child.kill('SIGTERM');
  }
  const r2 = await second.done;
  expect(r2.code, r2.stderr).toBe(0);
  const want = await wantRows(src);
  expect(want.length).toBeGreaterThan(3);
  expect(await sinkRows(sink)).toEqual(want);
  expect(await prepared()).toEqual([]);
}

describe('postgres faults in the last gaps: at-least-once under lost connections, crashes right after a checkpoint completes', () => {
  it('the at-least-once sink\'s connection killed (mid-load, and idle before a last change): the job restarts in the process and the sink equals PostgreSQL\'s aggregate', async () => {
    await createTables('a_src', 'a_agg');
    const dir = tmp('weir-pgfault-');
    writeJob(
      dir,
      job('a_src', 'a_agg', 'a_slot', ", 'sink.max-retries' = '0', 'sink.buffer-flush.interval' = '50ms'", "SET 'restart-strategy.type' = 'fixed-delay';\nSET 'restart-strategy.fixed-delay.attempts' = '10';\nSET 'restart-strategy.fixed-delay.delay' = '100 ms';"),
    );
    const { child, done } = start(['run', 'job.sql', '--checkpoint-dir', join(dir, 'chk'), '--checkpoint-interval', '150ms', '-p', '1'], dir);
    let ended = false;
    let stderr = '';
    child.stderr!.on('data', (d: string) => (stderr += d));
    void done.then(() => (ended = true));
    const restarts = (): number => stderr.split('weir: restarting from').length - 1;
    try {
      await until(async () => ended || (await server.query('SELECT 1 FROM a_agg LIMIT 1')).length > 0, 15_000, 'the first rows');
      // 1. killed while changes stream in
      let i = 0;
      const load = (async () => {
        while (!ended && restarts() < 1 && i < 150) {
          await change('a_src', i++);
          await sleep(15);
        }
      })();
      await until(async () => ended || i >= 5, 5_000, 'some changes');
      await until(async () => ended || (await killSink('a_agg')) > 0, 5_000, "the sink's connection");
      await until(() => ended || restarts() >= 1, 15_000, 'restart 1');
      await load;
      await until(async () => ended || (await equal('a_src', 'a_agg')), 15_000, 'the sink to catch up');
      // 2. killed idle: the next flush (of the last change) fails, the restart replays it
      await until(async () => ended || (await killSink('a_agg')) > 0, 5_000, "the sink's idle connection");
      await change('a_src', 900);
      await until(() => ended || restarts() >= 2, 15_000, 'restart 2');
      await until(async () => ended || (await equal('a_src', 'a_agg')), 15_000, 'the sink to equal the aggregate');
    } finally {
      child.kill('SIGTERM');
    }
    const r = await done;
    expect(r.code, stderr).toBe(0);
    expect(restarts(), stderr).toBeGreaterThanOrEqual(2);
    const want = await wantRows('a_src');
    expect(want.length).toBeGreaterThan(3);
    expect(await sinkRows('a_agg')).toEqual(want);
  }, 60_000);

  it('SIGKILL between a checkpoint completing and the exactly-once sink\'s COMMIT PREPARED: the restore commits it, the sink equals PostgreSQL\'s aggregate', async () => {
    await crashAt('jdbc-sink-commit', 'c_src', 'c_agg', 'c_slot');
  }, 60_000);

  it('SIGKILL between a checkpoint completing and the postgres-cdc source confirming it to the slot: the restore starts at the checkpoint, nothing doubled', async () => {
    await crashAt('postgres-cdc-confirm', 's_src', 's_agg', 's_slot');
  }, 60_000);
});
