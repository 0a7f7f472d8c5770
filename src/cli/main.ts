// The `weir` command (DESIGN §7). Exit codes: 0 done, 1 query or runtime error, 2 usage.

import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import pc from 'picocolors';
import { WeirError, formatError, stackFrames } from '../common/errors.js';
import type { SourceText } from '../common/errors.js';
import { Session, checkOneTimeZone } from '../sql/session.js';
import type { SinkNode, LogicalPlan } from '../plan/logical.js';
import { RunningJob, formatCount, formatDelay, formatWatermark, stateTtlOf } from '../exec/job-runner.js';
import { describeRestartStrategy, restartStrategyOf } from '../exec/restart-strategy.js';
import { planNotices } from '../exec/state-notices.js';
import { loadPlanModules } from '../exec/operator-modules.js';
import { formatTtl } from '../plan/physical.js';
import type { JobSummary } from '../exec/job-runner.js';
import { PlainPrinter, TableauPrinter } from './result-printer.js';
import type { LineSink } from './result-printer.js';
import type { ResultListener } from '../exec/operators/collect.js';
import { renderTable } from './render.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { parseDuration } from '../catalog/catalog.js';
import { checkSessionOption } from '../catalog/session-options.js';
import { coordinatorConfig, planIdentity, prepareRestore } from '../exec/job-runner.js';
import { loadCheckpoint } from '../checkpoint/restore.js';
import { CheckpointStorage, checkpointSizes, filesOf } from '../checkpoint/storage.js';
import { formatVerifyReport } from './verify-report.js';
import { startRepl } from './repl/repl.js';
import { VERSION } from './version.js';
import { countsByStatement, rootLabels } from './statement-labels.js';
import type { PhysicalPlan } from '../plan/physical.js';

export interface CliIO {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
}

const defaultIO: CliIO = { out: process.stdout, err: process.stderr };

class UsageError extends Error {}

function colorFn(enabled: boolean): (s: string, c: 'red' | 'blue' | 'bold' | 'cyan') => string {
  if (!enabled) return (s) => s;
  return (s, c) => (c === 'red' ? pc.red(s) : c === 'blue' ? pc.blue(s) : c === 'cyan' ? pc.cyan(s) : pc.bold(s));
}

