// Checking `SET 'key' = 'value'` when it is typed (issue 11 item 20).
//
// Three kinds of key:
//   - options weir implements (DEFAULT_OPTIONS and OPTIONS_WITHOUT_DEFAULT): the value is
//     checked now, so a bad value ('ten' for a duration) is an error at SET, not on every
//     query after it;
//   - Flink options weir does not implement (state backends, cluster memory...): accepted with a notice that they have no effect, so a Flink SQL file
//     that sets them still runs. Flink's own SET accepts any key; refusing these would make
//     portable files fail for options that change nothing about results;
//   - anything else is an error. A key close to a known one gets a did-you-mean, as connector
//     options do (`paralelism.default` -> `parallelism.default`).

import type { Span } from '../common/errors.js';
import { bindError, didYouMean } from '../common/errors.js';
import { DEFAULT_OPTIONS, OPTIONS_WITHOUT_DEFAULT, parseDuration } from './catalog.js';
import { parseTimeZone } from '../common/time-zone.js';

/** `restart-strategy.type` values (Flink's, with its aliases) -> weir's name. */
export const RESTART_TYPES: Readonly<Record<string, 'none' | 'fixed-delay' | 'exponential-delay' | 'failure-rate'>> = {
  none: 'none',
  off: 'none',
  disable: 'none',
  'fixed-delay': 'fixed-delay',
  fixeddelay: 'fixed-delay',
  'exponential-delay': 'exponential-delay',
  exponentialdelay: 'exponential-delay',
  'failure-rate': 'failure-rate',
  failurerate: 'failure-rate',
};

type Check = (value: string) => string | undefined; // undefined: fine; else what is expected

const positiveInt: Check = (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 ? undefined : 'a positive whole number');
const wholeNumber: Check = (v) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number (0 or more)');
const duration: Check = (v) => (parseDuration(v) >= 0 ? undefined : "a duration such as '5 s', '500 ms', '10 min' or '1 h'");
const bool: Check = (v) => (v === 'true' || v === 'false' ? undefined : 'true or false');
const anyText: Check = () => undefined;
const nonNegative: Check = (v) => (/^\s*\d+(\.\d+)?\s*$/.test(v) ? undefined : 'a number (0 or more)');
const restartType: Check = (v) => (RESTART_TYPES[v.toLowerCase()] !== undefined ? undefined : "none, fixed-delay, exponential-delay or failure-rate (or Flink's aliases off, disable, fixeddelay, exponentialdelay, failurerate)");
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.some((x) => x.toLowerCase() === v.toLowerCase()) ? undefined : values.join(', ').replace(/, ([^,]*)$/, ' or $1');

