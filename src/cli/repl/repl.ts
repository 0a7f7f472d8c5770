// The interactive SQL shell: `weir` with no arguments (DESIGN §7).
//
// Input is read a line at a time; a statement runs once its `;` is typed (a statement set
// once the `;` after its END), so statements span lines freely. Lines starting with `\` are
// meta-commands. On a terminal: line editing, persistent history and tab completion through
// Node's readline; a bare SELECT runs as a live query shown by LiveView until it ends or
// Ctrl-C cancels it; an INSERT starts a background job. With input from a pipe, the same
// statements run in order, results print as plain rows, INSERTs run to completion, and the
// first error ends the run with exit code 1.
//
// While a query runs the line editor is closed and the terminal is in raw mode, so Ctrl-C
// arrives as a byte and cancels the query, not the shell; the editor reopens afterwards.

import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as readline from 'node:readline';
import pc from 'picocolors';
import type { SourceText } from '../../common/errors.js';
import { WeirError, formatError, stackFrames } from '../../common/errors.js';
import { Session, changesSession } from '../../sql/session.js';
import type { StatementResult } from '../../sql/session.js';
import { parseScript, splitStatements, statementText } from '../../sql/parse.js';
import type * as ast from '../../sql/ast.js';
import type { LogicalPlan, SinkNode } from '../../plan/logical.js';
import type { ResultListener } from '../../exec/operators/collect.js';
import { inputsOf, isUpdating } from '../../plan/logical.js';
import { RunningJob, coordinatorConfig, formatDelay, planIdentity, prepareRestore, stateTtlOf } from '../../exec/job-runner.js';
import { planNotices } from '../../exec/state-notices.js';
import { loadPlanModules } from '../../exec/operator-modules.js';
import type { PhysicalPlan } from '../../plan/physical.js';
import type { JobSummary } from '../../exec/job-runner.js';
import { describeRestartStrategy, restartStrategyOf } from '../../exec/restart-strategy.js';
import { loadCheckpoint } from '../../checkpoint/restore.js';
import { createSourceConnector } from '../../connectors/registry.js';
import { ROW_KIND_TEXT, RowKind } from '../../common/batch.js';
import type { Batch } from '../../common/batch.js';
import { T } from '../../common/types.js';
import type { Schema } from '../../plan/logical.js';
import { setPrintTerminal } from '../../connectors/print/sink.js';
import { formatVerifyReport } from '../verify-report.js';
import { complete } from './completion.js';
import type { Expanded, OutputFormat } from './display.js';
import { OUTPUT_FORMATS, cellText, cellsOf, displayWidth as displayWidthOf, formatResult, plural, renderBox } from './display.js';
import { VERSION } from '../version.js';
import { History, historyPath } from './history.js';
import { BackgroundJob, JobRegistry } from './jobs.js';
import type { ResultMode, ResultTarget } from './live-view.js';
import { LiveView, MaterializedResult, RESULT_MODES } from './live-view.js';
import { ReverseSearch } from './reverse-search.js';

export interface ReplIO {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly output: NodeJS.WriteStream;
  readonly error: NodeJS.WritableStream & { isTTY?: boolean };
}

const PROMPT = 'weir> ';
const CONTINUE = '  ... ';

const META_HELP: readonly (readonly [string, string])[] = [
  ['\\help', 'this help (also \\h, \\?)'],
  ['\\quit', 'leave the shell, stopping running jobs with a savepoint (also \\q, Ctrl-D)'],
  ['\\mode [MODE]', 'how results are shown: live as table, changelog or tableau (sql-client.execution.result-mode); csv, json or markdown: the finished result in that format'],
  ['\\x [on|off|auto]', 'expanded display: each row as a record, a column per line (auto: when the table is wider than the screen)'],
  ['\\o [FILE]', 'send results to FILE (\\o alone: back to the screen)'],
  ['\\timing [on|off]', 'print how long each statement took'],
  ['\\i FILE', "run a file's statements as if typed"],
  ['\\verify', 'run weir verify on the last SELECT or INSERT: the stream against DuckDB'],
];

export const META_COMMANDS: readonly string[] = ['\\help', '\\h', '\\?', '\\quit', '\\q', '\\mode', '\\x', '\\o', '\\timing', '\\i', '\\verify'];

/** What `\mode` takes: the live modes of Flink's client and the formats of finished results. */
export const MODES: readonly string[] = [...RESULT_MODES, ...OUTPUT_FORMATS.filter((f) => f !== 'table')];

class StopRun extends Error {}

export class Repl {
  readonly session = new Session();
  readonly jobs = new JobRegistry();
  private readonly history: History;
  private rl: readline.Interface | null = null;
  private closingPrompt = false;
  /** Lines of a statement still being typed. */
  private pending: string[] = [];
  /** Line (0-based) of the input where `pending` starts: errors name lines of the input. */
  private pendingStart = 0;
  /** DDL and SET statements run so far, as typed (for \verify). */
  private readonly ddl: string[] = [];
  private lastQuery: string | undefined;
  private timing = false;
  /** Format of finished results (`\mode csv|json|markdown`); set explicitly (piped input prints plain rows until then). */
  private format: OutputFormat = 'table';
  private formatSet = false;
  private expanded: Expanded = 'off';
  /** `\o FILE`: results go to this file. */
  private outFile: { path: string; fd: number } | null = null;
  /** The live view on screen, if any (keys go to it). */
  private view: LiveView | null = null;
  private readonly search: ReverseSearch;
  /** Cancels what is running now (a live query, a synchronous INSERT). */
  private interrupt: (() => void) | null = null;
  /** Messages from background jobs while a query had the screen. */
  private deferred: string[] = [];
  /**
   * Keys typed or pasted while no prompt is open, in order: the rest of a pasted script after
   * its first statement, or a line typed while a statement runs. The next prompt replays them,
   * as psql and DuckDB's shell keep type-ahead. Keys a live view uses are not kept; Ctrl-C
   * drops them.
   */
  private typeAhead: Array<readonly [string | undefined, readline.Key]> = [];
  /** A live view takes the keys (they scroll it) instead of the type-ahead. */
  private keysToView = false;
  private exit: ((code: number) => void) | null = null;
  private readonly interactive: boolean;
  private readonly color: boolean;
  private readonly errorColor: boolean;
  private failed = false;

