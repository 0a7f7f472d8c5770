// Crash recovery with incremental checkpoints ('state.backend.incremental'): an updating
// aggregate whose checkpoints are chains of a full snapshot and deltas; and one job (a
// statement set) with a regular FULL JOIN over an updating aggregate and a HOP window
// aggregate, whose join and window states are chains too. SIGKILL at seeded
// moments (after each run's first checkpoint) with the parallelism alternating 1 and 2 (each restore at p2 or p1 rescales a
// chain), and a corrupt base file of an earlier checkpoint (the checkpoints that need it are
// skipped, naming the file; the restore falls back to an older intact chain). The committed
// changelog, folded, equals an uninterrupted run and DuckDB. Real processes, real files.
// (This replaces the crash test of the same aggregate with full checkpoints in
// changelog.test.ts: every restart's first checkpoint is full, so restores from full
// snapshots are among the crashes too.)
//
// Falling back past a checkpoint that completed replays the output it had committed (as in
// Flink, a sink's committed files are never taken back): the changelog then holds that
// stretch twice, so the fallback case folds it as upserts by key (the last record of a key
// wins, as a consumer materializing the changelog sees it) rather than counting records.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedLines, crashAfterCheckpoints, foldDebezium, runClean, start, tmp, writeJob } from './crash.js';
import { duckdb, runDuck } from '../sql/harness.js';
import { Session } from '../../src/sql/session.js';
import { loadTable } from '../../src/verify/duck-load.js';
import { CheckpointStorage, filesOf } from '../../src/checkpoint/storage.js';
import { T } from '../../src/common/types.js';
import { listDataFiles } from '../../src/connectors/filesystem/filesystem.js';
import { compareMultisets } from '../../src/verify/compare.js';

const job = (events: number, rate = 60_000): string => `SET 'state.backend.incremental' = 'true';
SET 'state.backend.incremental.full-every' = '3';
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${events}', 'rows-per-second' = '${rate}');
CREATE TABLE result (auction BIGINT, n BIGINT, total BIGINT, hi BIGINT, lo BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'debezium-json');
INSERT INTO result SELECT auction, COUNT(*), SUM(price), MAX(price), MIN(price) FROM bid GROUP BY auction;`;
const cols = ['auction', 'n', 'total', 'hi', 'lo'];

function jobDir(sql: string): string {
  const dir = tmp('weir-incr-');
  mkdirSync(join(dir, 'clean'));
  writeJob(dir, sql);
  writeJob(join(dir, 'clean'), sql);
  return dir;
}

/** DuckDB's result over the same input, as JSON rows. */
async function duckRows(sql: string): Promise<string[]> {
  const s = new Session();
  s.executeScript({ name: 'job.sql', text: sql.split('CREATE TABLE result')[0]! });
  const t = s.catalog.get('bid');
  if (t?.kind !== 'table') throw new Error('no table bid');
  await loadTable(await duckdb(), t, 'bid');
  const want = await runDuck('SELECT auction, count(*), sum(price), max(price), min(price) FROM bid GROUP BY ALL', [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT]);
  return want.map((r) => JSON.stringify(r)).sort();
}

/** The committed changelog applied as upserts by auction, in the order it was written. */
function upserted(dir: string): string[] {
  const rows = new Map<number, string>();
  const lines = listDataFiles(dir).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== ''));
  for (const line of lines) {
    const r = JSON.parse(line) as { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    if (r.after !== null) rows.set(r.after.auction as number, JSON.stringify(cols.map((c) => r.after![c])));
    else if (r.before !== null) rows.delete(r.before.auction as number);
  }
  return [...rows.values()].sort();
}

/** Whether any checkpoint still in the directory is incremental (a chain longer than one file). */
function sawChains(chk: string): boolean {
  const st = new CheckpointStorage(chk);
  return st.ids().some((id) => {
    const m = st.metadata(id);
    return m !== undefined && m.states.some((h) => filesOf(m, h).length > 1);
  });
}

