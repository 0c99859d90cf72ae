import { compareSnowflakes, isSnowflake, SnowflakeErrorCode } from '@guildkit/snowflake';
import { describe, expect, it } from 'vitest';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('compareSnowflakes', () => {
  it('orders decimal strings of different lengths by length first', () => {
    expect(compareSnowflakes('9', '10')).toBe(-1);
    expect(compareSnowflakes('1056191128120082432', '737141877803057244')).toBe(1);
  });

  it('orders decimal strings of equal length numerically', () => {
    expect(compareSnowflakes('254360814063058944', '737141877803057244')).toBe(-1);
    expect(compareSnowflakes('737141877803057244', '737141877803057244')).toBe(0);
    expect(compareSnowflakes('18446744073709551615', '18446744073709551614')).toBe(1);
  });

  it('compares bigints with bigints and mixed string and bigint inputs', () => {
    expect(compareSnowflakes(5n, 7n)).toBe(-1);
    expect(compareSnowflakes(7n, 7n)).toBe(0);
    expect(compareSnowflakes('10', 9n)).toBe(1);
    expect(compareSnowflakes(2n ** 64n - 1n, '18446744073709551615')).toBe(0);
  });

  it('sorts an array ascending', () => {
    const ids = ['737141877803057244', '1056191128120082432', '254360814063058944'];
    expect(ids.sort(compareSnowflakes)).toEqual([
      '254360814063058944',
      '737141877803057244',
      '1056191128120082432',
    ]);
  });

  it('rejects leading zeros rather than ordering them by length', () => {
    expect(codeOf(() => compareSnowflakes('010', '9'))).toBe(SnowflakeErrorCode.MalformedId);
  });

  it('rejects malformed and out-of-range inputs on either side', () => {
    expect(codeOf(() => compareSnowflakes('1', 'abc'))).toBe(SnowflakeErrorCode.MalformedId);
    expect(codeOf(() => compareSnowflakes('-1', '1'))).toBe(SnowflakeErrorCode.MalformedId);
    expect(codeOf(() => compareSnowflakes('18446744073709551616', '1'))).toBe(
      SnowflakeErrorCode.IdOutOfRange,
    );
    expect(codeOf(() => compareSnowflakes(-1n, 1n))).toBe(SnowflakeErrorCode.IdOutOfRange);
    expect(codeOf(() => compareSnowflakes(1n, 2n ** 64n))).toBe(SnowflakeErrorCode.IdOutOfRange);
  });
});

describe('isSnowflake', () => {
  it.each(['0', '175928847299117063', '18446744073709551615'])(
    'accepts the canonical string %s',
    (value) => {
      expect(isSnowflake(value)).toBe(true);
    },
  );

  it('accepts bigints from 0 to 2^64 - 1', () => {
    expect(isSnowflake(0n)).toBe(true);
    expect(isSnowflake(2n ** 64n - 1n)).toBe(true);
  });

  it.each([
    'abc',
    '-5',
    '',
    '1.5',
    ' 1',
    '+1',
    '1e5',
    '01',
    '18446744073709551616',
    '100000000000000000000',
    -1n,
    2n ** 64n,
    175928847299117060,
    null,
    undefined,
    {},
    ['1'],
  ])('rejects %s without throwing', (value) => {
    expect(isSnowflake(value)).toBe(false);
  });
});
