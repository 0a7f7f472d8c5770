// Automatic restart (issue 14 item 3): when a running job fails, Flink restarts it from its
// latest completed checkpoint according to a restart strategy; weir does the same, within the
// same process (job-runner.ts). This file holds the policy: which failures are worth a restart
// and how long to wait before each one. Option names and meanings are Flink's
// (`restart-strategy.*`); the decisions are pure, given the time and a random source.
//
// weir's default (nothing set): `exponential-delay` with Flink's defaults (1 s initial backoff,
// multiplied by 1.2 per failure up to 1 min, jitter 0.1, reset after 1 h without failure),
// except that it gives up after 5 consecutive restarts (Flink: unlimited). A job run from a
// terminal whose failure keeps coming back (a sink path that is gone for good, a function that
// throws on one row every time) then ends with its cause after about 6 s rather than
// retrying for ever; set 'restart-strategy.exponential-delay.attempts-before-reset-backoff'
// higher for an unattended job.

import type { SessionOptions } from '../catalog/catalog.js';
import { parseDuration } from '../catalog/catalog.js';
import { WeirError } from '../common/errors.js';
import { RESTART_TYPES } from '../catalog/session-options.js';

export { RESTART_TYPES };

export type RestartStrategy =
  | { readonly type: 'none' }
  | { readonly type: 'fixed-delay'; readonly attempts: number; readonly delayMs: number }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoffMs: number;
      readonly maxBackoffMs: number;
      readonly multiplier: number;
      readonly resetThresholdMs: number;
      readonly jitter: number;
      readonly attempts: number;
    }
  | { readonly type: 'failure-rate'; readonly maxFailures: number; readonly intervalMs: number; readonly delayMs: number };

/** Weir's default number of restarts in a row for exponential-delay (Flink: unlimited); see the header. */
export const DEFAULT_EXPONENTIAL_ATTEMPTS = 5;

/** The restart options with their defaults (Flink's, except the one noted above). */
export const RESTART_OPTION_DEFAULTS: Readonly<Record<string, string>> = {
  'restart-strategy.type': 'exponential-delay',
  'restart-strategy.fixed-delay.attempts': '1',
  'restart-strategy.fixed-delay.delay': '1 s',
  'restart-strategy.exponential-delay.initial-backoff': '1 s',
  'restart-strategy.exponential-delay.max-backoff': '1 min',
  'restart-strategy.exponential-delay.backoff-multiplier': '1.2',
  'restart-strategy.exponential-delay.reset-backoff-threshold': '1 h',
  'restart-strategy.exponential-delay.jitter-factor': '0.1',
  'restart-strategy.exponential-delay.attempts-before-reset-backoff': String(DEFAULT_EXPONENTIAL_ATTEMPTS),
  'restart-strategy.failure-rate.max-failures-per-interval': '1',
  'restart-strategy.failure-rate.failure-rate-interval': '1 min',
  'restart-strategy.failure-rate.delay': '1 s',
};

/** The strategy the session's options give (values were checked at SET / --set). */
export function restartStrategyOf(options: SessionOptions): RestartStrategy {
  const get = (k: string): string => options.get(k) ?? RESTART_OPTION_DEFAULTS[k]!;
  const ms = (k: string): number => {
    const v = parseDuration(get(k));
    if (!(v >= 0)) throw new WeirError('usage', `option '${k}' must be a duration such as '1 s', got '${get(k)}'`);
    return v;
  };
  const num = (k: string): number => {
    const v = Number(get(k));
    if (!Number.isFinite(v) || v < 0) throw new WeirError('usage', `option '${k}' must be a number (0 or more), got '${get(k)}'`);
    return v;
  };
  // 'restart-strategy' is Flink's older key for the type
  const typeText = options.get('restart-strategy.type') ?? options.get('restart-strategy') ?? RESTART_OPTION_DEFAULTS['restart-strategy.type']!;
  const type = RESTART_TYPES[typeText.toLowerCase()];
  if (type === undefined) throw new WeirError('usage', `'restart-strategy.type' must be none, fixed-delay, exponential-delay or failure-rate, got '${typeText}'`);
  switch (type) {
    case 'none':
      return { type };
    case 'fixed-delay':
      return { type, attempts: num('restart-strategy.fixed-delay.attempts'), delayMs: ms('restart-strategy.fixed-delay.delay') };
    case 'exponential-delay':
      return {
        type,
        initialBackoffMs: ms('restart-strategy.exponential-delay.initial-backoff'),
        maxBackoffMs: ms('restart-strategy.exponential-delay.max-backoff'),
        multiplier: num('restart-strategy.exponential-delay.backoff-multiplier'),
        resetThresholdMs: ms('restart-strategy.exponential-delay.reset-backoff-threshold'),
        jitter: num('restart-strategy.exponential-delay.jitter-factor'),
        attempts: num('restart-strategy.exponential-delay.attempts-before-reset-backoff'),
      };
    case 'failure-rate':
      return { type, maxFailures: num('restart-strategy.failure-rate.max-failures-per-interval'), intervalMs: ms('restart-strategy.failure-rate.failure-rate-interval'), delayMs: ms('restart-strategy.failure-rate.delay') };
  }
}

