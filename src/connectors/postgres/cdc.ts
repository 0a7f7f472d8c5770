// The `postgres-cdc` source (Flink CDC's option names): a consistent snapshot of one table,
// then its changes through logical replication (pgoutput), as a changelog keyed by the
// table's PRIMARY KEY.
//
// Consistency. With 'scan.startup.mode' = 'initial', the replication slot is created on a
// replication connection with CREATE_REPLICATION_SLOT ... EXPORT_SNAPSHOT; the snapshot is
// read in a REPEATABLE READ transaction that imports that exported snapshot (SET TRANSACTION
// SNAPSHOT), so it shows the table exactly as of the slot's consistent point, and the slot
// yields every transaction that commits after it: nothing missed, nothing twice. While the
// snapshot is read, checkpoint barriers wait (as in Flink CDC's non-incremental snapshot): a
// checkpoint never falls inside the snapshot, whose exported snapshot could not be reopened
// after a crash.
//
// Changes. START_REPLICATION streams pgoutput messages (CopyBoth over the `pg` client's
// connection). Rows of a transaction are held until its Commit arrives, then queued whole, so
// each emitted row knows its transaction's commit LSN, its ordinal in the transaction and the
// transaction's end LSN. The position is {lsn: end LSN of the last transaction emitted whole,
// commit/n: commit LSN and rows already emitted of a transaction emitted in part}. A restore
// starts replication at `lsn`, drops transactions whose commit LSN is below it and the first
// n rows of the partial one. The slot's confirmed position (standby status "flushed") moves
// to a checkpoint's `lsn` only when that checkpoint completes, so the server keeps every
// change a restore may need.
//
// Old rows. -U and -D need the whole old row: the table must have REPLICA IDENTITY FULL (as
// Flink CDC's documentation asks); otherwise PostgreSQL sends only the key and the source
// refuses to start, naming the ALTER TABLE to run.

import type pg from 'pg';
import { type Batch, type Column, RowKind, allocValues, emptyBatch, makeColumn } from '../../common/batch.js';
import { WeirError } from '../../common/errors.js';
import { type DataType, physicalKind, typeToString } from '../../common/types.js';
import type { TableDef } from '../../catalog/catalog.js';
import type { SourceColumn } from '../../plan/physical.js';
import type { ReaderOptions, SourceConnector, SourcePosition, SourceReader } from '../connector.js';
import { tableError } from '../table-errors.js';
import { CDC_OPTION_NAMES, describeCdcTable } from './cdc-common.js';
import { type PgEndpoint, type TextDecoder, connectPg, passwordFromEnvironment, pgError, quoteIdent, textDecoder, typeMismatch } from './common.js';
import { type PgOutputMessage, type Tuple, decodePgOutput, lsnFromText, lsnToText, standbyStatus } from './cdc-pgoutput.js';
import { crashPoint } from '../../common/test-hooks.js';

export const POSTGRES_CDC_OPTIONS = [
  'hostname',
  'port',
  'username',
  'password',
  'database-name',
  'schema-name',
  'table-name',
  'slot.name',
  'decoding.plugin.name',
  'scan.startup.mode',
  'debezium.publication.name',
] as const;

const STARTUP_MODES = ['initial', 'latest-offset', 'snapshot'];
/** Rows queued from the replication stream before the socket is paused. */
const QUEUE_HIGH = 200_000;
const QUEUE_LOW = 20_000;
const STATUS_INTERVAL_MS = 10_000;

interface CdcConfig {
  readonly endpoint: PgEndpoint;
  readonly schema: string;
  readonly table: string;
  readonly slot: string;
  readonly publication: string;
  readonly mode: 'initial' | 'latest-offset' | 'snapshot';
}

