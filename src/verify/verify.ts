// `weir verify`: runs a file's queries as a real streaming job and as DuckDB queries over the
// same input, and compares the results as multisets (DESIGN §6).
//
// What is verified: every bare SELECT, and the query of every INSERT (what it would write).
// The stream's changelog is folded into its final table. With `crash`, the streaming side
// runs as a child `weir run` process writing each query's changelog to a debezium-json
// filesystem sink (exactly-once), killed with SIGKILL at seeded random moments and restored
// from its latest checkpoint each time; the committed changelog is folded afterwards.

import { duckRows, duckToWeir } from './duck-values.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { registerUdfs } from './duck-udf.js';
import { moduleLocation } from '../expr/udf.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceText } from '../common/errors.js';
import { WeirError } from '../common/errors.js';
import type { Scalar } from '../common/batch.js';
import type { DataType } from '../common/types.js';
import { typeToString } from '../common/types.js';
import type { TableDef } from '../catalog/catalog.js';
import type { LogicalPlan } from '../plan/logical.js';
import { describeNode, inputsOf } from '../plan/logical.js';
import { PlanDigests, REUSE_SOURCE_KEY, REUSE_SUB_PLAN_KEY } from '../plan/reuse.js';
import { readsClock, stampingNodes, stampsTime, timeDomainOf } from '../plan/time-domain.js';
import { pruneColumns } from '../plan/prune.js';
import type { BoundExpr } from '../expr/bound.js';
import { constantToDuckDb, typeToDuckDb } from './duck-expr.js';
import { Session, changesSession, checkOneTimeZone } from '../sql/session.js';
import { parseScript } from '../sql/parse.js';
import type * as ast from '../sql/ast.js';
import { RunningJob, stateTtlOf } from '../exec/job-runner.js';
import { loadPlanModules } from '../exec/operator-modules.js';
import type { JobSummary } from '../exec/job-runner.js';
import { CheckpointStorage } from '../checkpoint/storage.js';
import type { Row } from './compare.js';
import { ChangelogFolder, alignDecimals, compareMultisets, compareSample, decimalKey, exactColumns, exactInteger } from './compare.js';
import { candidatesSql, overInputSql, overTieAwareEqual, tieAwareEqual, tiedOverOf, tiedRankOf } from './tie-aware.js';
import { loadTable } from './duck-load.js';
import { TranslationError, planToDuckDb, sampleLimitOf } from './translate.js';
import type { TranslateContext } from './translate.js';
import { collectScript } from './collect.js';
import { prng } from '../common/random.js';

export interface VerifyOptions {
  readonly parallelism?: number;
  /** Kill the streaming side this many times (child process, SIGKILL) and restore it. */
  readonly crash?: number;
  readonly seed?: number;
  /** Session options, as --set gives them. */
  readonly set?: readonly (readonly [string, string])[];
  /** Called with progress lines (crash runs). */
  readonly log?: (line: string) => void;
}

export interface QueryVerdict {
  readonly label: string;
  /** 1-based line of the statement in the file. */
  readonly line: number;
  readonly sql: string;
  readonly equal: boolean;
  readonly streamRows: number;
  readonly batchRows: number;
  readonly onlyStream: Row[];
  readonly onlyBatch: Row[];
  /** Retractions of rows the changelog never inserted (a broken changelog). */
  readonly unmatchedRetractions: Row[];
  readonly schema: readonly { readonly name: string; readonly type: DataType }[];
  /** Why the tie-aware check of an OVER result did not accept it, when it ran. */
  readonly tieNote?: string;
}

export interface VerifyReport {
  readonly verdicts: QueryVerdict[];
  /** Records dropped as late by the streaming job (the last run, with crashes). */
  readonly lateDropped: number;
  readonly watermarkDelays: JobSummary['watermarkDelays'];
  readonly crashes: number;
  readonly equal: boolean;
  /** Set when state TTL applies ('table.exec.state.ttl' or STATE_TTL hints): it can explain a difference. */
  readonly stateTtl?: { readonly ttlMs: number; readonly hinted: number; readonly expired: number };
}