/** One line naming a strategy and its settings (summary, give-up message). */
export function describeRestartStrategy(s: RestartStrategy): string {
  const t = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
  switch (s.type) {
    case 'none':
      return 'none';
    case 'fixed-delay':
      return `fixed-delay, ${s.attempts} attempt${s.attempts === 1 ? '' : 's'}, ${t(s.delayMs)} apart`;
    case 'exponential-delay':
      return `exponential-delay, ${s.attempts} attempt${s.attempts === 1 ? '' : 's'} before the backoff resets, ${t(s.initialBackoffMs)} to ${t(s.maxBackoffMs)} (x${s.multiplier})`;
    case 'failure-rate':
      return `failure-rate, at most ${s.maxFailures} failure${s.maxFailures === 1 ? '' : 's'} per ${t(s.intervalMs)}, ${t(s.delayMs)} apart`;
  }
}

/**
 * Whether a failure is worth a restart. Errors in the user's SQL or data repeat on every
 * attempt (the same row fails the same way), so they end the job at once: parse, bind, plan,
 * not-supported, data and usage errors, and errors marked permanent (a CAST that cannot
 * convert a value, an integer beyond what weir carries exactly). Everything else may pass:
 * I/O errors of sources and sinks, a user function that throws (it may call something that
 * recovers), a worker thread that dies, a checkpoint that could not be taken.
 */
export function isRecoverable(e: unknown): boolean {
  if (e instanceof WeirError) {
    if (e.permanent) return false;
    return !['parse', 'bind', 'plan', 'not-supported', 'data', 'usage'].includes(e.kind);
  }
  return true;
}

/** Decides, failure after failure, whether to restart and after how long. */
export class RestartTracker {
  /** Restarts in a row (exponential-delay: since the backoff last reset) or in total (fixed-delay). */
  private attempts = 0;
  private backoffMs: number;
  private lastFailureAt = -Infinity;
  private readonly failures: number[] = [];

  constructor(
    readonly strategy: RestartStrategy,
    private readonly random: () => number = Math.random,
  ) {
    this.backoffMs = strategy.type === 'exponential-delay' ? strategy.initialBackoffMs : 0;
  }

  /** A failure at `now`: the delay before the restart, or undefined to give up. */
  onFailure(now: number): number | undefined {
    const s = this.strategy;
    switch (s.type) {
      case 'none':
        return undefined;
      case 'fixed-delay':
        if (this.attempts >= s.attempts) return undefined;
        this.attempts++;
        return s.delayMs;
      case 'failure-rate': {
        // restarts while the failures within the last interval are at most the maximum
        this.failures.push(now);
        while (this.failures.length > 0 && now - this.failures[0]! > s.intervalMs) this.failures.shift();
        return this.failures.length > s.maxFailures ? undefined : s.delayMs;
      }
      case 'exponential-delay': {
        // a job that ran long enough without failing starts over from the initial backoff
        if (now - this.lastFailureAt >= s.resetThresholdMs) {
          this.backoffMs = s.initialBackoffMs;
          this.attempts = 0;
        }
        this.lastFailureAt = now;
        if (this.attempts >= s.attempts) return undefined;
        this.attempts++;
        const base = this.backoffMs;
        this.backoffMs = Math.min(s.maxBackoffMs, Math.max(1, base) * s.multiplier);
        const jitter = base * s.jitter * (2 * this.random() - 1);
        return Math.max(0, Math.min(s.maxBackoffMs, Math.round(base + jitter)));
      }
    }
  }
}