export function reportError(err: unknown, io: CliIO): number {
  const color = colorFn(io.err.isTTY === true);
  if (err instanceof WeirError) {
    io.err.write(formatError(err, color) + '\n');
    return err.kind === 'usage' ? 2 : 1;
  }
  if (err instanceof UsageError) {
    io.err.write(`${color('error:', 'red')} ${err.message}\n`);
    return 2;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.err.write(`${color('internal error:', 'red')} ${e.message} (this is a bug in weir)\n${stackFrames(e)}`);
  return 1;
}


function readSource(path: string): SourceText {
  try {
    return { name: path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${path}` : code === 'EISDIR' ? `${path} is a directory, expected a .sql file` : `cannot read ${path}: ${(e as Error).message}`);
  }
}

function parseSets(values: readonly string[]): [string, string][] {
  return values.map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--set takes key=value, got '${kv}'`);
    const key = kv.slice(0, i).trim();
    const value = kv.slice(i + 1).trim();
    // checked as SET checks it: an unknown key or a bad value is a usage error now, not a
    // surprise later; a Flink option weir does not implement is accepted with a notice
    try {
      const { notice } = checkSessionOption(key, value, undefined);
      if (notice !== undefined) process.stderr.write(`note: --set ${notice}\n`);
    } catch (e) {
      if (e instanceof WeirError) throw new UsageError(`--set ${key}=${value}: ${e.message}${e.hint !== undefined ? ` (${e.hint})` : ''}`);
      throw e;
    }
    return [key, value];
  });
}

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number, got '${v}'`);
    return n;
  };
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

export interface RunFileOptions {
  readonly parallelism?: number;
  readonly set: readonly string[];
  readonly quiet: boolean;
  readonly checkpointDir?: string;
  readonly checkpointInterval?: string;
  readonly restore?: string;
}

/** `.weir/checkpoints/<file name without .sql>` */
export function defaultCheckpointDir(file: string): string {
  return join('.weir', 'checkpoints', basename(file).replace(/\.sql$/i, ''));
}

/** `weir run FILE.sql`: DDL, then the INSERTs and SELECTs of the file as one job. */
export async function runFile(path: string, opts: RunFileOptions, io: CliIO = defaultIO): Promise<number> {
  const source = readSource(path);
  const session = new Session();
  for (const [k, v] of parseSets(opts.set)) session.options.set(k, v);
  const sinks: SinkNode[] = [];
  const queries: LogicalPlan[] = [];
  await session.loadFunctionModules(source);
  const executed = session.executeScript(source);
  try {
    checkOneTimeZone(executed.map((e) => e.statement));
  } catch (e) {
    if (e instanceof WeirError) e.withSource(source);
    throw e;
  }
  for (const { result } of executed) {
    switch (result.kind) {
      case 'insert':
        sinks.push(...result.sinks);
        break;
      case 'query':
        queries.push(result.plan);
        break;
      case 'table':
        io.out.write(renderTable(result.header, result.rows) + '\n');
        break;
      case 'explain':
        io.out.write(result.text + '\n');
        break;
      case 'ok':
        if (result.notice !== undefined) io.err.write(`note: ${result.notice}\n`);
        break;
      case 'show-jobs':
      case 'stop-job':
        throw new WeirError('usage', 'SHOW JOBS and STOP JOB are REPL commands', { hint: 'start the REPL with `weir`' });
    }
  }
  if (sinks.length === 0 && queries.length === 0) return 0;
  const plan = session.physicalPlan(sinks, queries, opts.parallelism);
  await loadPlanModules(plan);
  if (!opts.quiet) for (const notice of planNotices(plan, stateTtlOf(session.options))) io.err.write(`weir: ${notice}\n`);
  const tty = io.out.isTTY === true;
  // Checkpoints: on, in .weir/checkpoints/<name> unless told otherwise.
  if (opts.checkpointInterval !== undefined) {
    if (Number.isNaN(parseDuration(opts.checkpointInterval))) throw new UsageError(`--checkpoint-interval takes a duration such as 5s or 500ms, got '${opts.checkpointInterval}'`);
    session.options.set('execution.checkpointing.interval', opts.checkpointInterval);
  }
  const checkpointDir = opts.checkpointDir ?? (session.options.get('state.checkpoints.dir') || defaultCheckpointDir(path));
  let restore: ReturnType<typeof prepareRestore> | undefined;
  if (opts.restore !== undefined) {
    const loaded = loadCheckpoint(opts.restore, checkpointDir, planIdentity(plan), session.options.get('execution.savepoint.ignore-unclaimed-state') === 'true');
    for (const sk of loaded.skipped) io.err.write(`weir: skipping chk-${sk.id}: ${sk.reason}\n`);
    restore = prepareRestore(plan, loaded);
    if (!opts.quiet) io.err.write(`weir: restoring from ${join(loaded.dir, `chk-${loaded.id}`)}${loaded.meta.savepoint ? ' (savepoint)' : ''}, taken ${new Date(loaded.meta.completedAt).toISOString()}${restore.removedFiles > 0 ? `; removed ${restore.removedFiles} uncommitted sink file(s) written after it` : ''}\n`);
  }
  const out: LineSink = {
    write: (text) => {
      if (!io.out.write(text)) return new Promise<void>((resolve) => io.out.once('drain', () => resolve()));
      return undefined;
    },
  };
  const showProgress = !opts.quiet && io.err.isTTY === true;
  // log-update (and the terminal libraries under it) is loaded only for a progress line on a terminal
  const status = showProgress ? (await import('log-update')).createLogUpdate(io.err as NodeJS.WriteStream) : null;
  const jobId = `${basename(path).replace(/\.sql$/i, '')}-${Date.now()}`;
  let lastCheckpoint = '';
  let lastRestart = '';
  const restart = restartStrategyOf(session.options);
  const running = new RunningJob(plan, session.options, {
    jobId,
    parallelism: opts.parallelism,
    restart,
    onRestart: (r) => {
      lastRestart = ` · ${r.restarts} restart${r.restarts === 1 ? '' : 's'} (last: ${clip(r.cause, 60)})`;
      if (!opts.quiet) {
        status?.clear();
        io.err.write(`weir: the job failed: ${r.cause}\nweir: restarting from ${running.restartPoint()} in ${(r.delayMs / 1000).toFixed(1)}s (restart ${r.restarts}, ${describeRestartStrategy(restart)})\n`);
      }
    },
    checkpoint: {
      dir: checkpointDir,
      config: coordinatorConfig(session.options),
      retained: Math.max(1, Number(session.options.get('state.checkpoints.num-retained') ?? 3)),
      onChange: (st) => {
        lastCheckpoint = st.last === undefined ? '' : ` · checkpoint #${st.last.id}`;
      },
    },
    listener: (i) => {
      const printer: ResultListener = queries.length === 1 && tty ? new TableauPrinter(queries[0]!.schema, out) : new PlainPrinter(out, queries.length > 1 ? `[${i + 1}] ` : '');
      if (status === null) return printer;
      // keep the status line below the rows
      return {
        onBatch: async (b) => {
          status.clear();
          await printer.onBatch(b);
        },
        onEnd: async () => {
          status.clear();
          await printer.onEnd?.();
        },
      };
    },
    onProgress:
      status === null
        ? undefined
        : (p) => status(pc.dim(`weir ${(p.elapsedMs / 1000).toFixed(1)}s · ${formatCount(p.rowsRead)} rows read · ${formatCount(Math.round(p.rowsPerSecond))} rows/s · watermark ${formatWatermark(p.watermark)}${lastCheckpoint}${lastRestart}`)),
  }, restore);
  // SIGINT/SIGTERM: stop with a savepoint (a second signal cancels at once).
  let signals = 0;
  const stop = (): void => {
    signals++;
    if (signals === 1) {
      if (!opts.quiet) io.err.write('\nweir: stopping with a savepoint (signal again to cancel now)\n');
      running.stop();
    } else {
      if (!opts.quiet && signals === 2) io.err.write('weir: cancelling now, without a savepoint\n');
      running.cancel();
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const summary = await running.run();
    status?.clear();
    // a stopped or cancelled job says how to go on from where it was
    const end = signals === 0 ? undefined : signals === 1 ? 'stopped' : 'cancelled';
    const resume = `weir run ${shellWord(path)}${opts.checkpointDir !== undefined ? ` --checkpoint-dir ${shellWord(opts.checkpointDir)}` : ''} --restore latest`;
    if (!opts.quiet) io.err.write(renderSummary(summary, io.err.isTTY === true, { plan, roots: rootLabels(source, executed), end, resume }) + '\n');
    return signals > 1 ? 130 : 0;
  } catch (e) {
    status?.clear();
    // the cause itself is reported by the caller, as any error
    if (running.exhausted) io.err.write(`weir: giving up after ${running.restarts} restart${running.restarts === 1 ? '' : 's'} (restart-strategy: ${describeRestartStrategy(restart)}); the last failure:\n`);
    throw e;
  } finally {
    status?.done();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

function clip(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** `word` as one word of a POSIX shell command line. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface SummaryContext {
  readonly plan: PhysicalPlan;
  /** Labels of the plan's sink and collect nodes, in order (statement-labels.ts). */
  readonly roots: readonly string[];
  /** How the job ended when a signal ended it: stopped with a savepoint, or cancelled. */
  readonly end?: 'stopped' | 'cancelled' | undefined;
  /** The command that restores the job from its latest checkpoint. */
  readonly resume?: string;
}

export function renderSummary(s: JobSummary, color: boolean, job?: SummaryContext): string {
  // per statement and table read when the job is known, else per operator
  const perStatement = (count: (o: JobSummary['operators'][number]) => number): { label: string; count: number }[] =>
    job !== undefined ? countsByStatement(job.plan, job.roots, s.operators, count) : s.operators.filter((o) => count(o) > 0).map((o) => ({ label: o.operator, count: count(o) }));
  const dim = color ? pc.dim : (x: string) => x;
  const secs = (s.elapsedMs / 1000).toFixed(2);
  const counts = `${formatCount(s.rowsRead)} rows read, ${formatCount(s.rowsWritten)} rows written`;
  const head =
    job?.end === 'cancelled'
      ? `${color ? pc.red('✗') : 'cancelled:'} cancelled after ${secs}s: ${counts}`
      : job?.end === 'stopped'
        ? `${color ? pc.yellow('■') : 'stopped:'} stopped after ${secs}s: ${counts}`
        : `${color ? pc.green('✓') : 'done:'} finished in ${secs}s: ${counts}`;
  const lines = [head];
  if (s.restarts > 0) {
    lines.push(`  ${color ? pc.yellow('restarts:') : 'restarts:'} ${s.restarts} automatic restart${s.restarts === 1 ? '' : 's'} from the latest checkpoint${s.restartStrategy !== undefined ? ` (restart-strategy ${describeRestartStrategy(s.restartStrategy)})` : ''}; last cause: ${s.lastRestartCause ?? '?'}`);
    lines.push(dim('    rows counted over every attempt: rows after the checkpoint a restart started from were read again (committed output holds each once)'));
  }
  if (s.skipped > 0) lines.push(`  ${formatCount(s.skipped)} unparseable record${s.skipped === 1 ? '' : 's'} skipped (ignore-parse-errors)`);
  const c = s.checkpoints;
  if (c !== undefined) {
    const last = c.last === undefined ? '' : `; last chk-${c.last.id}${c.last.kind === 'savepoint' ? ' (savepoint)' : c.last.kind === 'final' ? ' (final)' : ''}, ${formatBytes(c.last.bytes)} in ${c.last.durationMs} ms`;
    lines.push(dim(`  checkpoints: ${c.completed} completed, ${c.failed} failed${last}`));
    if (c.failed > 0 && c.lastFailure !== undefined) lines.push(dim(`    last failure: ${c.lastFailure}`));
    if (c.cleanupFailure !== undefined) lines.push(dim(`    ${c.cleanupFailure} (the checkpoints kept are intact)`));
  }
  if (job?.end !== undefined && job.resume !== undefined) {
    if (c?.last !== undefined) lines.push(`  to continue from ${c.last.kind === 'savepoint' ? 'the savepoint' : 'the last checkpoint'} (chk-${c.last.id}): ${job.resume}`);
    else lines.push('  no checkpoint completed in this run');
  }
  if (s.lateDropped > 0) {
    const delays = s.watermarkDelays.map((d) => `${d.table}.${d.column}: ${formatDelay(d.delayMs)}`).join(', ');
    lines.push(`  ${color ? pc.yellow('late:') : 'late:'} ${formatCount(s.lateDropped)} ${s.lateDropped === 1 ? 'record' : 'records'} arrived too late (after their windows fired, or behind a join's, OVER's or sort's watermark) and ${s.lateDropped === 1 ? 'was' : 'were'} dropped${delays ? ` (watermark delay ${delays})` : ''}`);
    for (const x of perStatement((o) => o.lateDropped)) lines.push(dim(`    ${x.label}: ${formatCount(x.count)} dropped`));
  } else {
    lines.push(dim('  no late records dropped'));
  }
  if (s.stateTtlMs > 0 || s.ttlHints > 0 || s.stateExpired > 0) {
    const setting = [s.stateTtlMs > 0 ? `'table.exec.state.ttl' = ${formatTtl(s.stateTtlMs)}` : '', s.ttlHints > 0 ? `STATE_TTL hints on ${s.ttlHints} operator${s.ttlHints === 1 ? '' : 's'}` : ''].filter((x) => x !== '').join(', ');
    lines.push(`  state TTL: ${formatCount(s.stateExpired)} rows and groups expired (${setting}); an expired row no longer matches and an expired group starts again`);
    for (const x of perStatement((o) => o.stateExpired)) lines.push(dim(`    ${x.label}: ${formatCount(x.count)} expired`));
  }
  if (s.localAgg.passedThrough > 0) {
    const share = Math.round((100 * s.localAgg.passedThrough) / Math.max(1, s.localAgg.rowsIn));
    lines.push(dim(`  local pre-aggregation: ${formatCount(s.localAgg.passedThrough)} of ${formatCount(s.localAgg.rowsIn)} rows (${share}%) passed straight to the global phase, where pre-aggregating folded too few rows per group`));
  }
  return lines.join('\n');
}

/** `weir explain FILE.sql`: the plans of the file's INSERTs and queries. */
export async function explainFile(path: string, opts: { set: readonly string[]; parallelism?: number }, io: CliIO = defaultIO): Promise<number> {
  const source = readSource(path);
  const session = new Session();
  await session.loadFunctionModules(source);
  for (const [k, v] of parseSets(opts.set)) session.options.set(k, v);
  if (opts.parallelism !== undefined) session.options.set('parallelism.default', String(opts.parallelism));
  let any = false;
  for (const { statement, result } of session.executeScript(source)) {
    if (result.kind === 'query' || result.kind === 'insert') {
      any = true;
      const text = statement.kind === 'query' || statement.kind === 'insert' || statement.kind === 'statement-set' ? session.explain(statement, source) : '';
      io.out.write(text + '\n\n');
    } else if (result.kind === 'explain') {
      any = true;
      io.out.write(result.text + '\n\n');
    }
  }
  if (!any) io.out.write('(no INSERT or SELECT statements to explain)\n');
  return 0;
}

export interface VerifyFileOptions {
  readonly parallelism?: number;
  readonly crash?: number;
  readonly seed?: number;
  readonly showSql: boolean;
  readonly set: readonly string[];
}

/** `weir verify FILE.sql`: exit 0 when every query agrees with DuckDB, 1 when one differs. */
export async function verifyFile(path: string, opts: VerifyFileOptions, io: CliIO = defaultIO): Promise<number> {
  const source = readSource(path);
  const report = await (await import('../verify/verify.js')).verifyScript(source, {
    parallelism: opts.parallelism,
    crash: opts.crash,
    seed: opts.seed,
    set: parseSets(opts.set),
    log: (l) => io.err.write(`weir: ${l}\n`),
  });
  if (report.verdicts.length === 0) {
    io.out.write(`${path}: no SELECT or INSERT to verify\n`);
    return 0;
  }
  const how = [`parallelism ${opts.parallelism ?? 1}`, ...(opts.crash ? [`${report.crashes} crash${report.crashes === 1 ? '' : 'es'} (seed ${opts.seed ?? 1})`] : [])].join(', ');
  io.out.write(`verifying ${path} (${how}): the streaming result against DuckDB on the same input\n`);
  io.out.write(formatVerifyReport(report, { showSql: opts.showSql, color: io.out.isTTY === true }));
  return report.equal ? 0 : 1;
}

/** Terminal columns for output to `out`: its width on a terminal, else $COLUMNS, else no limit. */
function outputWidth(out: CliIO['out']): number {
  const cols = (out as { columns?: number }).columns;
  if (out.isTTY === true && cols !== undefined && cols > 0) return cols;
  const env = Number(process.env['COLUMNS']);
  return Number.isInteger(env) && env > 0 ? env : Infinity;
}

/** Operators in plan order (`<id>-<kind>`, by id). */
function byOperatorId<T extends { readonly operatorId: string }>(ops: readonly T[]): T[] {
  return [...ops].sort((a, b) => parseInt(a.operatorId, 10) - parseInt(b.operatorId, 10));
}

/** Splits a `, `-separated list into lines of at most `width` characters. */
function wrapList(text: string, width: number): string {
  const lines: string[] = [];
  for (const item of text.split(', ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 2 + item.length <= width) lines[lines.length - 1] = `${last}, ${item}`;
    else lines.push(item);
  }
  return lines.join('\n');
}

/** `weir checkpoints DIR`: every checkpoint with its state, statistics and size per operator; `DIR/chk-N`: that one. */
export function listCheckpoints(dir: string, io: CliIO = defaultIO): number {
  if (!existsSync(dir)) throw new UsageError(`no such checkpoint directory: ${dir}`);
  const one = /^chk-(\d+)$/.exec(basename(dir));
  if (one !== null) return showCheckpoint(dirname(dir), Number(one[1]), io);
  const storage = new CheckpointStorage(dir);
  const ids = storage.ids();
  if (ids.length === 0) {
    io.out.write(`no checkpoints in ${dir}\n`);
    return 0;
  }
  const rows: string[][] = [];
  // checkpoint directory -> the checkpoints that refer to files in it
  const referrers = new Map<string, Set<number>>();
  for (const id of ids) {
    const m = storage.metadata(id);
    if (m === undefined) continue;
    for (const h of m.states) {
      for (const f of filesOf(m, h)) {
        const d = f.path.split('/')[0]!;
        if (d === `chk-${id}`) continue;
        if (!referrers.has(d)) referrers.set(d, new Set());
        referrers.get(d)!.add(id);
      }
    }
  }
  for (const id of ids) {
    try {
      const m = storage.validate(id);
      const size = checkpointSizes(m);
      rows.push([
        `chk-${id}`,
        m.savepoint ? 'savepoint' : m.incremental === true ? 'incremental' : 'complete',
        new Date(m.triggeredAt).toISOString().replace('T', ' ').replace('Z', ''),
        `${m.durationMs} ms`,
        `${Math.round(m.alignmentMs)} ms`,
        formatBytes(size.own),
        formatBytes(size.referenced),
        byOperatorId(m.operators).map((o) => `${o.operatorId}: ${formatBytes(o.bytes)}`).join(', '),
      ]);
    } catch (e) {
      const users = referrers.get(`chk-${id}`);
      if (users !== undefined && !existsSync(join(dir, `chk-${id}`, '_metadata'))) {
        rows.push([`chk-${id}`, 'dropped', '', '', '', '', '', `no longer retained; kept for the files ${[...users].map((u) => `chk-${u}`).join(', ')} refer${users.size === 1 ? 's' : ''} to`]);
      } else rows.push([`chk-${id}`, 'incomplete', '', '', '', '', '', e instanceof Error ? e.message : String(e)]);
    }
  }
  // size: what the checkpoint wrote; refers to: every file its state needs (with incremental
  // checkpoints, files of earlier checkpoints too)
  const header = ['checkpoint', 'status', 'triggered', 'duration', 'alignment', 'size', 'refers to', 'state per operator'];
  // Fit the terminal: the last column (the long one) wraps at its commas; where that is not
  // enough, columns are left out, least telling first (`weir checkpoints DIR/chk-N` shows all).
  const width = outputWidth(io.out);
  const tableWidth = (cols: readonly number[], cells: readonly (readonly string[])[]): number =>
    cols.reduce((a, c) => a + Math.max(header[c]!.length, ...cells.map((r) => Math.max(...r[c]!.split('\n').map((l) => l.length)))) + 3, 1);
  let cols = header.map((_, c) => c);
  let cells: string[][] = rows;
  const STATE = header.length - 1;
  for (const drop of [undefined, STATE, 4, 3, 6, 2]) {
    if (drop !== undefined) cols = cols.filter((c) => c !== drop);
    cells = rows;
    if (cols.includes(STATE)) {
      const room = width - tableWidth(cols.filter((c) => c !== STATE), rows) - 3;
      if (room < 24) continue;
      cells = rows.map((r) => r.map((v, c) => (c === STATE ? wrapList(v, room) : v)));
    }
    if (tableWidth(cols, cells) <= width) break;
  }
  io.out.write(renderTable(cols.map((c) => header[c]!), cells.map((r) => cols.map((c) => r[c]!))) + '\n');
  const hidden = header.filter((_, c) => !cols.includes(c));
  if (hidden.length > 0) io.out.write(`${wrapList(`not shown at this width: ${hidden.join(', ')}`, width)}\n(weir checkpoints ${join(dir, `chk-${ids[ids.length - 1]}`)} shows one whole)\n`);
  return 0;
}

/** `weir checkpoints DIR/chk-N`: one checkpoint, its facts one per line and its state per operator. */
function showCheckpoint(dir: string, id: number, io: CliIO): number {
  const storage = new CheckpointStorage(dir);
  const path = join(dir, `chk-${id}`);
  let m;
  try {
    m = storage.validate(id);
  } catch (e) {
    io.out.write(`chk-${id}: incomplete: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const size = checkpointSizes(m);
  const facts: [string, string][] = [
    ['checkpoint', `chk-${id} (${m.savepoint ? 'savepoint' : m.incremental === true ? 'incremental' : 'complete'})`],
    ['directory', path],
    ['triggered', time(m.triggeredAt)],
    ['completed', time(m.completedAt)],
    ['duration', `${m.durationMs} ms`],
    ['alignment', `${Math.round(m.alignmentMs)} ms`],
    ['size', `${formatBytes(size.own)} written, ${formatBytes(size.referenced)} with the files of earlier checkpoints it refers to`],
    ['key groups', String(m.maxParallelism)],
    ['plan', m.fingerprint],
  ];
  const w = Math.max(...facts.map(([k]) => k.length));
  io.out.write(facts.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n\n');
  const rows = byOperatorId(m.operators).map((o) => [o.operatorId, String(o.subtasks), formatBytes(o.bytes), formatBytes(o.referencedBytes ?? o.bytes)]);
  io.out.write(renderTable(['operator', 'subtasks', 'state', 'refers to'], rows) + '\n');
  io.out.write(`to restore from it: weir run FILE.sql --restore ${shellWord(path)}\n`);
  return 0;
}

export function buildProgram(io: CliIO, setCode: (c: number) => void, shellOptions = false): Command {
  const program = new Command();
  program
    .name('weir')
    .description('weir: streaming SQL (Flink SQL dialect) over event streams, with event-time windows and aggregations.\nRun `weir` without a command for the interactive SQL shell (statements from a pipe run in order); ~/.weirrc runs when it starts.')
    .version(VERSION, '-V, --version', 'print the version of weir')
    .option('-f, --file <file>', "run a file's statements as the shell runs them from a pipe, then exit")
    .option('-c, --command <sql>', 'run these statements, then exit')
    .option('-i, --init <file>', 'run this file first, then start the shell (instead of ~/.weirrc)');
  // the shell's options; without them the first word must be a command (`weir runn` is an
  // unknown command, not an argument)
  if (shellOptions)
    program.action(async (o: { file?: string; command?: string; init?: string }) => {
      if (o.file !== undefined && o.command !== undefined) throw new UsageError('-f and -c cannot be given together');
      if (o.init !== undefined && !existsSync(o.init)) throw new UsageError(`no such file: ${o.init}`);
      const file = o.file === undefined ? undefined : readSource(o.file);
      setCode(await startRepl({ input: process.stdin, output: process.stdout, error: process.stderr }, { init: o.init, command: o.command, file }));
    });
  program
    .showHelpAfterError('(weir --help lists the commands)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) });

  program
    .command('run')
    .description("run a query file: DDL, then its INSERTs and SELECTs as one streaming job; SELECT results are printed")
    .argument('<file>', 'the .sql file')
    .addOption(new Option('-p, --parallelism <n>', 'subtasks per operator (default: parallelism.default, 1)').argParser(positiveInt('--parallelism')))
    .option('--checkpoint-dir <dir>', 'where checkpoints go (default .weir/checkpoints/<file name>)')
    .option('--checkpoint-interval <duration>', 'time between checkpoints, e.g. 5s, 500ms (default execution.checkpointing.interval, 5s; 0: only at the end and on stop)')
    .option('--restore <latest|path>', 'start from the newest complete checkpoint, or from a chk-<n> directory')
    .option('--set <key=value>', 'set a session option, as SET does (repeatable)', collect)
    .option('-q, --quiet', 'no progress line and no summary')
    .action(async (file: string, o: { parallelism?: number; set?: string[]; quiet?: boolean; checkpointDir?: string; checkpointInterval?: string; restore?: string }) => {
      setCode(await runFile(file, { parallelism: o.parallelism, set: o.set ?? [], quiet: o.quiet === true, checkpointDir: o.checkpointDir, checkpointInterval: o.checkpointInterval, restore: o.restore }, io));
    });

  program
    .command('verify')
    .description('run the queries of a file as a stream and as DuckDB queries on the same input, and compare; exit 0 equal, 1 different')
    .argument('<file>', 'the .sql file')
    .addOption(new Option('-p, --parallelism <n>', 'parallelism of the streaming run').argParser(positiveInt('--parallelism')))
    .addOption(new Option('--crash <n>', 'kill the streaming run (SIGKILL) n times at seeded random moments and restore it from its latest checkpoint').argParser(positiveInt('--crash')))
    .addOption(new Option('--seed <s>', 'seed of the crash moments (default 1)').argParser(positiveInt('--seed')))
    .option('--show-sql', 'print the DuckDB SQL of each query')
    .option('--set <key=value>', 'set a session option (repeatable)', collect)
    .action(async (file: string, o: { parallelism?: number; crash?: number; seed?: number; showSql?: boolean; set?: string[] }) => {
      try {
        setCode(await verifyFile(file, { parallelism: o.parallelism, crash: o.crash, seed: o.seed, showSql: o.showSql === true, set: o.set ?? [] }, io));
      } catch (e) {
        // verify: 1 means "different", so any error is 2
        reportError(e, io);
        setCode(2);
      }
    });

  program
    .command('checkpoints')
    .description("list a job's checkpoints: id, time, duration, alignment, size per operator; or show one (DIR/chk-N)")
    .argument('<dir>', 'a checkpoint directory (e.g. .weir/checkpoints/<file name>), or one checkpoint in it (DIR/chk-N)')
    .action((dir: string) => {
      setCode(listCheckpoints(dir, io));
    });

  program
    .command('explain')
    .description('print the logical and physical plans of the INSERTs and SELECTs in a file')
    .argument('<file>', 'the .sql file')
    .addOption(new Option('-p, --parallelism <n>', 'plan for this parallelism').argParser(positiveInt('--parallelism')))
    .option('--set <key=value>', 'set a session option (repeatable)', collect)
    .action(async (file: string, o: { parallelism?: number; set?: string[] }) => {
      setCode(await explainFile(file, { parallelism: o.parallelism, set: o.set ?? [] }, io));
    });

  return program;
}

export async function main(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  let code = 0;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    argv[0]?.startsWith('-') === true,
  );
  try {
    if (argv.length === 0) return await startRepl({ input: process.stdin, output: process.stdout, error: process.stderr });
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    return reportError(e, io);
  }
}
