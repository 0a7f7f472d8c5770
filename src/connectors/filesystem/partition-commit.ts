// Partition commit of the filesystem sink, as Flink's PartitionCommitter: once a partition's
// files are committed (their checkpoint completed), it waits until its trigger says the
// partition is complete, then the commit policy runs; 'success-file' writes an empty
// '_SUCCESS' file (or 'sink.partition-commit.success-file.name') into its directory, so a
// downstream reader knows the partition is whole.
//
// Triggers ('sink.partition-commit.trigger'), checked each time a checkpoint completes:
// - 'process-time' (default): the partition is complete when the wall clock has passed the
//   time the committer first saw a committed file of it plus 'sink.partition-commit.delay'
//   (with no delay, at once).
// - 'partition-time': the partition's time (partitions.ts: from its values and
//   'partition.time-extractor.timestamp-pattern') plus the delay is before the watermark the
//   sink had when the checkpoint's barrier passed.
// At the end of a bounded input every waiting partition is committed. A partition that gets
// more rows after its commit waits and is committed again (the success file is rewritten),
// as in Flink. The partitions still waiting travel in every checkpoint, so a restore goes on
// waiting for them.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableDef } from '../../catalog/catalog.js';
import { parseDuration } from '../../catalog/catalog.js';
import { WeirError } from '../../common/errors.js';
import { tableError } from '../table-errors.js';
import { checkFormatter, partitionSpecOf, partitionTime } from './partitions.js';

export const PARTITION_OPTIONS = [
  'partition.default-name',
  'partition.time-extractor.kind',
  'partition.time-extractor.class',
  'partition.time-extractor.timestamp-pattern',
  'partition.time-extractor.timestamp-formatter',
  'sink.partition-commit.trigger',
  'sink.partition-commit.delay',
  'sink.partition-commit.watermark-time-zone',
  'sink.partition-commit.policy.kind',
  'sink.partition-commit.policy.class',
  'sink.partition-commit.success-file.name',
];

const TRIGGERS = ['process-time', 'partition-time'];

function fail(table: TableDef, message: string, hint?: string, key?: string): never {
  throw tableError(table, `table ${table.name}: ${message}`, hint, key);
}

/** The commit policies named by 'sink.partition-commit.policy.kind' (comma-separated). */
function policyKinds(table: TableDef): string[] {
  const v = table.options.get('sink.partition-commit.policy.kind');
  return v === undefined ? [] : v.split(',').map((x) => x.trim().toLowerCase());
}

export function validatePartitionOptions(table: TableDef): void {
  const o = table.options;
  const keys = table.partitionKeys ?? [];
  const sinkOnly = PARTITION_OPTIONS.filter((k) => k !== 'partition.default-name' && o.has(k));
  if (keys.length === 0 && sinkOnly.length > 0) {
    fail(table, `'${sinkOnly[0]}' applies to a partitioned table, and ${table.name} has no PARTITIONED BY`, 'add PARTITIONED BY (col, ...) after the column list, or remove the option', sinkOnly[0]);
  }
  const name = o.get('partition.default-name');
  if (name !== undefined && name === '') fail(table, "'partition.default-name' must not be empty", undefined, 'partition.default-name');
  const trigger = o.get('sink.partition-commit.trigger');
  if (trigger !== undefined && !TRIGGERS.includes(trigger)) fail(table, `'sink.partition-commit.trigger' must be 'process-time' or 'partition-time', got '${trigger}'`);
  const delay = o.get('sink.partition-commit.delay');
  if (delay !== undefined && !(parseDuration(delay) >= 0)) fail(table, `'sink.partition-commit.delay' must be a duration such as '1 h', got '${delay}'`);
  const zone = o.get('sink.partition-commit.watermark-time-zone');
  if (zone !== undefined && !['UTC', 'GMT', 'Z', '+00:00', 'UTC+0', 'GMT+0'].includes(zone)) {
    fail(table, `'sink.partition-commit.watermark-time-zone' = '${zone}' is not supported: weir compares partition times with the watermark in UTC`, "remove the option (UTC is the default), or write 'UTC'");
  }
  for (const kind of policyKinds(table)) {
    if (kind === 'success-file') continue;
    if (kind === 'metastore') fail(table, "'sink.partition-commit.policy.kind' = 'metastore' needs a Hive metastore, and weir has no metastore", "use 'success-file': it writes a _SUCCESS file into each complete partition", 'sink.partition-commit.policy.kind');
    if (kind === 'custom') fail(table, "'sink.partition-commit.policy.kind' = 'custom' runs a Java class, and weir runs no Java", "use 'success-file'", 'sink.partition-commit.policy.kind');
    fail(table, `unknown partition commit policy '${kind}' in 'sink.partition-commit.policy.kind'`, "policies: 'success-file'", 'sink.partition-commit.policy.kind');
  }
  if (o.has('sink.partition-commit.policy.class')) fail(table, "'sink.partition-commit.policy.class' names a Java class, and weir runs no Java", "use 'sink.partition-commit.policy.kind' = 'success-file'", 'sink.partition-commit.policy.class');
  const success = o.get('sink.partition-commit.success-file.name');
  if (success !== undefined && (success === '' || /[\\/]/.test(success) || success === '.' || success === '..')) {
    fail(table, `'sink.partition-commit.success-file.name' must be a file name, got '${success}'`);
  }
  const kind = o.get('partition.time-extractor.kind');
  if (kind !== undefined && kind !== 'default') {
    fail(table, `'partition.time-extractor.kind' = '${kind}' is not supported: weir has the 'default' extractor only (a custom one is a Java class)`, "remove the option and describe the time with 'partition.time-extractor.timestamp-pattern'", 'partition.time-extractor.kind');
  }
  if (o.has('partition.time-extractor.class')) fail(table, "'partition.time-extractor.class' names a Java class, and weir runs no Java", "use 'partition.time-extractor.timestamp-pattern'", 'partition.time-extractor.class');
  const pattern = o.get('partition.time-extractor.timestamp-pattern');
  if (pattern !== undefined) {
    for (const m of pattern.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
      // `$dt` may be followed by letters of the pattern; it names the longest key it starts with
      const named = keys.filter((k) => m[1]!.startsWith(k));
      if (named.length === 0) fail(table, `'partition.time-extractor.timestamp-pattern' names '$${m[1]}', which is not a partition column`, `partition columns: ${keys.join(', ') || '(none)'}`, 'partition.time-extractor.timestamp-pattern');
    }
  }
  const formatter = o.get('partition.time-extractor.timestamp-formatter');
  if (formatter !== undefined) {
    const problem = checkFormatter(formatter);
    if (problem !== undefined) fail(table, `'partition.time-extractor.timestamp-formatter' = '${formatter}': ${problem}`, undefined, 'partition.time-extractor.timestamp-formatter');
  }
}

