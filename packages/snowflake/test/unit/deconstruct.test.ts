import {
  DISCORD_EPOCH,
  deconstruct,
  relativeTimestampOf,
  SnowflakeErrorCode,
  snowflakeFromTimestamp,
  timestampOf,
} from '@guildkit/snowflake';
import { describe, expect, it } from 'vitest';

const MAX_UINT64 = 2n ** 64n - 1n;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

/** The oracle: BigInt shifts and masks. */
function fieldsByBigInt(id: bigint, epoch = 1420070400000n) {
  return {
    timestamp: Number((id >> 22n) + epoch),
    workerId: Number((id >> 17n) & 31n),
    processId: Number((id >> 12n) & 31n),
    increment: Number(id & 4095n),
  };
}

describe('deconstruct', () => {
  it("splits Discord's documented example 175928847299117063", () => {
    // https://discord.com/developers/docs/reference#snowflakes
    expect(deconstruct('175928847299117063')).toEqual({
      timestamp: 1462015105796,
      workerId: 1,
      processId: 0,
      increment: 7,
    });
    expect(deconstruct(175928847299117063n)).toEqual(deconstruct('175928847299117063'));
  });

  it('uses 1420070400000 (2015-01-01T00:00:00.000Z) as the default epoch', () => {
    expect(DISCORD_EPOCH).toBe(1420070400000);
    expect(new Date(DISCORD_EPOCH).toISOString()).toBe('2015-01-01T00:00:00.000Z');
  });

  it.each([
    '0',
    '1',
    '4095',
    '4096',
    '4194303',
    '4194304',
    '999999',
    '1000000',
    '9007199254740991',
    '9007199254740993',
    '4294967295',
    '4294967296',
    '99999999999999999',
    '100000000000000000',
    '9223372036854775807',
    '9223372036854775808',
    '18446744073709551615',
  ])('reads the edge value %s exactly', (id) => {
    expect(deconstruct(id)).toEqual(fieldsByBigInt(BigInt(id)));
    expect(deconstruct(BigInt(id))).toEqual(fieldsByBigInt(BigInt(id)));
    expect(relativeTimestampOf(id)).toBe(Number(BigInt(id) >> 22n));
  });

  it('counts the timestamp from a custom epoch', () => {
    const twitterEpoch = 1288834974657;
    expect(deconstruct('175928847299117063', twitterEpoch)).toEqual(
      fieldsByBigInt(175928847299117063n, BigInt(twitterEpoch)),
    );
  });

  it.each(['abc', '-5', '', '1.5', ' 1', '1 ', '+1', '1e5', '01', '00', '0x10', '１'])(
    'rejects the malformed string %j with GK_SNOWFLAKE_MALFORMED_ID',
    (id) => {
      expect(codeOf(() => deconstruct(id))).toBe(SnowflakeErrorCode.MalformedId);
      expect(codeOf(() => relativeTimestampOf(id))).toBe(SnowflakeErrorCode.MalformedId);
      expect(codeOf(() => timestampOf(id))).toBe(SnowflakeErrorCode.MalformedId);
    },
  );

  it.each([
    '18446744073709551616',
    '99999999999999999999',
    '100000000000000000000',
    '123456789012345678901234567890',
  ])('rejects %s (>= 2^64) with GK_SNOWFLAKE_ID_OUT_OF_RANGE', (id) => {
    expect(codeOf(() => deconstruct(id))).toBe(SnowflakeErrorCode.IdOutOfRange);
  });

  it('rejects a negative bigint and one of 2^64 with GK_SNOWFLAKE_ID_OUT_OF_RANGE', () => {
    expect(codeOf(() => deconstruct(-1n))).toBe(SnowflakeErrorCode.IdOutOfRange);
    expect(codeOf(() => deconstruct(MAX_UINT64 + 1n))).toBe(SnowflakeErrorCode.IdOutOfRange);
    expect(deconstruct(MAX_UINT64)).toEqual(fieldsByBigInt(MAX_UINT64));
  });

  it('rejects values that are neither strings nor bigints with GK_SNOWFLAKE_MALFORMED_ID', () => {
    const notAnId = 175928847299117060 as unknown as string;
    expect(codeOf(() => deconstruct(notAnId))).toBe(SnowflakeErrorCode.MalformedId);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'rejects the epoch %s with GK_SNOWFLAKE_INVALID_EPOCH',
    (epoch) => {
      expect(codeOf(() => deconstruct('1', epoch))).toBe(SnowflakeErrorCode.InvalidEpoch);
      expect(codeOf(() => timestampOf('1', epoch))).toBe(SnowflakeErrorCode.InvalidEpoch);
      expect(codeOf(() => snowflakeFromTimestamp(DISCORD_EPOCH, epoch))).toBe(
        SnowflakeErrorCode.InvalidEpoch,
      );
    },
  );
});

describe('timestampOf and relativeTimestampOf', () => {
  it("date Discord's example 175928847299117063 to 2016-04-30T11:18:25.796Z", () => {
    expect(new Date(timestampOf('175928847299117063')).toISOString()).toBe(
      '2016-04-30T11:18:25.796Z',
    );
    expect(relativeTimestampOf('175928847299117063')).toBe(41944705796);
  });

  it('gives the largest 42-bit value for 2^64 - 1', () => {
    expect(relativeTimestampOf('18446744073709551615')).toBe(2 ** 42 - 1);
    expect(relativeTimestampOf(MAX_UINT64)).toBe(2 ** 42 - 1);
  });
});

describe('snowflakeFromTimestamp', () => {
  it('gives the lowest id of a millisecond', () => {
    expect(snowflakeFromTimestamp(1462015105796)).toBe(
      ((1462015105796n - 1420070400000n) << 22n).toString(),
    );
    expect(snowflakeFromTimestamp(DISCORD_EPOCH)).toBe('0');
    expect(snowflakeFromTimestamp(DISCORD_EPOCH + 2 ** 42 - 1)).toBe(
      ((2n ** 42n - 1n) << 22n).toString(),
    );
  });

  it('rejects a timestamp before the epoch with GK_SNOWFLAKE_TIMESTAMP_BEFORE_EPOCH', () => {
    expect(codeOf(() => snowflakeFromTimestamp(DISCORD_EPOCH - 1))).toBe(
      SnowflakeErrorCode.TimestampBeforeEpoch,
    );
  });

  it('rejects a timestamp past 42 bits with GK_SNOWFLAKE_TIMESTAMP_OVERFLOW', () => {
    expect(codeOf(() => snowflakeFromTimestamp(DISCORD_EPOCH + 2 ** 42))).toBe(
      SnowflakeErrorCode.TimestampOverflow,
    );
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects the timestamp %s with GK_SNOWFLAKE_INVALID_TIMESTAMP',
    (ms) => {
      expect(codeOf(() => snowflakeFromTimestamp(DISCORD_EPOCH + ms))).toBe(
        SnowflakeErrorCode.InvalidTimestamp,
      );
    },
  );
});
