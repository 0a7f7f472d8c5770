// Connector lookup and option validation. Options use Flink's names; an unknown option is
// an error with a did-you-mean hint (as Flink's "Unsupported options"), raised when the
// table is created so a typo is caught at once.

import { createRequire } from 'node:module';
import { didYouMean, WeirError, internalError } from '../common/errors.js';
import { tableError, withTable } from './table-errors.js';
import type { TableDef } from '../catalog/catalog.js';
import { parseDuration } from '../catalog/catalog.js';
import type { SinkConnector, SourceConnector } from './connector.js';
import { printSink } from './print/sink.js';
import { blackholeSink } from './blackhole/sink.js';
import type { LookupTable } from './connector.js';
import type { SourceColumn } from '../plan/physical.js';

// The connectors' implementations (and their option lists and checks, which live with them)
// are loaded on demand: `weir -c "SELECT 1"` needs none of them (22 modules, ~300 KB). Table
// creation and job construction are synchronous, so the modules a script or plan names are
// imported first (`loadConnectorModules`, from Session.loadFunctionModules and loadPlanModules)
// and then taken from this table. A caller that did not load first still works in the built
// CLI: `implOf` requires the ES modules synchronously (Node 20.19+). Under vitest the sources
// are TypeScript, which require cannot load: test/setup.ts loads every connector first.
const LOADERS = {
  filesystem: async () => ({ ...(await import('./filesystem/filesystem.js')), ...(await import('./filesystem/partitions.js')) }),
  nexmark: async () => ({ ...(await import('./nexmark/source.js')), ...(await import('./nexmark/generator.js')) }),
  datagen: async () => ({ ...(await import('./datagen/source.js')) }),
  'postgres-cdc': async () => ({ ...(await import('./postgres/cdc.js')) }),
  jdbc: async () => ({
    ...(await import('./postgres/jdbc.js')),
    ...(await import('./postgres/jdbc-sink.js')),
    ...(await import('./postgres/jdbc-source.js')),
    ...(await import('./postgres/jdbc-lookup.js')),
  }),
} as const;

/** The modules of each lazily loaded connector, for the synchronous fallback (the same as LOADERS). */
export const CONNECTOR_MODULE_PATHS: Readonly<Record<LazyConnector, readonly string[]>> = {
  filesystem: ['./filesystem/filesystem.js', './filesystem/partitions.js'],
  nexmark: ['./nexmark/source.js', './nexmark/generator.js'],
  datagen: ['./datagen/source.js'],
  'postgres-cdc': ['./postgres/cdc.js'],
  jdbc: ['./postgres/jdbc.js', './postgres/jdbc-sink.js', './postgres/jdbc-source.js', './postgres/jdbc-lookup.js'],
};

type LazyConnector = keyof typeof LOADERS;
type Impls = { [K in LazyConnector]: Awaited<ReturnType<(typeof LOADERS)[K]>> };
const impls: Partial<Impls> = {};

function isLazy(name: string): name is LazyConnector {
  return Object.hasOwn(LOADERS, name);
}

/** Imports the implementations of the named connectors (unknown names are left to validation). */
export async function loadConnectorModules(names: Iterable<string>): Promise<void> {
  const todo = [...new Set(names)].filter((n) => isLazy(n) && impls[n] === undefined) as LazyConnector[];
  await Promise.all(
    todo.map(async (n) => {
      const m = await LOADERS[n]();
      (impls as Record<string, unknown>)[n] = m;
    }),
  );
}

/** Whether a connector's implementation is loaded (tests). */
export function isConnectorLoaded(name: string): boolean {
  return isLazy(name) ? impls[name] !== undefined : true;
}

