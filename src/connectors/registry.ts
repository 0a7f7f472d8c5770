// Connector lookup and option validation. Options use Flink's names; an unknown option is
// an error with a did-you-mean hint (as Flink's "Unsupported options"), raised when the
// table is created so a typo is caught at once.

import { didYouMean, WeirError } from '../common/errors.js';
import { tableError, withTable } from './table-errors.js';
import type { TableDef } from '../catalog/catalog.js';
import { parseDuration } from '../catalog/catalog.js';
import type { SinkConnector, SourceConnector } from './connector.js';
import { printSink } from './print/sink.js';
import { blackholeSink } from './blackhole/sink.js';
import { nexmarkSource, validateNexmarkTable } from './nexmark/source.js';
import { NEXMARK_GENERATOR_OPTIONS, NEXMARK_IGNORED_OPTIONS } from './nexmark/generator.js';
import { filesystemSink, filesystemSource, validateFilesystemTable, FILESYSTEM_OPTIONS } from './filesystem/filesystem.js';
import { postgresCdcSource, validatePostgresCdcTable, POSTGRES_CDC_OPTIONS } from './postgres/cdc.js';
import { datagenSource, validateDatagenTable, DATAGEN_OPTIONS } from './datagen/source.js';
import { JDBC_OPTIONS, validateJdbcTable } from './postgres/jdbc.js';
import { jdbcSink } from './postgres/jdbc-sink.js';
import { jdbcSource } from './postgres/jdbc-source.js';
import { jdbcLookupTable } from './postgres/jdbc-lookup.js';
import type { LookupTable } from './connector.js';
import type { SourceColumn } from '../plan/physical.js';

interface ConnectorInfo {
  readonly options: readonly string[];
  /** Option name patterns (prefix match), e.g. datagen's per-field `fields.` options. */
  readonly prefixes?: readonly string[];
  readonly source: boolean;
  readonly sink: boolean;
  readonly doc: string;
  validate?(table: TableDef): void;
}

const COMMON = ['connector', 'rows-per-second'];

export const CONNECTORS: Readonly<Record<string, ConnectorInfo>> = {
  filesystem: {
    options: [...COMMON, ...FILESYSTEM_OPTIONS],
    source: true,
    sink: true,
    doc: "files or a directory of files: 'path', 'format' = csv | json | debezium-json",
    validate: validateFilesystemTable,
  },
  nexmark: {
    options: [...COMMON, 'nexmark.table', ...NEXMARK_GENERATOR_OPTIONS, ...NEXMARK_IGNORED_OPTIONS],
    source: true,
    sink: false,
    doc: "the Nexmark auction generator: 'nexmark.table' = person | auction | bid, 'events.num', 'first-event.rate'",
    validate: validateNexmarkTable,
  },
  datagen: {
    options: [...COMMON, ...DATAGEN_OPTIONS],
    prefixes: ['fields.'],
    source: true,
    sink: false,
    doc: "random rows from the declared schema: 'number-of-rows', 'seed', 'fields.<col>.min|max|length'",
    validate: validateDatagenTable,
  },
  'postgres-cdc': {
    options: [...COMMON, ...POSTGRES_CDC_OPTIONS],
    source: true,
    sink: false,
    doc: "a PostgreSQL table's snapshot and changes (logical replication): 'hostname', 'database-name', 'table-name', 'slot.name'",
    validate: validatePostgresCdcTable,
  },
  jdbc: {
    options: [...COMMON, ...JDBC_OPTIONS],
    source: true,
    sink: true,
    doc: "a PostgreSQL table: 'url' = 'jdbc:postgresql://host:port/db', 'table-name', 'username', 'password'",
    validate: validateJdbcTable,
  },
  print: {
    options: [...COMMON, 'print-identifier', 'standard-error', 'sink.parallelism'],
    source: false,
    sink: true,
    doc: "rows to standard output, changelog kind first: 'print-identifier'",
  },
  blackhole: {
    options: [...COMMON, 'sink.parallelism'],
    source: false,
    sink: true,
    doc: 'discards rows (benchmarks)',
  },
};


function connectorOf(table: TableDef): [string, ConnectorInfo] {
  const name = table.options.get('connector');
  if (name === undefined) {
    throw tableError(table, `table ${table.name} has no 'connector' option`, `add WITH ('connector' = '...'); connectors: ${Object.keys(CONNECTORS).join(', ')}`);
  }
  const info = CONNECTORS[name];
  if (info === undefined) {
    const guess = didYouMean(name, Object.keys(CONNECTORS));
    throw tableError(table, `unknown connector '${name}'`, guess !== undefined ? `did you mean '${guess}'?` : `connectors: ${Object.keys(CONNECTORS).join(', ')}`, 'connector');
  }
  return [name, info];
}

