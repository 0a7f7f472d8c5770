#!/usr/bin/env node
// Builds runnable query files from upstream Nexmark's SQL (queries/nexmark-upstream/), as
// upstream's QueryRunner does: each qN.sql becomes ddl_gen.sql + ddl_views.sql + qN.sql with
// every ${VARIABLE} replaced, line by line. It also writes the side input q13 reads
// (upstream's SideInputGenerator: 10,000 lines `i,i`) under <out>/data/.
//
//   node scripts/nexmark-upstream.mjs --out DIR [--events N] [--tps N] [--queries q0,q5]
//
// Defaults: 100,000 events at 10,000,000 events/s (upstream's suite runs 100,000,000 events at
// that rate; pass --events 100000000 for the real size). The proportions are upstream's
// defaults, 1:3:46 (person, auction, bid). NEXMARK_DIR and FLINK_HOME are <out>, so q10's
// output and q13's side input land there; SUBMIT_TIME is the local time, as upstream writes it.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..', 'queries', 'nexmark-upstream');

export const QUERIES = Array.from({ length: 24 }, (_, i) => `q${i}`);

/** The variables upstream's QueryRunner sets, for a run writing under `out`. */
export function variables(out, { events = 100_000, tps = 10_000_000 } = {}) {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  // Java's LocalDateTime.toString() without nanoseconds: 2026-12-06T12:50:31
  const submit = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return {
    NEXMARK_DIR: out,
    SUBMIT_TIME: submit,
    FLINK_HOME: out,
    TPS: String(tps),
    EVENTS_NUM: String(events),
    PERSON_PROPORTION: '1',
    AUCTION_PROPORTION: '3',
    BID_PROPORTION: '46',
    NEXMARK_TABLE: 'datagen',
    BOOTSTRAP_SERVERS: '',
  };
}

function substitute(text, vars) {
  return text
    .split('\n')
    .map((line) => Object.entries(vars).reduce((l, [k, v]) => l.split('${' + k + '}').join(v), line))
    .join('\n');
}

/** Writes <out>/qN.sql for each query (and q13's side input, q14's function module); returns the paths. */
export function build(out, opts = {}) {
  out = resolve(out);
  mkdirSync(join(out, 'data'), { recursive: true });
  const vars = variables(out, opts);
  const read = (f) => readFileSync(join(HERE, f), 'utf8');
  const head = [read('ddl_gen.sql'), read('ddl_views.sql')];
  const files = [];
  for (const q of opts.queries ?? QUERIES) {
    const path = join(out, `${q}.sql`);
    // upstream joins the files' lines: a file's last line and the next file's first are separate lines
    writeFileSync(path, substitute([...head, read(`${q}.sql`)].join('\n'), vars) + '\n');
    files.push(path);
  }
  const side = join(out, 'data', 'side_input.txt');
  if (!existsSync(side)) writeFileSync(side, Array.from({ length: 10_000 }, (_, i) => `${i},${i}\n`).join(''));
  for (const extra of ['count_char.js']) if (existsSync(join(HERE, extra))) copyFileSync(join(HERE, extra), join(out, extra));
  return files;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, events: { type: 'string' }, tps: { type: 'string' }, queries: { type: 'string' } } });
  if (values.out === undefined) {
    console.error('usage: node scripts/nexmark-upstream.mjs --out DIR [--events N] [--tps N] [--queries q0,q5]');
    process.exit(2);
  }
  const files = build(values.out, {
    events: values.events === undefined ? undefined : Number(values.events),
    tps: values.tps === undefined ? undefined : Number(values.tps),
    queries: values.queries?.split(','),
  });
  for (const f of files) console.log(f);
}
