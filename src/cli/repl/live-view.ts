// Live results of a bare SELECT in the shell, in the three result modes of Flink's SQL client
// (`sql-client.execution.result-mode`, or `\mode`):
//
// - table: the result as a table kept up to date in place, full screen (the terminal's
//   alternate screen, as Flink's client and `less` do), so a resize redraws it whole. An
//   insert adds a row at the bottom (the newest windows are at the bottom), an update (-U
//   then +U) replaces its row where it stands, a delete removes it at once: the rows drawn
//   are always the rows counted below them. Rows changed in the last second are marked `+`
//   (inserted) or `~` (updated). The newest rows that fit are shown; ↑ ↓ PgUp PgDn Home End
//   scroll through the others, ← → through columns that do not fit. When the query ends
//   (or is stopped) the whole final table is printed on the normal screen, so every row is
//   in the scrollback. At most `sql-client.execution.max-table-result.rows` are kept.
// - changelog: every change as it arrives, one line each with its kind (+I, -U, +U, -D).
// - tableau: the rows as a scrolling table; the kind column only for an updating result.
//
// A status line stays below the results: time, rows read per second, rows read, the
// watermark, the last checkpoint, and how to stop. It is sampled from the job when a frame is
// drawn, so it is never older than the rows above it; on a narrow screen its least useful
// parts are left out whole rather than the line cut. Frames are throttled to ten a second.

import pc from 'picocolors';
import type { Batch } from '../../common/batch.js';
import { ROW_KIND_TEXT, RowKind } from '../../common/batch.js';
import type { DataType } from '../../common/types.js';
import type { Schema } from '../../plan/logical.js';
import type { ResultListener } from '../../exec/operators/collect.js';
import { formatCount, formatWatermark } from '../../exec/job-runner.js';
import type { Cell, Expanded, OutputFormat } from './display.js';
import { boxLine, boxRule, boxWidth, cellText, cellsOf, displayWidth, formatResult, isNumeric, layoutOf, plural, renderExpanded } from './display.js';

export type ResultMode = 'table' | 'changelog' | 'tableau';
export const RESULT_MODES: readonly ResultMode[] = ['table', 'changelog', 'tableau'];

const MARK_MS = 1000;
const FRAME_MS = 100;
const TICK_MS = 250;

interface Entry {
  cells: Cell[];
  key: string;
  mark: '+' | '~' | '';
  markedAt: number;
}

function keyOf(cells: readonly Cell[]): string {
  return cells.map((c) => (c === null ? '\u0000' : c)).join('\u0001');
}

/** The result of a query, kept as rows in place: inserts appended, updates in place, deletes removed. */
export class MaterializedResult {
  entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry[]>();
  /** The row a -U took out, and where it stood: the following +U takes its place. */
  private pendingUpdate: { entry: Entry; index: number } | null = null;
  dropped = 0;

  constructor(private readonly maxRows: number) {}

  get size(): number {
    return this.entries.length;
  }

  apply(kind: number, cells: Cell[], now: number): void {
    if (kind !== RowKind.UpdateAfter) this.pendingUpdate = null;
    const key = keyOf(cells);
    switch (kind) {
      case RowKind.Insert:
        this.push({ cells, key, mark: '+', markedAt: now });
        break;
      case RowKind.UpdateBefore: {
        const e = this.take(key);
        if (e !== undefined) this.pendingUpdate = e;
        break;
      }
      case RowKind.UpdateAfter: {
        const p = this.pendingUpdate;
        this.pendingUpdate = null;
        const e: Entry = { cells, key, mark: '~', markedAt: now };
        if (p === null) this.push(e);
        else {
          this.entries.splice(Math.min(p.index, this.entries.length), 0, e);
          this.index(e);
        }
        break;
      }
      case RowKind.Delete:
        this.take(key);
        break;
    }
  }

  /** Ends a batch. */
  flush(): void {
    this.pendingUpdate = null;
  }

