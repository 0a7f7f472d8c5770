// The session zone's arithmetic (src/common/time-zone.ts) on hand-worked values: New York's
// 2021 DST switches (02:00 EST -> 03:00 EDT on March 14 at 07:00Z; 02:00 EDT -> 01:00 EST on
// November 7 at 06:00Z), a fixed GMT offset, and which zone ids are accepted.
import { describe, expect, it } from 'vitest';
import { parseTimeZone } from '../../src/common/time-zone.js';
import type { TimeZoneRules } from '../../src/common/time-zone.js';
import { formatTimestamp, parseTimestamp } from '../../src/common/time.js';

const zone = (id: string): TimeZoneRules => {
  const z = parseTimeZone(id);
  if (typeof z === 'string') throw new Error(z);
  return z;
};
const at = (text: string): number => parseTimestamp(text);
const show = (ms: number): string => formatTimestamp(ms);

describe('time zone arithmetic', () => {
  const ny = zone('America/New_York');

  it('local date-time of an instant, around both switches', () => {
    expect(show(ny.toLocal(at('2021-03-14 06:59:59.999')))).toBe('2021-03-14 01:59:59.999');
    expect(show(ny.toLocal(at('2021-03-14 07:00:00')))).toBe('2021-03-14 03:00:00.000');
    expect(show(ny.toLocal(at('2021-11-07 05:59:59.999')))).toBe('2021-11-07 01:59:59.999');
    expect(show(ny.toLocal(at('2021-11-07 06:00:00')))).toBe('2021-11-07 01:00:00.000');
  });

  it('instant of a local date-time: a skipped time moves forward, a repeated one takes the earlier (or, for window ends, the later) instant', () => {
    expect(show(ny.fromLocal(at('2021-03-14 02:30:00')))).toBe('2021-03-14 07:30:00.000');
    expect(show(ny.fromLocalLatest(at('2021-03-14 02:30:00')))).toBe('2021-03-14 07:30:00.000');
    expect(show(ny.fromLocal(at('2021-11-07 01:30:00')))).toBe('2021-11-07 05:30:00.000');
    expect(show(ny.fromLocalLatest(at('2021-11-07 01:30:00')))).toBe('2021-11-07 06:30:00.000');
    expect(show(ny.fromLocal(at('2021-07-01 12:00:00')))).toBe('2021-07-01 16:00:00.000');
  });

  it('the local watermark waits at the start of the repeated hour during its first pass', () => {
    expect(show(ny.localWatermark(at('2021-11-07 04:59:59.999')))).toBe('2021-11-07 00:59:59.999');
    expect(show(ny.localWatermark(at('2021-11-07 05:30:00')))).toBe('2021-11-07 00:59:59.999');
    expect(show(ny.localWatermark(at('2021-11-07 06:30:00')))).toBe('2021-11-07 01:30:00.000');
    expect(show(ny.localWatermark(at('2021-11-06 12:00:00')))).toBe('2021-11-06 08:00:00.000');
    expect(show(ny.localWatermark(at('2021-03-14 07:00:00')))).toBe('2021-03-14 03:00:00.000');
    expect(ny.localWatermark(Infinity)).toBe(Infinity);
  });

  it('fixed offsets', () => {
    const z = zone('GMT+5:30');
    expect(z.id).toBe('GMT+05:30');
    expect(show(z.toLocal(0))).toBe('1970-01-01 05:30:00.000');
    expect(z.fromLocal(z.toLocal(123456))).toBe(123456);
  });

  it("accepts Flink's zone ids and refuses the rest with a reason", () => {
    for (const ok of ['UTC', 'GMT', 'Asia/Shanghai', 'America/Los_Angeles', 'GMT-03:00', 'GMT+8', 'Europe/Berlin']) expect(typeof parseTimeZone(ok), ok).toBe('object');
    expect(parseTimeZone('asia/shanghai')).toContain("did you mean 'Asia/Shanghai'?");
    expect(parseTimeZone('Asia/Shangai')).toContain("did you mean 'Asia/Shanghai'?");
    expect(parseTimeZone('PST')).toContain('abbreviations');
    expect(parseTimeZone('+08:00')).toContain("'GMT+08:00'");
    expect(parseTimeZone('UTC+8')).toContain("'GMT+08:00'");
    expect(parseTimeZone('GMT+19:00')).toContain('at most 18:00');
  });
});
