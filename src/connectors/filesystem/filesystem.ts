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
//
// Rolling: besides every checkpoint, an in-progress file is closed (and becomes pending) when
// it reaches 'sink.rolling-policy.file-size', when it has been open for
// 'sink.rolling-policy.rollover-interval', or when nothing was written to it for
// 'sink.rolling-policy.inactivity-interval' (the time rules are checked at most every
// 'sink.rolling-policy.check-interval', when rows arrive). A pending file becomes visible
// only when a checkpoint completes, as always.
//
// Partitions (`PARTITIONED BY (dt, hm)`, partitions.ts): the sink writes each row, without
// its partition columns, under `dt=<v>/hm=<v>/`, one in-progress file per partition it has
// rows for. A source fills the partition columns from the directory names. With
// 'sink.partition-commit.policy.kind' = 'success-file', a partition is committed (an empty
// '_SUCCESS' file written into its directory) once its files are committed and its trigger
// says it is complete (partition-commit.ts); the sink then runs at parallelism 1, as Flink's
// single partition committer, so one writer knows every file of a partition.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, relative, dirname, basename, resolve } from 'node:path';
import type { Batch, Column } from '../../common/batch.js';
import { columnFromScalars, takeBatch, takeColumn } from '../../common/batch.js';
import { typeToString } from '../../common/types.js';
import { DEFAULT_PARTITION_NAME, escapePartitionName, filesystemPath, partitionDirectory, partitionSpecOf, partitionValueText } from './partitions.js';
import { PARTITION_OPTIONS, partitionCommitter, validatePartitionOptions, type PartitionCommitter } from './partition-commit.js';
import { WeirError } from '../../common/errors.js';
import { optionSpan, tableError } from '../table-errors.js';
import type { TableDef } from '../../catalog/catalog.js';
import { parseDuration } from '../../catalog/catalog.js';
import { hashString } from '../../state/key-groups.js';
import { compareNatural } from '../../common/strings.js';
import type { SourceColumn } from '../../plan/physical.js';
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
  'sink.rolling-policy.rollover-interval',
  'sink.rolling-policy.check-interval',
  'sink.rolling-policy.inactivity-interval',
  'source.monitor-interval',
  ...PARTITION_OPTIONS,
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
  filesystemPath(table);
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
  if (size !== undefined && !(parseSize(size)! > 0)) fail(table, `'sink.rolling-policy.file-size' must be a size such as '128mb', got '${size}'`);
  for (const k of ['sink.rolling-policy.rollover-interval', 'sink.rolling-policy.check-interval', 'sink.rolling-policy.inactivity-interval']) {
    const v = table.options.get(k);
    if (v !== undefined && !(parseDuration(v) > 0)) fail(table, `'${k}' must be a positive duration such as '30 min', got '${v}'`);
  }
  validatePartitionOptions(table);
}

