import { describe, expect, it } from 'vitest';
import { ntpTimestamp } from '../../src/media/ntp-time.js';

describe('ntpTimestamp', () => {
  it('counts seconds from 1900 in the high word and the fraction in the low word', () => {
    expect(ntpTimestamp(0)).toBe(2_208_988_800n << 32n);
    expect(ntpTimestamp(1_500)).toBe((2_208_988_801n << 32n) | 0x8000_0000n);
    expect(ntpTimestamp(1_700_000_000_250)).toBe((3_908_988_800n << 32n) | 0x4000_0000n);
  });

  it('wraps into NTP era 1 on 2036-02-07T06:28:16Z', () => {
    const eraOne = Date.UTC(2036, 1, 7, 6, 28, 16);
    expect(ntpTimestamp(eraOne - 1_000)).toBe(0xffff_ffffn << 32n);
    expect(ntpTimestamp(eraOne)).toBe(0n);
  });
});
