import { snowflakeFromTimestamp } from '@guildkit/snowflake';
import { StorageError } from '@guildkit/storage-adapters';
import { describe, expect, it } from 'vitest';
import {
  checkBulkDelete,
  checkEdit,
  checkEmoji,
  checkListQuery,
  checkNewMessage,
  checkReactorQuery,
  checkRecord,
  checkSnowflake,
} from '../../src/internal/validate.js';

/** Asserts that `run` throws GK_STORAGE_INVALID_ARGUMENT with a message that names `field`. */
function expectInvalid(run: () => unknown, field: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StorageError);
  expect((thrown as StorageError).code).toBe('GK_STORAGE_INVALID_ARGUMENT');
  expect((thrown as StorageError).message).toContain(field);
}

const NOW = Date.UTC(2024, 5, 1);
const DAY = 24 * 60 * 60 * 1000;
const base = { id: '1000', channelId: '2000', authorId: '3000' };

describe('checkSnowflake', () => {
  it('accepts canonical decimal strings from 1 to 2^64-1', () => {
    expect(checkSnowflake('1', 'id')).toBe('1');
    expect(checkSnowflake('18446744073709551615', 'id')).toBe('18446744073709551615');
    expect(checkSnowflake('175928847299117063', 'id')).toBe('175928847299117063');
  });

  it.each([
    ['0', '0'],
    ['2^64', '18446744073709551616'],
    ['a leading zero', '0123'],
    ['a sign', '+5'],
    ['a negative number', '-5'],
    ['spaces', ' 5'],
    ['the empty string', ''],
    ['a number', 5],
    ['a bigint', 5n],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s and names the argument', (_label, value) => {
    expectInvalid(() => checkSnowflake(value, 'channelId'), 'channelId');
  });
});

describe('checkNewMessage', () => {
  it('fills content and embeds defaults', () => {
    expect(checkNewMessage({ ...base, embeds: [{ title: 't' }] })).toEqual({
      ...base,
      content: '',
      embeds: [{ title: 't' }],
    });
    expect(checkNewMessage({ ...base, content: 'hi' })).toEqual({
      ...base,
      content: 'hi',
      embeds: [],
    });
  });

  it('counts content in code points: 2000 emoji pass, 2001 characters fail', () => {
    expect(checkNewMessage({ ...base, content: '😀'.repeat(2000) }).content).toHaveLength(4000);
    expect(checkNewMessage({ ...base, content: 'a'.repeat(2000) }).content).toHaveLength(2000);
    expectInvalid(() => checkNewMessage({ ...base, content: 'a'.repeat(2001) }), 'content');
    expectInvalid(() => checkNewMessage({ ...base, content: '😀'.repeat(2001) }), 'content');
  });

  it('accepts 10 embeds and refuses 11', () => {
    const embeds = Array.from({ length: 10 }, (_, index) => ({ title: String(index) }));
    expect(checkNewMessage({ ...base, embeds }).embeds).toHaveLength(10);
    expectInvalid(() => checkNewMessage({ ...base, embeds: [...embeds, {}] }), 'embeds');
  });

  it.each([
    ['a message that is not an object', null, 'message'],
    ['an array as message', [], 'message'],
    ['a bad id', { ...base, id: '01', content: 'x' }, 'id'],
    ['a bad channelId', { ...base, channelId: 7, content: 'x' }, 'channelId'],
    ['a bad authorId', { ...base, authorId: undefined, content: 'x' }, 'authorId'],
    ['content that is not a string', { ...base, content: 5 }, 'content'],
    ['embeds that are not an array', { ...base, content: 'x', embeds: {} }, 'embeds'],
    ['an embed that is not an object', { ...base, content: 'x', embeds: ['e'] }, 'embeds[0]'],
    ['an embed that is an array', { ...base, content: 'x', embeds: [{}, []] }, 'embeds[1]'],
    ['an empty message', { ...base }, 'message'],
    ['empty content and no embeds', { ...base, content: '', embeds: [] }, 'message'],
  ])('refuses %s', (_label, input, field) => {
    expectInvalid(() => checkNewMessage(input), field);
  });
});