/** True when the table's sink commits partitions (and so runs as a single committer). */
export function commitsPartitions(table: TableDef): boolean {
  return (table.partitionKeys?.length ?? 0) > 0 && policyKinds(table).length > 0;
}

export function partitionCommitter(table: TableDef, dir: string): PartitionCommitter | null {
  if (!commitsPartitions(table)) return null;
  return new PartitionCommitter(table, dir);
}

export class PartitionCommitter {
  /** Partitions whose files are committed and that wait for their trigger: partition -> first seen (epoch ms). */
  private readonly awaiting = new Map<string, number>();
  private readonly trigger: string;
  private readonly delayMs: number;
  private readonly successFile: string;
  private readonly pattern: string | undefined;
  private readonly formatter: string | undefined;
  /** Partitions committed so far (for tests and the run summary). */
  committed = 0;

  constructor(
    private readonly table: TableDef,
    private readonly dir: string,
  ) {
    const o = table.options;
    this.trigger = o.get('sink.partition-commit.trigger') ?? 'process-time';
    this.delayMs = parseDuration(o.get('sink.partition-commit.delay') ?? '0');
    this.successFile = o.get('sink.partition-commit.success-file.name') ?? '_SUCCESS';
    this.pattern = o.get('partition.time-extractor.timestamp-pattern');
    this.formatter = o.get('partition.time-extractor.timestamp-formatter');
  }

  /** A committed file of `partition` (or, on a restore, a partition that was waiting since `since`). */
  add(partition: string, since = Date.now()): void {
    const seen = this.awaiting.get(partition);
    if (seen === undefined || since < seen) this.awaiting.set(partition, since);
  }

  awaitingEntries(): [string, number][] {
    return [...this.awaiting.entries()];
  }

  /** A checkpoint completed: commit every partition its trigger calls complete. */
  commitReady(watermark: number, now: number): void {
    for (const [partition, since] of [...this.awaiting]) {
      if (this.complete(partition, since, watermark, now)) this.commitPartition(partition);
    }
  }

  commitAll(): void {
    for (const partition of [...this.awaiting.keys()]) this.commitPartition(partition);
  }

  private complete(partition: string, since: number, watermark: number, now: number): boolean {
    if (this.trigger === 'process-time') return this.delayMs === 0 || now > since + this.delayMs;
    const spec = partitionSpecOf(`${partition}/x`);
    const keys = this.table.partitionKeys ?? [];
    const time = partitionTime(keys, keys.map((k) => spec.get(k) ?? ''), this.pattern, this.formatter);
    if (time === undefined) {
      throw new WeirError('execution', `table ${this.table.name}: the partition '${partition}' has no time that 'partition-time' commit can use`, {
        hint: `the values must make a timestamp such as '2024-01-02 10:00:00'${this.pattern === undefined ? "; describe it with 'partition.time-extractor.timestamp-pattern' (e.g. '$dt $hm:00')" : ` (the pattern is '${this.pattern}')`}`,
        source: this.table.source,
        span: this.table.span,
        permanent: true,
      });
    }
    return watermark > time + this.delayMs;
  }

  private commitPartition(partition: string): void {
    this.awaiting.delete(partition);
    const dir = join(this.dir, partition);
    // the directory exists: a committed file of the partition is in it
    if (existsSync(dir)) writeFileSync(join(dir, this.successFile), '');
    this.committed++;
  }
}