/** The options weir implements, with what their values must be. */
const IMPLEMENTED: Readonly<Record<string, Check>> = {
  'parallelism.default': positiveInt,
  'pipeline.max-parallelism': positiveInt,
  'execution.checkpointing.interval': duration,
  'execution.checkpointing.mode': (v) => (v === 'EXACTLY_ONCE' || v === 'AT_LEAST_ONCE' ? undefined : 'EXACTLY_ONCE or AT_LEAST_ONCE'),
  'execution.checkpointing.timeout': duration,
  'execution.checkpointing.min-pause': duration,
  'execution.checkpointing.tolerable-failed-checkpoints': wholeNumber,
  'state.checkpoints.dir': anyText,
  'state.checkpoints.num-retained': positiveInt,
  'state.backend.incremental': bool,
  // Flink 2.x's name for the same option
  'execution.checkpointing.incremental': bool,
  'state.backend.incremental.full-every': (v) => (/^\d+$/.test(v) && Number(v) >= 2 ? undefined : 'a whole number of checkpoints, at least 2'),
  'table.exec.source.idle-timeout': duration,
  'table.optimizer.reuse-sub-plan-enabled': bool,
  'table.optimizer.reuse-source-enabled': bool,
  'table.optimizer.agg-phase-strategy': oneOf('AUTO', 'ONE_PHASE', 'TWO_PHASE'),
  // weir's own: the adaptive local phase of a two-phase window aggregation (plan/physical.ts)
  'weir.local-agg.sample-rows': positiveInt,
  'weir.local-agg.min-rows-per-partial': (v) => (Number(v) > 0 && /^\s*\d+(\.\d+)?\s*$/.test(v) ? undefined : 'a positive number of rows'),
  'table.exec.state.ttl': (v) => (parseDuration(v) >= 0 ? undefined : "a duration such as '1 h', '30 min' or '0 ms' (keep state forever)"),
  'table.exec.source.rows-per-second': (v) => (Number(v) > 0 ? undefined : 'a positive number of rows per second'),
  'execution.batch-size': positiveInt,
  'execution.worker-threads': (v) => (v === 'auto' || /^\d+$/.test(v) ? undefined : "'auto' or a whole number (0: everything on the main thread)"),
  'sql-client.execution.result-mode': oneOf('table', 'changelog', 'tableau'),
  'sql-client.execution.max-table-result.rows': positiveInt,
  'table.dml-sync': bool,
  'execution.savepoint.ignore-unclaimed-state': bool,
  'execution.savepoint.path': anyText,
  // automatic restart (src/exec/restart-strategy.ts), Flink's keys
  'restart-strategy.type': restartType,
  'restart-strategy': restartType,
  'restart-strategy.fixed-delay.attempts': wholeNumber,
  'restart-strategy.fixed-delay.delay': duration,
  'restart-strategy.exponential-delay.initial-backoff': duration,
  'restart-strategy.exponential-delay.max-backoff': duration,
  'restart-strategy.exponential-delay.backoff-multiplier': (v) => (Number(v) >= 1 && /^\s*\d+(\.\d+)?\s*$/.test(v) ? undefined : 'a number of 1 or more'),
  'restart-strategy.exponential-delay.reset-backoff-threshold': duration,
  'restart-strategy.exponential-delay.jitter-factor': (v) => (nonNegative(v) === undefined && Number(v) <= 1 ? undefined : 'a number from 0 to 1'),
  'restart-strategy.exponential-delay.attempts-before-reset-backoff': wholeNumber,
  'restart-strategy.failure-rate.max-failures-per-interval': wholeNumber,
  'restart-strategy.failure-rate.failure-rate-interval': duration,
  'restart-strategy.failure-rate.delay': duration,
  // mini-batch of the updating aggregation (plan/mini-batch.ts): Flink's SET takes any size,
  // its checks (latency and size > 0 when enabled) come when a query is planned
  'table.exec.mini-batch.enabled': bool,
  'table.exec.mini-batch.allow-latency': duration,
  'table.exec.mini-batch.size': (v) => (/^\s*-?\d+\s*$/.test(v) ? undefined : 'a whole number of input rows'),
  'table.local-time-zone': (v) => {
    const z = parseTimeZone(v);
    return typeof z === 'string' ? z : undefined;
  },
};

/**
 * Flink options weir accepts and ignores. Listed so that a typo of one of them is still
 * caught and a real one is not mistaken for a typo of an option weir implements
 * ('state.savepoints.dir' is close to 'state.checkpoints.dir').
 */
