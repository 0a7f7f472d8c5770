// Printing the rows of a bare SELECT as they arrive. On a terminal: a "tableau" table
// (Flink SQL client's streaming mode), header once, one line per row with its changelog
// kind; column widths follow from the column types, so rows print as soon as they come.
// Piped: one row per line in the print connector's form, `+I[a, b, c]`, easy to parse.

import type { Batch } from '../common/batch.js';
import { ROW_KIND_TEXT } from '../common/batch.js';
import { formatCell } from '../common/display.js';
import type { DataType } from '../common/types.js';
import type { Schema } from '../plan/logical.js';
import type { ResultListener } from '../exec/operators/collect.js';

export interface LineSink {
  /** May return a promise when the destination is full (a pipe): await it before writing more. */
  write(text: string): void | Promise<void>;
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
      return 25;
    default:
      return 20;
  }
}

export interface TableauOptions {
  /** Show each row's changelog kind (+I, -U, +U, -D) in a first column. */
  readonly showKind: boolean;
  /** End with a rule and the row count. */
  readonly footer: boolean;
}

export class TableauPrinter implements ResultListener {
  private readonly widths: number[];
  private headerDone = false;
  rows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly out: LineSink,
    private readonly opts: TableauOptions = { showKind: true, footer: true },
  ) {
    this.widths = schema.map((f) => Math.max(f.name.length, typeWidth(f.type)));
  }

  private line(): string {
    return `+${this.opts.showKind ? '----+' : ''}${this.widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  }

  private header(): void {
    if (this.headerDone) return;
    this.headerDone = true;
    const names = this.schema.map((f, i) => ` ${f.name.padStart(this.widths[i]!)} `);
    this.out.write(`${this.line()}\n|${this.opts.showKind ? ' op |' : ''}${names.join('|')}|\n${this.line()}\n`);
  }

  onBatch(batch: Batch): void | Promise<void> {
    this.header();
    const lines: string[] = [];
    for (let i = 0; i < batch.length; i++) {
      const kind = ROW_KIND_TEXT[batch.ops === null ? 0 : batch.ops[i]!]!;
      const cells = batch.columns.map((c, j) => {
        const w = this.widths[j]!;
        let s = formatCell(c, i, '<NULL>');
        const numeric = c.type.kind !== 'STRING';
        // long text is cut; a number never is (its column just widens on that line)
        if (!numeric && s.length > w) s = s.slice(0, w - 3) + '...';
        return ` ${numeric ? s.padStart(w) : s.padEnd(w)} `;
      });
      lines.push(`|${this.opts.showKind ? ` ${kind} |` : ''}${cells.join('|')}|`);
    }
    this.rows += batch.length;
    return this.out.write(lines.join('\n') + '\n');
  }

  onEnd(): void | Promise<void> {
    this.header();
    if (!this.opts.footer) return this.out.write(`${this.line()}\n`);
    return this.out.write(`${this.line()}\n${this.rows} row${this.rows === 1 ? '' : 's'} in result\n`);
  }
}

/** `+I[a, b, c]` per row, optionally prefixed (several queries in one file). */
export class PlainPrinter implements ResultListener {
  rows = 0;

  constructor(
    private readonly out: LineSink,
    private readonly prefix = '',
  ) {}

  onBatch(batch: Batch): void | Promise<void> {
    const lines: string[] = [];
    for (let i = 0; i < batch.length; i++) {
      const kind = ROW_KIND_TEXT[batch.ops === null ? 0 : batch.ops[i]!]!;
      lines.push(`${this.prefix}${kind}[${batch.columns.map((c) => formatCell(c, i, 'null')).join(', ')}]`);
    }
    this.rows += batch.length;
    if (lines.length > 0) return this.out.write(lines.join('\n') + '\n');
  }
}
