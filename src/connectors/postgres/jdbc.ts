// 'connector' = 'jdbc' for PostgreSQL, with Flink's jdbc option names: its options, and the
// checks made when the table is created (a bad value is a positioned error at once).

import type { TableDef } from '../../catalog/catalog.js';
import { parseDuration } from '../../catalog/catalog.js';
import { tableError } from '../table-errors.js';
import { jdbcEndpoint } from './common.js';

export const JDBC_OPTIONS = [
  'url',
  'table-name',
  'driver',
  'username',
  'password',
  'connection.max-retry-timeout',
  'scan.fetch-size',
  'scan.auto-commit',
  'sink.buffer-flush.max-rows',
  'sink.buffer-flush.interval',
  'sink.max-retries',
  'sink.parallelism',
  'sink.semantic',
  'lookup.cache',
  'lookup.partial-cache.max-rows',
  'lookup.partial-cache.expire-after-write',
  'lookup.partial-cache.expire-after-access',
  'lookup.partial-cache.cache-missing-key',
  'lookup.cache.max-rows',
  'lookup.cache.ttl',
  'lookup.cache.caching-missing-key',
  'lookup.max-retries',
];

function fail(table: TableDef, message: string, hint?: string, key?: string): never {
  throw tableError(table, `table ${table.name}: ${message}`, hint, key);
}

export function validateJdbcTable(table: TableDef): void {
  const url = table.options.get('url');
  if (url === undefined) fail(table, "the jdbc connector needs a 'url'", "add 'url' = 'jdbc:postgresql://localhost:5432/mydb'");
  if (!/^jdbc:postgresql:/i.test(url)) fail(table, `'url' must be a PostgreSQL jdbc url (jdbc:postgresql://host:port/database); weir's jdbc connector speaks PostgreSQL only`, undefined, 'url');
  jdbcEndpoint(table, {}); // parses the url
  const driver = table.options.get('driver');
  if (driver !== undefined && driver !== 'org.postgresql.Driver') fail(table, `'driver' must be org.postgresql.Driver (weir speaks the PostgreSQL protocol itself), got '${driver}'`);
  const nonNegInt = (k: string): void => {
    const v = table.options.get(k);
    if (v !== undefined && !/^\d+$/.test(v.trim())) fail(table, `'${k}' must be a whole number, got '${v}'`);
  };
  for (const k of ['scan.fetch-size', 'sink.buffer-flush.max-rows', 'sink.max-retries', 'lookup.max-retries', 'lookup.partial-cache.max-rows', 'lookup.cache.max-rows', 'sink.parallelism']) nonNegInt(k);
  const rows = table.options.get('sink.buffer-flush.max-rows');
  if (rows !== undefined && Number(rows) < 1) fail(table, "'sink.buffer-flush.max-rows' must be at least 1");
  for (const k of ['sink.buffer-flush.interval', 'lookup.partial-cache.expire-after-write', 'lookup.partial-cache.expire-after-access', 'lookup.cache.ttl', 'connection.max-retry-timeout']) {
    const v = table.options.get(k);
    if (v !== undefined && !(parseDuration(v) >= 0)) fail(table, `'${k}' must be a duration such as '1s' or '10 min', got '${v}'`);
  }
  const semantic = table.options.get('sink.semantic');
  if (semantic !== undefined && !['exactly-once', 'at-least-once', 'none'].includes(semantic.toLowerCase())) fail(table, `'sink.semantic' must be exactly-once or at-least-once, got '${semantic}'`);
  const cache = table.options.get('lookup.cache');
  if (cache !== undefined && !['NONE', 'PARTIAL'].includes(cache.toUpperCase())) fail(table, `'lookup.cache' must be NONE or PARTIAL, got '${cache}'`, cache.toUpperCase() === 'FULL' ? "FULL caching is not supported; use 'PARTIAL'" : undefined);
  for (const k of ['lookup.partial-cache.cache-missing-key', 'lookup.cache.caching-missing-key', 'scan.auto-commit']) {
    const v = table.options.get(k);
    if (v !== undefined && !['true', 'false'].includes(v.toLowerCase())) fail(table, `'${k}' must be true or false, got '${v}'`);
  }
}