/** A connector's implementation: loaded before, or required now (see LOADERS). */
export function implOf<K extends LazyConnector>(name: K): Impls[K] {
  const have = impls[name];
  if (have !== undefined) return have;
  const req = createRequire(import.meta.url);
  let m: Impls[K];
  try {
    m = Object.assign({}, ...CONNECTOR_MODULE_PATHS[name].map((p) => req(p) as object)) as Impls[K];
  } catch (e) {
    throw internalError(`connector '${name}' was not loaded before use (call loadConnectorModules first): ${e instanceof Error ? e.message : String(e)}`);
  }
  impls[name] = m;
  return m;
}

interface ConnectorInfo {
  /** The option names (a function: most come from the connector's module, loaded on demand). */
  options(): readonly string[];
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
    options: () => [...COMMON, ...implOf('filesystem').FILESYSTEM_OPTIONS],
    source: true,
    sink: true,
    doc: "files or a directory of files: 'path', 'format' = csv | json | debezium-json",
    validate: (t) => implOf('filesystem').validateFilesystemTable(t),
  },
  nexmark: {
    options: () => [...COMMON, 'nexmark.table', ...implOf('nexmark').NEXMARK_GENERATOR_OPTIONS, ...implOf('nexmark').NEXMARK_IGNORED_OPTIONS],
    source: true,
    sink: false,
    doc: "the Nexmark auction generator: 'nexmark.table' = person | auction | bid, 'events.num', 'first-event.rate'",
    validate: (t) => implOf('nexmark').validateNexmarkTable(t),
  },
  datagen: {
    options: () => [...COMMON, ...implOf('datagen').DATAGEN_OPTIONS],
    prefixes: ['fields.'],
    source: true,
    sink: false,
    doc: "random rows from the declared schema: 'number-of-rows', 'seed', 'fields.<col>.min|max|length'",
    validate: (t) => implOf('datagen').validateDatagenTable(t),
  },
  'postgres-cdc': {
    options: () => [...COMMON, ...implOf('postgres-cdc').POSTGRES_CDC_OPTIONS],
    source: true,
    sink: false,
    doc: "a PostgreSQL table's snapshot and changes (logical replication): 'hostname', 'database-name', 'table-name', 'slot.name'",
    validate: (t) => implOf('postgres-cdc').validatePostgresCdcTable(t),
  },
  jdbc: {
    options: () => [...COMMON, ...implOf('jdbc').JDBC_OPTIONS],
    source: true,
    sink: true,
    doc: "a PostgreSQL table: 'url' = 'jdbc:postgresql://host:port/db', 'table-name', 'username', 'password'",
    validate: (t) => implOf('jdbc').validateJdbcTable(t),
  },
  print: {
    options: () => [...COMMON, 'print-identifier', 'standard-error', 'sink.parallelism'],
    source: false,
    sink: true,
    doc: "rows to standard output, changelog kind first: 'print-identifier'",
  },
  blackhole: {
    options: () => [...COMMON, 'sink.parallelism'],
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
  const options = info.options();
  for (const key of table.options.keys()) {
    if (options.includes(key)) continue;
    if (info.prefixes?.some((p) => key.startsWith(p))) continue;
    const guess = didYouMean(key, options);
    throw tableError(table, `unsupported option '${key}' for connector '${name}'`, guess !== undefined ? `did you mean '${guess}'?` : `options: ${options.join(', ')}`, key);
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
      return implOf('filesystem').filesystemSource(table, rps);
    case 'nexmark':
      return implOf('nexmark').nexmarkSource(table, maxParallelism, rps);
    case 'datagen':
      return implOf('datagen').datagenSource(table, rps);
    case 'postgres-cdc':
      return implOf('postgres-cdc').postgresCdcSource(table);
    case 'jdbc':
      return implOf('jdbc').jdbcSource(table, rps);
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
      return implOf('filesystem').filesystemSink(table);
    case 'print':
      return printSink(table.options.get('print-identifier'), table.options.get('standard-error') === 'true');
    case 'blackhole':
      return blackholeSink();
    case 'jdbc':
      return implOf('jdbc').jdbcSink(table);
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
  return implOf('jdbc').jdbcLookupTable(table, columns, keyColumns);
}