  constructor(
    private readonly io: ReplIO,
    opts: { readonly history?: boolean; readonly interactive?: boolean } = {},
  ) {
    this.interactive = opts.interactive ?? io.input.isTTY === true;
    this.color = io.output.isTTY === true && pc.isColorSupported;
    this.errorColor = io.error.isTTY === true && pc.isColorSupported;
    this.history = new History(this.interactive && opts.history !== false ? historyPath() : null);
    this.search = new ReverseSearch(() => this.history.entries);
  }

  // ---------------------------------------------------------------------------------------
  // The two ways in

  /**
   * Interactive: resolves with the exit code when the user leaves. `init` (a file: `-i`, or
   * ~/.weirrc) runs first, as `\\i` would run it; after an error in it the shell still starts.
   */
  async runInteractive(init?: string): Promise<number> {
    const out = this.io.output;
    out.write(`${this.c(`weir ${VERSION}`, 'bold')}: streaming SQL over event streams, in Flink's dialect\n`);
    out.write(this.c("Statements end with ';'. \\help lists the commands, Tab completes, Ctrl-C cancels a query, Ctrl-D exits.", 'dim') + '\n');
    const onSignal = (): void => this.onInterruptSignal();
    process.on('SIGINT', onSignal);
    // keys that arrive when no prompt is open (e.g. the same chunk as the Enter that ran a
    // statement, when a script is pasted) would otherwise reach no listener and be lost
    const onKey = (s: string | undefined, key: readline.Key | undefined): void => this.keepTypeAhead(s, key);
    readline.emitKeypressEvents(this.io.input);
    this.io.input.on('keypress', onKey);
    // rows of print sinks go above the prompt, not onto the line being typed
    const printed = (stream: NodeJS.WritableStream) => ({
      write: (text: string): boolean => {
        this.printAbovePrompt(text, stream);
        return true;
      },
      once: (_event: 'drain', cb: () => void) => cb(),
    });
    setPrintTerminal({ stdout: printed(this.io.output), stderr: printed(this.io.error) });
    if (init !== undefined) {
      try {
        if (!(await this.runFile(init))) out.write(this.c(`(${init} stopped at its first error; the statements after it did not run)`, 'dim') + '\n');
      } catch (e) {
        if (!(e instanceof StopRun)) throw e;
        process.removeListener('SIGINT', onSignal);
        this.io.input.removeListener('keypress', onKey);
        return 0;
      }
    }
    return new Promise<number>((resolve) => {
      this.exit = (code) => {
        process.removeListener('SIGINT', onSignal);
        this.io.input.removeListener('keypress', onKey);
        setPrintTerminal(null);
        resolve(code);
      };
      this.openPrompt();
    });
  }

  /** Piped: every line of the input, in order; exit code 1 after the first error. */
  async runPiped(init?: string): Promise<number> {
    return this.runScript(init, async () => ({ text: await readAll(this.io.input), name: 'stdin' }));
  }

  /**
   * `-c SQL` and `-f FILE`: the statements of `script` as a pipe would give them (plain rows,
   * INSERTs to the end, the first error ends the run with exit code 1), after `init`.
   */
  runScripted(init: string | undefined, script: { readonly text: string; readonly name: string }): Promise<number> {
    return this.runScript(init, () => Promise.resolve(script));
  }