describe('checkRecord', () => {
  const record = { ...base, content: 'x', embeds: [], editedTimestamp: null, pinned: false };

  it('accepts null, toISOString and Discord-style edited timestamps', () => {
    expect(checkRecord(record)).toEqual(record);
    for (const editedTimestamp of [
      '2024-06-01T12:00:00.000Z',
      '2017-07-11T17:27:07.299000+00:00',
    ]) {
      expect(checkRecord({ ...record, editedTimestamp }).editedTimestamp).toBe(editedTimestamp);
    }
  });

  it.each([
    ['a date without time', { ...record, editedTimestamp: '2024-06-01' }, 'editedTimestamp'],
    [
      'an impossible date',
      { ...record, editedTimestamp: '2024-13-41T00:00:00Z' },
      'editedTimestamp',
    ],
    ['a number timestamp', { ...record, editedTimestamp: 5 }, 'editedTimestamp'],
    ['a missing timestamp', { ...record, editedTimestamp: undefined }, 'editedTimestamp'],
    ['a non-boolean pinned', { ...record, pinned: 'yes' }, 'pinned'],
    ['an empty message', { ...record, content: '' }, 'message'],
  ])('refuses %s', (_label, input, field) => {
    expectInvalid(() => checkRecord(input), field);
  });
});

describe('checkEdit', () => {
  it('keeps only the fields the edit sets', () => {
    expect(checkEdit({ content: 'new' })).toEqual({ content: 'new' });
    expect(checkEdit({ embeds: [] })).toEqual({ embeds: [] });
    expect(checkEdit({ content: '' })).toEqual({ content: '' });
    expect(checkEdit({ content: 'a', embeds: [{}] })).toEqual({ content: 'a', embeds: [{}] });
  });

  it.each([
    ['an edit that is not an object', 'text', 'edit'],
    ['an edit that sets nothing', {}, 'edit'],
    ['an edit of undefined fields', { content: undefined, embeds: undefined }, 'edit'],
    ['content over 2000 characters', { content: 'a'.repeat(2001) }, 'content'],
    ['11 embeds', { embeds: Array.from({ length: 11 }, () => ({})) }, 'embeds'],
    ['an edit that empties both', { content: '', embeds: [] }, 'edit'],
  ])('refuses %s', (_label, input, field) => {
    expectInvalid(() => checkEdit(input), field);
  });
});

describe('checkListQuery', () => {
  it('reads no query as the newest 50', () => {
    expect(checkListQuery(undefined)).toEqual({ kind: 'latest', anchor: 0n, limit: 50 });
    expect(checkListQuery({})).toEqual({ kind: 'latest', anchor: 0n, limit: 50 });
    expect(checkListQuery({ limit: 7 })).toEqual({ kind: 'latest', anchor: 0n, limit: 7 });
  });

  it('reads each anchor kind, including after 0 (from the beginning)', () => {
    expect(checkListQuery({ before: '99', limit: 1 })).toEqual({
      kind: 'before',
      anchor: 99n,
      limit: 1,
    });
    expect(checkListQuery({ after: '0' })).toEqual({ kind: 'after', anchor: 0n, limit: 50 });
    expect(checkListQuery({ around: '18446744073709551615', limit: 100 })).toEqual({
      kind: 'around',
      anchor: 18446744073709551615n,
      limit: 100,
    });
    expect(checkListQuery({ before: undefined, after: '5' }).kind).toBe('after');
  });

  it.each([
    ['a query that is not an object', 5, 'query'],
    ['two anchors', { before: '5', after: '6' }, 'at most one'],
    ['three anchors', { before: '5', after: '6', around: '7' }, 'at most one'],
    ['a malformed anchor', { before: '5.0' }, 'query.before'],
    ['a numeric anchor', { around: 5 }, 'query.around'],
    ['limit 0', { limit: 0 }, 'query.limit'],
    ['limit 101', { limit: 101 }, 'query.limit'],
    ['a fractional limit', { limit: 2.5 }, 'query.limit'],
    ['a string limit', { limit: '10' }, 'query.limit'],
    ['a NaN limit', { limit: Number.NaN }, 'query.limit'],
  ])('refuses %s', (_label, input, field) => {
    expectInvalid(() => checkListQuery(input), field);
  });
});