/** Checks a table's options when it is created. */
export function validateTable(table: TableDef): void {
  const [name, info] = connectorOf(table);
  for (const key of table.options.keys()) {
    if (info.options.includes(key)) continue;
    if (info.prefixes?.some((p) => key.startsWith(p))) continue;
    const guess = didYouMean(key, info.options);
    throw tableError(table, `unsupported option '${key}' for connector '${name}'`, guess !== undefined ? `did you mean '${guess}'?` : `options: ${info.options.join(', ')}`, key);
  }
  if ((table.partitionKeys?.length ?? 0) > 0 && name !== 'filesystem') {
    throw new WeirError('plan', `table ${table.name}: PARTITIONED BY is for the filesystem connector; connector '${name}' has no partitions`, { hint: 'remove PARTITIONED BY', span: table.partitionKeySpans?.[0] ?? table.span, source: table.source });
  }
  const rps = table.options.get('rows-per-second');
  if (rps !== undefined && !(Number(rps) > 0)) throw tableError(table, `'rows-per-second' must be a positive number, got '${rps}'`);
  try {
    info.validate?.(table);
  } catch (e) {
    throw withTable(table, e);
  }
}

export function rowsPerSecondOf(table: TableDef): number | undefined {
  const rps = table.options.get('rows-per-second');
  return rps === undefined ? undefined : Number(rps);
}

export function createSourceConnector(table: TableDef, maxParallelism: number): SourceConnector {
  const [name, info] = connectorOf(table);
  if (!info.source) throw tableError(table, `connector '${name}' cannot be read: table ${table.name} is a sink only`, 'read from a filesystem, nexmark or datagen table');
  const rps = rowsPerSecondOf(table);
  switch (name) {
    case 'filesystem':
      return filesystemSource(table, rps);
    case 'nexmark':
      return nexmarkSource(table, maxParallelism, rps);
    case 'datagen':
      return datagenSource(table, rps);
    case 'postgres-cdc':
      return postgresCdcSource(table);
    case 'jdbc':
      return jdbcSource(table, rps);
    default:
      throw tableError(table, `connector '${name}' has no source`);
  }
}

export function sinkInfo(table: TableDef): { acceptsUpdates: boolean; transactional: boolean; connector: string; format: string | undefined } {
  const [name, info] = connectorOf(table);
  if (!info.sink) throw tableError(table, `connector '${name}' cannot be written to: table ${table.name} is a source only`, 'INSERT INTO a filesystem, print or blackhole table');
  const format = table.options.get('format');
  const acceptsUpdates = name === 'print' || name === 'blackhole' || (name === 'filesystem' && format === 'debezium-json') || (name === 'jdbc' && (table.primaryKey?.length ?? 0) > 0);
  const transactional = name === 'filesystem' || (name === 'jdbc' && table.options.get('sink.semantic')?.toLowerCase() === 'exactly-once');
  return { acceptsUpdates, transactional, connector: name, format };
}

export function createSinkConnector(table: TableDef): SinkConnector {
  const [name] = connectorOf(table);
  sinkInfo(table);
  switch (name) {
    case 'filesystem':
      return filesystemSink(table);
    case 'print':
      return printSink(table.options.get('print-identifier'), table.options.get('standard-error') === 'true');
    case 'blackhole':
      return blackholeSink();
    case 'jdbc':
      return jdbcSink(table);
    default:
      throw tableError(table, `connector '${name}' has no sink`);
  }
}

/** Duration option helper shared by connectors. */
export function durationOption(table: TableDef, key: string): number | undefined {
  const v = table.options.get(key);
  if (v === undefined) return undefined;
  const ms = parseDuration(v);
  if (Number.isNaN(ms)) throw tableError(table, `option '${key}' must be a duration such as '5s' or '500ms', got '${v}'`);
  return ms;
}

/** A table read by key for a lookup join (the jdbc connector). */
export function createLookupTable(table: TableDef, columns: readonly SourceColumn[], keyColumns: readonly number[]): Promise<LookupTable> {
  const [name] = connectorOf(table);
  if (name !== 'jdbc') throw tableError(table, `connector '${name}' cannot be looked up by key; a lookup join needs a jdbc table`);
  return jdbcLookupTable(table, columns, keyColumns);
}