/** Flink's MemorySize spellings: `128mb`, `1 MB`, `64k`, `1024` (bytes). */
function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*(b|bytes?|k|kb|kibibytes?|m|mb|mebibytes?|g|gb|gibibytes?)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  return Number(m[1]) * ({ b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[unit]!;
}

function physicalColumns(table: TableDef): FormatColumn[] {
  return table.columns.filter((c) => c.kind === 'physical').map((c) => ({ name: c.name, type: c.type }));
}

/** The columns the files hold: the physical columns that are not partition columns. */
function fileColumns(table: TableDef): FormatColumn[] {
  const keys = table.partitionKeys ?? [];
  return physicalColumns(table).filter((c) => !keys.includes(c.name));
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
  const path = filesystemPath(table);
  const format = table.options.get('format')!;
  const monitorText = table.options.get('source.monitor-interval');
  const monitorMs = monitorText === undefined ? undefined : parseDuration(monitorText);
  return {
    bounded: monitorMs === undefined,
    updating: format === 'debezium-json',
    rowsPerSecond,
    createReader: (opts) => {
      if (!existsSync(path)) {
        throw new WeirError('execution', `table ${table.name}: path '${path}' does not exist`, { hint: 'paths are relative to the directory weir runs in', span: optionSpan(table, 'path'), source: table.source, permanent: true });
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
  /** The read of the chunk at readOffset, started while the previous chunk was decoded. */
  private ahead: Promise<{ buf: Buffer; bytesRead: number }> | null = null;
  private eof = false;
  private readonly done = new Set<string>();
  private skippedBefore = 0;
  private readonly projection: number[];
  private readonly columns: FormatColumn[];
  /**
   * Per requested column: -1 for a column of the files, else its index among the current
   * file's constant columns (partition values, then METADATA values: file.path, ...).
   */
  private readonly partitionSlot: number[];
  private readonly partitionKeys: readonly string[];
  /** The requested METADATA columns: key and type, in request order. */
  private readonly metadata: { readonly key: string; readonly type: SourceColumn['type'] }[];
  /** The current file's constant columns, one row each (null: none requested). */
  private partitionValues: Column[] | null = null;
  private zeros = new Int32Array(0);
  /** Files skipped by the partition filter (tests). */
  prunedFiles = 0;

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
    this.columns = fileColumns(table);
    this.partitionKeys = table.partitionKeys ?? [];
    this.metadata = opts.columns.filter((c) => c.metadata !== undefined).map((c) => ({ key: c.metadata!, type: c.type }));
    let m = 0;
    this.partitionSlot = opts.columns.map((c) => (c.metadata !== undefined ? this.partitionKeys.length + m++ : this.partitionKeys.indexOf(c.name)));
    this.projection = opts.columns.filter((c) => c.metadata === undefined && !this.partitionKeys.includes(c.name)).map((c) => this.columns.findIndex((x) => x.name === c.name));
  }

  /** The decoded batch with the current file's partition and metadata values put in their columns. */
  private withPartitions(b: Batch): Batch {
    if (this.partitionKeys.length === 0 && this.metadata.length === 0) return b;
    if (this.zeros.length < b.length) this.zeros = new Int32Array(Math.max(b.length, 4096));
    const out: Column[] = [];
    let j = 0;
    for (const slot of this.partitionSlot) {
      if (slot < 0) out.push(b.columns[j++]!);
      else out.push(takeColumn(this.partitionValues![slot]!, this.zeros, b.length));
    }
    return { length: b.length, columns: out, ops: b.ops };
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
      let values: Column[] | null = null;
      if (this.partitionKeys.length > 0) {
        values = readPartitionValues(this.table, relative(this.base, file), file);
        // a filter on partition columns rules the whole file out: it is done without reading
        if (this.opts.partitionFilter !== undefined && !this.opts.partitionFilter(values)) {
          this.done.add(file);
          this.prunedFiles++;
          this.index++;
          continue;
        }
      }
      const start = { offset: pos?.offset ?? 0, line: pos?.line ?? 0 };
      this.handle = await open(file, 'r');
      this.readOffset = start.offset;
      this.eof = false;
      this.decoder = this.makeDecoder(file, start);
      if (this.metadata.length > 0) values = [...(values ?? []), ...(await this.metadataValues(file, this.handle))];
      this.partitionValues = values;
      return true;
    }
    return false;
  }

  /** The file's METADATA values (Flink's FileSystemTableSource keys), one-row columns. */
  private async metadataValues(file: string, handle: FileHandle): Promise<Column[]> {
    const st = await handle.stat();
    return this.metadata.map(({ key, type }) => {
      const v = key === 'file.path' ? resolve(file) : key === 'file.name' ? basename(file) : key === 'file.size' ? st.size : key === 'file.modification-time' ? Math.floor(st.mtimeMs) : null;
      return columnFromScalars(type, [v]);
    });
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
      if (r !== null) return this.withPartitions(r.batch);
      if (this.eof) {
        // file exhausted
        this.skippedBefore += d.skippedRecords;
        await this.dropAhead();
        await this.handle?.close();
        this.handle = null;
        this.decoder = null;
        this.done.add(this.files[this.index]!);
        this.index++;
        continue;
      }
      const ahead = this.ahead;
      this.ahead = null;
      const { buf, bytesRead } = await (ahead ?? this.readAt(this.readOffset));
      if (bytesRead === 0) {
        this.eof = true;
        d.finish();
        continue;
      }
      d.push(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead), this.readOffset);
      this.freeChunk = buf; // the decoder copied it (InputBuffer.push): read the next chunk into it
      this.readOffset += bytesRead;
      // Read the next chunk while this one is decoded (the read runs on libuv's thread pool),
      // so the task does not wait for the disk between chunks. A short read is the end of
      // the file as far as it is known: the next read then comes when it is needed.
      if (bytesRead === CHUNK) this.ahead = this.readAt(this.readOffset);
    }
  }

  /** A chunk the decoder has copied, for the next read (two chunk buffers per source, not one per read). */
  private freeChunk: Buffer | null = null;

  /** The chunk at `offset`, in a free chunk buffer or a new one. */
  private readAt(offset: number): Promise<{ buf: Buffer; bytesRead: number }> {
    const buf = this.freeChunk ?? Buffer.allocUnsafeSlow(CHUNK);
    this.freeChunk = null;
    const p = this.handle!.read(buf, 0, CHUNK, offset).then((r) => ({ buf, bytesRead: r.bytesRead }));
    p.catch(() => undefined); // a read ahead nobody awaits (the job stopped) is no unhandled rejection
    return p;
  }

  /** Waits for a read ahead before its file handle closes. */
  private async dropAhead(): Promise<void> {
    const a = this.ahead;
    this.ahead = null;
    if (a !== null) await a.catch(() => undefined);
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
    await this.dropAhead();
    await this.handle?.close();
    this.handle = null;
  }
}

