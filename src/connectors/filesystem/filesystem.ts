// The `filesystem` connector (DESIGN §3, §5).
//
// Source: 'path' is a file or a directory; a directory's files (recursively, names starting
// with '.' or '_' ignored) are read in name order. Each file is a split; subtask s of P reads
// the files whose position in that order is s mod P. The position is, per file, the byte
// offset and line after the last record read, or done; so a restore resumes exactly, at any
// parallelism. Bounded, unless 'source.monitor-interval' is set: then the source keeps
// watching the directory and reads files that appear later (a file is assigned to the
// subtask given by a hash of its path, so the assignment never changes); a subtask with no
// new data reports nothing, and `table.exec.source.idle-timeout` lets the watermark advance
// without it.
//
// Sink: 'path' is a directory. Each subtask writes an in-progress file whose name starts
// with '.'; on a checkpoint barrier the file is flushed, fsynced and closed, and recorded as
// pending in the checkpoint; when the checkpoint completes it is renamed to its visible name
// `part-<run>-<subtask>-<n>.<format>`, where <run> is the time the writer opened (epoch
// milliseconds) and the job id: read in natural name order, a directory's files come in the
// order they were written, across runs and restores. Committing is idempotent (a restore
// repeats it). At the end of a bounded input everything is committed. Readers ignore names
// starting with '.' or '_', so they only ever see committed output.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, relative, dirname, basename } from 'node:path';
import type { Batch } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import { optionSpan, tableError } from '../table-errors.js';
import type { TableDef } from '../../catalog/catalog.js';
import { parseDuration } from '../../catalog/catalog.js';
import { hashString } from '../../state/key-groups.js';
import { compareNatural } from '../../common/strings.js';
import type { ReaderOptions, SinkConnector, SinkOptions, SinkWriter, SourceConnector, SourcePosition, SourceReader } from '../connector.js';
import type { FormatColumn, RecordDecoder, RecordEncoder } from '../formats/text-values.js';
import { CsvDecoder, CsvEncoder } from '../formats/csv.js';
import { JsonDecoder, JsonEncoder } from '../formats/json.js';
import { DebeziumJsonDecoder, DebeziumJsonEncoder } from '../formats/debezium-json.js';

export const FILESYSTEM_OPTIONS = [
  'path',
  'format',
  'csv.field-delimiter',
  'csv.quote-character',
  'csv.ignore-parse-errors',
  'csv.ignore-first-line',
  'json.ignore-parse-errors',
  'debezium-json.ignore-parse-errors',
  'sink.rolling-policy.file-size',
  'source.monitor-interval',
];

const FORMATS = ['csv', 'json', 'debezium-json'];

function fail(table: TableDef, message: string, hint?: string, key?: string): never {
  throw tableError(table, `table ${table.name}: ${message}`, hint, key);
}

function boolOption(table: TableDef, key: string): boolean {
  const v = table.options.get(key);
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') fail(table, `'${key}' must be 'true' or 'false', got '${v}'`);
  return v === 'true';
}

export function validateFilesystemTable(table: TableDef): void {
  if (table.options.get('path') === undefined) fail(table, "the filesystem connector needs a 'path'", "add 'path' = 'data/bids.csv' (a file or a directory)");
  const format = table.options.get('format');
  if (format === undefined) fail(table, "the filesystem connector needs a 'format'", `add 'format' = 'csv' (formats: ${FORMATS.join(', ')})`);
  if (!FORMATS.includes(format)) fail(table, `unknown format '${format}'`, `formats: ${FORMATS.join(', ')}`, 'format');
  for (const k of ['csv.field-delimiter', 'csv.quote-character']) {
    const v = table.options.get(k);
    if (v !== undefined && (v.length !== 1 || v.charCodeAt(0) > 127)) fail(table, `'${k}' must be one ASCII character, got '${v}'`);
  }
  for (const k of ['csv.ignore-parse-errors', 'csv.ignore-first-line', 'json.ignore-parse-errors', 'debezium-json.ignore-parse-errors']) boolOption(table, k);
  const monitor = table.options.get('source.monitor-interval');
  if (monitor !== undefined && !(parseDuration(monitor) > 0)) fail(table, `'source.monitor-interval' must be a positive duration such as '1s', got '${monitor}'`);
  const size = table.options.get('sink.rolling-policy.file-size');
  if (size !== undefined && parseSize(size) === undefined) fail(table, `'sink.rolling-policy.file-size' must be a size such as '128mb', got '${size}'`);
}

