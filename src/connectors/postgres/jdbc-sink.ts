// The jdbc sink into PostgreSQL ('connector' = 'jdbc', Flink's option names).
//
// Rows are buffered and written in batches: one statement per flush whose parameters are one
// array per column (`INSERT ... SELECT * FROM unnest($1::type[], ...)`), never a round trip
// per row. A flush happens at 'sink.buffer-flush.max-rows' rows (default 100), every
// 'sink.buffer-flush.interval' (default 1s), and on every checkpoint barrier.
//
// Modes, as Flink's jdbc sink:
// - a table with a PRIMARY KEY is written in upsert mode: +I/+U rows are upserted
//   (`INSERT ... ON CONFLICT (pk) DO UPDATE`), -D rows delete by key, -U rows are ignored
//   (the +U that follows replaces the row). The buffer keeps the last change per key, so a
//   flush touches each key once (PostgreSQL refuses to upsert one key twice in a statement).
// - a table without one is append-only: rows are inserted.
//
// Delivery:
// - at-least-once (default): each flush commits on its own; a replay after a restore
//   repeats upserts, which are idempotent. Failed flushes are retried 'sink.max-retries'
//   times on a fresh connection when the failure is the connection's or a deadlock.
// - 'sink.semantic' = 'exactly-once': each subtask writes a checkpoint's rows in one
//   transaction, PREPARE TRANSACTION on the barrier, COMMIT PREPARED when the checkpoint
//   completes. The transaction's name is `weir_<sink>_<attempt>_<subtask>_<checkpoint>`, where
//   <sink> is a hash of the url, table and operator id and <attempt> a hash of the job id
//   (unique per `weir run`) and the attempt number (one more per automatic restart in the
//   same process), shared by the attempt's subtasks.
//   A restore commits the pending names its checkpoint recorded (COMMIT PREPARED of a name that
//   no longer exists means it was committed already), then, before writing anything, rolls
//   back every prepared transaction of this sink that an earlier attempt or run left for a
//   checkpoint after the restored one (or any, when nothing was restored): those belong to
//   checkpoints that never completed, or that the restore goes back before, and their rows
//   are written again. The earlier attempt's transactions must not be kept: each holds the
//   row locks of what it wrote, so the new attempt's upserts of the same keys would wait on
//   them for ever. Names of checkpoints up to the restored one are left to the restore's
//   commits (which other subtasks, in other threads, may still be making).

import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Batch } from '../../common/batch.js';
import { RowKind } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import type { TableDef } from '../../catalog/catalog.js';
import { parseDuration } from '../../catalog/catalog.js';
import type { SinkConnector, SinkOptions, SinkWriter } from '../connector.js';
import { tableError } from '../table-errors.js';
import { crashPoint } from '../../common/test-hooks.js';
import {
  JDBC_OPTION_NAMES,
  arrayLiteral,
  type PgColumn,
  type PgEndpoint,
  type ValueEncoder,
  connectPg,
  describeTable,
  jdbcEndpoint,
  maskUrlPassword,
  pgError,
  pgErrorCode,
  quoteIdent,
  quoteTableName,
  typeMismatch,
  valueEncoder,
} from './common.js';

/** A prepared transaction waiting for its checkpoint to complete. */
interface PendingTxn {
  readonly gid: string;
}

export function jdbcSink(table: TableDef): SinkConnector {
  const semantic = (table.options.get('sink.semantic') ?? 'at-least-once').toLowerCase();
  return {
    acceptsUpdates: (table.primaryKey?.length ?? 0) > 0,
    transactional: semantic === 'exactly-once',
    createWriter: async (opts) => {
      const w = new JdbcSinkWriter(table, opts, semantic === 'exactly-once');
      await w.open();
      return w;
    },
  };
}

function isRetryable(e: unknown): boolean {
  const code = pgErrorCode(e) ?? '';
  return code.startsWith('08') || code === '40001' || code === '40P01' || code === '57P01' || code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated|not queryable/i.test(String((e as Error)?.message));
}

