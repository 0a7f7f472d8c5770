// The `print` sink: rows to standard output as Flink prints them, changelog kind first:
// `+I[1001, 42, 2015-07-15 00:00:00.000]`, NULL as `null`. With 'print-identifier' set,
// each line starts with `identifier> ` (and the subtask number when parallel, as Flink).
// At-least-once: after a restore it prints again what it printed after the checkpoint.

import type { Batch } from '../../common/batch.js';
import { ROW_KIND_TEXT } from '../../common/batch.js';
import { formatCell } from '../../common/display.js';
import type { SinkConnector, SinkOptions, SinkWriter } from '../connector.js';

export interface TextOut {
  write(text: string): boolean;
  once(event: 'drain', cb: () => void): unknown;
}

/**
 * Where print sinks write when no stream is given: the interactive shell sets its own, so
 * printed rows go above its prompt instead of onto the line being typed.
 */
let terminal: { stdout: TextOut; stderr: TextOut } | null = null;

export function setPrintTerminal(t: { stdout: TextOut; stderr: TextOut } | null): void {
  terminal = t;
}

export function printSink(identifier: string | undefined, standardError: boolean, out?: TextOut): SinkConnector {
  return {
    acceptsUpdates: true,
    transactional: false,
    createWriter: (opts) => new PrintWriter(identifier, opts, out ?? (standardError ? (terminal?.stderr ?? process.stderr) : (terminal?.stdout ?? process.stdout))),
  };
}

class PrintWriter implements SinkWriter {
  private readonly prefix: string;

  constructor(
    identifier: string | undefined,
    opts: SinkOptions,
    private readonly out: TextOut,
  ) {
    const sub = opts.parallelism > 1 ? `${opts.subtask + 1}` : '';
    this.prefix = identifier !== undefined ? `${identifier}${sub ? `:${sub}` : ''}> ` : sub ? `${sub}> ` : '';
  }

  write(batch: Batch): Promise<void> | void {
    const lines: string[] = [];
    for (let i = 0; i < batch.length; i++) {
      const kind = ROW_KIND_TEXT[batch.ops === null ? 0 : batch.ops[i]!]!;
      const cells = batch.columns.map((c) => formatCell(c, i, 'null'));
      lines.push(`${this.prefix}${kind}[${cells.join(', ')}]`);
    }
    if (lines.length === 0) return;
    if (!this.out.write(lines.join('\n') + '\n')) {
      return new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
    }
  }

  async prepareCommit(): Promise<unknown> {
    return null;
  }

  async commit(): Promise<void> {}

  async finish(): Promise<void> {}

  async close(): Promise<void> {}
}
