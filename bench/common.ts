// What the benchmark parts share: the measurement record, best-of, events/s text, running a
// repository query file through weir (events.num replaced), the machine line of a report, the
// memory after a full GC, and rewriting one section of bench/RESULTS.md.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultNexmarkConfig } from '../src/connectors/nexmark/generator.js';
import type { NexmarkConfig } from '../src/connectors/nexmark/generator.js';
import { Session } from '../src/sql/session.js';
import { RunningJob } from '../src/exec/job-runner.js';
import type { SinkNode } from '../src/plan/logical.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Measurement {
  readonly seconds: number;
  readonly resultRows: number;
}

export const CHUNK = 65536;

/**
 * This process's peak resident set in bytes, worker threads included: VmHWM of /proc/self/status.
 * Not `process.resourceUsage().maxRSS`: Linux carries a parent's peak across fork and exec into
 * the child's maxrss, so a bench child started by a large parent reports at least the parent's
 * size (the Nexmark suite's children all showed 565 MiB that way). VmHWM belongs to the address
 * space, which exec makes new. Falls back to maxRSS where /proc is missing.
 */
export function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) * 1024;
  } catch { /* no /proc */ }
  return process.resourceUsage().maxRSS * 1024;
}

let collect: (() => void) | undefined;

/**
 * The main thread's memory after two full GCs: V8 heap in use plus array buffers (typed arrays
 * live outside the heap). The state-size benches subtract one reading from another.
 */
export function heapAfterGc(): number {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * A copy of the parts of `v` a postMessage copies (plain arrays: string columns, rows), not the
 * typed arrays it transfers: a bench holds it while a snapshot is written, to count what the state
 * writer thread's own copy costs (memory this thread cannot measure).
 */
export function cloneCopied(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || depth > 8) return null;
  if (Array.isArray(v)) {
    if (v.length > 64 && typeof v[0] !== 'object') return structuredClone(v);
    return v.map((x) => cloneCopied(x, depth + 1));
  }
  if (v instanceof Map) return [...v.values()].map((x) => cloneCopied(x, depth + 1));
  return Object.values(v).map((x) => cloneCopied(x, depth + 1));
}

export function best<M extends Measurement>(ms: M[]): M {
  return ms.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

export function config(events: number): NexmarkConfig {
  return { ...defaultNexmarkConfig(), eventsNum: events };
}

export function eps(events: number, m: Measurement): string {
  return `${(events / m.seconds / 1e6).toFixed(2)}M`;
}

/** A repository query file's text with its 'events.num' set to `events`. */
export function querySql(c: { readonly file: string; readonly events: number }, events = c.events): string {
  const text = readFileSync(join(ROOT, c.file), 'utf8');
  const re = /'events\.num'(\s*)=(\s*)'\d+'/g;
  if (!re.test(text)) throw new Error(`${c.file} has no 'events.num'`);
  return text.replace(re, `'events.num'$1=$2'${events}'`);
}

/** Runs a query file's INSERTs as one job; the time is the job's, planning excluded. */
export async function runWeirFile(c: { readonly file: string; readonly events: number }, parallelism: number): Promise<Measurement> {
  const session = new Session();
  // WEIR_BENCH_SET='key=value;key=value': session options before the file (e.g. mini-batch for q16)
  for (const kv of (process.env['WEIR_BENCH_SET'] ?? '').split(';')) {
    const at = kv.indexOf('=');
    if (at > 0) session.options.set(kv.slice(0, at).trim(), kv.slice(at + 1).trim());
  }
  const sinks: SinkNode[] = [];
  for (const { result } of session.executeScript({ name: c.file, text: querySql(c) })) if (result.kind === 'insert') sinks.push(...result.sinks);
  const plan = session.physicalPlan(sinks, [], parallelism);
  const t0 = performance.now();
  const job = new RunningJob(plan, session.options, { jobId: 'bench', parallelism });
  const s = await job.run();
  return { seconds: (performance.now() - t0) / 1000, resultRows: s.rowsWritten };
}

/** `WEIR_BENCH_...=... ` settings of this run, for the command line of a report. */
export function benchEnv(): string {
  return Object.entries(process.env)
    .filter(([k]) => k.startsWith('WEIR_BENCH_'))
    .map(([k, v]) => `${k}=${v} `)
    .join('');
}

/** Node version, cores and load average, for a report's first line. */
export function machine(): string {
  return `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')}`;
}

/**
 * Replaces (or appends) the section of RESULTS.md that starts with `heading`. With
 * `keepSubsections`, only the text up to the section's first `###` subsection is replaced, so
 * hand-written subsections below the generated table stay.
 */
export function writeSection(heading: string, body: string, keepSubsections = false): void {
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\nWritten by `npm run bench`. Ratios above 1 mean weir is faster.\n\n';
  const at = old.indexOf(heading);
  if (at < 0) {
    writeFileSync(file, `${old.trimEnd()}\n\n${heading}\n\n${body}\n`);
    return;
  }
  const nextSection = old.indexOf('\n## ', at + heading.length);
  const nextSub = keepSubsections ? old.indexOf('\n### ', at + heading.length) : -1;
  const next = nextSub >= 0 && (nextSection < 0 || nextSub < nextSection) ? nextSub : nextSection;
  writeFileSync(file, `${old.slice(0, at)}${heading}\n\n${body}\n${next < 0 ? '' : old.slice(next)}`);
}