// One job, two queries over the same bids: a FULL JOIN of auctions with each auction's bid
// group (the residual g.n >= 3 moves both paddings; the group side is updating, so joined rows
// are retracted and their slots freed), and a HOP window per auction (each firing frees its
// groups, which the next delta records).
// about 13 s of input at these rates: five runs, each killed 200-600 ms after its first new
// checkpoint, must not reach the end (at about three times the rates, an idle machine got only
// 3 kills in; at 1.4 times, a machine loaded to 10-20 got 4, as its checkpoints came late)
const JOIN_EVENTS = 300_000;
const JOIN_WINDOW_SQL = `SET 'state.backend.incremental' = 'true';
SET 'state.backend.incremental.full-every' = '3';
CREATE TABLE auction (id BIGINT, seller BIGINT, reserve BIGINT)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'auction', 'events.num' = '${JOIN_EVENTS}', 'rows-per-second' = '1400');
CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, date_time TIMESTAMP(3),
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)
WITH ('connector' = 'nexmark', 'nexmark.table' = 'bid', 'events.num' = '${JOIN_EVENTS}', 'rows-per-second' = '21000');
CREATE TABLE jout (id BIGINT, seller BIGINT, auction BIGINT, n BIGINT, hi BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'jout', 'format' = 'debezium-json');
CREATE TABLE wout (window_start TIMESTAMP(3), window_end TIMESTAMP(3), auction BIGINT, n BIGINT, total BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'wout', 'format' = 'csv');
EXECUTE STATEMENT SET BEGIN
INSERT INTO jout SELECT a.id, a.seller, g.auction, g.n, g.hi FROM auction a
  FULL JOIN (SELECT auction, COUNT(*) AS n, MAX(price) AS hi FROM bid GROUP BY auction) g ON a.id = g.auction AND g.n >= 3;
INSERT INTO wout SELECT window_start, window_end, auction, COUNT(*), SUM(price)
  FROM TABLE(HOP(TABLE bid, DESCRIPTOR(date_time), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end, auction;
END;`;

/** Whether some checkpoint still in the directory has a chain for an operator whose id contains `op`. */
function chainsOf(chk: string, op: string): boolean {
  const st = new CheckpointStorage(chk);
  return st.ids().some((id) => {
    const m = st.metadata(id);
    return m !== undefined && m.states.some((h) => h.operatorId.includes(op) && filesOf(m, h).length > 1);
  });
}

