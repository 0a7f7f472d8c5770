// Restart strategies (issue 14 item 3): delays and give-ups worked out by hand from Flink's
// definitions, the options read with their defaults, and which failures restart.
import { describe, expect, it } from 'vitest';
import { RestartTracker, isRecoverable, restartStrategyOf } from '../../src/exec/restart-strategy.js';
import type { RestartStrategy } from '../../src/exec/restart-strategy.js';
import { SessionOptions } from '../../src/catalog/catalog.js';
import { checkSessionOption } from '../../src/catalog/session-options.js';
import { WeirError } from '../../src/common/errors.js';

function options(kv: Record<string, string>): SessionOptions {
  const o = new SessionOptions();
  for (const [k, v] of Object.entries(kv)) o.set(k, v);
  return o;
}

describe('restart strategies', () => {
  it('fixed-delay: `attempts` restarts, each after `delay`, then gives up', () => {
    const t = new RestartTracker({ type: 'fixed-delay', attempts: 2, delayMs: 300 });
    expect([t.onFailure(0), t.onFailure(10_000), t.onFailure(20_000)]).toEqual([300, 300, undefined]);
    expect(new RestartTracker({ type: 'none' }).onFailure(0)).toBeUndefined();
  });

  it('exponential-delay: 1 s, then x1.5 up to the maximum; gives up after the attempts; resets after a quiet threshold', () => {
    const s: RestartStrategy = { type: 'exponential-delay', initialBackoffMs: 1000, maxBackoffMs: 3000, multiplier: 1.5, resetThresholdMs: 60_000, jitter: 0, attempts: 4 };
    const t = new RestartTracker(s);
    // 1000, 1500, 2250, then capped at 3000; the fifth failure in a row gives up
    expect([t.onFailure(0), t.onFailure(2000), t.onFailure(5000), t.onFailure(9000), t.onFailure(13_000)]).toEqual([1000, 1500, 2250, 3000, undefined]);
    // a failure an hour (more than the threshold) after the last one starts over
    expect(t.onFailure(13_000 + 60_000)).toBe(1000);
    // jitter: within ±10% of the backoff; random 0 -> -10%, random 1 -> +10%
    expect(new RestartTracker({ ...s, jitter: 0.1 }, () => 0).onFailure(0)).toBe(900);
    expect(new RestartTracker({ ...s, jitter: 0.1 }, () => 1).onFailure(0)).toBe(1100);
  });

  it('failure-rate: restarts while at most max failures fall within the interval', () => {
    const t = new RestartTracker({ type: 'failure-rate', maxFailures: 2, intervalMs: 10_000, delayMs: 100 });
    expect(t.onFailure(0)).toBe(100);
    expect(t.onFailure(4000)).toBe(100);
    expect(t.onFailure(8000)).toBeUndefined(); // three within 10 s
    const u = new RestartTracker({ type: 'failure-rate', maxFailures: 2, intervalMs: 10_000, delayMs: 100 });
    expect([u.onFailure(0), u.onFailure(4000), u.onFailure(12_000), u.onFailure(13_000)]).toEqual([100, 100, 100, undefined]);
  });

  it("options: Flink's names and defaults; weir's default is exponential-delay with 5 attempts; aliases", () => {
    expect(restartStrategyOf(options({}))).toEqual({ type: 'exponential-delay', initialBackoffMs: 1000, maxBackoffMs: 60_000, multiplier: 1.2, resetThresholdMs: 3_600_000, jitter: 0.1, attempts: 5 });
    expect(restartStrategyOf(options({ 'restart-strategy.type': 'fixed-delay' }))).toEqual({ type: 'fixed-delay', attempts: 1, delayMs: 1000 });
    expect(restartStrategyOf(options({ 'restart-strategy.type': 'failurerate', 'restart-strategy.failure-rate.delay': '250 ms' }))).toEqual({ type: 'failure-rate', maxFailures: 1, intervalMs: 60_000, delayMs: 250 });
    expect(restartStrategyOf(options({ 'restart-strategy': 'off' }))).toEqual({ type: 'none' });
    expect(() => checkSessionOption('restart-strategy.type', 'sometimes', undefined)).toThrow("'restart-strategy.type' must be none, fixed-delay");
    expect(() => checkSessionOption('restart-strategy.fixed-delay.delay', 'soon', undefined)).toThrow('must be a duration');
    expect(() => checkSessionOption('restart-strategy.exponential-delay.jitter-factor', '2', undefined)).toThrow('a number from 0 to 1');
    expect(checkSessionOption('restart-strategy.exponential-delay.backoff-multiplier', '2.0', undefined)).toEqual({});
  });

  it('user errors never restart; I/O and function failures do', () => {
    expect(isRecoverable(new WeirError('data', 'in.csv:2: bad INT'))).toBe(false);
    expect(isRecoverable(new WeirError('bind', 'no column'))).toBe(false);
    expect(isRecoverable(new WeirError('execution', "cannot cast 'x' to INT", { permanent: true }))).toBe(false);
    expect(isRecoverable(new WeirError('execution', 'function f failed on the row (1): boom'))).toBe(true);
    expect(isRecoverable(Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR' }))).toBe(true);
  });
});
