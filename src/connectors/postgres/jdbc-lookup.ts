// A jdbc table as a lookup join's right side: the keys of a whole batch of left rows are
// looked up in one query (`WHERE k = ANY($1)`, or `(k1, k2) IN (SELECT * FROM unnest(...))`
// for a composite key), never one query per row. Failed queries are retried
// 'lookup.max-retries' times (default 3) on a fresh connection.
//
// Cache, with Flink's options:
//   'lookup.cache' = 'NONE' (default) | 'PARTIAL'
//   'lookup.partial-cache.max-rows'              keys kept (least recently used evicted first)
//   'lookup.partial-cache.expire-after-write'    a key's rows are looked up again after this
//   'lookup.partial-cache.expire-after-access'   ... or after this long unread
//   'lookup.partial-cache.cache-missing-key'     cache "no rows" too (default true)
// The legacy 'lookup.cache.max-rows' + 'lookup.cache.ttl' (+ 'lookup.cache.caching-missing-key')
// mean a partial cache with expire-after-write = ttl, as in Flink.

import type pg from 'pg';
import { parseDuration } from '../../catalog/catalog.js';
import type { TableDef } from '../../catalog/catalog.js';
import { WeirError } from '../../common/errors.js';
import type { SourceColumn } from '../../plan/physical.js';
import type { LookupTable } from '../connector.js';
import { tableError } from '../table-errors.js';
import { JDBC_OPTION_NAMES, type PgEndpoint, type TextDecoder, type ValueEncoder, connectPg, describeTable, jdbcEndpoint, pgError, quoteIdent, quoteTableName, textDecoder, typeMismatch, valueEncoder } from './common.js';

interface CacheEntry {
  rows: readonly (readonly unknown[])[];
  written: number;
}

export interface LookupCacheOptions {
  readonly maxRows: number;
  readonly expireAfterWrite: number;
  readonly expireAfterAccess: number;
  readonly cacheMissing: boolean;
}

export function lookupCacheOptions(table: TableDef): LookupCacheOptions | null {
  const o = table.options;
  const dur = (k: string): number => (o.get(k) !== undefined ? parseDuration(o.get(k)!) : 0);
  if ((o.get('lookup.cache') ?? '').toUpperCase() === 'PARTIAL') {
    return {
      maxRows: Number(o.get('lookup.partial-cache.max-rows') ?? Infinity),
      expireAfterWrite: dur('lookup.partial-cache.expire-after-write'),
      expireAfterAccess: dur('lookup.partial-cache.expire-after-access'),
      cacheMissing: (o.get('lookup.partial-cache.cache-missing-key') ?? 'true').toLowerCase() === 'true',
    };
  }
  if (o.get('lookup.cache') === undefined && o.get('lookup.cache.max-rows') !== undefined && o.get('lookup.cache.ttl') !== undefined) {
    return { maxRows: Number(o.get('lookup.cache.max-rows')), expireAfterWrite: dur('lookup.cache.ttl'), expireAfterAccess: 0, cacheMissing: (o.get('lookup.cache.caching-missing-key') ?? 'true').toLowerCase() === 'true' };
  }
  return null;
}

/** Keys -> rows, least recently used first (a Map keeps insertion order; a read re-inserts). */
export class LookupCache {
  private readonly map = new Map<string, CacheEntry & { accessed: number }>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly opts: LookupCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string): readonly (readonly unknown[])[] | undefined {
    const e = this.map.get(id);
    if (e === undefined) return undefined;
    const t = this.now();
    if ((this.opts.expireAfterWrite > 0 && t - e.written >= this.opts.expireAfterWrite) || (this.opts.expireAfterAccess > 0 && t - e.accessed >= this.opts.expireAfterAccess)) {
      this.map.delete(id);
      return undefined;
    }
    e.accessed = t;
    this.map.delete(id);
    this.map.set(id, e);
    return e.rows;
  }

  put(id: string, rows: readonly (readonly unknown[])[]): void {
    if (rows.length === 0 && !this.opts.cacheMissing) return;
    const t = this.now();
    this.map.delete(id);
    this.map.set(id, { rows, written: t, accessed: t });
    while (this.map.size > this.opts.maxRows) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}

export async function jdbcLookupTable(table: TableDef, columns: readonly SourceColumn[], keyColumns: readonly number[]): Promise<LookupTable> {
  const t = new JdbcLookupTable(table, columns, keyColumns);
  await t.open();
  return t;
}

const EMPTY: readonly (readonly unknown[])[] = [];

class JdbcLookupTable implements LookupTable {
  private readonly ep: PgEndpoint;
  private client: pg.Client | null = null;
  private sql = '';
  private decoders: TextDecoder[] = [];
  private keyEncoders: ValueEncoder[] = [];
  private readonly cache: LookupCache | null;
  private readonly maxRetries: number;