/**
 * A file's partition values (from its `k=v` directories), each a one-row column of the
 * declared type; a missing directory or 'partition.default-name' is NULL.
 */
function readPartitionValues(table: TableDef, rel: string, file: string): Column[] {
  const spec = partitionSpecOf(rel);
  const defaultName = table.options.get('partition.default-name') ?? DEFAULT_PARTITION_NAME;
  return (table.partitionKeys ?? []).map((key) => {
    const type = table.columns.find((c) => c.name === key)!.type;
    const text = spec.get(key);
    if (text === undefined || text === defaultName) return columnFromScalars(type, [null]);
    // parsed as the csv format parses a quoted field, so a value reads as it would in a file
    const d = new CsvDecoder([{ name: key, type }], [0], {}, file, { offset: 0, line: 0 });
    d.push(Buffer.from(`"${text.replace(/"/g, '""')}"\n`, 'utf8'), 0);
    d.finish();
    try {
      const r = d.decode(1);
      if (r === null || r.batch.length !== 1) throw new Error('no value');
      return r.batch.columns[0]!;
    } catch {
      throw new WeirError('execution', `table ${table.name}: the partition directory '${escapePartitionName(key)}=${escapePartitionName(text)}' of ${file} does not hold a ${typeToString(type)} value for column '${key}'`, {
        hint: `a partition column takes its value from the directory name; declare '${key}' as STRING to read any name`,
        source: table.source,
        span: table.span,
        permanent: true,
      });
    }
  });
}

// ---------------------------------------------------------------------------------------
// Sink

interface PendingFile {
  readonly hidden: string;
  readonly visible: string;
  /** The partition directory, relative to 'path' ('' when the table is not partitioned). */
  readonly partition?: string;
}

/** What the sink hands to a checkpoint: the files to commit when it completes, and for the partition committer the watermark at the barrier and the partitions still waiting. */
interface FilesystemCommit {
  readonly files: PendingFile[];
  readonly watermark: number;
  readonly awaiting: [string, number][];
}

/** The files of a pending commit; a checkpoint written before partitions held a bare list. */
export function pendingFilesOf(pending: unknown): { hidden?: unknown }[] {
  if (Array.isArray(pending)) return pending as { hidden?: unknown }[];
  const files = (pending as { files?: unknown } | null)?.files;
  return Array.isArray(files) ? (files as { hidden?: unknown }[]) : [];
}

interface RollingPolicy {
  readonly fileSize: number;
  readonly rolloverMs: number;
  readonly inactivityMs: number;
  readonly checkMs: number;
}

function rollingPolicy(table: TableDef): RollingPolicy {
  const o = table.options;
  return {
    fileSize: parseSize(o.get('sink.rolling-policy.file-size') ?? '128mb')!,
    rolloverMs: parseDuration(o.get('sink.rolling-policy.rollover-interval') ?? '30 min'),
    inactivityMs: parseDuration(o.get('sink.rolling-policy.inactivity-interval') ?? '30 min'),
    checkMs: parseDuration(o.get('sink.rolling-policy.check-interval') ?? '1 min'),
  };
}

