// A jdbc table read as a bounded source: a scan of the PostgreSQL table, as Flink's jdbc scan
// source. One subtask reads it (the others start idle), through a server-side cursor in
// one read-only transaction (a consistent snapshot), 'scan.fetch-size' rows a fetch
// (default 1024). Rows come in primary-key order when the table declares one, so the
// position (rows read so far) resumes exactly after a restore if the table is unchanged;
// a table without a primary key is read again from where the count says, in the server's order.
//
// Values arrive as text and are decoded exactly (common.ts): a value weir cannot carry
// exactly fails the job with the table, column and value, never a rounded number.

import type pg from 'pg';
import type { Batch, Column } from '../../common/batch.js';
import { allocValues } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import { physicalKind } from '../../common/types.js';
import type { TableDef } from '../../catalog/catalog.js';
import type { ReaderOptions, SourceConnector, SourcePosition, SourceReader } from '../connector.js';
import { tableError } from '../table-errors.js';
import { JDBC_OPTION_NAMES, type PgEndpoint, type TextDecoder, connectPg, describeTable, jdbcEndpoint, pgError, quoteIdent, quoteTableName, textDecoder, typeMismatch } from './common.js';

export function jdbcSource(table: TableDef, rowsPerSecond: number | undefined): SourceConnector {
  return {
    bounded: true,
    updating: false,
    rowsPerSecond,
    startsIdle: (subtask) => subtask !== 0,
    createReader: async (opts) => {
      const r = new JdbcScanReader(table, opts);
      if (opts.subtask === 0) await r.open();
      return r;
    },
  };
}

class JdbcScanReader implements SourceReader {
  private readonly ep: PgEndpoint;
  private client: pg.Client | null = null;
  private readonly fetchSize: number;
  private read = 0;
  private done: boolean;
  private decoders: TextDecoder[] = [];
  private pgNames: string[] = [];

  constructor(
    private readonly table: TableDef,
    private readonly opts: ReaderOptions,
  ) {
    this.ep = jdbcEndpoint(table);
    const fs = Number(table.options.get('scan.fetch-size') ?? '0');
    this.fetchSize = fs > 0 ? fs : 1024;
    this.done = opts.subtask !== 0;
    const restored = opts.restored?.jdbc as { read?: number } | undefined;
    this.read = restored?.read ?? 0;
  }

  private get tableName(): string {
    return this.table.options.get('table-name') ?? this.table.name;
  }

  async open(): Promise<void> {
    this.client = await connectPg(this.table, this.ep, JDBC_OPTION_NAMES);
    const cols = await describeTable(this.client, this.tableName).catch((e: unknown) => {
      throw pgError(this.table, this.ep, JDBC_OPTION_NAMES, e, `reading table '${this.tableName}'`);
    });
    if (cols === undefined) {
      await this.close();
      const e = tableError(this.table, `table ${this.table.name}: table '${this.tableName}' does not exist in database '${this.ep.database}' at ${this.ep.host}:${this.ep.port}`, "check 'table-name'", 'table-name');
      throw new WeirError('execution', e.message, { span: e.span, hint: e.hint, source: e.source });
    }
    const byName = new Map(cols.map((c) => [c.name.toLowerCase(), c]));
    for (const c of this.opts.columns) {
      const pc = byName.get(c.name.toLowerCase());
      const why = pc === undefined ? `PostgreSQL table '${this.tableName}' has no column '${c.name}' (it has ${cols.map((x) => x.name).join(', ')})` : typeMismatch(c.type, pc.typname, pc.type, 'read');
      if (why !== undefined) {
        await this.close();
        const e = tableError(this.table, `table ${this.table.name}: column '${c.name}': ${why}`, 'declare the columns as the PostgreSQL table has them', 'table-name');
        throw new WeirError('execution', e.message, { span: e.span, hint: e.hint, source: e.source });
      }
      this.pgNames.push(pc!.name);
      this.decoders.push(textDecoder(c.type));
    }
    const pk = (this.table.primaryKey ?? []).map((k) => byName.get(k.toLowerCase())?.name ?? k);
    const select = this.pgNames.length === 0 ? 'SELECT 1' : `SELECT ${this.pgNames.map(quoteIdent).join(', ')}`;
    const order = pk.length > 0 ? ` ORDER BY ${pk.map(quoteIdent).join(', ')}` : '';
    const offset = this.read > 0 ? ` OFFSET ${this.read}` : '';
    try {
      await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await this.client.query(`DECLARE weir_scan NO SCROLL CURSOR FOR ${select} FROM ${quoteTableName(this.tableName)}${order}${offset}`);
    } catch (e) {
      throw pgError(this.table, this.ep, JDBC_OPTION_NAMES, e, `reading table '${this.tableName}'`);
    }
  }

  async next(maxRows: number): Promise<Batch | null> {
    if (this.done) return null;
    const n = Math.max(1, Math.min(maxRows, this.fetchSize));
    let rows: unknown[][];
    try {
      rows = (await this.client!.query({ text: `FETCH ${n} FROM weir_scan`, rowMode: 'array' })).rows as unknown[][];
    } catch (e) {
      throw pgError(this.table, this.ep, JDBC_OPTION_NAMES, e, `reading table '${this.tableName}'`);
    }
    if (rows.length === 0) {
      this.done = true;
      await this.close();
      return null;
    }
    const len = rows.length;
    const columns: Column[] = this.opts.columns.map((c, ci) => {
      let values = allocValues(physicalKind(c.type), len) as unknown[];
      let nulls: Uint8Array | null = null;
      const dec = this.decoders[ci]!;
      const bool = physicalKind(c.type) === 'bool';
      for (let i = 0; i < len; i++) {
        const v = rows[i]![ci] as string | null;
        if (v === null) {
          nulls ??= new Uint8Array(len);
          nulls[i] = 1;
          continue;
        }
        let x: number | bigint | string | boolean;
        try {
          x = dec(v);
        } catch (e) {
          throw new WeirError('data', `table ${this.table.name} (PostgreSQL '${this.tableName}'), row ${this.read + i + 1}, column '${c.name}': ${(e as Error).message}`, { hint: 'declare a type that holds the value exactly (e.g. STRING), or change it in PostgreSQL' });
        }
        // a BIGINT beyond ±(2^53-1): the column goes wide (common/int64.ts; NULL slots hold 0)
        if (typeof x === 'bigint' && !Array.isArray(values)) values = Array.from(values as unknown as Float64Array);
        values[i] = bool ? (x ? 1 : 0) : x;
      }
      return { type: c.type, values: values as Column['values'], nulls };
    });
    this.read += len;
    return { length: len, columns, ops: null };
  }

  position(): SourcePosition {
    return this.opts.subtask === 0 ? { jdbc: { read: this.read } } : {};
  }

  skipped(): number {
    return 0;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
