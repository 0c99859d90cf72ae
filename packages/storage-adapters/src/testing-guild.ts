import type { Clock } from '@guildkit/snowflake';
import { afterEach, beforeEach, describe } from 'vitest';
import type { GuildStore } from './guild-types.js';
import { channelTests } from './internal/guild-conformance-channels.js';
import {
  type ConformanceContext,
  START_MS,
  settableClock,
} from './internal/guild-conformance-context.js';
import { guildTests } from './internal/guild-conformance-guilds.js';
import { memberTests } from './internal/guild-conformance-members.js';
import { roleTests } from './internal/guild-conformance-roles.js';

/** How {@link describeGuildStoreConformance} makes and disposes of the store under test. */
export interface GuildStoreConformanceOptions {
  /**
   * Makes an empty store for one test, reading time from `clock` (which the suite sets).
   *
   * @param clock - the clock to pass to the store.
   * @returns the store.
   */
  create(clock: Clock): Promise<GuildStore>;
  /**
   * Disposes of a store after its test (e.g. drops its schema).
   * @defaultValue `store.close()`
   *
   * @param store - the store `create` made, possibly already closed by the test.
   */
  destroy?(store: GuildStore): Promise<void>;
}

/**
 * Registers the guild store conformance suite with vitest: every rule of {@link GuildStore} —
 * validation, the unknown-entity codes, `@everyone` and owner rules, display and hierarchy
 * orders, member paging, 64-bit permissions, cascades, atomic reorders, concurrent changes and
 * `close`. Each test gets a fresh store from `options.create`.
 *
 * @param name - the adapter's name, the suite's title.
 * @param options - how to make and dispose of stores.
 * @example
 * ```ts
 * import { describeGuildStoreConformance } from '@guildkit/storage-adapters/testing';
 *
 * describeGuildStoreConformance('MyGuildStore', {
 *   create: async (clock) => new MyGuildStore({ clock }),
 * });
 * ```
 */
export function describeGuildStoreConformance(
  name: string,
  options: GuildStoreConformanceOptions,
): void {
  describe(`GuildStore conformance: ${name}`, () => {
    const clock = settableClock();
    let current: GuildStore | undefined;
    const ctx: ConformanceContext = {
      clock,
      store: () => {
        if (current === undefined) throw new Error('no store: create failed');
        return current;
      },
    };

    beforeEach(async () => {
      clock.set(START_MS);
      current = await options.create(clock);
    });

    afterEach(async () => {
      const store = current;
      current = undefined;
      if (store === undefined) return;
      if (options.destroy === undefined) await store.close();
      else await options.destroy(store);
    });

    describe('guilds', () => guildTests(ctx));
    describe('channels', () => channelTests(ctx));
    describe('roles', () => roleTests(ctx));
    describe('members', () => memberTests(ctx));
  });
}