export class JdbcSinkWriter implements SinkWriter {
  private readonly ep: PgEndpoint;
  private readonly maxRows: number;
  private readonly intervalMs: number;
  private readonly maxRetries: number;
  private client: pg.Client | null = null;
  /** Exactly-once: COMMIT/ROLLBACK PREPARED run here, never inside the writing session's transaction. */
  private control: pg.Client | null = null;
  private columns: string[] = [];
  private arrayTypes: string[] = [];
  private encoders: ValueEncoder[] = [];
  private keyIdx: number[] = [];
  private upsert = false;
  private insertSql = '';
  private deleteSql = '';
  // the buffer, column-wise: values already in the form the client sends
  private buf: unknown[][] = [];
  private bufDelete: boolean[] = [];
  private bufLen = 0;
  /** upsert mode: key -> slot in the buffer (the last change of a key replaces the earlier). */
  private readonly slots = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private txnOpen = false;
  private cleaned = false;
  private readonly prefix: string;
  /**
   * This attempt's part of the names, the same in every subtask and thread of the attempt (from
   * the job id, unique per `weir run`, and the attempt number): a subtask's cleanup must never
   * roll back what another subtask of the same attempt has prepared, and must roll back what
   * a failed attempt of the same run left.
   */
  private readonly attempt: string;
  /** Exactly-once: my prepared transactions not yet committed. */
  private readonly prepared = new Set<string>();

  constructor(
    private readonly table: TableDef,
    private readonly opts: SinkOptions,
    private readonly exactlyOnce: boolean,
  ) {
    this.ep = jdbcEndpoint(table);
    this.maxRows = Number(table.options.get('sink.buffer-flush.max-rows') ?? '100');
    this.intervalMs = parseDuration(table.options.get('sink.buffer-flush.interval') ?? '1s');
    this.maxRetries = Number(table.options.get('sink.max-retries') ?? '3');
    const id = `${maskUrlPassword(table.options.get('url') ?? '')}|${table.options.get('table-name') ?? table.name}|${opts.operatorId ?? ''}`;
    this.prefix = `weir_${createHash('sha256').update(id).digest('hex').slice(0, 12)}_`;
    this.attempt = createHash('sha256').update(`${opts.jobId}#${opts.attempt ?? 0}`).digest('hex').slice(0, 10);
  }

  private get tableName(): string {
    return this.table.options.get('table-name') ?? this.table.name;
  }

