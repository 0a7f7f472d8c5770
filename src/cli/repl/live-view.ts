// Live results of a bare SELECT in the REPL, in the three result modes of Flink's SQL client
// (`sql-client.execution.result-mode`, or `\mode`):
//
// - table: the result as a table kept up to date in place. An insert adds a row at the
//   bottom (so the newest windows are at the bottom), an update (-U then +U) replaces its row
//   where it stands, a delete removes it. Rows changed in the last second are marked in the
//   first column: `+` inserted, `~` updated, `-` deleted (shown once more, struck through).
//   Only the newest rows that fit on the screen are drawn; at most
//   `sql-client.execution.max-table-result.rows` are kept (the oldest are dropped).
// - changelog: every change as it arrives, one line each with its kind (+I, -U, +U, -D).
// - tableau: the rows as a scrolling table; the kind column only for an updating result.
//
// A status line stays below the results: time, rows read per second, the watermark, the last
// checkpoint. Rendering is throttled to ten frames a second, so a fast query costs one
// terminal write per frame, not per row.

import { createLogUpdate } from 'log-update';
import pc from 'picocolors';
import type { Batch } from '../../common/batch.js';
import { RowKind } from '../../common/batch.js';
import { formatCell } from '../../common/display.js';
import type { Schema } from '../../plan/logical.js';
import type { ResultListener } from '../../exec/operators/collect.js';
import { TableauPrinter } from '../result-printer.js';

export type ResultMode = 'table' | 'changelog' | 'tableau';
export const RESULT_MODES: readonly ResultMode[] = ['table', 'changelog', 'tableau'];

const MARK_MS = 1000;
const FRAME_MS = 100;

interface Entry {
  cells: string[];
  key: string;
  mark: '+' | '~' | '-' | '';
  markedAt: number;
  alive: boolean;
}

/** The result of an updating query, kept as rows in place (table mode). */
export class MaterializedResult {
  readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry[]>();
  /** The row a -U took out, which the following +U replaces in place. */
  private pendingUpdate: Entry | null = null;
  dropped = 0;
  /** Rows in the result (entries alive). */
  size = 0;

  constructor(private readonly maxRows: number) {}

  apply(kind: number, cells: string[], now: number): void {
    const key = cells.join('\u0001');
    if (kind !== RowKind.UpdateAfter && this.pendingUpdate !== null) this.settleDelete(this.pendingUpdate, now);
    switch (kind) {
      case RowKind.Insert:
        this.push({ cells, key, mark: '+', markedAt: now, alive: true });
        break;
      case RowKind.UpdateBefore: {
        const e = this.take(key);
        if (e !== undefined) this.pendingUpdate = e;
        break;
      }
      case RowKind.UpdateAfter: {
        const e = this.pendingUpdate;
        this.pendingUpdate = null;
        if (e === null) {
          this.push({ cells, key, mark: '~', markedAt: now, alive: true });
        } else {
          e.cells = cells;
          e.key = key;
          e.mark = '~';
          e.markedAt = now;
          e.alive = true;
          this.size++;
          this.index(e);
        }
        break;
      }
      case RowKind.Delete: {
        const e = this.take(key);
        if (e !== undefined) this.settleDelete(e, now);
        break;
      }
    }
  }

  /** Ends a batch: a -U without its +U was a delete. */
  flush(now: number): void {
    if (this.pendingUpdate !== null) this.settleDelete(this.pendingUpdate, now);
  }

  /** Drops deleted rows whose mark has expired, and clears expired marks. */
  expire(now: number): void {
    let w = 0;
    for (let r = 0; r < this.entries.length; r++) {
      const e = this.entries[r]!;
      if (now - e.markedAt >= MARK_MS) {
        if (!e.alive) continue;
        e.mark = '';
      }
      this.entries[w++] = e;
    }
    this.entries.length = w;
  }

  private settleDelete(e: Entry, now: number): void {
    if (this.pendingUpdate === e) this.pendingUpdate = null;
    e.alive = false;
    e.mark = '-';
    e.markedAt = now;
  }

  private push(e: Entry): void {
    this.entries.push(e);
    this.size++;
    this.index(e);
    if (this.size > this.maxRows) {
      const i = this.entries.findIndex((x) => x.alive);
      const old = this.entries[i]!;
      const l = this.byKey.get(old.key)!;
      l.splice(l.indexOf(old), 1);
      if (l.length === 0) this.byKey.delete(old.key);
      this.entries.splice(i, 1);
      this.size--;
      this.dropped++;
    }
  }

  private index(e: Entry): void {
    const l = this.byKey.get(e.key);
    if (l === undefined) this.byKey.set(e.key, [e]);
    else l.push(e);
  }

  private take(key: string): Entry | undefined {
    const l = this.byKey.get(key);
    if (l === undefined) return undefined;
    const e = l.pop()!;
    if (l.length === 0) this.byKey.delete(key);
    e.alive = false;
    this.size--;
    return e;
  }
}

export interface LiveViewOptions {
  readonly mode: ResultMode;
  readonly maxRows: number;
  /** The query's result is a changelog (updates, deletes). */
  readonly updating: boolean;
  readonly color: boolean;
}

