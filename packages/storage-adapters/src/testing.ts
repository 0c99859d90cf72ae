/**
 * `@guildkit/storage-adapters/testing`: the conformance suite every {@link MessageStore}
 * adapter runs, so that memory, LMDB, Cassandra and third-party adapters behave alike. It
 * needs `vitest` (an optional peer dependency) and is meant for test files only.
 *
 * @example
 * ```ts
 * import { describeMessageStoreConformance } from '@guildkit/storage-adapters/testing';
 * import { MyMessageStore } from '../src/index.js';
 *
 * describeMessageStoreConformance('MyMessageStore', {
 *   create: async (clock) => MyMessageStore.open({ clock }),
 *   destroy: async (store) => store.close(),
 * });
 * ```
 */
import { type Clock, snowflakeFromTimestamp } from '@guildkit/snowflake';
import type { APIEmbed } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError, type StorageErrorCode } from './errors.js';
import type { MessageRecord, MessageStore, NewMessage } from './types.js';

/** How the conformance suite makes and disposes of the store under test. */
export interface ConformanceSetup {
  /** A fresh, empty store reading time from `clock`. */
  create(clock: Clock): Promise<MessageStore>;
  /**
   * Called after each test with the store create() returned (drop tables, delete files). When
   * given, it also closes the store (the store may already be closed); when omitted, the suite
   * calls `close()`.
   */
  destroy?(store: MessageStore): Promise<void>;
  /**
   * Adapters that cannot detect duplicate ids (Cassandra without LWT) set false: the suite then
   * checks that a second `create` of an id replaces the first (one message per id) instead of
   * being refused. @defaultValue true
   */
  readonly detectsDuplicates?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;
/** The suite's "now": 2024-01-15T12:00:00.000Z. */
const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const CHANNEL = '81384788765712384';
const OTHER_CHANNEL = '81384788765712385';
const AUTHOR = '80351110224678912';
const USERS = ['100', '200', '300', '400'] as const;
const HIGH_CHANNEL = '18446744073709551615';

/** A clock that moves only when the suite moves it. */
class SuiteClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

/** The snowflake of `ms` plus `increment` (the low 22 bits: worker, process, increment). */
function idAt(ms: number, increment = 0): string {
  return (BigInt(snowflakeFromTimestamp(ms)) + BigInt(increment)).toString();
}

function message(
  id: string,
  content = `message ${id}`,
  channelId = CHANNEL,
): NewMessage & { readonly content: string } {
  return { id, channelId, authorId: AUTHOR, content };
}

function idsOf(records: readonly MessageRecord[]): string[] {
  return records.map((record) => record.id);
}

/** Lets a test pass a value the types forbid, to check the store's run-time validation. */
function unchecked<T>(value: unknown): T {
  return value as T;
}

async function expectCode(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected a rejection with ${code}`).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
}

/** Runs `change`, which may throw because the object is frozen. */
function tryToMutate(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

/**
 * Registers the conformance suite (vitest `describe`/`it`) for one adapter: every method and
 * every documented rule of {@link MessageStore} — creation and validation, Discord's paging
 * over histories that span many 10-day buckets (and channels whose first message is years old),
 * edits against the injected clock, delete and bulk delete, reactions, pins and their limit,
 * and the closed state. Each test gets a fresh store from `setup.create`; expected values are
 * written out, never read back from the store under test.
 *
 * @param name - the adapter's name, shown in the test titles.
 * @param setup - how to create and dispose of a store.
 * @example
 * ```ts
 * describeMessageStoreConformance('MemoryMessageStore', {
 *   create: async (clock) => new MemoryMessageStore({ clock }),
 * });
 * ```
 */
export function describeMessageStoreConformance(name: string, setup: ConformanceSetup): void {
  describe(`MessageStore conformance: ${name}`, () => {
    let clock: SuiteClock;
    let store: MessageStore;

    beforeEach(async () => {
      clock = new SuiteClock(NOW);
      store = await setup.create(clock);
    });

    afterEach(async () => {
      if (setup.destroy === undefined) await store.close();
      else await setup.destroy(store);
    });

    describe('create and get', () => {
      it('stores a message unedited and unpinned and reads it back', async () => {
        const id = idAt(NOW - DAY);
        const embeds: APIEmbed[] = [
          { title: 'Release', description: 'v1', fields: [{ name: 'a', value: 'b' }] },
        ];
        const expected: MessageRecord = {
          id,
          channelId: CHANNEL,
          authorId: AUTHOR,
          content: 'hello ✨',
          embeds: [{ title: 'Release', description: 'v1', fields: [{ name: 'a', value: 'b' }] }],
          editedTimestamp: null,
          pinned: false,
        };
        expect(await store.create({ ...message(id, 'hello ✨'), embeds })).toEqual(expected);
        expect(await store.get(CHANNEL, id)).toEqual(expected);
      });

      it('fills defaults: content "" with embeds, embeds [] with content', async () => {
        const a = idAt(NOW - 2 * DAY);
        const b = idAt(NOW - DAY);
        await store.create({
          id: a,
          channelId: CHANNEL,
          authorId: AUTHOR,
          embeds: [{ title: 'x' }],
        });
        await store.create({ id: b, channelId: CHANNEL, authorId: AUTHOR, content: 'y' });
        expect(await store.get(CHANNEL, a)).toMatchObject({
          content: '',
          embeds: [{ title: 'x' }],
        });
        expect(await store.get(CHANNEL, b)).toMatchObject({ content: 'y', embeds: [] });
      });

      it('keeps 2000 characters of content, 10 embeds and ids up to 2^64-1', async () => {
        const id = '18446744073709551615';
        const content = '😀'.repeat(1000) + 'a'.repeat(1000);
        const embeds = Array.from({ length: 10 }, (_, index) => ({ title: `e${index}` }));
        await store.create({
          id,
          channelId: HIGH_CHANNEL,
          authorId: HIGH_CHANNEL,
          content,
          embeds,
        });
        const stored = await store.get(HIGH_CHANNEL, id);
        expect(stored?.content).toBe(content);
        expect(stored?.embeds).toEqual(embeds);
        expect(stored?.authorId).toBe(HIGH_CHANNEL);
      });

      it('returns null for a missing message and for a message of another channel', async () => {
        const id = idAt(NOW - DAY);
        await store.create(message(id));
        expect(await store.get(CHANNEL, idAt(NOW - DAY, 1))).toBeNull();
        expect(await store.get(OTHER_CHANNEL, id)).toBeNull();
      });

      if (setup.detectsDuplicates === false) {
        it('keeps exactly one message per id when an id is created twice (last write wins)', async () => {
          const id = idAt(NOW - DAY);
          await store.create(message(id, 'first'));
          await store.create(message(id, 'second'));
          expect((await store.get(CHANNEL, id))?.content).toBe('second');
          expect((await store.list(CHANNEL)).map((found) => found.id)).toEqual([id]);
        });
      } else {
        it('refuses a duplicate id with GK_STORAGE_DUPLICATE_MESSAGE and keeps the first', async () => {
          const id = idAt(NOW - DAY);
          await store.create(message(id, 'first'));
          await expectCode(store.create(message(id, 'second')), 'GK_STORAGE_DUPLICATE_MESSAGE');
          expect((await store.get(CHANNEL, id))?.content).toBe('first');
        });
      }

      it('is not changed by later changes to the input or to returned records', async () => {
        const id = idAt(NOW - DAY);
        const embeds = [{ title: 'before' }];
        const created = await store.create({ ...message(id, 'before'), embeds });
        embeds[0] = { title: 'after' };
        embeds.push({ title: 'extra' });
        tryToMutate(() => {
          (created as { content: string }).content = 'after';
        });
        tryToMutate(() => {
          (created.embeds as APIEmbed[]).push({ title: 'extra' });
        });
        const read = await store.get(CHANNEL, id);
        tryToMutate(() => {
          (read?.embeds[0] as { title: string }).title = 'after';
        });
        expect(await store.get(CHANNEL, id)).toMatchObject({
          content: 'before',
          embeds: [{ title: 'before' }],
        });
      });
    });

    describe('put', () => {
      it('creates a record exactly as given, pin included, and replaces it later', async () => {
        const id = idAt(NOW - 3 * DAY);
        const record: MessageRecord = {
          id,
          channelId: CHANNEL,
          authorId: AUTHOR,
          content: 'restored',
          embeds: [{ title: 't' }],
          editedTimestamp: '2024-01-10T08:30:00.123Z',
          pinned: true,
        };
        await store.put(record);
        expect(await store.get(CHANNEL, id)).toEqual(record);
        expect(idsOf(await store.listPins(CHANNEL))).toEqual([id]);
        await store.put({ ...record, content: 'repaired', pinned: false, editedTimestamp: null });
        expect(await store.get(CHANNEL, id)).toEqual({
          ...record,
          content: 'repaired',
          pinned: false,
          editedTimestamp: null,
        });
        expect(await store.listPins(CHANNEL)).toEqual([]);
        expect(idsOf(await store.list(CHANNEL))).toEqual([id]);
      });

      it('keeps the reactions of the message it replaces', async () => {
        const id = idAt(NOW - DAY);
        const created = await store.create(message(id));
        await store.addReaction(CHANNEL, id, '🔥', USERS[0]);
        await store.put({ ...created, content: 'replaced' });
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([{ emoji: '🔥', count: 1 }]);
      });

      it('does not check the pin limit', async () => {
        const ids = Array.from({ length: 51 }, (_, index) => idAt(NOW - DAY, index));
        await Promise.all(
          ids.map((id) =>
            store.put({ ...message(id), embeds: [], editedTimestamp: null, pinned: true }),
          ),
        );
        expect(await store.listPins(CHANNEL)).toHaveLength(51);
      });

      it('validates like create, plus editedTimestamp and pinned', async () => {
        const good: MessageRecord = {
          ...message(idAt(NOW - DAY)),
          content: 'x',
          embeds: [],
          editedTimestamp: null,
          pinned: false,
        };
        for (const bad of [
          { ...good, editedTimestamp: 'yesterday' },
          { ...good, editedTimestamp: 5 },
          { ...good, pinned: 'no' },
          { ...good, content: '' },
          { ...good, id: '0' },
        ]) {
          await expectCode(store.put(unchecked(bad)), 'GK_STORAGE_INVALID_ARGUMENT');
        }
        expect(await store.list(CHANNEL)).toEqual([]);
      });
    });

    describe('edit', () => {
      it('changes content, keeps embeds and sets editedTimestamp from the clock (ISO, ms)', async () => {
        const id = idAt(NOW - DAY);
        await store.create({ ...message(id, 'draft'), embeds: [{ title: 'kept' }] });
        clock.ms = NOW + 1234;
        const edited = await store.edit(CHANNEL, id, { content: 'final' });
        const expected: MessageRecord = {
          id,
          channelId: CHANNEL,
          authorId: AUTHOR,
          content: 'final',
          embeds: [{ title: 'kept' }],
          editedTimestamp: '2024-01-15T12:00:01.234Z',
          pinned: false,
        };
        expect(edited).toEqual(expected);
        expect(await store.get(CHANNEL, id)).toEqual(expected);
        clock.ms = NOW + DAY;
        await store.edit(CHANNEL, id, { embeds: [] });
        expect(await store.get(CHANNEL, id)).toEqual({
          ...expected,
          embeds: [],
          editedTimestamp: '2024-01-16T12:00:00.000Z',
        });
      });

      it('keeps the pin and shows the edit in list and listPins', async () => {
        const id = idAt(NOW - DAY);
        await store.create(message(id, 'old'));
        await store.pin(CHANNEL, id);
        await store.edit(CHANNEL, id, { content: 'new' });
        expect(await store.get(CHANNEL, id)).toMatchObject({ content: 'new', pinned: true });
        expect((await store.list(CHANNEL)).map((record) => record.content)).toEqual(['new']);
        expect((await store.listPins(CHANNEL)).map((record) => record.content)).toEqual(['new']);
      });

      it('refuses an edit that would leave the message empty, and changes nothing', async () => {
        const textOnly = idAt(NOW - 2 * DAY);
        const withEmbed = idAt(NOW - DAY);
        await store.create(message(textOnly, 'text'));
        await store.create({ ...message(withEmbed, 'text'), embeds: [{ title: 'e' }] });
        await expectCode(
          store.edit(CHANNEL, textOnly, { content: '' }),
          'GK_STORAGE_INVALID_ARGUMENT',
        );
        expect(await store.get(CHANNEL, textOnly)).toMatchObject({
          content: 'text',
          editedTimestamp: null,
        });
        expect(await store.edit(CHANNEL, withEmbed, { content: '' })).toMatchObject({
          content: '',
          embeds: [{ title: 'e' }],
        });
      });

      it('rejects GK_STORAGE_UNKNOWN_MESSAGE for a missing or deleted message', async () => {
        const id = idAt(NOW - DAY);
        await expectCode(store.edit(CHANNEL, id, { content: 'x' }), 'GK_STORAGE_UNKNOWN_MESSAGE');
        await store.create(message(id));
        await store.delete(CHANNEL, id);
        await expectCode(store.edit(CHANNEL, id, { content: 'x' }), 'GK_STORAGE_UNKNOWN_MESSAGE');
        await expectCode(
          store.edit(OTHER_CHANNEL, id, { content: 'x' }),
          'GK_STORAGE_UNKNOWN_MESSAGE',
        );
      });
    });

    describe('delete', () => {
      it('removes the message, its reactions and its pin; a second delete returns false', async () => {
        const id = idAt(NOW - DAY);
        const kept = idAt(NOW - 2 * DAY);
        await store.create(message(kept));
        await store.create(message(id));
        await store.addReaction(CHANNEL, id, '🔥', USERS[0]);
        await store.pin(CHANNEL, id);
        expect(await store.delete(CHANNEL, id)).toBe(true);
        expect(await store.get(CHANNEL, id)).toBeNull();
        expect(idsOf(await store.list(CHANNEL))).toEqual([kept]);
        expect(await store.listPins(CHANNEL)).toEqual([]);
        expect(await store.delete(CHANNEL, id)).toBe(false);
        await store.create(message(id));
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([]);
        expect(await store.listReactors(CHANNEL, id, '🔥')).toEqual([]);
        expect(await store.get(CHANNEL, id)).toMatchObject({ pinned: false });
      });

      it('deletes only in the given channel', async () => {
        const id = idAt(NOW - DAY);
        await store.create(message(id));
        expect(await store.delete(OTHER_CHANNEL, id)).toBe(false);
        expect(idsOf(await store.list(CHANNEL))).toEqual([id]);
      });
    });

    describe('bulkDelete', () => {
      it('deletes the existing ids, ignores missing ones and returns the count', async () => {
        const [a, b, c, missing] = [3, 2, 1, 0].map((days) => idAt(NOW - days * DAY)) as [
          string,
          string,
          string,
          string,
        ];
        for (const id of [a, b, c]) await store.create(message(id));
        await store.addReaction(CHANNEL, a, '👍', USERS[0]);
        await store.pin(CHANNEL, b);
        expect(await store.bulkDelete(CHANNEL, [a, missing, b])).toBe(2);
        expect(idsOf(await store.list(CHANNEL))).toEqual([c]);
        expect(await store.listPins(CHANNEL)).toEqual([]);
        await store.create(message(a));
        expect(await store.reactionCounts(CHANNEL, a)).toEqual([]);
      });

      it('measures the 14 days against the store clock, exactly 14 days still allowed', async () => {
        const old = idAt(NOW - 14 * DAY);
        const fresh = idAt(NOW - DAY);
        await store.create(message(old));
        await store.create(message(fresh));
        clock.ms = NOW + 1;
        await expectCode(store.bulkDelete(CHANNEL, [fresh, old]), 'GK_STORAGE_INVALID_ARGUMENT');
        expect(idsOf(await store.list(CHANNEL))).toEqual([fresh, old]);
        clock.ms = NOW;
        expect(await store.bulkDelete(CHANNEL, [fresh, old])).toBe(2);
        expect(await store.list(CHANNEL)).toEqual([]);
      });

      it('refuses fewer than 2, more than 100 and duplicate ids, deleting nothing', async () => {
        const ids = Array.from({ length: 101 }, (_, index) => idAt(NOW - DAY, index));
        await Promise.all(ids.map((id) => store.create(message(id))));
        const [first, second] = ids as [string, string];
        for (const bad of [[], [first], ids, [first, second, first]]) {
          await expectCode(store.bulkDelete(CHANNEL, bad), 'GK_STORAGE_INVALID_ARGUMENT');
        }
        expect(await store.list(CHANNEL, { limit: 100 })).toHaveLength(100);
        expect(await store.bulkDelete(CHANNEL, ids.slice(0, 100))).toBe(100);
        expect(idsOf(await store.list(CHANNEL))).toEqual([ids[100]]);
      });

      it('ignores ids of another channel', async () => {
        const a = idAt(NOW - DAY);
        const b = idAt(NOW - DAY, 1);
        await store.create(message(a));
        await store.create(message(b, 'other', OTHER_CHANNEL));
        expect(await store.bulkDelete(OTHER_CHANNEL, [a, idAt(NOW)])).toBe(0);
        expect(idsOf(await store.list(CHANNEL))).toEqual([a]);
      });
    });

    describe('list: paging over a history of 120 messages spanning 36 buckets', () => {
      // Message i was sent 3 * (120 - i) days before NOW: one every 3 days, oldest first.
      const history = Array.from({ length: 120 }, (_, index) => NOW - (120 - index) * 3 * DAY);
      const h = (...indexes: number[]) => indexes.map((index) => idAt(history[index] as number));
      const span = (from: number, to: number) => {
        const step = from <= to ? 1 : -1;
        return h(...Array.from({ length: Math.abs(to - from) + 1 }, (_, k) => from + k * step));
      };
      /** An id strictly between message `index` and the next one: not a message id. */
      const between = (index: number) => idAt((history[index] as number) + DAY);

      beforeEach(async () => {
        await Promise.all(span(0, 119).map((id) => store.create(message(id))));
        await store.create(message(idAt(NOW - 90 * DAY, 7), 'elsewhere', OTHER_CHANNEL));
      });

      it('without anchor returns the newest, newest first: 50 by default, 1..100', async () => {
        expect(idsOf(await store.list(CHANNEL))).toEqual(span(119, 70));
        expect(idsOf(await store.list(CHANNEL, {}))).toEqual(span(119, 70));
        expect(idsOf(await store.list(CHANNEL, { limit: 1 }))).toEqual(h(119));
        expect(idsOf(await store.list(CHANNEL, { limit: 100 }))).toEqual(span(119, 20));
      });

      it('before returns smaller ids, newest first, also for anchors that are not ids', async () => {
        expect(idsOf(await store.list(CHANNEL, { before: h(60)[0]!, limit: 5 }))).toEqual(
          span(59, 55),
        );
        expect(idsOf(await store.list(CHANNEL, { before: between(60), limit: 3 }))).toEqual(
          span(60, 58),
        );
        expect(idsOf(await store.list(CHANNEL, { before: h(3)[0]! }))).toEqual(span(2, 0));
        expect(await store.list(CHANNEL, { before: h(0)[0]! })).toEqual([]);
        expect(await store.list(CHANNEL, { before: '1' })).toEqual([]);
        expect(idsOf(await store.list(CHANNEL, { before: idAt(NOW + DAY), limit: 2 }))).toEqual(
          h(119, 118),
        );
        expect(idsOf(await store.list(CHANNEL, { before: h(100)[0]! }))).toEqual(span(99, 50));
      });

      it('after returns larger ids, oldest first; after "0" starts at the beginning', async () => {
        expect(idsOf(await store.list(CHANNEL, { after: h(10)[0]!, limit: 5 }))).toEqual(
          span(11, 15),
        );
        expect(idsOf(await store.list(CHANNEL, { after: between(10), limit: 2 }))).toEqual(
          h(11, 12),
        );
        expect(idsOf(await store.list(CHANNEL, { after: '0', limit: 3 }))).toEqual(h(0, 1, 2));
        expect(idsOf(await store.list(CHANNEL, { after: h(0)[0]! }))).toEqual(span(1, 50));
        expect(idsOf(await store.list(CHANNEL, { after: h(117)[0]! }))).toEqual(h(118, 119));
        expect(await store.list(CHANNEL, { after: h(119)[0]! })).toEqual([]);
      });

      it('around returns floor(limit/2) newer and the rest older (anchor included), newest first', async () => {
        const around = async (anchor: string, limit?: number) =>
          idsOf(
            await store.list(
              CHANNEL,
              limit === undefined ? { around: anchor } : { around: anchor, limit },
            ),
          );
        expect(await around(h(60)[0]!, 5)).toEqual(span(62, 58));
        expect(await around(h(60)[0]!, 4)).toEqual(span(62, 59));
        expect(await around(h(60)[0]!, 1)).toEqual(h(60));
        expect(await around(h(60)[0]!)).toEqual(span(85, 36));
        expect(await around(between(60), 4)).toEqual(span(62, 59));
        expect(await around(h(119)[0]!, 10)).toEqual(span(119, 115));
        expect(await around(h(0)[0]!, 10)).toEqual(span(5, 0));
        expect(await around(h(2)[0]!, 100)).toEqual(span(52, 0));
      });

      it('walks the whole history in both directions without gaps or repeats', async () => {
        const backwards: string[] = [];
        for (let page = await store.list(CHANNEL, { limit: 7 }); page.length > 0; ) {
          backwards.push(...idsOf(page));
          page = await store.list(CHANNEL, { before: page.at(-1)!.id, limit: 7 });
        }
        expect(backwards).toEqual(span(119, 0));
        const forwards: string[] = [];
        for (let page = await store.list(CHANNEL, { after: '0', limit: 9 }); page.length > 0; ) {
          forwards.push(...idsOf(page));
          page = await store.list(CHANNEL, { after: page.at(-1)!.id, limit: 9 });
        }
        expect(forwards).toEqual(span(0, 119));
      });

      it('reflects deletes and never shows another channel', async () => {
        await store.delete(CHANNEL, h(118)[0]!);
        await store.bulkDelete(CHANNEL, h(117, 116));
        expect(idsOf(await store.list(CHANNEL, { limit: 3 }))).toEqual(h(119, 115, 114));
        expect(idsOf(await store.list(OTHER_CHANNEL))).toEqual([idAt(NOW - 90 * DAY, 7)]);
      });
    });

    describe('list: sparse channels', () => {
      it('pages a channel whose first message is years older than the rest', async () => {
        const first = idAt(Date.UTC(2015, 1, 1));
        const second = idAt(Date.UTC(2019, 5, 1));
        const third = idAt(Date.UTC(2023, 2, 1));
        const latest = idAt(NOW - 60 * 60 * 1000);
        for (const id of [latest, first, third, second]) await store.create(message(id));
        expect(idsOf(await store.list(CHANNEL, { limit: 10 }))).toEqual([
          latest,
          third,
          second,
          first,
        ]);
        expect(idsOf(await store.list(CHANNEL, { before: latest }))).toEqual([
          third,
          second,
          first,
        ]);
        expect(idsOf(await store.list(CHANNEL, { before: second }))).toEqual([first]);
        expect(idsOf(await store.list(CHANNEL, { after: '0' }))).toEqual([
          first,
          second,
          third,
          latest,
        ]);
        expect(idsOf(await store.list(CHANNEL, { after: first, limit: 1 }))).toEqual([second]);
        expect(idsOf(await store.list(CHANNEL, { around: second, limit: 3 }))).toEqual([
          third,
          second,
          first,
        ]);
        expect(
          idsOf(await store.list(CHANNEL, { around: idAt(Date.UTC(2017, 0, 1)), limit: 4 })),
        ).toEqual([third, second, first]);
      });

      it('orders ids of one millisecond by their low bits, and ids above 2^63 last', async () => {
        const ms = NOW - DAY;
        const ids = [idAt(ms, 4095), idAt(ms, 1), idAt(ms, 4096), '9223372036854775808', idAt(ms)];
        for (const id of ids) await store.create(message(id, 'x', HIGH_CHANNEL));
        expect(idsOf(await store.list(HIGH_CHANNEL))).toEqual([
          '9223372036854775808',
          idAt(ms, 4096),
          idAt(ms, 4095),
          idAt(ms, 1),
          idAt(ms),
        ]);
        expect(idsOf(await store.list(HIGH_CHANNEL, { after: idAt(ms, 4095), limit: 5 }))).toEqual([
          idAt(ms, 4096),
          '9223372036854775808',
        ]);
      });

      it('returns [] for every kind on an empty channel', async () => {
        for (const query of [
          undefined,
          { before: idAt(NOW) },
          { after: '0' },
          { around: idAt(NOW) },
        ]) {
          expect(await store.list(CHANNEL, query)).toEqual([]);
        }
      });

      it('refuses malformed queries with GK_STORAGE_INVALID_ARGUMENT', async () => {
        for (const query of [
          { limit: 0 },
          { limit: 101 },
          { limit: 1.5 },
          { before: idAt(NOW), after: '0' },
          { around: idAt(NOW), before: idAt(NOW) },
          { before: 'abc' },
          { after: '-1' },
          { around: 5 },
        ]) {
          await expectCode(store.list(CHANNEL, unchecked(query)), 'GK_STORAGE_INVALID_ARGUMENT');
        }
      });
    });

    describe('reactions', () => {
      const id = idAt(NOW - DAY);
      const custom = 'blobwave:396521773';

      beforeEach(async () => {
        await store.create(message(id));
      });

      it('adds idempotently and counts per emoji in first-added order', async () => {
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([]);
        expect(await store.addReaction(CHANNEL, id, '👍', USERS[0])).toBe(true);
        expect(await store.addReaction(CHANNEL, id, '👍', USERS[0])).toBe(false);
        expect(await store.addReaction(CHANNEL, id, '🔥', USERS[1])).toBe(true);
        expect(await store.addReaction(CHANNEL, id, custom, USERS[0])).toBe(true);
        expect(await store.addReaction(CHANNEL, id, '👍', USERS[2])).toBe(true);
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([
          { emoji: '👍', count: 2 },
          { emoji: '🔥', count: 1 },
          { emoji: custom, count: 1 },
        ]);
      });

      it('removes, drops an emoji at 0 and puts it last when it comes back', async () => {
        await store.addReaction(CHANNEL, id, '👍', USERS[0]);
        await store.addReaction(CHANNEL, id, '🔥', USERS[0]);
        await store.addReaction(CHANNEL, id, '🔥', USERS[1]);
        expect(await store.removeReaction(CHANNEL, id, '👍', USERS[0])).toBe(true);
        expect(await store.removeReaction(CHANNEL, id, '👍', USERS[0])).toBe(false);
        expect(await store.removeReaction(CHANNEL, id, '🔥', USERS[2])).toBe(false);
        expect(await store.removeReaction(CHANNEL, id, '🔥', USERS[1])).toBe(true);
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([{ emoji: '🔥', count: 1 }]);
        await store.addReaction(CHANNEL, id, '👍', USERS[3]);
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([
          { emoji: '🔥', count: 1 },
          { emoji: '👍', count: 1 },
        ]);
        expect(await store.listReactors(CHANNEL, id, '👍')).toEqual([USERS[3]]);
      });

      it('lists reactors ascending by id, 25 by default, paged with after', async () => {
        const users = Array.from({ length: 30 }, (_, index) => String(1000 + ((index * 7) % 30)));
        for (const user of users) await store.addReaction(CHANNEL, id, custom, user);
        const ascending = Array.from({ length: 30 }, (_, index) => String(1000 + index));
        expect(await store.listReactors(CHANNEL, id, custom)).toEqual(ascending.slice(0, 25));
        expect(await store.listReactors(CHANNEL, id, custom, { after: '1024' })).toEqual(
          ascending.slice(25),
        );
        expect(await store.listReactors(CHANNEL, id, custom, { after: '0', limit: 2 })).toEqual([
          '1000',
          '1001',
        ]);
        expect(await store.listReactors(CHANNEL, id, custom, { after: '999', limit: 100 })).toEqual(
          ascending,
        );
        expect(await store.listReactors(CHANNEL, id, custom, { after: '1029' })).toEqual([]);
        expect(await store.listReactors(CHANNEL, id, '🔥')).toEqual([]);
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([{ emoji: custom, count: 30 }]);
      });

      it('keeps reactions per message', async () => {
        const other = idAt(NOW - DAY, 1);
        await store.create(message(other));
        await store.addReaction(CHANNEL, id, '🔥', USERS[0]);
        expect(await store.reactionCounts(CHANNEL, other)).toEqual([]);
        expect(await store.addReaction(CHANNEL, other, '🔥', USERS[0])).toBe(true);
      });

      it('rejects GK_STORAGE_UNKNOWN_MESSAGE on a missing message', async () => {
        const missing = idAt(NOW - DAY, 9);
        const unknown = 'GK_STORAGE_UNKNOWN_MESSAGE';
        await expectCode(store.addReaction(CHANNEL, missing, '🔥', USERS[0]), unknown);
        await expectCode(store.removeReaction(CHANNEL, missing, '🔥', USERS[0]), unknown);
        await expectCode(store.reactionCounts(CHANNEL, missing), unknown);
        await expectCode(store.listReactors(CHANNEL, missing, '🔥'), unknown);
        await expectCode(store.addReaction(OTHER_CHANNEL, id, '🔥', USERS[0]), unknown);
      });
    });

    describe('pins', () => {
      it('pins idempotently, lists newest message first and unpins', async () => {
        const [a, b, c] = [3, 2, 1].map((days) => idAt(NOW - days * DAY)) as [
          string,
          string,
          string,
        ];
        for (const id of [a, b, c]) await store.create(message(id));
        await store.pin(CHANNEL, b);
        await store.pin(CHANNEL, c);
        await store.pin(CHANNEL, a);
        await store.pin(CHANNEL, b);
        const pins = await store.listPins(CHANNEL);
        expect(idsOf(pins)).toEqual([c, b, a]);
        expect(pins.every((record) => record.pinned)).toBe(true);
        expect(await store.get(CHANNEL, b)).toMatchObject({ pinned: true });
        expect((await store.list(CHANNEL)).map((record) => record.pinned)).toEqual([
          true,
          true,
          true,
        ]);
        expect(await store.unpin(CHANNEL, b)).toBe(true);
        expect(await store.unpin(CHANNEL, b)).toBe(false);
        expect(await store.get(CHANNEL, b)).toMatchObject({ pinned: false });
        expect(idsOf(await store.listPins(CHANNEL))).toEqual([c, a]);
        expect(await store.listPins(OTHER_CHANNEL)).toEqual([]);
      });

      it('holds 50 pins per channel: the 51st is GK_STORAGE_LIMIT_REACHED', async () => {
        const ids = Array.from({ length: 51 }, (_, index) => idAt(NOW - DAY, index));
        await Promise.all(ids.map((id) => store.create(message(id))));
        for (const id of ids.slice(0, 50)) await store.pin(CHANNEL, id);
        const last = ids[50] as string;
        await expectCode(store.pin(CHANNEL, last), 'GK_STORAGE_LIMIT_REACHED');
        expect(await store.get(CHANNEL, last)).toMatchObject({ pinned: false });
        await store.pin(CHANNEL, ids[0] as string);
        expect(await store.listPins(CHANNEL)).toHaveLength(50);
        const elsewhere = idAt(NOW - DAY, 100);
        await store.create(message(elsewhere, 'x', OTHER_CHANNEL));
        await store.pin(OTHER_CHANNEL, elsewhere);
        await store.unpin(CHANNEL, ids[0] as string);
        await store.pin(CHANNEL, last);
        await store.delete(CHANNEL, ids[1] as string);
        await store.pin(CHANNEL, ids[0] as string);
        const pins = idsOf(await store.listPins(CHANNEL));
        expect(pins).toHaveLength(50);
        expect(pins[0]).toBe(last);
        expect(pins.at(-1)).toBe(ids[0]);
      });

      it('rejects GK_STORAGE_UNKNOWN_MESSAGE for a missing message', async () => {
        await expectCode(store.pin(CHANNEL, idAt(NOW)), 'GK_STORAGE_UNKNOWN_MESSAGE');
        await expectCode(store.unpin(CHANNEL, idAt(NOW)), 'GK_STORAGE_UNKNOWN_MESSAGE');
      });
    });

    describe('validation', () => {
      const id = idAt(NOW - DAY);
      const bad = ['', '0', '01', '-1', '1.5', ' 1', '18446744073709551616', 'abc'];

      beforeEach(async () => {
        await store.create(message(id));
      });

      it('refuses malformed channel and message ids in every method', async () => {
        const calls = (channelId: string, messageId: string): (() => Promise<unknown>)[] => [
          () => store.create({ id: messageId, channelId, authorId: AUTHOR, content: 'x' }),
          () => store.get(channelId, messageId),
          () => store.edit(channelId, messageId, { content: 'x' }),
          () => store.delete(channelId, messageId),
          () => store.addReaction(channelId, messageId, '🔥', USERS[0]),
          () => store.removeReaction(channelId, messageId, '🔥', USERS[0]),
          () => store.reactionCounts(channelId, messageId),
          () => store.listReactors(channelId, messageId, '🔥'),
          () => store.pin(channelId, messageId),
          () => store.unpin(channelId, messageId),
        ];
        for (const value of [...bad, unchecked<string>(5), unchecked<string>(undefined)]) {
          for (const call of [...calls(value, id), ...calls(CHANNEL, value)]) {
            await expectCode(call(), 'GK_STORAGE_INVALID_ARGUMENT');
          }
          await expectCode(store.list(value), 'GK_STORAGE_INVALID_ARGUMENT');
          await expectCode(store.listPins(value), 'GK_STORAGE_INVALID_ARGUMENT');
          await expectCode(store.bulkDelete(value, [id, idAt(NOW)]), 'GK_STORAGE_INVALID_ARGUMENT');
          await expectCode(store.bulkDelete(CHANNEL, [id, value]), 'GK_STORAGE_INVALID_ARGUMENT');
        }
        expect(idsOf(await store.list(CHANNEL))).toEqual([id]);
      });

      it('refuses malformed messages: empty, too long, too many or malformed embeds, bad author', async () => {
        const fresh = idAt(NOW);
        for (const input of [
          { id: fresh, channelId: CHANNEL, authorId: AUTHOR },
          { ...message(fresh), content: '' },
          { ...message(fresh), content: '', embeds: [] },
          { ...message(fresh), content: 'a'.repeat(2001) },
          { ...message(fresh), embeds: Array.from({ length: 11 }, () => ({})) },
          { ...message(fresh), embeds: ['embed'] },
          { ...message(fresh), embeds: {} },
          { ...message(fresh), content: 5 },
          { ...message(fresh), authorId: '0' },
          null,
        ]) {
          await expectCode(store.create(unchecked(input)), 'GK_STORAGE_INVALID_ARGUMENT');
        }
        expect(idsOf(await store.list(CHANNEL))).toEqual([id]);
      });

      it('refuses malformed edits', async () => {
        for (const edit of [
          {},
          { content: 'a'.repeat(2001) },
          { embeds: Array.from({ length: 11 }, () => ({})) },
          { embeds: 'x' },
          { content: '', embeds: [] },
          null,
        ]) {
          await expectCode(store.edit(CHANNEL, id, unchecked(edit)), 'GK_STORAGE_INVALID_ARGUMENT');
        }
        expect(await store.get(CHANNEL, id)).toMatchObject({ editedTimestamp: null });
      });

      it('refuses malformed emoji, user ids and reactor queries', async () => {
        const invalid = 'GK_STORAGE_INVALID_ARGUMENT';
        for (const emoji of [
          '',
          'fire',
          '🔥🔥',
          'x:396521773',
          'blob:0',
          'blob:',
          unchecked<string>(1),
        ]) {
          await expectCode(store.addReaction(CHANNEL, id, emoji, USERS[0]), invalid);
          await expectCode(store.removeReaction(CHANNEL, id, emoji, USERS[0]), invalid);
          await expectCode(store.listReactors(CHANNEL, id, emoji), invalid);
        }
        for (const user of bad) {
          await expectCode(store.addReaction(CHANNEL, id, '🔥', user), invalid);
          await expectCode(store.removeReaction(CHANNEL, id, '🔥', user), invalid);
        }
        for (const query of [{ limit: 0 }, { limit: 101 }, { limit: 2.5 }, { after: 'x' }]) {
          await expectCode(store.listReactors(CHANNEL, id, '🔥', unchecked(query)), invalid);
        }
        expect(await store.reactionCounts(CHANNEL, id)).toEqual([]);
      });
    });

    describe('close', () => {
      it('rejects every later call with GK_STORAGE_CLOSED', async () => {
        const id = idAt(NOW - DAY);
        const created = await store.create(message(id));
        await store.close();
        const closed = 'GK_STORAGE_CLOSED';
        await expectCode(store.create(message(idAt(NOW))), closed);
        await expectCode(store.put(created), closed);
        await expectCode(store.get(CHANNEL, id), closed);
        await expectCode(store.edit(CHANNEL, id, { content: 'x' }), closed);
        await expectCode(store.delete(CHANNEL, id), closed);
        await expectCode(store.bulkDelete(CHANNEL, [id, idAt(NOW)]), closed);
        await expectCode(store.list(CHANNEL), closed);
        await expectCode(store.addReaction(CHANNEL, id, '🔥', USERS[0]), closed);
        await expectCode(store.removeReaction(CHANNEL, id, '🔥', USERS[0]), closed);
        await expectCode(store.reactionCounts(CHANNEL, id), closed);
        await expectCode(store.listReactors(CHANNEL, id, '🔥'), closed);
        await expectCode(store.pin(CHANNEL, id), closed);
        await expectCode(store.unpin(CHANNEL, id), closed);
        await expectCode(store.listPins(CHANNEL), closed);
      });
    });
  });
}

export {
  describeGuildStoreConformance,
  type GuildStoreConformanceOptions,
} from './testing-guild.js';