  constructor(
    private readonly table: TableDef,
    private readonly columns: readonly SourceColumn[],
    private readonly keyColumns: readonly number[],
  ) {
    this.ep = jdbcEndpoint(table);
    const c = lookupCacheOptions(table);
    this.cache = c === null ? null : new LookupCache(c);
    this.maxRetries = Number(table.options.get('lookup.max-retries') ?? '3');
  }

  private get tableName(): string {
    return this.table.options.get('table-name') ?? this.table.name;
  }

  private fail(message: string, hint: string): WeirError {
    const e = tableError(this.table, `table ${this.table.name}: ${message}`, hint, 'table-name');
    return new WeirError('execution', e.message, { span: e.span, hint: e.hint, source: e.source });
  }

  async open(): Promise<void> {
    this.client = await connectPg(this.table, this.ep, JDBC_OPTION_NAMES);
    const cols = await describeTable(this.client, this.tableName).catch((e: unknown) => {
      throw pgError(this.table, this.ep, JDBC_OPTION_NAMES, e, `reading table '${this.tableName}'`);
    });
    if (cols === undefined) {
      await this.close();
      throw this.fail(`table '${this.tableName}' does not exist in database '${this.ep.database}' at ${this.ep.host}:${this.ep.port}`, "check 'table-name'");
    }
    const byName = new Map(cols.map((c) => [c.name.toLowerCase(), c]));
    const names: string[] = [];
    const pgTypes: string[] = [];
    for (const c of this.columns) {
      const pc = byName.get(c.name.toLowerCase());
      const why = pc === undefined ? `PostgreSQL table '${this.tableName}' has no column '${c.name}'` : typeMismatch(c.type, pc.typname, pc.type, 'read');
      if (why !== undefined) {
        await this.close();
        throw this.fail(`column '${c.name}': ${why}`, 'declare the columns as the PostgreSQL table has them');
      }
      names.push(pc!.name);
      pgTypes.push(pc!.type);
      this.decoders.push(textDecoder(c.type));
    }
    this.keyEncoders = this.keyColumns.map((k) => valueEncoder(this.columns[k]!.type));
    const keyNames = this.keyColumns.map((k) => quoteIdent(names[k]!));
    const where =
      this.keyColumns.length === 1
        ? `${keyNames[0]} = ANY($1::${pgTypes[this.keyColumns[0]!]}[])`
        : `(${keyNames.join(', ')}) IN (SELECT * FROM unnest(${this.keyColumns.map((k, i) => `$${i + 1}::${pgTypes[k]}[]`).join(', ')}))`;
    this.sql = `SELECT ${names.map(quoteIdent).join(', ')} FROM ${quoteTableName(this.tableName)} WHERE ${where}`;
  }

  async lookup(keys: readonly (readonly unknown[])[], ids: readonly string[]): Promise<Map<string, readonly (readonly unknown[])[]>> {
    const out = new Map<string, readonly (readonly unknown[])[]>();
    const missKeys: (readonly unknown[])[] = [];
    const missIds: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const hit = this.cache?.get(ids[i]!);
      if (hit !== undefined) {
        this.cache!.hits++;
        out.set(ids[i]!, hit);
      } else {
        missKeys.push(keys[i]!);
        missIds.push(ids[i]!);
      }
    }
    if (missKeys.length === 0) return out;
    if (this.cache !== null) this.cache.misses += missKeys.length;
    const params = this.keyEncoders.map((enc, j) => missKeys.map((k) => enc(k[j])));
    let rows: unknown[][] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        rows = (await this.client!.query({ text: this.sql, values: params, rowMode: 'array' })).rows as unknown[][];
        break;
      } catch (e) {
        if (attempt >= this.maxRetries) throw pgError(this.table, this.ep, JDBC_OPTION_NAMES, e, `looking up ${missKeys.length} keys in table '${this.tableName}' (after ${attempt + 1} attempts)`);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        await this.client?.end().catch(() => undefined);
        this.client = await connectPg(this.table, this.ep, JDBC_OPTION_NAMES);
      }
    }
    const found = new Map<string, unknown[][]>();
    for (const raw of rows) {
      const row = raw.map((v, c) => {
        if (v === null) return null;
        try {
          return this.decoders[c]!(v as string);
        } catch (e) {
          throw new WeirError('data', `table ${this.table.name} (PostgreSQL '${this.tableName}'), column '${this.columns[c]!.name}': ${(e as Error).message}`);
        }
      });
      const id = lookupKeyId(this.keyColumns.map((k) => row[k]));
      let list = found.get(id);
      if (list === undefined) found.set(id, (list = []));
      list.push(row);
    }
    for (const id of missIds) {
      const r = found.get(id) ?? EMPTY;
      this.cache?.put(id, r);
      out.set(id, r);
    }
    return out;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}

/** The id of a key (values as weir carries them: numbers, strings, booleans as true/false). */
export function lookupKeyId(values: readonly unknown[]): string {
  let s = '';
  for (const v of values) s += `\u0001${typeof v === 'boolean' ? (v ? '1' : '0') : String(v)}`;
  return s;
}