export function filesystemSink(table: TableDef): SinkConnector {
  const path = filesystemPath(table);
  const format = table.options.get('format')!;
  const policy = rollingPolicy(table);
  return {
    acceptsUpdates: format === 'debezium-json',
    transactional: true,
    createWriter: (opts) => new FileWriter(table, path, format, policy, opts),
  };
}

/** One partition's in-progress file (the table's directory when it is not partitioned). */
interface Bucket {
  readonly partition: string;
  readonly dir: string;
  fd: number | null;
  current: PendingFile | null;
  written: number;
  openedAt: number;
  lastWriteAt: number;
  /** Encoded rows not yet written to the file: UTF-8 bytes in buffered[0, bufferedLen). */
  buffered: Buffer;
  bufferedLen: number;
}

/** A bucket's write buffer is written to its file once it holds this many bytes. */
const FLUSH_BYTES = 1 << 20;
const EMPTY_BUFFER = Buffer.alloc(0);

class FileWriter implements SinkWriter {
  private readonly encoder: RecordEncoder;
  private readonly ext: string;
  private seq = 0;
  private readonly buckets = new Map<string, Bucket>();
  /** Closed files not yet handed to a checkpoint (rolled by size or time). */
  private closed: PendingFile[] = [];
  private readonly run: string;
  /** Physical column indexes of the partition columns, and of the columns the files hold. */
  private readonly keyIndexes: number[];
  private readonly dataIndexes: number[];
  private readonly defaultName: string;
  private readonly committer: PartitionCommitter | null;
  private watermarkNow = -Infinity;
  private lastCheck = Date.now();
  private snapshots = 0;
  /** Commits handed to checkpoints that have not completed yet (their files are still hidden). */
  private readonly uncommitted = new Set<FilesystemCommit>();
  /** The input ended while checkpoints were outstanding: what was written after them, committed with every partition once they complete. */
  private finishing: FilesystemCommit | null = null;
  // per-batch scratch for partitioned writes
  private rowBucket = new Int32Array(0);
  private readonly keyText: (string | undefined)[];

