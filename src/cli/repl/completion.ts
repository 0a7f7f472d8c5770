// Tab completion for the REPL: keywords, table, view, column and function names, option keys
// inside SET '...', job ids inside STOP JOB '...', and meta-commands after a backslash.
//
// Columns of the tables and views the statement names come first; then those of every other
// table. A word typed in lower case completes to lower-case keywords. `t.` completes the
// columns of table (or alias) t. After FROM, JOIN, INTO, TABLE, DESCRIBE only tables and
// views are offered, so `FROM o` + Tab completes a table whose name is the only one starting
// so. Nothing weir rejects is offered: a function or keyword the binder refuses as not
// supported (CURRENT_TIMESTAMP, PROCTIME) is found once by trying it, and left out.

import type { Catalog } from '../../catalog/catalog.js';
import { DEFAULT_OPTIONS, OPTIONS_WITHOUT_DEFAULT } from '../../catalog/catalog.js';
import { KEYWORDS } from '../../sql/parse.js';
import { sqlFunctionNames } from '../../expr/registry.js';
import { AGGREGATE_NAMES } from '../../expr/aggregate-types.js';
import { readdirSync, statSync } from 'node:fs';
import { WeirError } from '../../common/errors.js';
import { Session } from '../../sql/session.js';
import { parseScript } from '../../sql/parse.js';
import { dirname, join } from 'node:path';

export interface CompletionContext {
  readonly catalog: Catalog;
  /** Lines of the statement typed before the current one (multi-line input). */
  readonly pending: string;
  /** Ids of the session's jobs. */
  readonly jobIds: readonly string[];
  readonly metaCommands: readonly string[];
  readonly resultModes: readonly string[];
}

function columnsOf(catalog: Catalog, name: string): string[] {
  const obj = catalog.get(name);
  if (obj === undefined) return [];
  return obj.kind === 'table' ? obj.columns.map((c) => c.name) : obj.columns.map((c) => c.name);
}

/** Table names the statement mentions, and aliases: `FROM bid b` maps b to bid. */
function mentioned(catalog: Catalog, text: string): { tables: string[]; aliases: Map<string, string> } {
  const tables: string[] = [];
  const aliases = new Map<string, string>();
  const words = text.match(/`[^`]*`|[A-Za-z_][\w$]*/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.replace(/`/g, '');
    if (!catalog.has(w)) continue;
    tables.push(w);
    let j = i + 1;
    if (words[j]?.toUpperCase() === 'AS') j++;
    const alias = words[j];
    if (alias !== undefined && !KEYWORD_SET.has(alias.toUpperCase())) aliases.set(alias.toLowerCase(), w);
  }
  return { tables, aliases };
}

const KEYWORD_SET = new Set(KEYWORDS);