describe('checkEmoji', () => {
  it.each(['🔥', '❤️', '❤', '👍🏽', '👨‍👩‍👧', '🇫🇷', '1️⃣', 'blobwave:396521773', 'a_1:1'])(
    'accepts %s',
    (emoji) => {
      expect(checkEmoji(emoji)).toBe(emoji);
    },
  );

  it.each([
    ['the empty string', ''],
    ['a number', 5],
    ['text', 'fire'],
    ['two emoji', '🔥🔥'],
    ['an emoji with text', '🔥x'],
    ['a one-letter custom name', 'a:396521773'],
    ['a 33-letter custom name', `${'a'.repeat(33)}:396521773`],
    ['a custom emoji with id 0', 'blob:0'],
    ['a custom emoji with a malformed id', 'blob:0123'],
    ['a custom emoji without id', 'blob:'],
    ['a name with a dash', 'blob-wave:396521773'],
    ['over 100 characters', `${'a'.repeat(30)}:${'1'.repeat(80)}`],
  ])('refuses %s', (_label, emoji) => {
    expectInvalid(() => checkEmoji(emoji), 'emoji');
  });
});

describe('checkReactorQuery', () => {
  it('defaults to the first 25 and reads after', () => {
    expect(checkReactorQuery(undefined)).toEqual({ after: null, limit: 25 });
    expect(checkReactorQuery({ after: '10', limit: 100 })).toEqual({ after: 10n, limit: 100 });
    expect(checkReactorQuery({ after: '0' })).toEqual({ after: 0n, limit: 25 });
  });

  it.each([
    ['a query that is not an object', 'x', 'query'],
    ['a malformed after', { after: 'x' }, 'query.after'],
    ['limit 0', { limit: 0 }, 'query.limit'],
    ['limit 101', { limit: 101 }, 'query.limit'],
  ])('refuses %s', (_label, input, field) => {
    expectInvalid(() => checkReactorQuery(input), field);
  });
});

describe('checkBulkDelete', () => {
  const recent = (ageMs: number) => snowflakeFromTimestamp(NOW - ageMs);

  it('accepts 2..100 distinct ids up to exactly 14 days old', () => {
    const ids = [recent(0), recent(14 * DAY)];
    expect(checkBulkDelete(ids, NOW)).toEqual(ids);
    const hundred = Array.from({ length: 100 }, (_, index) => recent(index * 1000));
    expect(checkBulkDelete(hundred, NOW)).toEqual(hundred);
  });

  it.each([
    ['a non-array', 'x', 'messageIds'],
    ['one id', [snowflakeFromTimestamp(NOW)], 'messageIds'],
    ['no ids', [], 'messageIds'],
    [
      '101 ids',
      Array.from({ length: 101 }, (_, index) => snowflakeFromTimestamp(NOW - index)),
      'messageIds',
    ],
    ['a duplicate', [snowflakeFromTimestamp(NOW), snowflakeFromTimestamp(NOW)], 'messageIds[1]'],
    ['a malformed id', [snowflakeFromTimestamp(NOW), '01'], 'messageIds[1]'],
    [
      'an id 14 days and 1 ms old',
      [snowflakeFromTimestamp(NOW), snowflakeFromTimestamp(NOW - 14 * DAY - 1)],
      'messageIds[1]',
    ],
  ])('refuses %s', (_label, ids, field) => {
    expectInvalid(() => checkBulkDelete(ids, NOW), field);
  });
});