function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * ({ b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as Record<string, number>)[unit]!;
}

function physicalColumns(table: TableDef): FormatColumn[] {
  return table.columns.filter((c) => c.kind === 'physical').map((c) => ({ name: c.name, type: c.type }));
}

/**
 * Files of a path, in natural name order (digit runs as numbers, so a writer's `part-…-9`
 * comes before its `part-…-10`: a changelog is read in the order it was written); hidden and
 * underscore names skipped.
 */
export function listDataFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareNatural(a.name, b.name));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const full = join(dir, e.name);
      // follow symbolic links to the file or directory they name
      const st = e.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : e;
      if (st === undefined) continue;
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push(full);
    }
  };
  walk(path);
  return out;
}

export function filesystemSource(table: TableDef, rowsPerSecond: number | undefined): SourceConnector {
  const path = table.options.get('path')!;
  const format = table.options.get('format')!;
  const monitorText = table.options.get('source.monitor-interval');
  const monitorMs = monitorText === undefined ? undefined : parseDuration(monitorText);
  return {
    bounded: monitorMs === undefined,
    updating: format === 'debezium-json',
    rowsPerSecond,
    createReader: (opts) => {
      if (!existsSync(path)) {
        throw new WeirError('execution', `table ${table.name}: path '${path}' does not exist`, { hint: 'paths are relative to the directory weir runs in', span: optionSpan(table, 'path'), source: table.source });
      }
      const base = statSync(path).isFile() ? dirname(path) : path;
      if (monitorMs !== undefined) {
        const owns = (f: string): boolean => hashString(relative(base, f) || basename(f)) % opts.parallelism === opts.subtask;
        return new FileReader(table, format, listDataFiles(path).filter(owns), base, opts, { path, intervalMs: monitorMs, owns });
      }
      const files = listDataFiles(path);
      const mine = files.filter((_, i) => i % opts.parallelism === opts.subtask);
      return new FileReader(table, format, mine, base, opts, undefined);
    },
    // A bounded read assigns file i to subtask i mod P: a subtask at or past the number of
    // files reads nothing. A monitored directory may give any subtask a file later; there
    // 'table.exec.source.idle-timeout' decides when a subtask without data stops counting.
    startsIdle: (subtask) => monitorMs === undefined && existsSync(path) && listDataFiles(path).length <= subtask,
  };
}

interface FilePos {
  readonly offset: number;
  readonly line: number;
  readonly done: boolean;
}

const CHUNK = 1 << 20;
const EMPTY_BATCH: Batch = { length: 0, columns: [], ops: null };

interface Monitor {
  readonly path: string;
  readonly intervalMs: number;
  readonly owns: (file: string) => boolean;
}

class FileReader implements SourceReader {
  private index = 0;
  private lastScan = 0;
  private readonly files: string[];
  private handle: FileHandle | null = null;
  private decoder: RecordDecoder | null = null;
  private readOffset = 0;
  private eof = false;
  private readonly done = new Set<string>();
  private skippedBefore = 0;
  private readonly projection: number[];
  private readonly columns: FormatColumn[];

  constructor(
    private readonly table: TableDef,
    private readonly format: string,
    files: readonly string[],
    private readonly base: string,
    private readonly opts: ReaderOptions,
    private readonly monitor: Monitor | undefined,
  ) {
    this.files = [...files];
    this.lastScan = performance.now();
    this.columns = physicalColumns(table);
    this.projection = opts.columns.map((c) => this.columns.findIndex((x) => x.name === c.name));
  }