const FLINK_NOT_IMPLEMENTED: readonly string[] = [
  'execution.runtime-mode',
  'execution.checkpointing.externalized-checkpoint-retention',
  'execution.checkpointing.max-concurrent-checkpoints',
  'execution.checkpointing.unaligned',
  'execution.checkpointing.unaligned.enabled',
  'execution.checkpointing.aligned-checkpoint-timeout',
  'execution.checkpointing.savepoint-dir',
  'execution.checkpointing.dir',
  'execution.checkpointing.num-retained',
  'execution.savepoint-restore-mode',
  'execution.state-recovery.path',
  'execution.buffer-timeout',
  'state.savepoints.dir',
  'state.backend',
  'state.backend.type',
  'state.backend.rocksdb.memory.managed',
  'pipeline.name',
  'pipeline.auto-watermark-interval',
  'pipeline.object-reuse',
  'pipeline.operator-chaining',
  'pipeline.operator-chaining.enabled',
  'pipeline.jars',
  'pipeline.classpaths',
  'table.sql-dialect',
  'table.dynamic-table-options.enabled',
  'table.display.max-column-width',
  'table.exec.resource.default-parallelism',
  'table.exec.sink.not-null-enforcer',
  'table.exec.sink.upsert-materialize',
  'table.exec.sink.keyed-shuffle',
  'table.exec.source.cdc-events-duplicate',
  'table.exec.emit.early-fire.enabled',
  'table.exec.emit.early-fire.delay',
  'table.exec.emit.late-fire.enabled',
  'table.exec.emit.late-fire.delay',
  'table.exec.emit.allow-lateness',
  'table.exec.async-lookup.buffer-capacity',
  'table.exec.async-lookup.timeout',
  'table.exec.legacy-cast-behaviour',
  'table.exec.window-agg.buffer-size-limit',
  'table.exec.disabled-operators',
  'table.exec.spill-compression.enabled',
  'table.exec.uid.generation',
  'table.optimizer.distinct-agg.split.enabled',
  'table.optimizer.distinct-agg.split.bucket-num',
  'table.optimizer.source.predicate-pushdown-enabled',
  'table.optimizer.join-reorder-enabled',
  'table.optimizer.multiple-input-enabled',
  'sql-client.verbose',
  'sql-client.display.max-column-width',
  'sql-client.display.print-time-cost',
  'taskmanager.numberOfTaskSlots',
  'taskmanager.memory.process.size',
  'taskmanager.memory.managed.fraction',
  'jobmanager.memory.process.size',
];

/** Namespaces of Flink's configuration: a key under one of them is a Flink option. */
const FLINK_NAMESPACES: readonly string[] = [
  'taskmanager.',
  'jobmanager.',
  'rest.',
  'high-availability.',
  'kubernetes.',
  'yarn.',
  'metrics.',
  'security.',
  'akka.',
  'pekko.',
  'web.',
  'blob.',
  'heartbeat.',
  'cluster.',
  'python.',
  'env.',
  'state.backend.',
  'restart-strategy.',
  'pipeline.',
  'table.exec.',
  'table.optimizer.',
  'execution.',
  'sql-client.',
];

/** Every key weir knows: the ones it implements, then Flink's that it accepts. */
export function knownOptionKeys(): string[] {
  return [...Object.keys(IMPLEMENTED), ...FLINK_NOT_IMPLEMENTED];
}

function implementedKeys(): string[] {
  return [...Object.keys(DEFAULT_OPTIONS), ...OPTIONS_WITHOUT_DEFAULT, ...Object.keys(IMPLEMENTED)];
}

/**
 * Checks `SET 'key' = 'value'` (value undefined: `SET 'key'` or `RESET 'key'`). Throws a
 * bind error for an unknown key or a bad value; returns a notice for a Flink option weir
 * accepts but does not implement.
 */
export function checkSessionOption(key: string, value: string | undefined, span: Span | undefined): { readonly notice?: string } {
  const check = IMPLEMENTED[key];
  if (check !== undefined || implementedKeys().includes(key)) {
    if (value === undefined || check === undefined) return {};
    const expected = check(value);
    if (expected !== undefined) {
      // a zone's suggestion ("did you mean 'Asia/Shanghai'?") goes into the hint
      const [what, hint] = expected.split('; ');
      throw bindError(`'${key}' must be ${what}, got '${value}'`, span, hint);
    }
    return {};
  }
  const notice = `'${key}' is a Flink option weir does not implement: it is accepted and has no effect`;
  if (FLINK_NOT_IMPLEMENTED.includes(key)) return { notice };
  // A typo of an option weir implements would silently change nothing: an error. Flink has
  // more options than the list above, so near misses of those are not judged.
  const guess = didYouMean(key, implementedKeys());
  if (guess !== undefined) throw bindError(`unknown option '${key}'`, span, `did you mean '${guess}'?`);
  if (FLINK_NAMESPACES.some((p) => key.startsWith(p))) return { notice };
  const other = didYouMean(key, knownOptionKeys());
  throw bindError(`unknown option '${key}'`, span, other !== undefined ? `did you mean '${other}'?` : "SET; lists the options weir implements (Flink's names)");
}