describe('incremental checkpoints under crashes', () => {
  it('5 SIGKILLs at seeded moments, parallelism 1, 2, 1, 2, 1, 2: output equals the uninterrupted run and DuckDB', async () => {
    // about 12 s of input at 60,000 rows/s: five runs killed 150-450 ms after a new checkpoint
    // must not reach the end, even on loaded cores (at 9 s a CI run under load got only 4 in)
    const sql = job(720_000);
    const dir = jobDir(sql);
    const chk = join(dir, 'chk');
    let chains = false;
    const watch = setInterval(() => (chains ||= sawChains(chk)), 100);
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 1), crashAfterCheckpoints(dir, 5, 1414, (i) => (i % 2 === 0 ? 1 : 2), [150, 450])]);
    clearInterval(watch);
    chains ||= sawChains(chk);
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(5);
    expect(chains, 'some checkpoint was a chain of a full snapshot and deltas').toBe(true);
    const got = foldDebezium(committedLines(join(dir, 'out')), cols);
    expect(got.negative).toEqual([]);
    expect(got.rows).toEqual(foldDebezium(committedLines(join(dir, 'clean', 'out')), cols).rows);
    expect(got.rows).toEqual(await duckRows(sql));
  }, 180_000);

  it('a corrupt base file of an earlier checkpoint: skipped with its name, restore falls back, output exact', async () => {
    // ~4.5 s of input, so a loaded machine still completes the F D F D chain the case needs (at
    // 60,000 rows/s a load of 15-28 left two checkpoints)
    const sql = job(120_000, 25_000);
    const dir = jobDir(sql);
    const chk = join(dir, 'chk');
    // computed first, so the runs below do not compete with DuckDB
    const want = await duckRows(sql);
    // a whole run, every checkpoint kept, a full snapshot every second one: F D F D ...
    const first = start(['run', 'job.sql', '--checkpoint-dir', chk, '--checkpoint-interval', '150ms', '-q', '--set', 'state.checkpoints.num-retained=100', '--set', 'state.backend.incremental.full-every=2'], dir);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    // the uninterrupted run: exact
    const uninterrupted = foldDebezium(committedLines(join(dir, 'out')), cols);
    expect(uninterrupted.rows).toEqual(want);
    const st = new CheckpointStorage(chk);
    const aggFiles = (id: number): string[] => {
      const m = st.metadata(id)!;
      return filesOf(m, m.states.find((s) => s.operatorId.includes('group-aggregate'))!).map((f) => f.path);
    };
    const complete = st.ids().filter((id) => st.metadata(id) !== undefined);
    const aggOf = new Map(complete.map((id) => [id, aggFiles(id)]));
    // the newest checkpoint that is a delta on a base in an earlier checkpoint, with an older
    // checkpoint not needing that base to fall back to
    const target = [...complete].reverse().find((id) => aggOf.get(id)!.length > 1 && complete.some((k) => k < id && !aggOf.get(k)!.includes(aggOf.get(id)![0]!)));
    expect(target, `checkpoints ${complete.join(', ')}`).toBeDefined();
    const baseRel = aggOf.get(target!)![0]!;
    expect(baseRel.startsWith(`chk-${target}/`)).toBe(false);
    // as if the job had been killed right after the target completed: newer checkpoints go
    // (the output they committed stays, and is replayed: see the note at the top)
    for (const id of complete.filter((k) => k > target!)) rmSync(join(chk, `chk-${id}`), { recursive: true });
    const base = join(chk, baseRel);
    const buf = readFileSync(base);
    buf[buf.length >> 1]! ^= 0x40;
    writeFileSync(base, buf);
    // every checkpoint that needs the base is skipped (the newest first), naming it
    const restore = start(['run', 'job.sql', '--checkpoint-dir', chk, '--restore', 'latest', '-p', '2'], dir);
    const rr = await restore.done;
    expect(rr.code, rr.stderr).toBe(0);
    const users = complete.filter((id) => id <= target! && aggOf.get(id)!.includes(baseRel));
    expect(users.length).toBeGreaterThanOrEqual(2);
    for (const id of users) expect(rr.stderr).toContain(`skipping chk-${id}: ${base} fails its checksum`);
    const fellBackTo = Math.max(...complete.filter((k) => k < target! && !aggOf.get(k)!.includes(baseRel)));
    expect(rr.stderr).toContain(`restoring from ${join(chk, `chk-${fellBackTo}`)}`);
    expect(upserted(join(dir, 'out'))).toEqual(want);
    expect(upserted(join(dir, 'out'))).toEqual(uninterrupted.rows);
  }, 180_000);

  it('a regular join and a HOP window (one job): 5 SIGKILLs at seeded moments, parallelism 2, 1, 2, 1, 2, 1: output equals the uninterrupted run and DuckDB', async () => {
    const dir = jobDir(JOIN_WINDOW_SQL);
    const chk = join(dir, 'chk');
    const seen = { join: false, window: false };
    const look = (): void => {
      seen.join ||= chainsOf(chk, 'join');
      seen.window ||= chainsOf(chk, 'window-aggregate');
    };
    const watch = setInterval(look, 100);
    const [, runs] = await Promise.all([runClean(join(dir, 'clean'), 2), crashAfterCheckpoints(dir, 5, 2718, (i) => (i % 2 === 0 ? 2 : 1), [200, 600])]);
    clearInterval(watch);
    look();
    expect(runs.filter((r) => r.signal === 'SIGKILL').length).toBe(5);
    expect(seen, 'join and window checkpoints were chains of a full snapshot and deltas').toEqual({ join: true, window: true });
    // the join: folded changelog, exact
    const jcols = ['id', 'seller', 'auction', 'n', 'hi'];
    const crash = foldDebezium(committedLines(join(dir, 'jout')), jcols);
    expect(crash.negative, 'retractions of rows never inserted').toEqual([]);
    expect(crash.rows.length).toBeGreaterThan(1000);
    expect(crash.rows).toEqual(foldDebezium(committedLines(join(dir, 'clean', 'jout')), jcols).rows);
    // the window: row for row, no duplicates
    const wl = committedLines(join(dir, 'wout'));
    expect(wl.length).toBeGreaterThan(1000);
    expect(wl.slice().sort()).toEqual(committedLines(join(dir, 'clean', 'wout')).sort());
    // DuckDB over the same generated rows
    const s = new Session();
    s.executeScript({ name: 'job.sql', text: JOIN_WINDOW_SQL.split('CREATE TABLE jout')[0]! });
    for (const name of ['auction', 'bid']) {
      const t = s.catalog.get(name);
      if (t?.kind !== 'table') throw new Error(`no table ${name}`);
      await loadTable(await duckdb(), t, name);
    }
    const jwant = await runDuck(
      `SELECT a.id, a.seller, g.auction, g.n, g.hi FROM auction a
       FULL JOIN (SELECT auction, count(*) AS n, max(price) AS hi FROM bid GROUP BY auction) g ON a.id = g.auction AND g.n >= 3`,
      [T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT, T.BIGINT],
    );
    expect(crash.rows).toEqual(jwant.map((r) => JSON.stringify(r)).sort());
    expect(crash.rows.some((r) => r.startsWith('[null'))).toBe(true);
    expect(crash.rows.some((r) => r.endsWith('null,null,null]'))).toBe(true);
    const wtypes = [T.TIMESTAMP, T.TIMESTAMP, T.BIGINT, T.BIGINT, T.BIGINT];
    const got = await runDuck(`SELECT * FROM read_csv('${join(dir, 'wout')}/*.csv', header = false, columns = {'ws': 'TIMESTAMP', 'we': 'TIMESTAMP', 'auction': 'BIGINT', 'n': 'BIGINT', 'total': 'BIGINT'})`, wtypes);
    const want = await runDuck(
      `WITH w AS (SELECT *, unnest(generate_series((epoch_ms(date_time) // 2000) * 2000 - 4000, (epoch_ms(date_time) // 2000) * 2000, 2000)) AS ws FROM bid)
       SELECT make_timestamp(ws * 1000), make_timestamp((ws + 6000) * 1000), auction, count(*), sum(price) FROM w GROUP BY ALL`,
      wtypes,
    );
    const cmp = compareMultisets(got, want);
    expect(cmp.onlyLeft, 'rows only in weir').toEqual([]);
    expect(cmp.onlyRight, 'rows only in DuckDB').toEqual([]);
  }, 240_000);
});