  constructor(
    private readonly table: TableDef,
    private readonly dir: string,
    format: string,
    private readonly policy: RollingPolicy,
    private readonly opts: SinkOptions,
  ) {
    const physical = physicalColumns(table);
    const keys = table.partitionKeys ?? [];
    this.keyIndexes = keys.map((k) => physical.findIndex((c) => c.name === k));
    this.dataIndexes = physical.map((_, i) => i).filter((i) => !this.keyIndexes.includes(i));
    this.keyText = keys.map(() => undefined);
    const cols = fileColumns(table);
    const types = cols.map((c) => c.type);
    const o = table.options;
    this.encoder = format === 'csv' ? new CsvEncoder(types, { fieldDelimiter: o.get('csv.field-delimiter'), quoteChar: o.get('csv.quote-character') }) : format === 'json' ? new JsonEncoder(cols) : new DebeziumJsonEncoder(cols);
    this.ext = format === 'csv' ? 'csv' : 'json';
    this.defaultName = o.get('partition.default-name') ?? DEFAULT_PARTITION_NAME;
    this.committer = keys.length > 0 ? partitionCommitter(table, dir) : null;
    // the run starts with the time the writer opened: files of later runs (a restored job, a
    // second job into the same directory) sort after earlier ones, whatever the job ids
    this.run = `${Date.now()}-${opts.jobId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    mkdirSync(dir, { recursive: true });
  }

  private bucket(partition: string): Bucket {
    let b = this.buckets.get(partition);
    if (b === undefined) {
      b = { partition, dir: partition === '' ? this.dir : join(this.dir, partition), fd: null, current: null, written: 0, openedAt: 0, lastWriteAt: 0, buffered: EMPTY_BUFFER, bufferedLen: 0 };
      this.buckets.set(partition, b);
    }
    return b;
  }

  private openFile(b: Bucket): void {
    const name = `part-${this.run}-${this.opts.subtask}-${this.seq++}.${this.ext}`;
    if (b.partition !== '') mkdirSync(b.dir, { recursive: true });
    const visible = join(b.dir, name);
    const hidden = join(b.dir, `.${name}.inprogress`);
    b.fd = openSync(hidden, 'w');
    b.current = b.partition === '' ? { hidden, visible } : { hidden, visible, partition: b.partition };
    b.written = 0;
    b.openedAt = Date.now();
  }

  private flushBuffer(b: Bucket): void {
    if (b.bufferedLen === 0) return;
    if (b.fd === null) this.openFile(b);
    const n = b.bufferedLen;
    let off = 0;
    while (off < n) off += writeSync(b.fd!, b.buffered, off, n - off);
    b.written += n;
    b.bufferedLen = 0;
  }

  /**
   * Appends a batch's encoded text to the bucket's buffer as UTF-8 right away. The encoders build
   * a batch's text by concatenation, a tree of many small strings: kept in a list until the
   * flush, as before, those trees outlived young-generation collections, each of which copied
   * them again (an OVER query writing its rows to csv spent a third of its time there).
   */
  private append(b: Bucket, text: string): void {
    const most = text.length * 3; // UTF-8 bytes of one UTF-16 code unit, at most
    if (b.bufferedLen + most > b.buffered.length) {
      const grown = Buffer.allocUnsafe(Math.max(16 * 1024, b.buffered.length * 2, b.bufferedLen + most));
      b.buffered.copy(grown, 0, 0, b.bufferedLen);
      b.buffered = grown;
    }
    b.bufferedLen += b.buffered.write(text, b.bufferedLen, 'utf8');
  }

  /** Flushes, fsyncs and closes a bucket's in-progress file; it becomes pending. */
  private closeFile(b: Bucket): void {
    this.flushBuffer(b);
    b.buffered = EMPTY_BUFFER; // a partition written once no longer holds a buffer
    if (b.fd === null) return;
    fsyncSync(b.fd);
    closeSync(b.fd);
    b.fd = null;
    b.written = 0;
    this.closed.push(b.current!);
    b.current = null;
  }

  private writeTo(b: Bucket, batch: Batch, now: number): void {
    // as Flink's default rolling policy: a file already past the size is closed before more
    // rows go in (the size counts buffered text too)
    if (b.written + b.bufferedLen > this.policy.fileSize) this.closeFile(b);
    const text = this.encoder.encode(batch);
    if (b.fd === null && b.bufferedLen === 0) b.openedAt = now;
    this.append(b, text);
    b.lastWriteAt = now;
    if (b.bufferedLen >= FLUSH_BYTES) this.flushBuffer(b);
  }

  write(batch: Batch): void {
    if (batch.length === 0) return;
    const now = Date.now();
    // the time rules first: rows that arrive after a file's time is up go to a new file
    if (now - this.lastCheck >= this.policy.checkMs) this.rollByTime(now);
    if (this.keyIndexes.length === 0) this.writeTo(this.bucket(''), batch, now);
    else this.writePartitioned(batch, now);
  }

  /** Rows grouped by partition directory, each group written (without the partition columns) to its bucket. */
  private writePartitioned(batch: Batch, now: number): void {
    const n = batch.length;
    if (this.rowBucket.length < n) this.rowBucket = new Int32Array(Math.max(n, 4096));
    const dirs: string[] = [];
    const index = new Map<string, number>();
    let last = -1;
    for (let i = 0; i < n; i++) {
      let same = i > 0;
      for (let k = 0; k < this.keyIndexes.length; k++) {
        const t = partitionValueText(batch.columns[this.keyIndexes[k]!]!, i);
        if (t !== this.keyText[k]) same = false;
        this.keyText[k] = t;
      }
      if (!same) {
        const d = partitionDirectory(this.table.partitionKeys!, this.keyText, this.defaultName);
        let id = index.get(d);
        if (id === undefined) {
          id = dirs.length;
          dirs.push(d);
          index.set(d, id);
        }
        last = id;
      }
      this.rowBucket[i] = last;
    }
    const data = (b: Batch): Batch => ({ length: b.length, columns: this.dataIndexes.map((j) => b.columns[j]!), ops: b.ops });
    if (dirs.length === 1) {
      this.writeTo(this.bucket(dirs[0]!), data(batch), now);
      return;
    }
    const counts = new Int32Array(dirs.length);
    for (let i = 0; i < n; i++) counts[this.rowBucket[i]!]!++;
    const rows = Array.from(counts, (c) => new Int32Array(c));
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const id = this.rowBucket[i]!;
      rows[id]![counts[id]!++] = i;
    }
    for (let id = 0; id < dirs.length; id++) this.writeTo(this.bucket(dirs[id]!), data(takeBatch(batch, rows[id]!, rows[id]!.length)), now);
  }

  /** 'sink.rolling-policy.rollover-interval' and 'inactivity-interval': roll files open too long or idle too long. */
  private rollByTime(now: number): void {
    this.lastCheck = now;
    for (const b of this.buckets.values()) {
      if (b.fd === null && b.bufferedLen === 0) continue;
      if (now - b.openedAt >= this.policy.rolloverMs || now - b.lastWriteAt >= this.policy.inactivityMs) this.closeFile(b);
    }
  }

  watermark(wm: number): void {
    this.watermarkNow = wm;
    const now = Date.now();
    if (now - this.lastCheck >= this.policy.checkMs) this.rollByTime(now);
  }

  async prepareCommit(): Promise<FilesystemCommit> {
    this.snapshots++;
    for (const b of this.buckets.values()) this.closeFile(b);
    // buckets without an open file are forgotten (a partition written long ago costs nothing)
    this.buckets.clear();
    const files = this.closed;
    this.closed = [];
    const c: FilesystemCommit = { files, watermark: this.watermarkNow, awaiting: this.committer?.awaitingEntries() ?? [] };
    this.uncommitted.add(c);
    return c;
  }

  async commit(pending: readonly unknown[]): Promise<void> {
    let watermark = -Infinity;
    for (const p of pending) {
      this.uncommitted.delete(p as FilesystemCommit);
      for (const f of pendingFilesOf(p) as PendingFile[]) {
        if (existsSync(f.hidden)) renameSync(f.hidden, f.visible);
        // else: committed already (a restore repeating the commit)
        if (f.partition !== undefined) this.committer?.add(f.partition);
      }
      if (!Array.isArray(p) && p !== null && typeof p === 'object') {
        const c = p as Partial<FilesystemCommit>;
        if (typeof c.watermark === 'number' && c.watermark > watermark) watermark = c.watermark;
        // a restore: the partitions that were still waiting when the checkpoint was taken
        if (this.snapshots === 0) for (const [part, since] of c.awaiting ?? []) this.committer?.add(part, since);
      }
    }
    this.committer?.commitReady(watermark, Date.now());
    const last = this.finishing;
    if (last !== null && this.uncommitted.size === 1 && this.uncommitted.has(last)) {
      // the checkpoints taken before the end of the input are complete: now the rest
      this.finishing = null;
      await this.commit([last]);
      this.committer?.commitAll();
    }
  }

  async finish(): Promise<void> {
    const pending = await this.prepareCommit();
    // The end of the input: every partition is complete. A checkpoint taken just before (the
    // final checkpoint) may still hold hidden files, which become visible when it completes;
    // until then nothing more is committed (its watermark is the end of time), so no success
    // file appears before all of a partition's rows.
    if (this.uncommitted.size > 1) {
      this.finishing = pending;
      return;
    }
    await this.commit([pending]);
    this.committer?.commitAll();
  }

  async close(): Promise<void> {
    for (const b of this.buckets.values()) {
      if (b.fd !== null) {
        closeSync(b.fd);
        b.fd = null;
      }
    }
  }
}

/** Removes in-progress files a crashed run left behind (restore: they are not committed). */
export function removeUncommitted(dir: string, keep: ReadonlySet<string>): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    // partition directories (`dt=...`) hold in-progress files too
    if (e.isDirectory()) {
      n += removeUncommitted(full, keep);
      continue;
    }
    if (!e.name.startsWith('.') || !e.name.endsWith('.inprogress')) continue;
    if (keep.has(full)) continue;
    unlinkSync(full);
    n++;
  }
  return n;
}
