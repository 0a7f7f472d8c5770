// A real PostgreSQL server for the tests (issue 15): Debian's `postgresql` package, started in a
// temporary data directory on a free loopback port with logical replication and prepared
// transactions enabled, stopped (and its directory removed) afterwards. No mocks.
//
//   const pg = await startPostgres();   // in beforeAll
//   ... pg.port, pg.user, pg.password, pg.database, pg.query('SELECT 1') ...
//   await pg.stop();                    // in afterAll
//
// The server binaries are found under /usr/lib/postgresql/<version>/bin (Debian's layout), on
// PATH, or in WEIR_PG_BINDIR. `.ci/run` installs the package when it is missing. PostgreSQL
// refuses to run as root, so when the tests run as root the server runs as the `postgres` user
// that the package creates.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `jdbc:postgresql://127.0.0.1:<port>/<database>`, as a jdbc table's 'url' option. */
  readonly jdbcUrl: string;
  readonly dataDir: string;
  /** Runs one statement on a fresh connection and returns its rows. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A new connected client (the caller ends it). */
  connect(): Promise<pg.Client>;
  /** The server's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | null {
  const fromEnv = process.env.WEIR_PG_BINDIR;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(base, versions[0]!, 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  return path ? join(path, '..') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(settings: Record<string, string> = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === null) {
    throw new Error('PostgreSQL server binaries not found: install Debian\'s `postgresql` package (.ci/run does) or set WEIR_PG_BINDIR');
  }
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'weir-pg-'));
  const dataDir = join(dir, 'data');
  const user = 'weir';
  const password = 'weir-test-password';
  const database = 'postgres';
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, password + '\n');
  chmodSync(dir, 0o755);
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const run = (cmd: string, args: string[]): void => {
    const file = join(bin, cmd);
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8', cwd: dir })
      : spawnSync(file, args, { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) {
      throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
    }
  };
  run('initdb', ['-D', dataDir, '-U', user, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const conf: Record<string, string> = {
    port: String(port),
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${dir}'`,
    wal_level: 'logical',
    max_prepared_transactions: '20',
    max_replication_slots: '20',
    max_wal_senders: '20',
    max_connections: '100',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '32MB',
    ...settings,
  };
  const confText = Object.entries(conf)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), confText + '\n');
  if (asRoot) chownSync(join(dataDir, 'postgresql.auto.conf'), uid, gid);
  const logFile = join(dir, 'server.log');
  run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
  const clientConfig = { host: '127.0.0.1', port, user, password, database };
  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    jdbcUrl: `jdbc:postgresql://127.0.0.1:${port}/${database}`,
    dataDir,
    async connect() {
      const c = new pg.Client(clientConfig);
      await c.connect();
      return c;
    },
    async query(sql, params) {
      const c = new pg.Client(clientConfig);
      await c.connect();
      try {
        const r = await c.query(sql, params as unknown[] | undefined);
        return r.rows as never;
      } finally {
        await c.end();
      }
    },
    log() {
      return existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return server;
}