function unique(xs: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs) {
    const k = x.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

function startsWithCi(s: string, prefix: string): boolean {
  return s.toLowerCase().startsWith(prefix.toLowerCase());
}

/** readline's completer: returns [candidates, the text they replace]. */
export function complete(line: string, ctx: CompletionContext): [string[], string] {
  // meta-commands
  const meta = /^\s*(\\\w*)$/.exec(line);
  if (meta !== null && ctx.pending.trim() === '') {
    const w = meta[1]!;
    return [ctx.metaCommands.filter((c) => c.startsWith(w)), w];
  }
  const mode = /^\s*\\mode\s+(\w*)$/.exec(line);
  if (mode !== null) return [ctx.resultModes.filter((m) => m.startsWith(mode[1]!)), mode[1]!];
  const file = /^\s*\\i\s+(\S*)$/.exec(line);
  if (file !== null) return [completePath(file[1]!), file[1]!];

  const text = `${ctx.pending}\n${line}`;
  // where a table goes: tables and views only
  const relation = /(?:^|[\s(,])(FROM|JOIN|INTO|TABLE|DESCRIBE|DESC|TABLES?\s+LIKE)\s+`?([A-Za-z_][\w$]*)?$/i.exec(text);
  if (relation !== null && !/^TABLE$/i.test(relation[2] ?? '')) {
    const w = relation[2] ?? '';
    const tablesOnly = ctx.catalog.names().filter((n) => startsWithCi(n, w));
    // `FROM TABLE(TUMBLE(...))`, `FROM LATERAL ...`, `FROM UNNEST(...)`
    const lower = w !== '' && w === w.toLowerCase();
    const extra = /^FROM|JOIN$/i.test(relation[1]!) ? ['TABLE', 'LATERAL', 'UNNEST'].map((k) => (lower ? k.toLowerCase() : k)).filter((k) => w !== '' && startsWithCi(k, w)) : [];
    return [[...tablesOnly, ...extra], w];
  }
  // inside a string after SET / RESET: option keys; after STOP JOB: job ids
  const quoted = /(SET|RESET|STOP\s+JOB)\s+'([^']*)$/i.exec(text);
  if (quoted !== null) {
    const w = quoted[2]!;
    const pool = /^STOP/i.test(quoted[1]!) ? ctx.jobIds : [...Object.keys(DEFAULT_OPTIONS), ...OPTIONS_WITHOUT_DEFAULT].sort();
    return [pool.filter((k) => k.startsWith(w)), w];
  }
  if (/'[^']*$/.test(line.replace(/''/g, ''))) return [[], ''];

  // t.col
  const dotted = /([A-Za-z_][\w$]*)\.([A-Za-z_][\w$]*)?$/.exec(line);
  const { tables, aliases } = mentioned(ctx.catalog, text);
  if (dotted !== null) {
    const target = aliases.get(dotted[1]!.toLowerCase()) ?? dotted[1]!;
    const w = dotted[2] ?? '';
    return [columnsOf(ctx.catalog, target).filter((c) => startsWithCi(c, w)), w];
  }

  const m = /[A-Za-z_][\w$]*$/.exec(line);
  const w = m?.[0] ?? '';
  if (w === '') return [[], ''];
  const lower = w === w.toLowerCase();
  const inStatement = unique(tables.flatMap((t) => columnsOf(ctx.catalog, t)));
  const otherColumns = unique(ctx.catalog.names().flatMap((t) => columnsOf(ctx.catalog, t)));
  const names = ctx.catalog.names();
  const refused = rejectedNames();
  const functions = [...sqlFunctionNames(), ...AGGREGATE_NAMES].filter((f) => !refused.has(f.toUpperCase())).map((f) => (lower ? f.toLowerCase() : f));
  const keywords = KEYWORDS.filter((k) => !refused.has(k.toUpperCase())).map((k) => (lower ? k.toLowerCase() : k));
  const all = unique([...inStatement, ...names, ...otherColumns, ...functions, ...keywords]);
  return [all.filter((c) => startsWithCi(c, w)), w];
}

let rejected: Set<string> | undefined;

/**
 * Functions weir refuses as not supported, found once by trying each (`SELECT f()`, and for
 * the keyword functions such as CURRENT_TIMESTAMP, `SELECT name`): an error of kind
 * not-supported at the name. (Trying every keyword would take seconds of parse errors; the
 * keywords that parse as an expression on their own are the niladic functions.)
 */
export function rejectedNames(): Set<string> {
  if (rejected !== undefined) return rejected;
  rejected = new Set();
  const session = new Session();
  const tries = [
    ...[...sqlFunctionNames(), ...AGGREGATE_NAMES].map((n) => [n.toUpperCase(), `SELECT ${n}()`] as const),
    ...KEYWORDS.filter((k) => /^(CURRENT_|LOCAL)/.test(k)).map((k) => [k, `SELECT ${k}`] as const),
  ];
  for (const [name, text] of tries) {
    try {
      const source = { name: 'completion', text };
      for (const stmt of parseScript(source)) session.execute(stmt, source);
    } catch (e) {
      if (e instanceof WeirError && e.kind === 'not-supported' && e.span?.start === 7) rejected.add(name);
    }
  }
  return rejected;
}

function completePath(prefix: string): string[] {
  const dir = prefix.endsWith('/') ? prefix : dirname(prefix);
  const base = prefix.endsWith('/') ? '' : prefix.slice(dir === '.' && !prefix.startsWith('./') ? 0 : dir.length + (dir.endsWith('/') ? 0 : 1));
  try {
    return readdirSync(dir === '' ? '.' : dir)
      .filter((n) => n.startsWith(base) && !n.startsWith('.'))
      .map((n) => {
        const full = dir === '.' && !prefix.startsWith('./') ? n : join(dir, n);
        let isDir = false;
        try {
          isDir = statSync(full).isDirectory();
        } catch {
          // a dangling link: offer it as a file
        }
        return isDir ? `${full}/` : full;
      })
      .sort();
  } catch {
    return [];
  }
}