  /** Clears marks older than a second; true while some mark is still shown. */
  expire(now: number): boolean {
    let marked = false;
    for (const e of this.entries) {
      if (e.mark === '') continue;
      if (now - e.markedAt >= MARK_MS) e.mark = '';
      else marked = true;
    }
    return marked;
  }

  rows(): Cell[][] {
    return this.entries.map((e) => e.cells);
  }

  private push(e: Entry): void {
    this.entries.push(e);
    this.index(e);
    if (this.entries.length > this.maxRows) {
      const old = this.entries.shift()!;
      this.unindex(old);
      this.dropped++;
    }
  }

  private index(e: Entry): void {
    const l = this.byKey.get(e.key);
    if (l === undefined) this.byKey.set(e.key, [e]);
    else l.push(e);
  }

  private unindex(e: Entry): void {
    const l = this.byKey.get(e.key)!;
    l.splice(l.indexOf(e), 1);
    if (l.length === 0) this.byKey.delete(e.key);
  }

  /** Removes the newest row equal to `key`; undefined when there is none (it was dropped). */
  private take(key: string): { entry: Entry; index: number } | undefined {
    const l = this.byKey.get(key);
    if (l === undefined) return undefined;
    const entry = l.pop()!;
    if (l.length === 0) this.byKey.delete(key);
    const index = this.entries.lastIndexOf(entry);
    this.entries.splice(index, 1);
    return { entry, index };
  }
}

/** What a status line shows, sampled when a frame is drawn. */
export interface ProgressSample {
  readonly elapsedMs: number;
  readonly rowsRead: number;
  readonly watermark: number;
}

/** Where finished results and scrolling rows go: the screen, or the file of `\o`. */
export interface ResultTarget {
  write(text: string): void;
  /** The file's name; undefined for the screen. */
  readonly file: string | undefined;
}

export interface LiveViewOptions {
  readonly mode: ResultMode;
  /** The format of the finished result (table mode). */
  readonly format: OutputFormat;
  readonly expanded: Expanded;
  readonly maxRows: number;
  /** The query's result is a changelog (updates, deletes). */
  readonly updating: boolean;
  readonly color: boolean;
  readonly target: ResultTarget;
  readonly sample: () => ProgressSample;
  /** ` · checkpoint #3 at 10:01:02`, or ''. */
  readonly checkpoint: () => string;
}

const ESC = '\u001b';

/** Renders a live query's rows to a terminal, with a status line below. */
export class LiveView implements ResultListener {
  private readonly table: MaterializedResult | null;
  private readonly scroll: StreamingBox | null;
  private frameTimer: NodeJS.Timeout | null = null;
  private readonly tick: NodeJS.Timeout;
  private lastFrame = 0;
  /** Index of the first row shown; null while following the newest rows. */
  private anchor: number | null = null;
  private firstColumn = 0;
  /** Status line last drawn (scrolling modes). */
  private statusDrawn = '';
  private lastSample: { at: number; rows: number; rate: number } = { at: 0, rows: 0, rate: 0 };
  private readonly onResize = (): void => this.onScreenResize();
  private finished = false;
  changes = 0;

  constructor(
    private readonly schema: Schema,
    private readonly out: NodeJS.WriteStream,
    private readonly opts: LiveViewOptions,
  ) {
    this.table = opts.mode === 'table' ? new MaterializedResult(opts.maxRows) : null;
    if (this.table !== null) {
      this.scroll = null;
      // the alternate screen; the cursor hidden while the frame is redrawn in place
      out.write(`${ESC}[?1049h${ESC}[?25l${ESC}[H${ESC}[2J`);
    } else {
      const toScreen = opts.target.file === undefined;
      this.scroll = new StreamingBox(schema, opts.mode === 'changelog' || opts.updating, (text) => (toScreen ? this.printAbove(text) : opts.target.write(text)));
    }
    out.on('resize', this.onResize);
    this.tick = setInterval(() => this.schedule(), TICK_MS);
  }

  onBatch(batch: Batch): void {
    this.changes += batch.length;
    if (this.scroll !== null) {
      this.scroll.onBatch(batch);
      this.schedule();
      return;
    }
    const now = Date.now();
    for (let i = 0; i < batch.length; i++) {
      const kind = batch.ops === null ? RowKind.Insert : batch.ops[i]!;
      this.table!.apply(kind, cellsOf(batch, i), now);
    }
    this.table!.flush();
    this.schedule();
  }