interface Target {
  readonly label: string;
  readonly line: number;
  readonly plan: LogicalPlan;
  /** The query's text in the file (for the crash runs' rewritten script). */
  readonly queryText: string;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export async function verifyScript(source: SourceText, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const session = new Session();
  for (const [k, v] of opts.set ?? []) session.options.set(k, v);
  const statements = parseScript(source);
  try {
    checkOneTimeZone(statements);
  } catch (e) {
    if (e instanceof WeirError) e.withSource(source);
    throw e;
  }
  await session.loadFunctionModules(source, statements);
  const targets: Target[] = [];
  const ddl: string[] = [];
  const textOf = (span: ast.Statement['span']): string => source.text.slice(span.start, span.end);
  for (const stmt of statements) {
    const r = session.execute(stmt, source);
    switch (r.kind) {
      case 'query':
        targets.push({ label: 'SELECT', line: lineOf(source.text, stmt.span.start), plan: r.plan, queryText: textOf(stmt.span) });
        break;
      case 'insert': {
        const inserts = stmt.kind === 'statement-set' ? stmt.inserts : stmt.kind === 'insert' ? [stmt] : [];
        r.sinks.forEach((s, i) => {
          const ins = inserts[i];
          // CREATE TABLE ... AS SELECT: its query; the crash runs' script creates the table by its plain DDL
          const query = ins?.query ?? r.query!;
          targets.push({ label: `INSERT INTO ${s.table.name}`, line: lineOf(source.text, (ins ?? stmt).span.start), plan: s.input, queryText: textOf(query.span) });
        });
        if (r.ddl !== undefined) ddl.push(r.ddl);
        break;
      }
      case 'ok':
        // the crash runs' script may run elsewhere: a function's module by its absolute path
        if (stmt.kind === 'create-function') ddl.push(`CREATE FUNCTION IF NOT EXISTS \`${stmt.name.parts[stmt.name.parts.length - 1]!.value.replaceAll('`', '``')}\` AS '${moduleLocation(stmt.module).path.replaceAll("'", "''")}' LANGUAGE JAVASCRIPT`);
        else if (changesSession(stmt)) ddl.push(textOf(stmt.span));
        break;
      default:
        break;
    }
  }
  if (targets.length === 0) return { verdicts: [], lateDropped: 0, watermarkDelays: [], crashes: 0, equal: true };

  // Processing time: the nodes that stamp PROCTIME() on rows are recorded as they ran, and
  // DuckDB reads the recorded rows in their place (after checking they are the rows the node's
  // input gives), so a query on the clock is verified on the times the stream gave its rows.
  const digests = new PlanDigests();
  const stamps: LogicalPlan[] = [];
  // (only when the job reads the clock: a stamped column nothing reads, such as a lookup
  // join's AS OF attribute, is pruned from the job, and DuckDB computes the node with it NULL)
  const readsTime = targets.some((t) => stampingNodes(pruneColumns(t.plan)).length > 0);
  for (const t of readsTime ? targets : []) {
    for (const s of stampingNodes(t.plan)) if (!stamps.some((x) => digests.of(x) === digests.of(s))) stamps.push(s);
  }
  if (stamps.length > 0) {
    if ((opts.crash ?? 0) > 0) {
      throw new WeirError('not-supported', 'weir verify --crash cannot check a query on processing time (PROCTIME()): the rows a crashed run stamped are read again after the restore and stamped with new times, and only the times of one run are recorded', { hint: 'verify it without --crash; a processing-time query\'s checkpoints are tested by restoring it with weir run --restore' });
    }
    // the recorded node and the query's must be one operator (one clock reading per row)
    session.options.set(REUSE_SUB_PLAN_KEY, 'true');
    session.options.set(REUSE_SOURCE_KEY, 'true');
  }
  const recordedName = (i: number): string => `__weir_proctime_${i}`;

  // DuckDB: translate every query first, so an untranslatable one fails before anything runs
  const duck = await DuckDBInstance.create(':memory:');
  const conn = await duck.connect();
  try {
    const toLoad = new Map<string, TableDef>();
    const translateCtx: TranslateContext = {
      generatorTable: (table) => {
        const name = `gen_${table.name.toLowerCase()}`;
        toLoad.set(name, table);
        return name;
      },
      recorded: (node) => {
        if (!stampsTime(node)) return undefined;
        if (!readsTime) return withoutClock(node, translateCtx).sql;
        const i = stamps.findIndex((x) => digests.of(x) === digests.of(node));
        return i < 0 ? undefined : `SELECT * FROM ${recordedName(i)}`;
      },
    };
    const sqls = targets.map((t) => {
      try {
        // a LIMIT without ORDER BY: DuckDB gives the candidates, the stream's rows must be some of them
        return planToDuckDb(sampleLimitOf(t.plan)?.input ?? t.plan, translateCtx);
      } catch (e) {
        if (e instanceof TranslationError) throw new WeirError('not-supported', `${t.label} (line ${t.line}): ${e.message}`, { hint: 'weir verify cannot check this query' });
        throw e;
      }
    });
    // each stamping node as DuckDB computes it, its stamped columns NULL (checked against the record)
    const stampChecks = stamps.map((node) => withoutClock(node, translateCtx));
    registerUdfs(conn);
    for (const [name, table] of toLoad) await loadTable(conn, table, name, Number(session.options.get('pipeline.max-parallelism') ?? 128));

    // the stream
    const streamed = (opts.crash ?? 0) > 0 ? await crashRuns(ddl, targets, opts) : await inProcess(session, targets, opts, stamps);

    const verdicts: QueryVerdict[] = [];
    for (let i = 0; i < stamps.length; i++) {
      const rec = streamed.recorded[i]!;
      await loadRows(conn, recordedName(i), stamps[i]!.schema.map((f) => f.type), rec);
      const v = await checkRecorded(conn, stamps[i]!, rec, stampChecks[i]!);
      if (v !== undefined) verdicts.push(v);
    }
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      const schema = t.plan.schema.map((f) => ({ name: f.name, type: f.type }));
      const duck = await runDuckExact(conn, sqls[i]!, schema.map((f) => f.type));
      const batch = duck.rows;
      const rows = streamed.rows[i]!.map((r) => r.slice());
      // DECIMAL columns compare exactly, always: the translation computes them as DuckDB
      // DECIMALs of Flink's result types (duck-decimal.ts). A DuckDB DOUBLE in a DECIMAL column
      // would be a translation bug, and it shows as a difference rather than passing loosely.
      const decimalExact = schema.map((f) => f.type.kind === 'DECIMAL');
      alignDecimals(rows, batch, schema.map((f) => f.type), decimalExact);
      const sample = sampleLimitOf(t.plan);
      const exact = exactColumns(schema.map((f) => f.type), decimalExact);
      let cmp = sample === undefined ? compareMultisets(rows, batch, exact) : compareSample(rows, batch, sample.offset, sample.fetch, exact);
      const tied = cmp.equal || sample !== undefined ? undefined : tiedRankOf(t.plan);
      if (tied !== undefined) {
        // ties: another choice among rows equal on the ORDER BY keys is as right (tie-aware.ts)
        const candidates = await runDuck(conn, candidatesSql(tied, translateCtx), schema.map((f) => f.type));
        if (tieAwareEqual(tied, rows, batch, candidates)) cmp = { equal: true, onlyLeft: [], onlyRight: [] };
      }
      const tiedOver = cmp.equal || sample !== undefined ? undefined : tiedOverOf(t.plan);
      let tieNote: string | undefined;
      if (tiedOver !== undefined) {
        // an OVER over rows of equal time: another order among them is as right (tie-aware.ts)
        const input = await runDuck(conn, overInputSql(tiedOver, translateCtx), tiedOver.over.input.schema.map((f) => f.type));
        const v = overTieAwareEqual(tiedOver, rows, input);
        if (v.equal) cmp = { equal: true, onlyLeft: [], onlyRight: [] };
        else tieNote = v.reason;
      }
      const bad = streamed.unmatched[i]!;
      verdicts.push({ label: t.label, line: t.line, sql: sqls[i]!, equal: cmp.equal && bad.length === 0, streamRows: rows.length, batchRows: batch.length, onlyStream: cmp.onlyLeft, onlyBatch: cmp.onlyRight, unmatchedRetractions: bad, schema, ...(tieNote !== undefined ? { tieNote } : {}) });
    }
    const ttlMs = stateTtlOf(session.options);
    const hinted = hintedTtlOperators(targets);
    const stateTtl = ttlMs > 0 || hinted > 0 || streamed.expired > 0 ? { stateTtl: { ttlMs, hinted, expired: streamed.expired } } : {};
    return { verdicts, lateDropped: streamed.late, watermarkDelays: watermarkDelays(targets), crashes: streamed.crashes, equal: verdicts.every((v) => v.equal), ...stateTtl };
  } finally {
    conn.closeSync();
  }
}

/** Joins and aggregates whose state TTL a STATE_TTL hint sets. */
function hintedTtlOperators(targets: readonly Target[]): number {
  let n = 0;
  const walk = (p: LogicalPlan): void => {
    if ((p.kind === 'join' || p.kind === 'aggregate') && p.stateTtl !== undefined) n++;
    for (const c of inputsOf(p)) walk(c);
  };
  for (const t of targets) walk(t.plan);
  return n;
}

/** The watermark delays of the tables the queries read (to explain late drops). */
function watermarkDelays(targets: readonly Target[]): JobSummary['watermarkDelays'] {
  const out = new Map<string, JobSummary['watermarkDelays'][number]>();
  const walk = (p: LogicalPlan): void => {
    if (p.kind === 'scan' && p.watermark !== undefined) {
      const wm = p.table.watermark;
      out.set(p.table.name, { table: p.table.name, column: wm?.column ?? '?', delayMs: p.watermarkDelay });
    }
    for (const c of inputsOf(p)) walk(c);
  };
  // a processing-time job's sources emit the clock as their watermark, not their WATERMARK clause
  if (timeDomainOf(targets.map((t) => pruneColumns(t.plan))) === 'processing') return [];
  for (const t of targets) walk(t.plan);
  return [...out.values()];
}

/**
 * DuckDB's rows for the tie-aware checks, DECIMAL text in decimalKey form, as alignDecimals
 * leaves the rows they are matched with.
 */
async function runDuck(conn: DuckDBConnection, sql: string, types: readonly DataType[]): Promise<Row[]> {
  const rows = (await runDuckExact(conn, sql, types)).rows;
  const dec = types.map((t) => t.kind === 'DECIMAL');
  if (dec.some((x) => x)) for (const r of rows) for (let c = 0; c < r.length; c++) if (dec[c] === true && typeof r[c] === 'string') r[c] = decimalKey(r[c] as string);
  return rows;
}

/** DuckDB's rows, DECIMAL columns as exact text where DuckDB's type is DECIMAL (duckRows). */
async function runDuckExact(conn: DuckDBConnection, sql: string, types: readonly DataType[]): Promise<{ rows: Row[]; decimalExact: boolean[] }> {
  const reader = await conn.runAndReadAll(sql);
  const r = duckRows(reader, types);
  return { rows: r.rows as Row[], decimalExact: r.decimalExact };
}

interface Streamed {
  readonly rows: Row[][];
  /** The rows of each processing-time stamping node, as the stream produced them. */
  readonly recorded: Row[][];
  readonly unmatched: Row[][];
  readonly late: number;
  readonly crashes: number;
  /** Rows and groups dropped by state TTL. */
  readonly expired: number;
}

async function inProcess(session: Session, targets: readonly Target[], opts: VerifyOptions, stamps: readonly LogicalPlan[]): Promise<Streamed> {
  const roots = [...targets.map((t) => t.plan), ...stamps];
  const folders = roots.map(() => new ChangelogFolder());
  const plan = session.physicalPlan([], roots, opts.parallelism);
  await loadPlanModules(plan);
  const job = new RunningJob(plan, session.options, { jobId: `verify-${Date.now()}`, parallelism: opts.parallelism, listener: (i) => ({ onBatch: (b) => folders[i]!.add(b) }) });
  const s = await job.run();
  const n = targets.length;
  return {
    rows: folders.slice(0, n).map((f) => f.result()),
    recorded: folders.slice(n).map((f) => f.result()),
    unmatched: folders.slice(0, n).map((f) => f.unmatchedRetractions),
    late: s.lateDropped,
    crashes: 0,
    expired: s.stateExpired,
  };
}

/** Creates table `name` (columns c0, c1, ...) holding `rows`. */
async function loadRows(conn: DuckDBConnection, name: string, types: readonly DataType[], rows: readonly Row[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (${types.map((t, i) => `c${i} ${typeToDuckDb(t)}`).join(', ')})`);
  for (let at = 0; at < rows.length; at += 500) {
    const values = rows.slice(at, at + 500).map((r) => `(${r.map((v, i) => constantToDuckDb(v as Scalar, types[i]!)).join(', ')})`);
    await conn.run(`INSERT INTO ${name} VALUES ${values.join(', ')}`);
  }
}

/**
 * The recorded rows of a stamping node must be the rows DuckDB computes for it, apart from the
 * stamped times: otherwise the stream read or computed something else, and the verdict says so.
 */
function withoutClock(node: LogicalPlan, ctx: TranslateContext): { sql: string; clock: boolean[] } {
  const nulled = (e: BoundExpr): BoundExpr => (readsClock(e) ? { kind: 'const', value: null, type: e.type } : e);
  const clock = node.kind === 'scan' ? node.outputs.map(readsClock) : node.kind === 'project' ? node.exprs.map(readsClock) : [];
  const plain: LogicalPlan = node.kind === 'scan' ? { ...node, outputs: node.outputs.map(nulled) } : node.kind === 'project' ? { ...node, exprs: node.exprs.map(nulled) } : node;
  return { sql: planToDuckDb(plain, { ...ctx, recorded: (p) => (p === plain ? undefined : ctx.recorded?.(p)) }), clock };
}

async function checkRecorded(conn: DuckDBConnection, node: LogicalPlan, recorded: readonly Row[], check: { sql: string; clock: boolean[] }): Promise<QueryVerdict | undefined> {
  const { sql, clock } = check;
  const keep = (r: readonly Row[number][]): Row => r.filter((_, i) => clock[i] !== true);
  const batch = (await runDuck(conn, sql, node.schema.map((f) => f.type))).map(keep);
  const stream = recorded.map(keep);
  const cmp = compareMultisets(stream, batch);
  if (cmp.equal) return undefined;
  const schema = node.schema.filter((_, i) => clock[i] !== true).map((f) => ({ name: f.name, type: f.type }));
  return { label: `the rows PROCTIME() stamped (${describeNode(node)})`, line: 0, sql, equal: false, streamRows: stream.length, batchRows: batch.length, onlyStream: cmp.onlyLeft, onlyBatch: cmp.onlyRight, unmatchedRetractions: [], schema };
}

const WEIR = join(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'bin', 'weir.js');

function weirBin(): string {
  // dist/src/verify/verify.js -> bin/weir.js; under vitest src/verify/verify.ts -> bin/weir.js
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? join(here, '..', '..', '..', 'bin', 'weir.js') : WEIR;
}

async function crashRuns(ddl: readonly string[], targets: readonly Target[], opts: VerifyOptions): Promise<Streamed> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-verify-'));
  try {
    // the same statements, each query writing its changelog exactly-once to its own directory
    const parts = [...ddl.map((s) => `${s};`)];
    targets.forEach((t, i) => {
      const columns = t.plan.schema.map((f, j) => {
        if (f.type.kind === 'INTERVAL_DAY_TIME' || f.type.kind === 'INTERVAL_YEAR_MONTH') throw new WeirError('not-supported', `${t.label} (line ${t.line}): --crash cannot carry an INTERVAL result column`);
        return `c${j} ${typeToString(f.type)}`;
      });
      parts.push(`CREATE TABLE __weir_verify_${i} (${columns.join(', ')}) WITH ('connector' = 'filesystem', 'path' = '${join(dir, `out${i}`)}', 'format' = 'debezium-json');`);
      parts.push(`INSERT INTO __weir_verify_${i} ${t.queryText};`);
    });
    const file = join(dir, 'job.sql');
    writeFileSync(file, parts.join('\n'));
    const chk = join(dir, 'chk');
    const rand = prng(opts.seed ?? 1);
    const crashes = opts.crash ?? 0;
    let done = 0;
    let lastStderr = '';
    for (let run = 0; ; run++) {
      const restore = new CheckpointStorage(chk).latest().id !== undefined;
      const args = [weirBin(), 'run', file, '--checkpoint-dir', chk, '--checkpoint-interval', '200ms', ...(opts.parallelism !== undefined ? ['-p', String(opts.parallelism)] : []), ...(restore ? ['--restore', 'latest'] : []), ...(opts.set ?? []).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      let timer: NodeJS.Timeout | undefined;
      if (run < crashes) {
        const delay = 400 + rand() * 1400;
        timer = setTimeout(() => child.kill('SIGKILL'), delay);
      }
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
      if (timer !== undefined) clearTimeout(timer);
      if (signal === 'SIGKILL') {
        done++;
        opts.log?.(`crash ${done}: killed the streaming run; restoring from the latest checkpoint`);
        continue;
      }
      if (code !== 0) throw new WeirError('execution', `the streaming run failed (exit ${code}):\n${stderr.trim()}`);
      lastStderr = stderr;
      break;
    }
    if (done < crashes) opts.log?.(`the job finished after ${done} of ${crashes} crashes`);
    // fold each committed changelog: read it back as a debezium-json table
    const rows: Row[][] = [];
    const unmatched: Row[][] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      const cols = t.plan.schema.map((f, j) => `c${j} ${typeToString(f.type)}`).join(', ');
      const r = await collectScript({ name: 'fold.sql', text: `CREATE TABLE f (${cols}) WITH ('connector' = 'filesystem', 'path' = '${join(dir, `out${i}`)}', 'format' = 'debezium-json'); SELECT * FROM f;` });
      rows.push(r.queries[0]!.rows);
      unmatched.push(r.queries[0]!.unmatchedRetractions);
    }
    const m = /([\d,]+) records? arrived too late/.exec(lastStderr);
    const ttl = /state TTL: ([\d,]+) rows and groups expired/.exec(lastStderr);
    return { rows, recorded: [], unmatched, late: m === null ? 0 : Number(m[1]!.replace(/,/g, '')), crashes: done, expired: ttl === null ? 0 : Number(ttl[1]!.replace(/,/g, '')) };
  } finally {
    if (process.env.WEIR_VERIFY_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    else opts.log?.(`kept ${dir}`);
  }
}