export function validatePostgresCdcTable(table: TableDef): void {
  for (const k of ['hostname', 'username', 'database-name', 'table-name']) {
    if (!table.options.has(k)) throw tableError(table, `connector 'postgres-cdc' needs option '${k}'`, `add '${k}' = '...'`);
  }
  const mode = table.options.get('scan.startup.mode');
  if (mode !== undefined && !STARTUP_MODES.includes(mode)) throw tableError(table, `'scan.startup.mode' must be one of ${STARTUP_MODES.join(', ')}, got '${mode}'`);
  const plugin = table.options.get('decoding.plugin.name');
  if (plugin !== undefined && plugin !== 'pgoutput') throw tableError(table, `'decoding.plugin.name' = '${plugin}' is not supported: weir decodes the built-in 'pgoutput' plugin`, "use 'decoding.plugin.name' = 'pgoutput'");
  const port = table.options.get('port');
  if (port !== undefined && !/^\d+$/.test(port)) throw tableError(table, `'port' must be a port number, got '${port}'`);
  if (mode !== 'snapshot' && !table.options.has('slot.name')) throw tableError(table, "connector 'postgres-cdc' needs option 'slot.name' (the replication slot to read changes from)", "add 'slot.name' = 'my_slot' (created when missing)");
  const slot = table.options.get('slot.name');
  if (slot !== undefined && !/^[a-z0-9_]{1,63}$/.test(slot)) throw tableError(table, `'slot.name' must be lower-case letters, digits and underscores (PostgreSQL's rule for slot names), got '${slot}'`);
  if (table.primaryKey === undefined || table.primaryKey.length === 0) {
    throw new WeirError('plan', `table ${table.name}: a postgres-cdc table needs a PRIMARY KEY (...) NOT ENFORCED: its changes are keyed by it`, { hint: "declare the PostgreSQL table's primary key, e.g. PRIMARY KEY (id) NOT ENFORCED", span: table.span, source: table.source });
  }
  for (const c of table.columns) {
    if (c.kind !== 'physical') continue;
    if (!['INT', 'BIGINT', 'DOUBLE', 'DECIMAL', 'BOOLEAN', 'STRING', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ'].includes(c.type.kind)) {
      throw new WeirError('plan', `table ${table.name}: column ${c.name} of type ${typeToString(c.type)} cannot be read from PostgreSQL`, { span: table.span, source: table.source });
    }
  }
}

/** 'password', else PGPASSWORD or a ~/.pgpass line (as libpq and the jdbc connector find it). */
function endpointOf(o: ReadonlyMap<string, string>): PgEndpoint {
  const host = o.get('hostname')!;
  const port = Number(o.get('port') ?? '5432');
  const database = o.get('database-name')!;
  const user = o.get('username')!;
  const explicit = o.get('password');
  if (explicit !== undefined) return { host, port, database, user, password: explicit, passwordSource: 'option' };
  const found = passwordFromEnvironment(host, port, database, user);
  return { host, port, database, user, password: found?.password, passwordSource: found?.source ?? 'none' };
}

/** The session the decoders expect: UTC, ISO dates and intervals, floats in full. */
const SESSION: Partial<pg.ClientConfig> = { options: '-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=3 -c IntervalStyle=iso_8601', connectionTimeoutMillis: 30_000 };

function configOf(table: TableDef): CdcConfig {
  const o = table.options;
  return {
    endpoint: endpointOf(o),
    schema: o.get('schema-name') ?? 'public',
    table: o.get('table-name')!,
    slot: o.get('slot.name') ?? '',
    publication: o.get('debezium.publication.name') ?? 'dbz_publication',
    mode: (o.get('scan.startup.mode') ?? 'initial') as CdcConfig['mode'],
  };
}

export function postgresCdcSource(table: TableDef): SourceConnector {
  const cfg = configOf(table);
  return {
    bounded: cfg.mode === 'snapshot',
    updating: cfg.mode !== 'snapshot',
    rowsPerSecond: undefined,
    startsIdle: (subtask) => subtask !== 0,
    createReader: async (opts) => {
      if (opts.subtask !== 0) return new NoSplitReader();
      const r = new CdcReader(table, cfg, opts);
      try {
        await r.open();
      } catch (e) {
        await r.close();
        throw pgError(table, cfg.endpoint, CDC_OPTION_NAMES, e);
      }
      return r;
    },
  };
}

/** The CDC stream is one split, read by subtask 0; the others have nothing to read. */
class NoSplitReader implements SourceReader {
  next(): null {
    return null;
  }
  position(): SourcePosition {
    return {};
  }
  skipped(): number {
    return 0;
  }
  close(): void {}
}

interface QueuedTx {
  readonly commit: bigint;
  readonly end: bigint;
  readonly kinds: number[];
  readonly rows: Tuple[];
  /** Rows already emitted. */
  emitted: number;
}

interface CdcPosition {
  /** End LSN of the last transaction emitted whole (or the snapshot's consistent point). */
  readonly lsn: string;
  /** A transaction emitted in part: its commit LSN and how many of its rows were emitted. */
  readonly commit?: string;
  readonly n?: number;
}

class CdcReader implements SourceReader {
  private client: pg.Client | null = null;
  private repl: pg.Client | null = null;
  private readonly splitId: string;
  private readonly columns: readonly SourceColumn[];
  private readonly decoders: TextDecoder[];
  /** For each requested column, its index in the relation (from Relation messages). */
  private relIndex: number[] = [];
  private relid = -1;
  private phase: 'snapshot' | 'stream' | 'done' = 'stream';
  private readonly queue: QueuedTx[] = [];
  private queuedRows = 0;
  private paused = false;
  private current: { commit: bigint; kinds: number[]; rows: Tuple[] } | null = null;
  private failure: Error | null = null;
  /** End LSN of the last transaction emitted whole. */
  private emittedLsn = 0n;
  private partial: { commit: bigint; n: number } | null = null;
  /** Restore: skip transactions committed below this LSN, and the first n rows of one. */
  private skipBelow = 0n;
  private skipPartial: { commit: bigint; n: number } | null = null;
  private readonly taken = new Map<number, bigint>();
  private confirmed = 0n;
  private statusTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly table: TableDef,
    private readonly cfg: CdcConfig,
    opts: ReaderOptions,
  ) {
    this.splitId = `postgres-cdc:${cfg.schema}.${cfg.table}`;
    this.columns = opts.columns;
    this.decoders = opts.columns.map((c) => textDecoder(c.type));
    const restored = opts.restored?.[this.splitId] as CdcPosition | undefined;
    if (restored !== undefined) {
      this.skipBelow = lsnFromText(restored.lsn);
      this.emittedLsn = this.skipBelow;
      if (restored.commit !== undefined) {
        this.skipPartial = { commit: lsnFromText(restored.commit), n: restored.n ?? 0 };
        this.partial = this.skipPartial;
      }
    }
    this.restoring = restored !== undefined;
  }

  private readonly restoring: boolean;

  private err(message: string, hint?: string): WeirError {
    return new WeirError('execution', `table ${this.table.name}: ${message}`, { hint });
  }

  private get qualified(): string {
    return `${quoteIdent(this.cfg.schema)}.${quoteIdent(this.cfg.table)}`;
  }

  async open(): Promise<void> {
    const cfg = this.cfg;
    const names = CDC_OPTION_NAMES;
    this.client = await connectPg(this.table, cfg.endpoint, names, SESSION);
    const c = this.client;
    const desc = await describeCdcTable(c, cfg.schema, cfg.table);
    if (desc === undefined) throw this.err(`table ${cfg.schema}.${cfg.table} does not exist in database '${cfg.endpoint.database}'`, "check 'table-name' and 'schema-name'");
    for (const col of this.columns) {
      const pgc = desc.columns.find((x) => x.name === col.name);
      if (pgc === undefined) throw this.err(`column ${col.name} does not exist in ${cfg.schema}.${cfg.table} (columns: ${desc.columns.map((x) => x.name).join(', ')})`);
      const mismatch = typeMismatch(col.type, pgc.typname, pgc.type, 'read');
      if (mismatch !== undefined) throw this.err(`column ${col.name}: ${mismatch}`, 'declare the column with the type weir reads it as');
    }
    const declared = this.table.primaryKey ?? [];
    if (desc.primaryKey.join(',') !== declared.join(',')) {
      throw this.err(`PRIMARY KEY (${declared.join(', ')}) does not match the PostgreSQL table's primary key (${desc.primaryKey.join(', ') || 'none'})`);
    }
    if (cfg.mode === 'snapshot') {
      this.phase = 'snapshot';
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await this.declareCursor();
      return;
    }
    // logical replication prerequisites, each named
    const wal = (await c.query("SELECT current_setting('wal_level') AS w")).rows[0].w as string;
    if (wal !== 'logical') {
      throw this.err(`the server's wal_level is '${wal}'; logical replication needs wal_level = logical`, "set wal_level = logical in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart the server");
    }
    const role = (await c.query('SELECT rolreplication OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user')).rows[0];
    if (role?.ok !== 't' && role?.ok !== true) {
      throw this.err(`user '${cfg.endpoint.user}' lacks the REPLICATION privilege needed to read changes`, `ALTER ROLE ${quoteIdent(cfg.endpoint.user)} REPLICATION (option 'username')`);
    }
    if (desc.replicaIdentity !== 'f') {
      throw this.err(`table ${cfg.schema}.${cfg.table} has REPLICA IDENTITY ${desc.replicaIdentity === 'd' ? 'DEFAULT' : desc.replicaIdentity}: updates and deletes would not carry the old row`, `ALTER TABLE ${this.qualified} REPLICA IDENTITY FULL`);
    }
    const pub = await c.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [cfg.publication]);
    if (pub.rows.length === 0) {
      try {
        await c.query(`CREATE PUBLICATION ${quoteIdent(cfg.publication)} FOR TABLE ${this.qualified}`);
      } catch (e) {
        throw this.err(`publication '${cfg.publication}' does not exist, and creating it failed: ${(e as Error).message}`, `CREATE PUBLICATION ${quoteIdent(cfg.publication)} FOR TABLE ${this.qualified} as the table's owner, or name an existing one in 'debezium.publication.name'`);
      }
    } else {
      const has = await c.query('SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3', [cfg.publication, cfg.schema, cfg.table]);
      if (has.rows.length === 0) {
        // as Debezium's 'filtered' publication mode: add the table to the publication
        try {
          await c.query(`ALTER PUBLICATION ${quoteIdent(cfg.publication)} ADD TABLE ${this.qualified}`);
        } catch (e) {
          throw this.err(`publication '${cfg.publication}' does not include ${cfg.schema}.${cfg.table}, and adding it failed: ${(e as Error).message}`, `ALTER PUBLICATION ${quoteIdent(cfg.publication)} ADD TABLE ${this.qualified} as its owner, or choose another 'debezium.publication.name'`);
        }
      }
    }
    const slotRow = async (): Promise<{ active: string; lsn: string | null; plugin: string } | undefined> =>
      (await c.query('SELECT active::text AS active, confirmed_flush_lsn::text AS lsn, plugin FROM pg_replication_slots WHERE slot_name = $1', [cfg.slot])).rows[0];
    let slot = await slotRow();
    // a slot held by a killed process is released once the server notices; wait for that
    for (let i = 0; slot !== undefined && slot.active === 'true' && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      slot = await slotRow();
    }
    if (slot !== undefined && slot.active === 'true') throw this.err(`replication slot '${cfg.slot}' is in use by another connection`, "choose another 'slot.name'");
    if (slot !== undefined && slot.plugin !== 'pgoutput') throw this.err(`replication slot '${cfg.slot}' uses the ${slot.plugin} plugin, not pgoutput`, "choose another 'slot.name'");
    this.repl = await connectPg(this.table, cfg.endpoint, names, { ...SESSION, replication: 'database' } as Partial<pg.ClientConfig>);
    if (this.restoring) {
      if (slot === undefined) throw this.err(`replication slot '${cfg.slot}' no longer exists: the changes since the checkpoint are lost`, 'start the job without --restore (a new snapshot)');
      const confirmed = lsnFromText(slot.lsn!);
      if (confirmed > this.skipBelow) throw this.err(`replication slot '${cfg.slot}' has moved past the checkpoint (slot at ${slot.lsn}, checkpoint at ${lsnToText(this.skipBelow)})`, 'restore the latest checkpoint, or start without --restore');
      this.confirmed = confirmed;
      await this.startStream(this.skipBelow);
      return;
    }
    if (cfg.mode === 'latest-offset') {
      if (slot === undefined) {
        const r = await this.repl.query(`CREATE_REPLICATION_SLOT ${quoteIdent(cfg.slot)} LOGICAL pgoutput NOEXPORT_SNAPSHOT`);
        slot = { active: 'false', lsn: r.rows[0].consistent_point as string, plugin: 'pgoutput' };
      }
      this.emittedLsn = this.skipBelow = this.confirmed = lsnFromText(slot.lsn!);
      await this.startStream(this.skipBelow);
      return;
    }
    // initial: a fresh slot and its exported snapshot (a slot left by an earlier run without a
    // checkpoint to restore is replaced: this run starts over from a new snapshot)
    if (slot !== undefined) await c.query('SELECT pg_drop_replication_slot($1)', [cfg.slot]);
    const created = await this.repl.query(`CREATE_REPLICATION_SLOT ${quoteIdent(cfg.slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`);
    const consistent = lsnFromText(created.rows[0].consistent_point as string);
    this.emittedLsn = this.skipBelow = this.confirmed = consistent;
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await c.query(`SET TRANSACTION SNAPSHOT '${created.rows[0].snapshot_name as string}'`);
    await this.declareCursor();
    this.phase = 'snapshot';
  }

  private async declareCursor(): Promise<void> {
    const cols = this.columns.map((c) => `${quoteIdent(c.name)}::text`).join(', ');
    await this.client!.query(`DECLARE weir_snapshot NO SCROLL CURSOR FOR SELECT ${cols || '1'} FROM ${this.qualified}`);
  }

  /** Barriers wait while the snapshot is read. */
  holdsBarriers(): boolean {
    return this.phase === 'snapshot';
  }

  private async startStream(from: bigint): Promise<void> {
    const repl = this.repl!;
    const con = (repl as unknown as { connection: PgConnection }).connection;
    con.on('copyData', (msg: { chunk: Buffer }) => {
      try {
        this.onCopyData(msg.chunk);
      } catch (e) {
        this.failure ??= e instanceof Error ? e : new Error(String(e));
      }
    });
    const sql = `START_REPLICATION SLOT ${quoteIdent(this.cfg.slot)} LOGICAL ${lsnToText(from)} (proto_version '1', publication_names '${this.cfg.publication.replace(/'/g, "''")}')`;
    repl.query(sql).then(
      () => {
        this.failure ??= this.err('the server ended logical replication');
      },
      (e: unknown) => {
        this.failure ??= pgError(this.table, this.cfg.endpoint, CDC_OPTION_NAMES, e, 'logical replication');
      },
    );
    repl.on('end', () => {
      this.failure ??= this.err('the replication connection closed');
    });
    this.statusTimer = setInterval(() => this.sendStatus(false), STATUS_INTERVAL_MS);
    this.statusTimer.unref();
    this.phase = 'stream';
  }

  private sendStatus(reply: boolean): void {
    if (this.repl === null || this.phase !== 'stream') return;
    try {
      (this.repl as unknown as { connection: PgConnection }).connection.sendCopyFromChunk(standbyStatus(this.confirmed, reply));
    } catch {
      // the connection failed: reported through `failure`
    }
  }

  private onCopyData(chunk: Buffer): void {
    const kind = chunk[0];
    if (kind === 0x6b /* k: keepalive */) {
      if (chunk[17] === 1) this.sendStatus(false);
      return;
    }
    if (kind !== 0x77 /* w: XLogData */) return;
    this.onMessage(decodePgOutput(chunk, 25));
  }

  private onMessage(m: PgOutputMessage): void {
    switch (m.tag) {
      case 'begin':
        this.current = { commit: m.finalLsn, kinds: [], rows: [] };
        return;
      case 'relation':
        if (m.schema === this.cfg.schema && m.name === this.cfg.table) {
          this.relid = m.relid;
          this.relIndex = this.columns.map((c) => m.columns.indexOf(c.name));
          const missing = this.columns.findIndex((_, i) => this.relIndex[i]! < 0);
          if (missing >= 0) throw this.err(`column ${this.columns[missing]!.name} was dropped from ${this.cfg.schema}.${this.cfg.table}`);
        }
        return;
      case 'insert':
        if (m.relid === this.relid) this.push(RowKind.Insert, m.after, null);
        return;
      case 'update':
        if (m.relid !== this.relid) return;
        if (m.before === null) throw this.err(`an update of ${this.cfg.schema}.${this.cfg.table} came without its old row`, `ALTER TABLE ${this.qualified} REPLICA IDENTITY FULL`);
        this.push(RowKind.UpdateBefore, m.before, null);
        this.push(RowKind.UpdateAfter, m.after, m.before);
        return;
      case 'delete':
        if (m.relid === this.relid) this.push(RowKind.Delete, m.before, null);
        return;
      case 'truncate':
        if (m.relids.includes(this.relid)) throw this.err(`${this.cfg.schema}.${this.cfg.table} was truncated; a TRUNCATE cannot be read as a changelog`, 'restart the job without --restore to take a new snapshot');
        return;
      case 'commit': {
        const cur = this.current;
        this.current = null;
        if (cur === null) return;
        if (cur.commit < this.skipBelow) return; // emitted before the checkpoint restored
        let emitted = 0;
        if (this.skipPartial !== null && this.skipPartial.commit === cur.commit) emitted = this.skipPartial.n;
        this.queue.push({ commit: cur.commit, end: m.endLsn, kinds: cur.kinds, rows: cur.rows, emitted });
        this.queuedRows += cur.rows.length - emitted;
        if (this.queuedRows > QUEUE_HIGH && !this.paused) {
          this.paused = true;
          (this.repl as unknown as { connection: PgConnection }).connection.stream.pause();
        }
        return;
      }
      default:
    }
  }

  private push(kind: RowKind, tuple: Tuple, old: Tuple | null): void {
    const cur = this.current;
    if (cur === null) return;
    // an unchanged TOAST value is not sent again: take it from the old row
    if (old !== null) for (let i = 0; i < tuple.length; i++) if (tuple[i] === undefined) tuple[i] = old[i];
    cur.kinds.push(kind);
    cur.rows.push(tuple);
  }

  async next(maxRows: number): Promise<Batch | null> {
    if (this.phase === 'done') return null;
    if (this.phase === 'snapshot') {
      const r = await this.client!.query({ text: `FETCH ${maxRows} FROM weir_snapshot`, rowMode: 'array' });
      const rows = r.rows as (string | null)[][];
      if (rows.length < maxRows) {
        await this.client!.query('COMMIT');
        if (this.cfg.mode === 'snapshot') this.phase = 'done';
        else await this.startStream(this.skipBelow);
      }
      return this.buildSnapshot(rows);
    }
    if (this.failure !== null) throw this.failure;
    if (this.queue.length === 0) return emptyBatch(this.columns.map((c) => c.type));
    return this.buildStream(maxRows);
  }

  private builders(n: number): { values: Column['values'][]; nulls: (Uint8Array | null)[] } {
    return { values: this.columns.map((c) => allocValues(physicalKind(c.type), n)), nulls: this.columns.map(() => null) };
  }

  private setValue(b: { values: Column['values'][]; nulls: (Uint8Array | null)[] }, col: number, row: number, n: number, text: string | null | undefined): void {
    if (text === null || text === undefined) {
      (b.nulls[col] ??= new Uint8Array(n))[row] = 1;
      return;
    }
    let v: number | bigint | string | boolean;
    try {
      v = this.decoders[col]!(text);
    } catch (e) {
      // a decoder throws only when the value cannot be carried exactly in the declared type
      throw new WeirError('data', `table ${this.table.name}, column ${this.columns[col]!.name}: ${(e as Error).message}`, { hint: `declare a type that holds the value exactly` });
    }
    // a BIGINT beyond ±(2^53-1): the column goes wide (common/int64.ts; NULL slots hold 0)
    if (typeof v === 'bigint' && b.values[col] instanceof Float64Array) b.values[col] = Array.from(b.values[col] as Float64Array);
    (b.values[col] as (number | bigint | string | boolean)[])[row] = v;
  }

  private finish(b: { values: Column['values'][]; nulls: (Uint8Array | null)[] }, n: number, ops: Uint8Array | null): Batch {
    return { length: n, columns: this.columns.map((c: SourceColumn, i) => makeColumn(c.type as DataType, b.values[i]!, b.nulls[i]!)), ops };
  }

  private buildSnapshot(rows: (string | null)[][]): Batch {
    const n = rows.length;
    const b = this.builders(n);
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      for (let c = 0; c < this.columns.length; c++) this.setValue(b, c, r, n, row[c]);
    }
    return this.finish(b, n, this.cfg.mode === 'snapshot' ? null : new Uint8Array(n));
  }

  private buildStream(maxRows: number): Batch {
    let n = 0;
    for (const tx of this.queue) {
      n += tx.rows.length - tx.emitted;
      if (n >= maxRows) break;
    }
    n = Math.min(n, maxRows);
    const b = this.builders(n);
    const ops = new Uint8Array(n);
    const idx = this.relIndex;
    let r = 0;
    while (r < n || (this.queue.length > 0 && this.queue[0]!.emitted === this.queue[0]!.rows.length)) {
      const tx = this.queue[0]!;
      while (r < n && tx.emitted < tx.rows.length) {
        const row = tx.rows[tx.emitted]!;
        ops[r] = tx.kinds[tx.emitted]!;
        for (let c = 0; c < idx.length; c++) this.setValue(b, c, r, n, row[idx[c]!]);
        tx.rows[tx.emitted] = [];
        tx.emitted++;
        r++;
      }
      if (tx.emitted === tx.rows.length) {
        this.queue.shift();
        this.emittedLsn = tx.end;
        this.partial = null;
      } else {
        this.partial = { commit: tx.commit, n: tx.emitted };
        break;
      }
    }
    this.queuedRows -= n;
    if (this.paused && this.queuedRows < QUEUE_LOW) {
      this.paused = false;
      (this.repl as unknown as { connection: PgConnection }).connection.stream.resume();
    }
    return this.finish(b, n, ops);
  }

  position(): SourcePosition {
    if (this.cfg.mode === 'snapshot') return {};
    const p: CdcPosition = this.partial === null ? { lsn: lsnToText(this.emittedLsn) } : { lsn: lsnToText(this.emittedLsn), commit: lsnToText(this.partial.commit), n: this.partial.n };
    return { [this.splitId]: p };
  }

  checkpointTaken(checkpointId: number): void {
    this.taken.set(checkpointId, this.emittedLsn);
  }

  /** The checkpoint completed: the slot may forget what comes before its position. */
  checkpointComplete(checkpointId: number): void {
    const lsn = this.taken.get(checkpointId);
    if (lsn === undefined) return;
    for (const id of this.taken.keys()) if (id <= checkpointId) this.taken.delete(id);
    if (lsn > this.confirmed) {
      crashPoint('postgres-cdc-confirm');
      this.confirmed = lsn;
      this.sendStatus(false);
    }
  }

  skipped(): number {
    return 0;
  }

  async close(): Promise<void> {
    if (this.statusTimer !== null) clearInterval(this.statusTimer);
    const clients = [this.repl, this.client];
    this.repl = null;
    this.client = null;
    this.phase = 'done';
    for (const c of clients) {
      if (c === null) continue;
      try {
        await Promise.race([c.end(), new Promise((r) => setTimeout(r, 2000))]);
      } catch {
        // closing after a failure
      }
    }
  }
}

interface PgConnection {
  on(event: 'copyData', fn: (msg: { chunk: Buffer }) => void): void;
  sendCopyFromChunk(chunk: Buffer): void;
  readonly stream: { pause(): void; resume(): void };
}