  /** Keys typed while the view runs (raw bytes, maybe several keys); true when the view used them. */
  key(s: string): boolean {
    if (this.table === null) return false;
    let used = false;
    for (const k of s.match(/\u001b\[[0-9;]*[~A-Za-z]|\u001bO[A-Za-z]|[^]/g) ?? []) used = this.oneKey(k) || used;
    if (used) this.draw();
    return used;
  }

  private oneKey(s: string): boolean {
    if (this.table === null) return false;
    const page = Math.max(1, this.visibleRows() - 1);
    const count = this.table.size;
    const top = (): number => this.anchor ?? Math.max(0, count - this.visibleRows());
    const to = (i: number): void => {
      const max = Math.max(0, count - this.visibleRows());
      this.anchor = i >= max ? null : Math.max(0, i);
    };
    switch (s) {
      case `${ESC}[A`:
      case 'k':
        to(top() - 1);
        break;
      case `${ESC}[B`:
      case 'j':
        to(top() + 1);
        break;
      case `${ESC}[5~`:
        to(top() - page);
        break;
      case `${ESC}[6~`:
      case ' ':
        to(top() + page);
        break;
      case `${ESC}[H`:
      case `${ESC}[1~`:
      case `${ESC}OH`:
      case 'g':
        this.anchor = 0;
        break;
      case `${ESC}[F`:
      case `${ESC}[4~`:
      case `${ESC}OF`:
      case 'G':
        this.anchor = null;
        break;
      case `${ESC}[C`:
      case 'l':
        this.firstColumn = Math.min(this.schema.length - 1, this.firstColumn + 1);
        break;
      case `${ESC}[D`:
      case 'h':
        this.firstColumn = Math.max(0, this.firstColumn - 1);
        break;
      default:
        return false;
    }
    return true;
  }

  /**
   * Ends the view: the table leaves the alternate screen and the finished result is printed
   * whole (to the screen or the `\o` file); the scrolling modes close their table.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    clearInterval(this.tick);
    this.out.removeListener('resize', this.onResize);
    if (this.table !== null) {
      this.out.write(`${ESC}[?1049l${ESC}[?25h`);
      const text = formatResult(this.opts.format, this.schema, this.table.rows(), { expanded: this.opts.expanded, screenWidth: this.out.columns ?? 80 });
      this.opts.target.write(text);
      if (this.table.dropped > 0) this.out.write(`${plural(this.table.dropped, 'oldest row')} dropped (sql-client.execution.max-table-result.rows)\n`);
    } else {
      this.clearStatus();
      this.scroll!.end();
    }
  }

  /** Ends the view without a result (the query could not start): the screen as it was. */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    clearInterval(this.tick);
    this.out.removeListener('resize', this.onResize);
    if (this.table !== null) this.out.write(`${ESC}[?1049l${ESC}[?25h`);
    else this.clearStatus();
  }

  /** Rows the full-screen table has room for (table layout). */
  private visibleRows(): number {
    return Math.max(1, (this.out.rows ?? 24) - 6);
  }