  async open(): Promise<void> {
    this.client = await connectPg(this.table, this.ep, JDBC_OPTION_NAMES);
    if (this.exactlyOnce) {
      this.control = await connectPg(this.table, this.ep, JDBC_OPTION_NAMES);
      const mpt = await this.control.query<{ v: string }>("SELECT current_setting('max_prepared_transactions') AS v");
      if (Number(mpt.rows[0]?.v ?? '0') <= 0) {
        await this.close();
        throw this.userError(
          `'sink.semantic' = 'exactly-once' needs prepared transactions, but the server at ${this.ep.host}:${this.ep.port} has max_prepared_transactions = 0`,
          "set max_prepared_transactions above 0 on the server (ALTER SYSTEM SET max_prepared_transactions = 20, then restart it), or use 'sink.semantic' = 'at-least-once'",
          'sink.semantic',
        );
      }
    }
    let pgCols: PgColumn[] | undefined;
    try {
      pgCols = await describeTable(this.client, this.tableName);
    } catch (e) {
      throw this.error(e, `reading the columns of table '${this.tableName}'`);
    }
    if (pgCols === undefined) {
      await this.close();
      throw this.userError(`table '${this.tableName}' does not exist in database '${this.ep.database}' at ${this.ep.host}:${this.ep.port}`, `check 'table-name', or create the table in PostgreSQL first (the jdbc sink does not create tables)`, 'table-name');
    }
    const byName = new Map(pgCols.map((c) => [c.name.toLowerCase(), c]));
    // the rows come in the sink table's column order, under the query's names: name them as the table does
    const physical = this.table.columns.filter((c) => c.kind === 'physical');
    const fields = this.opts.schema.map((f, i) => ({ name: physical[i]?.name ?? f.name, type: f.type }));
    for (const f of fields) {
      const c = byName.get(f.name.toLowerCase());
      if (c === undefined) {
        await this.close();
        throw this.userError(`column '${f.name}' of ${this.table.name} is not a column of PostgreSQL table '${this.tableName}' (it has ${pgCols.map((x) => x.name).join(', ')})`, `declare the columns the PostgreSQL table has`, 'table-name');
      }
      const why = typeMismatch(f.type, c.typname, c.type, 'write');
      if (why !== undefined) {
        await this.close();
        throw this.userError(`column '${f.name}' cannot be written to '${this.tableName}': ${why}`, `declare '${f.name}' with the matching type`, 'table-name');
      }
      this.columns.push(c.name);
      this.arrayTypes.push(`${c.type}[]`);
      this.encoders.push(valueEncoder(f.type));
    }
    const pk = this.table.primaryKey ?? [];
    this.upsert = pk.length > 0;
    this.keyIdx = pk.map((k) => fields.findIndex((f) => f.name.toLowerCase() === k.toLowerCase()));
    const target = quoteTableName(this.tableName);
    const cols = this.columns.map(quoteIdent).join(', ');
    const unnest = this.arrayTypes.map((t, i) => `$${i + 1}::${t}`).join(', ');
    this.insertSql = `INSERT INTO ${target} (${cols}) SELECT * FROM unnest(${unnest})`;
    if (this.upsert) {
      const keyCols = this.keyIdx.map((i) => quoteIdent(this.columns[i]!));
      const rest = this.columns.map((_, i) => i).filter((i) => !this.keyIdx.includes(i));
      this.insertSql += ` ON CONFLICT (${keyCols.join(', ')}) ` + (rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((i) => `${quoteIdent(this.columns[i]!)} = EXCLUDED.${quoteIdent(this.columns[i]!)}`).join(', ')}`);
      const keyArrays = this.keyIdx.map((i, j) => `$${j + 1}::${this.arrayTypes[i]}`).join(', ');
      this.deleteSql = `DELETE FROM ${target} WHERE (${keyCols.join(', ')}) IN (SELECT * FROM unnest(${keyArrays}))`;
    }
    this.buf = this.columns.map(() => []);
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => {
        if (this.bufLen > 0) this.enqueue(() => this.flush());
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  private userError(message: string, hint: string, key: string): WeirError {
    const e = tableError(this.table, `table ${this.table.name}: ${message}`, hint, key);
    return new WeirError('execution', e.message, { span: e.span, hint: e.hint, source: e.source });
  }

  private error(e: unknown, what: string): WeirError {
    return pgError(this.table, this.ep, JDBC_OPTION_NAMES, e, what);
  }

  /** Runs flushes one after another (timer, barrier and writes never interleave). */
  private enqueue<R>(f: () => Promise<R>): Promise<R> {
    const next = this.chain.then(async () => {
      if (this.failure !== null) throw this.failure;
      try {
        return await f();
      } catch (e) {
        this.failure = e;
        throw e;
      }
    });
    this.chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  write(batch: Batch): void | Promise<void> {
    if (this.failure !== null) throw this.failure;
    const n = batch.length;
    const ops = batch.ops;
    const cols = batch.columns;
    const nc = this.columns.length;
    let last: Promise<void> | undefined;
    for (let i = 0; i < n; i++) {
      const op = ops === null ? RowKind.Insert : ops[i]!;
      if (op === RowKind.UpdateBefore) continue;
      const isDelete = op === RowKind.Delete;
      if (isDelete && !this.upsert) continue; // append-only table: the planner only sends inserts
      let slot = this.bufLen;
      if (this.upsert) {
        let key = '';
        for (let k = 0; k < this.keyIdx.length; k++) {
          const c = cols[this.keyIdx[k]!]!;
          key += c.nulls !== null && c.nulls[i] === 1 ? '\u0001N' : `\u0001${String(c.values[i])}`;
        }
        const prev = this.slots.get(key);
        if (prev !== undefined) slot = prev;
        else this.slots.set(key, slot);
      }
      for (let c = 0; c < nc; c++) {
        const col = cols[c]!;
        this.buf[c]![slot] = col.nulls !== null && col.nulls[i] === 1 ? null : this.encoders[c]!(col.values[i]);
      }
      this.bufDelete[slot] = isDelete;
      if (slot === this.bufLen) this.bufLen++;
      if (this.bufLen >= this.maxRows) {
        // hand the full buffer to a flush (flushes run in order) and go on filling a new one
        last?.catch(() => undefined);
        last = this.enqueue(this.takeFlush());
      }
    }
    return last;
  }

  /** Detaches the current buffer and returns the flush of it. */
  private takeFlush(): () => Promise<void> {
    const buf = this.buf;
    const del = this.bufDelete;
    const len = this.bufLen;
    this.buf = this.columns.map(() => []);
    this.bufDelete = [];
    this.bufLen = 0;
    this.slots.clear();
    return () => this.writeRows(buf, del, len);
  }

  private flush(): Promise<void> {
    if (this.bufLen === 0) return Promise.resolve();
    return this.takeFlush()();
  }

  private async writeRows(buf: unknown[][], del: boolean[], len: number): Promise<void> {
    if (len === 0) return;
    const upsertRows: number[] = [];
    const deleteRows: number[] = [];
    for (let i = 0; i < len; i++) (del[i] ? deleteRows : upsertRows).push(i);
    const pick = (cols: readonly number[], rows: readonly number[]): string[] => cols.map((c) => (rows.length === len ? arrayLiteral(buf[c]!, len) : arrayLiteral(rows.map((r) => buf[c]![r]))));
    const statements: [string, string[]][] = [];
    if (upsertRows.length > 0) statements.push([this.insertSql, pick(this.columns.map((_, i) => i), upsertRows)]);
    if (deleteRows.length > 0) statements.push([this.deleteSql, pick(this.keyIdx, deleteRows)]);
    await this.cleanup();
    for (let attempt = 0; ; attempt++) {
      try {
        const c = this.client!;
        if (this.exactlyOnce && !this.txnOpen) {
          await c.query('BEGIN');
          this.txnOpen = true;
        }
        for (const [sql, params] of statements) await c.query(sql, params);
        return;
      } catch (e) {
        // exactly-once: a lost transaction cannot be retried here; the job restarts from its checkpoint
        if (this.exactlyOnce || attempt >= this.maxRetries || !isRetryable(e)) throw this.error(e, `writing ${len} rows to table '${this.tableName}'`);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        await this.client?.end().catch(() => undefined);
        this.client = await connectPg(this.table, this.ep, JDBC_OPTION_NAMES);
      }
    }
  }

  /**
   * Exactly-once, before the first write of this attempt: rolls back prepared transactions
   * of this sink left by earlier attempts for checkpoints after the restored one (all of them
   * when nothing was restored). The restored checkpoint is the newest that completed, so those
   * never completed (or the restore goes back before them): their rows come again in the
   * replay. Names of checkpoints up to the restored one are the restore's to commit.
   */
  private async cleanup(): Promise<void> {
    if (!this.exactlyOnce || this.cleaned) return;
    this.cleaned = true;
    const c = this.control!;
    const r = await c.query<{ gid: string }>("SELECT gid FROM pg_prepared_xacts WHERE gid LIKE $1 || '%' AND database = current_database()", [this.prefix]);
    for (const { gid } of r.rows) {
      if (gid.startsWith(`${this.prefix}${this.attempt}_`)) continue;
      const chk = Number(gid.slice(gid.lastIndexOf('_') + 1));
      if (this.opts.restoredCheckpointId !== undefined && chk <= this.opts.restoredCheckpointId) continue;
      try {
        await c.query(`ROLLBACK PREPARED '${gid}'`);
      } catch (e) {
        if (pgErrorCode(e) !== '42704') throw this.error(e, `rolling back prepared transaction ${gid}`);
      }
    }
  }

  async prepareCommit(checkpointId: number): Promise<unknown> {
    await this.enqueue(() => this.flush());
    if (!this.exactlyOnce) return null;
    return this.enqueue(async (): Promise<PendingTxn | null> => {
      await this.cleanup();
      if (!this.txnOpen) return null;
      const gid = `${this.prefix}${this.attempt}_${this.opts.subtask}_${checkpointId}`;
      try {
        await this.client!.query(`PREPARE TRANSACTION '${gid}'`);
      } catch (e) {
        throw this.error(e, `preparing the transaction of checkpoint ${checkpointId}`);
      }
      this.txnOpen = false;
      this.prepared.add(gid);
      return { gid };
    });
  }

  async commit(pending: readonly unknown[]): Promise<void> {
    if (!this.exactlyOnce) return;
    for (const p of pending) {
      const gid = (p as PendingTxn | null)?.gid;
      if (gid === undefined || !gid.startsWith(this.prefix) || !/^[A-Za-z0-9_]+$/.test(gid)) continue;
      crashPoint('jdbc-sink-commit');
      try {
        await this.control!.query(`COMMIT PREPARED '${gid}'`);
      } catch (e) {
        // 42704: no such prepared transaction: committed already (a restore repeats the commit)
        if (pgErrorCode(e) !== '42704') throw this.error(e, `committing prepared transaction ${gid}`);
      }
      this.prepared.delete(gid);
    }
  }

  async finish(): Promise<void> {
    await this.enqueue(() => this.flush());
    if (!this.exactlyOnce) return;
    await this.enqueue(async () => {
      await this.cleanup();
      if (this.txnOpen) {
        await this.client!.query('COMMIT');
        this.txnOpen = false;
      }
    });
    // checkpoints whose completion was not announced before the input ended
    await this.commit([...this.prepared].map((gid) => ({ gid })));
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
    const c = this.client;
    this.client = null;
    if (c !== null) {
      // an open (unprepared) transaction is abandoned: the server rolls it back
      await c.end().catch(() => undefined);
    }
    await this.control?.end().catch(() => undefined);
    this.control = null;
  }
}

/** Options of the jdbc connector (Flink's names). */
export const JDBC_SINK_OPTIONS = ['sink.buffer-flush.max-rows', 'sink.buffer-flush.interval', 'sink.max-retries', 'sink.semantic', 'sink.parallelism'];