/** Renders a live query's rows to a terminal, with a status line below. */
export class LiveView implements ResultListener {
  private readonly log: ReturnType<typeof createLogUpdate>;
  private readonly table: MaterializedResult | null;
  private readonly scroll: TableauPrinter | null;
  private status = '';
  private timer: NodeJS.Timeout | null = null;
  private lastFrame = 0;
  changes = 0;

  constructor(
    private readonly schema: Schema,
    private readonly out: NodeJS.WriteStream,
    private readonly opts: LiveViewOptions,
  ) {
    this.log = createLogUpdate(out, { showCursor: true });
    this.table = opts.mode === 'table' ? new MaterializedResult(opts.maxRows) : null;
    this.scroll =
      opts.mode === 'table'
        ? null
        : new TableauPrinter(schema, { write: (text) => this.printAbove(text) }, { showKind: opts.mode === 'changelog' || opts.updating, footer: false });
  }

  onBatch(batch: Batch): void | Promise<void> {
    this.changes += batch.length;
    if (this.scroll !== null) return this.scroll.onBatch(batch);
    const now = Date.now();
    for (let i = 0; i < batch.length; i++) {
      const kind = batch.ops === null ? RowKind.Insert : batch.ops[i]!;
      this.table!.apply(kind, batch.columns.map((c) => formatCell(c, i, 'NULL')), now);
    }
    this.table!.flush(now);
    this.schedule();
  }

  setStatus(text: string): void {
    this.status = text;
    this.schedule();
  }

  /** Draws the last frame and leaves it on the screen. */
  finish(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.table !== null) {
      // the final table without marks or status
      this.table.expire(Number.POSITIVE_INFINITY);
      this.status = '';
      this.log(this.frame());
    } else {
      void this.scroll!.onEnd();
      this.log.clear();
    }
    this.log.done();
  }

  private printAbove(text: string): void {
    this.log.clear();
    this.out.write(text);
    this.log(this.frame());
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, FRAME_MS - (Date.now() - this.lastFrame));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastFrame = Date.now();
      this.log(this.frame());
    }, wait);
  }

  private frame(): string {
    const width = (this.out.columns ?? 80) - 1;
    const plain = this.status.length > width ? `${this.status.slice(0, width - 1)}…` : this.status;
    const status = plain === '' ? '' : this.opts.color ? pc.dim(plain) : plain;
    if (this.table === null) return status;
    this.table.expire(Date.now());
    const rows = this.out.rows ?? 24;
    const cols = this.out.columns ?? 80;
    const entries = this.table.entries;
    const room = Math.max(1, rows - 5);
    const shown = entries.slice(Math.max(0, entries.length - room));
    const hidden = entries.length - shown.length;
    const lines = renderRows(this.schema, shown, cols, this.opts.color);
    const live = this.table.size;
    const note = `${live} row${live === 1 ? '' : 's'}${hidden > 0 ? `, ${hidden} above not shown` : ''}${this.table.dropped > 0 ? `, ${this.table.dropped} oldest dropped (sql-client.execution.max-table-result.rows)` : ''}`;
    return [...lines, this.opts.color ? pc.dim(note) : note, ...(status === '' ? [] : [status])].join('\n');
  }
}

/** A mark column, then the columns padded (numbers right-aligned), fitted to the width. */
function renderRows(schema: Schema, entries: readonly Entry[], width: number, color: boolean): string[] {
  const n = schema.length;
  const w = schema.map((f) => f.name.length);
  for (const e of entries) for (let i = 0; i < n; i++) w[i] = Math.max(w[i]!, e.cells[i]!.length);
  // fit: shrink the widest columns until the line fits (2 for the mark, 2 between columns)
  const budget = Math.max(n * 4, width - 2 - 2 * n);
  let total = w.reduce((a, b) => a + b, 0);
  while (total > budget) {
    let widest = 0;
    for (let i = 1; i < n; i++) if (w[i]! > w[widest]!) widest = i;
    if (w[widest]! <= 4) break;
    w[widest]!--;
    total--;
  }
  const numeric = schema.map((f) => f.type.kind !== 'STRING' && f.type.kind !== 'BOOLEAN');
  const fit = (s: string, i: number): string => {
    const cw = w[i]!;
    const t = s.length > cw ? `${s.slice(0, cw - 1)}…` : s;
    return numeric[i] ? t.padStart(cw) : t.padEnd(cw);
  };
  const head = `  ${schema.map((f, i) => fit(f.name, i)).join('  ')}`;
  const rule = `  ${w.map((x) => '─'.repeat(x)).join('  ')}`;
  const out = [color ? pc.bold(head) : head, rule];
  for (const e of entries) {
    const body = e.cells.map((c, i) => fit(c, i)).join('  ');
    const mark = e.mark === '' ? ' ' : e.mark;
    if (!color) out.push(`${mark} ${body}`);
    else if (e.mark === '+') out.push(`${pc.green(mark)} ${pc.green(body)}`);
    else if (e.mark === '~') out.push(`${pc.yellow(mark)} ${pc.yellow(body)}`);
    else if (e.mark === '-') out.push(`${pc.red(mark)} ${pc.strikethrough(pc.red(body))}`);
    else out.push(`  ${body}`);
  }
  return out;
}