  private schedule(): void {
    if (this.frameTimer !== null || this.finished) return;
    const wait = Math.max(0, FRAME_MS - (Date.now() - this.lastFrame));
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      this.draw();
    }, wait);
  }

  private draw(): void {
    if (this.finished) return;
    this.lastFrame = Date.now();
    if (this.table === null) {
      this.drawStatus();
      return;
    }
    const lines = this.frame();
    this.out.write(`${ESC}[H${lines.map((l) => `${l}${ESC}[K`).join('\r\n')}${ESC}[J`);
  }

  private onScreenResize(): void {
    if (this.table === null && this.statusDrawn !== '') {
      // the status line was fitted to the old width; a terminal that reflows wraps it over
      // several lines now: erase them all before drawing it again
      const cols = this.out.columns ?? 80;
      const taken = Math.max(1, Math.ceil(displayWidth(this.statusDrawn) / cols));
      this.out.write(`\r${taken > 1 ? `${ESC}[${taken - 1}A` : ''}${ESC}[J`);
      this.statusDrawn = '';
    }
    this.draw();
  }

  // -- the status line ---------------------------------------------------------------------

  private statusText(width: number): string {
    const p = this.opts.sample();
    const now = p.elapsedMs;
    if (now - this.lastSample.at >= 500) {
      this.lastSample = { at: now, rows: p.rowsRead, rate: this.lastSample.at === 0 ? 0 : ((p.rowsRead - this.lastSample.rows) * 1000) / (now - this.lastSample.at) };
    }
    const parts: { text: string; keep: number }[] = [
      { text: `${(p.elapsedMs / 1000).toFixed(1)}s`, keep: 2 },
      { text: `${formatCount(Math.round(this.lastSample.rate))} rows/s`, keep: 1 },
      { text: `${plural(p.rowsRead, 'row')} read`, keep: 4 },
      { text: `watermark ${formatWatermark(p.watermark)}`, keep: 5 },
      { text: this.opts.checkpoint(), keep: 0 },
      { text: 'q or Ctrl-C to stop', keep: 9 },
    ].filter((x) => x.text !== '');
    return fitParts(parts, width);
  }

  private drawStatus(): void {
    const cols = this.out.columns ?? 80;
    const plain = this.statusText(cols - 1);
    this.out.write(`\r${ESC}[K${this.opts.color ? pc.dim(plain) : plain}`);
    this.statusDrawn = plain;
  }

  private clearStatus(): void {
    if (this.statusDrawn !== '') this.out.write(`\r${ESC}[K`);
    this.statusDrawn = '';
  }

  private printAbove(text: string): void {
    this.clearStatus();
    this.out.write(text);
  }

  // -- the full-screen table ---------------------------------------------------------------

  private frame(): string[] {
    const table = this.table!;
    const now = Date.now();
    table.expire(now);
    const rows = this.out.rows ?? 24;
    const cols = this.out.columns ?? 80;
    const color = this.opts.color;
    const entries = table.entries;
    const count = entries.length;
    const header = this.schema.map((f) => f.name);
    const right = this.schema.map((f) => isNumeric(f.type));
    const status = this.statusText(cols - 1);

    // the rows that fit in table layout
    let room = this.visibleRows();
    let top = Math.min(this.anchor ?? Math.max(0, count - room), Math.max(0, count - room));
    let shown = entries.slice(top, top + room);
    // whole columns from the first one chosen with ← →, as many as fit beside the mark
    const layout = layoutOf(header, shown.map((e) => e.cells), right);
    const fits = (from: number, to: number): boolean => 2 + boxWidth(layout.widths.slice(from, to)) <= cols;
    const first = Math.min(this.firstColumn, header.length - 1);
    let last = first + 1;
    while (last < header.length && fits(first, last + 1)) last++;
    const allColumns = first === 0 && last === header.length;
    const expanded = this.opts.expanded === 'on' || (this.opts.expanded === 'auto' && !allColumns);

    const out: string[] = [];
    if (expanded) {
      const per = header.length + 1;
      room = Math.max(1, Math.floor((rows - 2) / per));
      top = Math.min(this.anchor ?? Math.max(0, count - room), Math.max(0, count - room));
      shown = entries.slice(top, top + room);
      // a value wider than the screen wraps: it is never cut
      out.push(...renderExpanded(header, shown.map((e) => e.cells), top + 1));
    } else {
      const widths = layout.widths.slice(first, last);
      const sub = { widths, right: right.slice(first, last) };
      const head = boxLine(header.slice(first, last), sub);
      out.push(`  ${boxRule(widths, 'top')}`, `  ${color ? pc.bold(head) : head}`, `  ${boxRule(widths, 'middle')}`);
      for (const e of shown) {
        const body = boxLine(e.cells.slice(first, last).map(cellText), sub);
        const mark = e.mark === '' ? ' ' : e.mark;
        if (!color || e.mark === '') out.push(`${mark} ${body}`);
        else if (e.mark === '+') out.push(`${pc.green(mark)} ${pc.green(body)}`);
        else out.push(`${pc.yellow(mark)} ${pc.yellow(body)}`);
      }
      out.push(`  ${boxRule(widths, 'bottom')}`);
    }
    const notes: { text: string; keep: number }[] = [{ text: plural(count, 'row'), keep: 9 }];
    if (shown.length < count) notes.push({ text: `${expanded ? 'records' : 'rows'} ${shown.length === 0 ? 0 : top + 1}-${top + shown.length} shown (↑↓ PgUp PgDn)`, keep: 5 });
    if (!expanded && !allColumns) notes.push({ text: `columns ${first + 1}-${last} of ${header.length} (←→, \\x)`, keep: 6 });
    if (table.dropped > 0) notes.push({ text: `${formatCount(table.dropped)} oldest dropped (max-table-result.rows)`, keep: 3 });
    const note = fitParts(notes, cols - 1, ', ');
    out.push(color ? pc.dim(note) : note);
    out.push(color ? pc.dim(status) : status);
    return out;
  }
}

/**
 * Parts joined by ` · ` (or `sep`) within `width` columns: parts are left out whole, lowest
 * `keep` first, never cut; the last resort is the most important part alone.
 */
function fitParts(parts: readonly { text: string; keep: number }[], width: number, sep = ' · '): string {
  let kept = [...parts];
  const join = (): string => kept.map((p) => p.text).join(sep);
  while (kept.length > 1 && displayWidth(join()) > width) {
    let low = 0;
    for (let i = 1; i < kept.length; i++) if (kept[i]!.keep < kept[low]!.keep) low = i;
    kept = kept.filter((_, i) => i !== low);
  }
  return join();
}

function typeWidth(t: DataType): number {
  switch (t.kind) {
    case 'BOOLEAN':
      return 5;
    case 'INT':
      return 11;
    case 'BIGINT':
      return 12;
    case 'DOUBLE':
      return 14;
    case 'DECIMAL':
      return Math.min(20, (t.precision ?? 10) + 2);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return 23;
    case 'DATE':
      return 10;
    case 'TIME':
      return 12;
    case 'STRING':
    case 'BYTES':
      return 16;
    default:
      return 20;
  }
}

/**
 * The scrolling table of the changelog and tableau modes (Flink's tableau), in the shell's
 * table style. Widths come from the column types, so a row prints as soon as it comes; a
 * value wider than its column is printed whole, widening its line.
 */
export class StreamingBox {
  private readonly widths: number[];
  private readonly right: boolean[];
  private started = false;

  constructor(
    private readonly schema: Schema,
    private readonly showKind: boolean,
    private readonly write: (text: string) => void,
  ) {
    this.widths = [...(showKind ? [2] : []), ...schema.map((f) => Math.max(displayWidth(f.name), typeWidth(f.type)))];
    this.right = [...(showKind ? [false] : []), ...schema.map((f) => isNumeric(f.type))];
  }

  private header(): void {
    if (this.started) return;
    this.started = true;
    const layout = { widths: this.widths, right: this.right };
    const names = [...(this.showKind ? ['op'] : []), ...this.schema.map((f) => f.name)];
    this.write(`${boxRule(this.widths, 'top')}\n${boxLine(names, layout)}\n${boxRule(this.widths, 'middle')}\n`);
  }

  onBatch(batch: Batch): void {
    this.header();
    const layout = { widths: this.widths, right: this.right };
    const lines: string[] = [];
    for (let i = 0; i < batch.length; i++) {
      const cells = cellsOf(batch, i).map(cellText);
      if (this.showKind) cells.unshift(ROW_KIND_TEXT[batch.ops === null ? 0 : batch.ops[i]!]!);
      lines.push(boxLine(cells, layout));
    }
    if (lines.length > 0) this.write(`${lines.join('\n')}\n`);
  }

  end(): void {
    this.header();
    this.write(`${boxRule(this.widths, 'bottom')}\n`);
  }
}