  private key(file: string): string {
    return `file:${relative(this.base, file) || basename(file)}`;
  }

  private restoredPos(file: string): FilePos | undefined {
    return this.opts.restored?.[this.key(file)] as FilePos | undefined;
  }

  private async openNext(): Promise<boolean> {
    while (this.index < this.files.length) {
      const file = this.files[this.index]!;
      const pos = this.restoredPos(file);
      if (pos?.done === true) {
        this.done.add(file);
        this.index++;
        continue;
      }
      const start = { offset: pos?.offset ?? 0, line: pos?.line ?? 0 };
      this.handle = await open(file, 'r');
      this.readOffset = start.offset;
      this.eof = false;
      this.decoder = this.makeDecoder(file, start);
      return true;
    }
    return false;
  }

  private makeDecoder(file: string, start: { offset: number; line: number }): RecordDecoder {
    const o = this.table.options;
    switch (this.format) {
      case 'csv':
        return new CsvDecoder(
          this.columns,
          this.projection,
          { fieldDelimiter: o.get('csv.field-delimiter'), quoteChar: o.get('csv.quote-character'), ignoreParseErrors: o.get('csv.ignore-parse-errors') === 'true', ignoreFirstLine: o.get('csv.ignore-first-line') === 'true' },
          file,
          start,
        );
      case 'json':
        return new JsonDecoder(this.columns, this.projection, { ignoreParseErrors: o.get('json.ignore-parse-errors') === 'true' }, file, start);
      default:
        return new DebeziumJsonDecoder(this.columns, this.projection, { ignoreParseErrors: o.get('debezium-json.ignore-parse-errors') === 'true' }, file, start);
    }
  }

  /** New files of a monitored directory, in name order. */
  private scan(): void {
    const m = this.monitor!;
    this.lastScan = performance.now();
    const known = new Set(this.files);
    for (const f of listDataFiles(m.path)) if (!known.has(f) && m.owns(f)) this.files.push(f);
  }

  async next(maxRows: number): Promise<Batch | null> {
    for (;;) {
      if (this.decoder === null && !(await this.openNext())) {
        if (this.monitor === undefined) return null;
        // unbounded: look for new files now and then; nothing to read right now
        if (performance.now() - this.lastScan >= this.monitor.intervalMs) {
          this.scan();
          if (this.index < this.files.length) continue;
        }
        return EMPTY_BATCH;
      }
      const d = this.decoder!;
      const r = d.decode(maxRows);
      if (r !== null) return r.batch;
      if (this.eof) {
        // file exhausted
        this.skippedBefore += d.skippedRecords;
        await this.handle?.close();
        this.handle = null;
        this.decoder = null;
        this.done.add(this.files[this.index]!);
        this.index++;
        continue;
      }
      // A fresh buffer per read: the decoder may keep referring to a chunk (a record split
      // across chunks), so buffers are never reused.
      const buf = Buffer.allocUnsafeSlow(CHUNK);
      const { bytesRead } = await this.handle!.read(buf, 0, CHUNK, this.readOffset);
      if (bytesRead === 0) {
        this.eof = true;
        d.finish();
        continue;
      }
      d.push(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead), this.readOffset);
      this.readOffset += bytesRead;
    }
  }

  position(): SourcePosition {
    const p: SourcePosition = {};
    for (const f of this.files) {
      const restored = this.restoredPos(f);
      if (this.done.has(f)) p[this.key(f)] = { offset: 0, line: 0, done: true };
      else if (this.decoder !== null && f === this.files[this.index]) p[this.key(f)] = { offset: this.decoder.offset, line: this.decoder.line, done: false };
      else if (restored !== undefined) p[this.key(f)] = restored;
    }
    return p;
  }

  skipped(): number {
    return this.skippedBefore + (this.decoder?.skippedRecords ?? 0);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}