  private async runScript(init: string | undefined, read: () => Promise<{ text: string; name: string }>): Promise<number> {
    const onSignal = (): void => this.onInterruptSignal();
    process.on('SIGINT', onSignal);
    try {
      if (init !== undefined && !(await this.runFile(init))) return 1;
      const { text, name } = await read();
      const lines = text.split(/\r?\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      for (let i = 0; i < lines.length; i++) {
        if (!(await this.handleLine(lines[i]!, name, i))) return 1;
      }
      // a last statement without its ';'
      if (this.pending.join('\n').trim() !== '') {
        const text = this.pending.join('\n');
        this.pending = [];
        await this.runText(text, name, this.pendingStart);
      }
      if (this.failed) return 1;
      await this.stopAllJobs();
      return 0;
    } catch (e) {
      if (e instanceof StopRun) return this.failed ? 1 : 0;
      throw e;
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The line editor

  private openPrompt(): void {
    const rl = readline.createInterface({
      input: this.io.input,
      output: this.io.output,
      terminal: true,
      history: this.history.entries,
      historySize: 1000,
      removeHistoryDuplicates: true,
      prompt: this.pending.length > 0 ? CONTINUE : PROMPT,
      completer: (line: string): [string[], string] =>
        complete(line, { catalog: this.session.catalog, pending: this.pending.join('\n'), jobIds: this.jobs.jobs.map((j) => j.id), metaCommands: META_COMMANDS, resultModes: MODES }),
      tabSize: 2,
    });
    this.rl = rl;
    this.search.attach(rl, () => (this.pending.length > 0 ? CONTINUE : PROMPT));
    rl.on('line', (line) => {
      void this.onLine(line);
    });
    rl.on('SIGINT', () => {
      // Ctrl-C at the prompt drops what was typed, as in psql
      const typed = rl.line.length > 0 || this.pending.length > 0;
      this.pending = [];
      rl.setPrompt(PROMPT);
      this.io.output.write(typed ? '^C\n' : `^C ${this.c('(\\q or Ctrl-D leaves the shell)', 'dim')}\n`);
      // clear the line readline still holds
      (rl as unknown as { line: string; cursor: number }).line = '';
      (rl as unknown as { cursor: number }).cursor = 0;
      rl.prompt();
    });
    rl.on('close', () => {
      if (this.closingPrompt) return;
      this.rl = null;
      this.io.output.write('\n');
      void this.leave();
    });
    for (const m of this.deferred) this.io.output.write(`${m}\n`);
    this.deferred = [];
    rl.prompt();
    // type-ahead, as if typed now; a line that runs a statement closes this prompt, and the
    // keys after it wait for the next one
    while (this.typeAhead.length > 0 && this.rl === rl) {
      const [s, key] = this.typeAhead.shift()!;
      rl.write(s as string, key);
    }
  }

  private keepTypeAhead(s: string | undefined, key: readline.Key | undefined): void {
    if (this.rl !== null || this.keysToView || this.leaving) return;
    if (key?.ctrl === true && key.name === 'c') {
      this.typeAhead = [];
      return;
    }
    if (this.typeAhead.length < 100_000) this.typeAhead.push([s, key ?? { sequence: s }]);
  }

  private closePrompt(): void {
    if (this.rl === null) return;
    this.closingPrompt = true;
    this.rl.close();
    this.closingPrompt = false;
    this.rl = null;
  }

  private async onLine(line: string): Promise<void> {
    // readline put each non-empty line in its history; they are replaced by the whole statement
    const statementLines = [...this.pending, line].filter((l) => l.trim() !== '').length;
    const before = this.pending.length;
    // a complete statement (or meta-command) takes the screen: close the editor while it runs
    const completes = this.completesSomething(line);
    if (!completes) {
      this.pending.push(line);
      this.rl?.setPrompt(this.pending.join('').trim() === '' ? PROMPT : CONTINUE);
      if (this.pending.join('').trim() === '') this.pending = [];
      this.rl?.prompt();
      return;
    }
    this.history.add(before === 0 && line.trim().startsWith('\\') ? line : [...this.pending, line].join('\n'), statementLines);
    this.closePrompt();
    try {
      await this.handleLine(line, 'repl');
    } catch (e) {
      if (!(e instanceof StopRun)) this.printError(e);
    }
    if (this.exit === null) return;
    if (this.leaving) return;
    this.openPrompt();
  }

  /** Whether adding `line` runs something: a meta-command, or a statement's final `;`. */
  private completesSomething(line: string): boolean {
    if (this.pending.length === 0 && line.trim().startsWith('\\')) return true;
    return splitStatements([...this.pending, line].join('\n')).some((c) => c.complete);
  }

  // ---------------------------------------------------------------------------------------
  // Lines, statements, meta-commands (shared by both ways in)

  /**
   * Takes one input line (`lineIndex`: its 0-based line in a file or pipe; typed statements
   * count their lines from their own start); false when something it ran failed.
   */
  private async handleLine(line: string, name: string, lineIndex?: number): Promise<boolean> {
    if (this.pending.length === 0 && line.trim().startsWith('\\')) {
      return this.meta(line.trim(), name);
    }
    if (this.pending.length === 0) this.pendingStart = lineIndex ?? 0;
    this.pending.push(line);
    const text = this.pending.join('\n');
    const chunks = splitStatements(text);
    if (chunks.length === 0) {
      // only comments and blank lines
      if (text.trim() === '' || !/\S/.test(text.replace(/--[^\n]*/g, ''))) this.pending = [];
      return true;
    }
    const last = chunks[chunks.length - 1]!;
    const ready = last.complete ? chunks : chunks.slice(0, -1);
    if (ready.length === 0) return true;
    const start = this.pendingStart;
    this.pending = last.complete ? [] : [text.slice(last.start)];
    if (!last.complete) this.pendingStart = start + countLines(text.slice(0, last.start));
    const end = ready[ready.length - 1]!.end;
    return this.runText(text.slice(0, end), name, start);
  }

  /** Runs every statement of `text` (which starts at line `firstLine`), stopping at the first error. */
  private async runText(text: string, name: string, firstLine = 0): Promise<boolean> {
    for (const chunk of splitStatements(text)) {
      // keep the chunk at its place, so error positions are lines of the input
      const padded = '\n'.repeat(firstLine) + text.slice(0, chunk.start).replace(/[^\n]/g, ' ') + chunk.text;
      const source: SourceText = { name, text: padded };
      const started = performance.now();
      let ok = true;
      try {
        for (const stmt of parseScript(source)) await this.runStatement(stmt, source);
      } catch (e) {
        if (e instanceof StopRun) throw e;
        this.printError(e);
        ok = false;
      }
      if (this.timing) this.io.output.write(this.c(`Time: ${(performance.now() - started).toFixed(3)} ms`, 'dim') + '\n');
      if (!ok) return false;
    }
    return true;
  }

  private async runStatement(stmt: ast.Statement, source: SourceText): Promise<void> {
    await this.session.loadFunctionModules(source, [stmt]);
    const r: StatementResult = this.session.execute(stmt, source);
    const text = statementText(source, stmt).trim();
    const out = this.io.output;
    switch (r.kind) {
      case 'ok':
        if (stmt.kind === 'create-function' || changesSession(stmt)) this.ddl.push(text);
        if (this.interactive) out.write(`${this.c('✓', 'green')} ${r.message}\n`);
        return;
      case 'table':
        this.emitTable(r.header, r.rows);
        return;
      case 'explain':
        this.result().write(r.text + '\n');
        return;
      case 'query':
        this.lastQuery = text;
        await this.runQuery(r.plan);
        return;
      case 'insert':
        this.lastQuery = text;
        // CREATE TABLE ... AS SELECT: later replays create the table by its plain DDL
        if (r.ddl !== undefined) {
          this.ddl.push(r.ddl);
          if (r.query !== undefined) this.lastQuery = `INSERT INTO \`${r.sinks[0]!.table.name.replaceAll('`', '``')}\` ${source.text.slice(r.query.span.start, r.query.span.end)}`;
        }
        await this.startInsert(r.sinks, text);
        return;
      case 'show-jobs': {
        const t = this.jobs.table();
        if (t.rows.length === 0) out.write('no jobs in this session\n');
        else this.emitTable(t.header, t.rows);
        return;
      }
      case 'stop-job':
        await this.stopJob(r.jobId);
        return;
    }
  }

  private async meta(line: string, name: string): Promise<boolean> {
    const [cmd, ...args] = line.split(/\s+/);
    const arg = args.join(' ');
    const out = this.io.output;
    switch (cmd) {
      case '\\help':
      case '\\h':
      case '\\?':
        out.write(this.helpText());
        return true;
      case '\\quit':
      case '\\q':
        await this.leave();
        throw new StopRun();
      case '\\mode': {
        if (arg === '') {
          out.write(`result mode: ${this.format !== 'table' ? this.format : this.mode()} (one of ${MODES.join(', ')})\n`);
          return true;
        }
        const m = arg.toLowerCase();
        if (!MODES.includes(m)) {
          this.printError(new WeirError('usage', `unknown result mode '${arg}'`, { hint: `use one of ${MODES.join(', ')}` }));
          return false;
        }
        if ((RESULT_MODES as readonly string[]).includes(m)) {
          this.session.options.set('sql-client.execution.result-mode', m);
          this.format = 'table';
        } else {
          // a finished result in a format: live, the table shows it as it grows
          this.session.options.set('sql-client.execution.result-mode', 'table');
          this.format = m as OutputFormat;
        }
        this.formatSet = true;
        if (this.interactive) out.write(`result mode: ${m}\n`);
        return true;
      }
      case '\\x': {
        const v = arg.toLowerCase();
        if (v !== '' && v !== 'on' && v !== 'off' && v !== 'auto') {
          this.printError(new WeirError('usage', `\\x takes on, off or auto, got '${arg}'`));
          return false;
        }
        this.expanded = v === '' ? (this.expanded === 'on' ? 'off' : 'on') : v;
        if (this.interactive) out.write(`expanded display is ${this.expanded}\n`);
        return true;
      }
      case '\\o': {
        if (this.outFile !== null) {
          closeSync(this.outFile.fd);
          this.outFile = null;
        }
        if (arg === '') {
        if (this.interactive) out.write('results go to the screen\n');
          return true;
        }
        try {
          this.outFile = { path: arg, fd: openSync(arg, 'w') };
        } catch (e) {
          this.printError(new WeirError('usage', `cannot write ${arg}: ${e instanceof Error ? e.message : String(e)}`));
          return false;
        }
        if (this.interactive) out.write(`results go to ${arg} (\\o alone: back to the screen)\n`);
        return true;
      }
      case '\\timing':
        if (arg !== '' && arg !== 'on' && arg !== 'off') {
          this.printError(new WeirError('usage', `\\timing takes on or off, got '${arg}'`));
          return false;
        }
        this.timing = arg === '' ? !this.timing : arg === 'on';
        out.write(`timing is ${this.timing ? 'on' : 'off'}\n`);
        return true;
      case '\\i': {
        if (arg === '') {
          this.printError(new WeirError('usage', '\\i needs a file name', { hint: '\\i queries/quickstart.sql' }));
          return false;
        }
        if (!existsSync(arg)) {
          this.printError(new WeirError('usage', `no such file: ${arg}`));
          return false;
        }
        return this.runFile(arg);
      }
      case '\\verify':
        return this.verifyLast();
      default:
        this.printError(new WeirError('usage', `unknown command ${cmd}`, { hint: '\\help lists the commands' }));
        void name;
        return false;
    }
  }

  /** \i FILE: its lines as if typed, stopping at the first error. */
  private async runFile(path: string): Promise<boolean> {
    const saved = this.pending;
    const savedStart = this.pendingStart;
    this.pending = [];
    try {
      const lines = readFileSync(path, 'utf8').split(/\r?\n/);
      for (let i = 0; i < lines.length; i++) {
        if (!(await this.handleLine(lines[i]!, path, i))) return false;
      }
      if (this.pending.join('\n').trim() !== '') {
        const rest = this.pending.join('\n');
        this.pending = [];
        return await this.runText(rest, path, this.pendingStart);
      }
      return true;
    } finally {
      this.pending = saved;
      this.pendingStart = savedStart;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Queries and jobs

  private mode(): ResultMode {
    return (this.session.options.get('sql-client.execution.result-mode') ?? 'table').toLowerCase() as ResultMode;
  }

  /** Where results go: the screen, or the file of `\o`. */
  private result(): ResultTarget {
    const f = this.outFile;
    if (f === null) return { file: undefined, write: (text) => void this.io.output.write(text) };
    return { file: f.path, write: (text) => void writeSync(f.fd, text) };
  }

  /** A small table (SHOW, DESCRIBE, SHOW JOBS) in the shell's style, or in the `\mode` format. */
  private emitTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
    const target = this.result();
    const schema: Schema = header.map((name) => ({ name, type: T.STRING, nullable: true }) as Schema[number]);
    if (this.format === 'table') {
      const expanded = this.expanded === 'on' || (this.expanded === 'auto' && (renderBox(header, rows)[0]?.length ?? 0) > (this.io.output.columns ?? 80));
      const body = expanded ? formatResult('table', schema, rows, { expanded: 'on', screenWidth: this.io.output.columns ?? 80 }).replace(/[^\n]*\n$/, '') : `${renderBox(header, rows).join('\n')}\n`;
      target.write(`${body}${plural(rows.length, 'row')} in set\n`);
    } else {
      target.write(formatResult(this.format, schema, rows, { expanded: this.expanded, screenWidth: this.io.output.columns ?? 80 }));
    }
    if (target.file !== undefined) this.io.output.write(this.c(`${plural(rows.length, 'row')} written to ${target.file}`, 'dim') + '\n');
  }

  /** What `weir run` says before a job starts (a header read as data, state without bound), in yellow. */
  private notices(plan: PhysicalPlan): void {
    for (const notice of planNotices(plan, stateTtlOf(this.session.options))) this.io.error.write(`${this.c(notice, 'yellow')}\n`);
  }

  /** A bare SELECT: a live view on a terminal, plain `+I[...]` rows otherwise (or a finished result in the `\mode` format). */
  private async runQuery(logical: LogicalPlan): Promise<void> {
    const plan = this.session.physicalPlan([], [logical]);
    await loadPlanModules(plan);
    this.notices(plan);
    const out = this.io.output;
    const tty = out.isTTY === true;
    const dir = mkdtempSync(join(tmpdir(), 'weir-repl-'));
    const target = this.result();
    const maxRows = Number(this.session.options.get('sql-client.execution.max-table-result.rows') ?? 1_000_000);
    let checkpoint = '';
    let running: RunningJob | null = null;
    const view = tty
      ? new LiveView(logical.schema, out, {
          mode: this.mode(),
          format: this.format,
          expanded: this.expanded,
          maxRows,
          updating: isUpdating(logical),
          color: this.color,
          target,
          sample: () => running!.progressNow(),
          checkpoint: () => checkpoint,
        })
      : null;
    const plain = view === null ? new PipedResult(logical.schema, this.formatSet ? this.format : null, maxRows, (t) => (target.file === undefined ? writeWithDrain(out, t) : target.write(t)), this.expanded) : null;
    try {
      running = this.newQueryJob(plan, dir, view ?? plain!, (text) => (checkpoint = text));
    } catch (e) {
      // the job could not be set up: give the screen back without a result
      view?.abandon();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const job = running;
    let cancelled = false;
    let summary: JobSummary;
    let failed = true;
    this.view = view;
    try {
      summary = await this.interruptible(
        job.run(),
        () => {
          cancelled = true;
          job.cancel();
        },
        view === null ? undefined : (key) => /[qQ]/.test(key.replace(/\u001b(\[[0-9;]*[~A-Za-z]|O[A-Za-z])/g, '')) || (view.key(key) && 'used'),
      );
      failed = false;
    } finally {
      this.view = null;
      // a failed query shows its error, not an empty or partial table
      if (failed) view?.abandon();
      else view?.finish();
      rmSync(dir, { recursive: true, force: true });
    }
    if (plain !== null) await plain.end();
    if (view !== null) {
      const secs = (summary.elapsedMs / 1000).toFixed(2);
      const rows = view.changes;
      const written = target.file === undefined ? '' : ` · result written to ${target.file}`;
      out.write(this.c(cancelled ? `query cancelled after ${secs}s (${plural(rows, 'change')} received)${written}` : `query finished in ${secs}s: ${plural(rows, 'change')}, ${plural(summary.rowsRead, 'row')} read${written}`, 'dim') + '\n');
    }
    // as `weir run` does: records a parse-error option skipped are counted, not hidden
    if (summary.skipped > 0) this.io.error.write(`${this.c(skippedRecords(summary.skipped), 'yellow')}\n`);
    if (summary.lateDropped > 0) {
      const delays = summary.watermarkDelays.map((d) => `${d.table}.${d.column}: ${formatDelay(d.delayMs)}`).join(', ');
      this.io.error.write(`${this.c('late:', 'yellow')} ${plural(summary.lateDropped, 'record')} arrived too late (after their windows fired, or behind a join's, OVER's or sort's watermark) and ${summary.lateDropped === 1 ? 'was' : 'were'} dropped${delays ? ` (watermark delay ${delays})` : ''}\n`);
    }
    if (summary.stateExpired > 0) this.io.error.write(`${this.c('state TTL:', 'yellow')} ${plural(summary.stateExpired, 'row or group', 'rows and groups')} expired from state\n`);
  }

  /** The job of a bare SELECT, checkpointing into `dir`; `onCheckpoint` gets the status text of the last one. */
  private newQueryJob(plan: ReturnType<Session['physicalPlan']>, dir: string, listener: ResultListener, onCheckpoint: (text: string) => void): RunningJob {
    return new RunningJob(plan, this.session.options, {
      jobId: `select-${JobRegistry.newId()}`,
      checkpoint: {
        dir,
        config: coordinatorConfig(this.session.options),
        retained: 1,
        onChange: (st) => {
          if (st.last !== undefined) onCheckpoint(`checkpoint #${st.last.id} at ${new Date(st.last.triggeredAt).toTimeString().slice(0, 8)}`);
        },
      },
      listener: () => listener,
    });
  }

  /** INSERT INTO: a background job (interactive), or run to the end (piped, or table.dml-sync). */
  private async startInsert(sinks: readonly SinkNode[], text: string): Promise<void> {
    const id = JobRegistry.newId();
    const plan = this.session.physicalPlan(sinks, []);
    await loadPlanModules(plan);
    this.notices(plan);
    const options = this.session.options;
    const dir = options.get('state.checkpoints.dir') || join('.weir', 'checkpoints', `repl-${id}`);
    let restore: ReturnType<typeof prepareRestore> | undefined;
    const savepoint = options.get('execution.savepoint.path');
    if (savepoint !== undefined && savepoint !== '') {
      const loaded = loadCheckpoint(savepoint, dir, planIdentity(plan), options.get('execution.savepoint.ignore-unclaimed-state') === 'true');
      restore = prepareRestore(plan, loaded);
      this.io.output.write(`restoring from ${join(loaded.dir, `chk-${loaded.id}`)}\n`);
    }
    const sync = !this.interactive || options.get('table.dml-sync') === 'true';
    // a failure restarts the job from its latest checkpoint, as `weir run` does (restart-strategy.*)
    const restart = restartStrategyOf(options);
    const running: RunningJob = new RunningJob(
      plan,
      options,
      {
        jobId: id,
        checkpoint: { dir, config: coordinatorConfig(options), retained: Math.max(1, Number(options.get('state.checkpoints.num-retained') ?? 3)) },
        restart,
        onRestart: (r) => {
          const text = `job ${id} failed: ${r.cause}; restarting from ${running.restartPoint()} in ${(r.delayMs / 1000).toFixed(1)}s (restart ${r.restarts}, ${describeRestartStrategy(restart)})`;
          if (sync) this.io.error.write(`${text}\n`);
          else this.notify(text);
        },
      },
      restore,
    );
    const oneLine = text.replace(/\s+/g, ' ');
    const job = new BackgroundJob(id, oneLine, running, dir, (j) => {
      if (!sync) this.notify(this.jobEndMessage(j));
    });
    this.jobs.add(job);
    if (!sync) {
      this.io.output.write(`job ${this.c(id, 'bold')} started: ${oneLine.length > 70 ? `${oneLine.slice(0, 67)}...` : oneLine}\n`);
      this.io.output.write(this.c(`SHOW JOBS lists it; STOP JOB '${id}' stops it with a savepoint.`, 'dim') + '\n');
      return;
    }
    await this.interruptible(job.done, () => job.stop());
    const msg = this.jobEndMessage(job);
    if (job.status === 'FAILED') throw job.error;
    (this.interactive ? this.io.output : this.io.error).write(`${msg}\n`);
  }

  private jobEndMessage(j: BackgroundJob): string {
    const s = j.summary;
    switch (j.status) {
      case 'FINISHED':
        return `job ${j.id} finished${s!.restarts > 0 ? ` after ${plural(s!.restarts, 'automatic restart')}` : ''}: ${plural(s!.rowsRead, 'row')} read, ${plural(s!.rowsWritten, 'row')} written${s!.skipped > 0 ? `, ${skippedRecords(s!.skipped)}` : ''}${s!.lateDropped > 0 ? `, ${plural(s!.lateDropped, 'late record')} dropped` : ''}`;
      case 'STOPPED':
        return `job ${j.id} stopped${j.lastCheckpoint !== undefined ? ` with a savepoint at ${j.lastCheckpoint}; to resume: SET 'execution.savepoint.path' = '${j.lastCheckpoint}'; then the same INSERT` : ''}`;
      case 'FAILED': {
        const e = j.error;
        return `job ${j.id} failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      default:
        return `job ${j.id}: ${j.status.toLowerCase()}`;
    }
  }

  private async stopJob(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (job === undefined) {
      const known = this.jobs.jobs.map((j) => j.id);
      throw new WeirError('usage', `no job '${id}' in this session`, { hint: known.length > 0 ? `SHOW JOBS lists them: ${known.join(', ')}` : 'INSERT INTO starts a job' });
    }
    if (!job.active) {
      this.io.output.write(`job ${id} is not running (${job.status.toLowerCase()})\n`);
      return;
    }
    this.io.output.write(`stopping job ${id} with a savepoint...\n`);
    job.stop();
    await this.interruptible(job.done, () => job.running.cancel());
  }

  /** Leaves the shell: running jobs stop with a savepoint first. */
  private leaving = false;
  private async leave(): Promise<void> {
    if (this.leaving) return;
    this.leaving = true;
    this.closePrompt();
    await this.stopAllJobs();
    this.history.compact();
    this.exit?.(this.failed && !this.interactive ? 1 : 0);
    this.exit = null;
  }

  private async stopAllJobs(): Promise<void> {
    const active = this.jobs.active();
    if (active.length === 0) return;
    if (this.interactive) {
      this.io.output.write(`stopping ${plural(active.length, 'running job')} with a savepoint...\n`);
      for (const j of active) j.stop();
      await this.interruptible(Promise.all(active.map((j) => j.done)), () => active.forEach((j) => j.running.cancel()));
      for (const j of active) this.io.output.write(`${this.jobEndMessage(j)}\n`);
    } else {
      // piped: background jobs (table.dml-sync off is not possible here) have all finished
      await Promise.all(active.map((j) => j.done));
    }
  }

  /** \verify: the session's DDL and the last query, as `weir verify` would run them. */
  private async verifyLast(): Promise<boolean> {
    if (this.lastQuery === undefined) {
      this.printError(new WeirError('usage', 'no query to verify yet', { hint: 'run a SELECT or INSERT first; \\verify checks the last one' }));
      return false;
    }
    const script = `${this.ddl.map((d) => `${d};`).join('\n')}\n${this.lastQuery};\n`;
    const source: SourceText = { name: '\\verify', text: script };
    // the query must end on its own: a stream without end cannot be compared
    const probe = new Session();
    let plan: LogicalPlan | undefined;
    for (const { result } of probe.executeScript(source)) {
      if (result.kind === 'query') plan = result.plan;
      if (result.kind === 'insert') plan = result.sinks[0]!.input;
    }
    const unbounded = plan === undefined ? [] : unboundedTables(plan, Number(probe.options.get('pipeline.max-parallelism') ?? 128));
    if (unbounded.length > 0) {
      this.printError(new WeirError('usage', `\\verify needs input that ends, but ${unbounded.join(', ')} ${unbounded.length === 1 ? 'has' : 'have'} no end`, { hint: "bound the source (e.g. 'events.num' for nexmark and datagen, files for filesystem) and run the query again" }));
      return false;
    }
    this.io.output.write(`verifying the last query against DuckDB...\n`);
    const report = await this.interruptible(import('../../verify/verify.js').then((m) => m.verifyScript(source, {})), () => undefined);
    this.io.output.write(formatVerifyReport(report, { showSql: false, color: this.color, statement: abbreviateStatement(this.lastQuery) }));
    return report.equal;
  }

  // ---------------------------------------------------------------------------------------
  // Interrupts and output

  /**
   * Runs `work` with Ctrl-C cancelling it: on a terminal in raw mode (the byte 0x03), and
   * through SIGINT otherwise. `keys` sees the other keys typed meanwhile (a live result view
   * scrolls with them; `q` stops it, as in Flink's SQL client) and says whether the key
   * stops the work; keys it does not use are dropped. Without `keys`, what is typed meanwhile
   * is kept for the next prompt (typeAhead).
   */
  private async interruptible<T>(work: Promise<T>, onInterrupt: () => void, keys?: (key: string) => boolean | 'used'): Promise<T> {
    const input = this.io.input;
    let onData: ((d: Buffer | string) => void) | null = null;
    if (input.isTTY === true && input.setRawMode !== undefined) {
      input.setRawMode(true);
      onData = (d) => {
        const s = typeof d === 'string' ? d : d.toString('latin1');
        if (s.includes('\u0003')) onInterrupt();
        else if (keys !== undefined && keys(s) === true) onInterrupt();
      };
      input.on('data', onData);
      input.resume();
    }
    const previous = this.interrupt;
    const previousKeys = this.keysToView;
    this.interrupt = onInterrupt;
    this.keysToView = keys !== undefined;
    try {
      return await work;
    } finally {
      this.interrupt = previous;
      this.keysToView = previousKeys;
      if (onData !== null) {
        input.removeListener('data', onData);
        input.setRawMode!(false);
        input.pause();
      }
    }
  }

  private onInterruptSignal(): void {
    if (this.interrupt !== null) this.interrupt();
    else if (!this.interactive) process.exit(130);
  }

  /** A message from a background job: above the prompt, or after the running query. */
  private notify(text: string): void {
    if (this.rl === null) {
      if (this.interactive) this.deferred.push(text);
      else this.io.error.write(`${text}\n`);
      return;
    }
    this.printAbovePrompt(`${text}\n`, this.io.output);
  }

  /**
   * Text from a background job (a print sink's rows) while the shell runs: above the prompt
   * and the line being typed, which are drawn again below it; held back while a live table
   * has the screen (up to a limit), and written as it comes while a statement runs.
   */
  private printAbovePrompt(text: string, stream: NodeJS.WritableStream): void {
    if (this.rl === null) {
      if (this.view !== null && this.mode() === 'table') {
        if (this.deferred.length < 10_000) this.deferred.push(text.replace(/\n$/, ''));
        return;
      }
      stream.write(text);
      return;
    }
    // the prompt and typed text may span several screen lines: erase them all
    const rl = this.rl as unknown as { line: string; getPrompt(): string };
    const cols = this.io.output.columns ?? 80;
    const above = Math.floor(displayWidthOf(rl.getPrompt() + rl.line) / cols);
    readline.cursorTo(this.io.output, 0);
    if (above > 0) readline.moveCursor(this.io.output, 0, -above);
    readline.clearScreenDown(this.io.output);
    stream.write(text);
    this.rl.prompt(true);
  }

  private printError(e: unknown): void {
    if (!this.interactive) this.failed = true;
    const color = (s: string, c: 'red' | 'blue' | 'bold' | 'cyan'): string => (this.errorColor ? pc[c](s) : s);
    if (e instanceof WeirError) {
      this.io.error.write(formatError(e, color) + '\n');
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    this.io.error.write(`${color('internal error:', 'red')} ${err.message} (this is a bug in weir)\n${stackFrames(err)}`);
  }

  private helpText(): string {
    const w = Math.max(...META_HELP.map(([c]) => c.length));
    const lines = [
      'Statements (end each with ;):',
      '  CREATE TABLE / CREATE VIEW / DROP      define tables over connectors, and views',
      '  SELECT ...                             a live query: rows appear and update as events arrive',
      '  INSERT INTO t SELECT ...               a background job writing to a sink',
      '  SHOW JOBS, STOP JOB \'id\'               list jobs; stop one with a savepoint',
      '  SHOW TABLES / VIEWS / FUNCTIONS, DESCRIBE t, EXPLAIN <statement>',
      "  SET 'key' = 'value', SET, RESET        session options (SET alone lists them)",
      '',
      'Commands:',
      ...META_HELP.map(([c, d]) => `  ${c.padEnd(w)}  ${d}`),
      '',
    ];
    return lines.join('\n') + '\n';
  }

  private c(s: string, style: 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'blue' | 'cyan'): string {
    if (!this.color) return s;
    return pc[style](s);
  }
}

/** Tables the plan reads whose source never ends. */
function unboundedTables(plan: LogicalPlan, maxParallelism: number): string[] {
  const out = new Set<string>();
  const walk = (p: LogicalPlan): void => {
    if (p.kind === 'scan') {
      try {
        if (!createSourceConnector(p.table, maxParallelism).bounded) out.add(p.table.name);
      } catch {
        // the run reports a bad table itself
      }
    }
    for (const c of inputsOf(p)) walk(c);
  };
  walk(plan);
  return [...out];
}

/**
 * Rows of a SELECT with piped input: one per line as the print connector writes them
 * (`+I[a, NULL]`), or, after `\mode table|csv|json|markdown`, the finished result in that format.
 */
class PipedResult {
  private readonly table: MaterializedResult | null;

  constructor(
    private readonly schema: Schema,
    private readonly format: OutputFormat | null,
    maxRows: number,
    private readonly write: (text: string) => void | Promise<void>,
    private readonly expanded: Expanded,
  ) {
    this.table = format === null ? null : new MaterializedResult(maxRows);
  }

  onBatch(batch: Batch): void | Promise<void> {
    if (this.table !== null) {
      for (let i = 0; i < batch.length; i++) this.table.apply(batch.ops === null ? RowKind.Insert : batch.ops[i]!, cellsOf(batch, i), 0);
      this.table.flush();
      return;
    }
    const lines: string[] = [];
    for (let i = 0; i < batch.length; i++) lines.push(`${ROW_KIND_TEXT[batch.ops === null ? 0 : batch.ops[i]!]!}[${cellsOf(batch, i).map(cellText).join(', ')}]`);
    if (lines.length > 0) return this.write(`${lines.join('\n')}\n`);
  }

  async end(): Promise<void> {
    if (this.table !== null) await this.write(formatResult(this.format!, this.schema, this.table.rows(), { expanded: this.expanded, screenWidth: 80 }));
  }
}

/** `4 unparseable records skipped (ignore-parse-errors)`, as the `weir run` summary says it. */
function skippedRecords(n: number): string {
  return `${plural(n, 'unparseable record')} skipped (ignore-parse-errors)`;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function writeWithDrain(out: NodeJS.WritableStream, text: string): void | Promise<void> {
  if (!out.write(text)) return new Promise<void>((resolve) => out.once('drain', () => resolve()));
  return undefined;
}

function readAll(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    input.on('data', (d: Buffer | string) => parts.push(typeof d === 'string' ? Buffer.from(d) : d));
    input.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    input.on('error', reject);
  });
}

export interface StartOptions {
  /** `-i FILE`: run before the shell starts, instead of ~/.weirrc. */
  readonly init?: string | undefined;
  /** `-c SQL`: run these statements, then exit. */
  readonly command?: string | undefined;
  /** `-f FILE`: run this file's statements, then exit. */
  readonly file?: { readonly text: string; readonly name: string } | undefined;
}

/** ~/.weirrc (HOME decides where ~ is), when it exists: run at shell start, as DuckDB's ~/.duckdbrc. */
export function rcFile(): string | undefined {
  const p = join(homedir(), '.weirrc');
  return existsSync(p) ? p : undefined;
}

/** `weir` without a command: the shell, or `-c` / `-f` through it. */
export async function startRepl(io: ReplIO, opts: StartOptions = {}): Promise<number> {
  const init = opts.init ?? rcFile();
  if (opts.command !== undefined || opts.file !== undefined) {
    return new Repl(io, { interactive: false }).runScripted(init, opts.command !== undefined ? { text: opts.command, name: '-c' } : opts.file!);
  }
  const repl = new Repl(io);
  return io.input.isTTY === true ? repl.runInteractive(init) : repl.runPiped(init);
}

/** A statement on one line, cut after about 60 characters (to name it in a report). */
export function abbreviateStatement(sql: string): string {
  const one = sql.replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim().replace(/;$/, '');
  return one.length <= 64 ? one : `${one.slice(0, 60).trimEnd()} …`;
}