// ---------------------------------------------------------------------------------------
// Sink

interface PendingFile {
  readonly hidden: string;
  readonly visible: string;
}

export function filesystemSink(table: TableDef): SinkConnector {
  const path = table.options.get('path')!;
  const format = table.options.get('format')!;
  const rollBytes = parseSize(table.options.get('sink.rolling-policy.file-size') ?? '128mb')!;
  return {
    acceptsUpdates: format === 'debezium-json',
    transactional: true,
    createWriter: (opts) => new FileWriter(table, path, format, rollBytes, opts),
  };
}

class FileWriter implements SinkWriter {
  private readonly encoder: RecordEncoder;
  private readonly ext: string;
  private fd: number | null = null;
  private current: PendingFile | null = null;
  private written = 0;
  private seq = 0;
  private buffered: string[] = [];
  private bufferedLen = 0;
  /** Closed files not yet handed to a checkpoint (rolled by size). */
  private closed: PendingFile[] = [];
  private readonly run: string;

  constructor(
    table: TableDef,
    private readonly dir: string,
    format: string,
    private readonly rollBytes: number,
    private readonly opts: SinkOptions,
  ) {
    const cols = physicalColumns(table);
    const types = cols.map((c) => c.type);
    const o = table.options;
    this.encoder = format === 'csv' ? new CsvEncoder(types, { fieldDelimiter: o.get('csv.field-delimiter'), quoteChar: o.get('csv.quote-character') }) : format === 'json' ? new JsonEncoder(cols) : new DebeziumJsonEncoder(cols);
    this.ext = format === 'csv' ? 'csv' : 'json';
    // the run starts with the time the writer opened: files of later runs (a restored job, a
    // second job into the same directory) sort after earlier ones, whatever the job ids
    this.run = `${Date.now()}-${opts.jobId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    mkdirSync(dir, { recursive: true });
  }

  private openFile(): void {
    const name = `part-${this.run}-${this.opts.subtask}-${this.seq++}.${this.ext}`;
    const visible = join(this.dir, name);
    const hidden = join(this.dir, `.${name}.inprogress`);
    this.fd = openSync(hidden, 'w');
    this.current = { hidden, visible };
    this.written = 0;
  }

  private flushBuffer(): void {
    if (this.bufferedLen === 0) return;
    if (this.fd === null) this.openFile();
    const text = this.buffered.join('');
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd!, bytes, off, bytes.length - off);
    this.written += bytes.length;
    this.buffered = [];
    this.bufferedLen = 0;
  }

  /** Flushes, fsyncs and closes the in-progress file; it becomes pending. */
  private closeFile(): void {
    this.flushBuffer();
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    this.closed.push(this.current!);
    this.current = null;
  }

  write(batch: Batch): void {
    if (batch.length === 0) return;
    const text = this.encoder.encode(batch);
    this.buffered.push(text);
    this.bufferedLen += text.length;
    if (this.bufferedLen >= 1 << 20) this.flushBuffer();
    if (this.written >= this.rollBytes) this.closeFile();
  }

  async prepareCommit(): Promise<PendingFile[]> {
    this.closeFile();
    const pending = this.closed;
    this.closed = [];
    return pending;
  }

  async commit(pending: readonly unknown[]): Promise<void> {
    for (const list of pending) {
      for (const f of list as PendingFile[]) {
        if (existsSync(f.hidden)) renameSync(f.hidden, f.visible);
        // else: committed already (a restore repeating the commit)
      }
    }
  }

  async finish(): Promise<void> {
    const pending = await this.prepareCommit();
    await this.commit([pending]);
  }

  async close(): Promise<void> {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

/** Removes in-progress files a crashed run left behind (restore: they are not committed). */
export function removeUncommitted(dir: string, keep: ReadonlySet<string>): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('.') || !name.endsWith('.inprogress')) continue;
    const full = join(dir, name);
    if (keep.has(full)) continue;
    unlinkSync(full);
    n++;
  }
  return n;
}
