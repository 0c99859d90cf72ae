/**
 * Shared fixtures of the guild store conformance suite: ids, a settable clock and the store
 * under test (created fresh for every test).
 */
import type { Clock } from '@guildkit/snowflake';
import { expect } from 'vitest';
import { StorageError, type StorageErrorCode } from '../errors.js';
import type { GuildStore } from '../guild-types.js';

/** The clock a conformance run hands to `create`; tests set it. */
export interface SettableClock extends Clock {
  /** Sets the reading, in ms since the Unix epoch. */
  set(ms: number): void;
}

/** What each group of conformance tests reads: the store and clock of the running test. */
export interface ConformanceContext {
  /** The store of the running test. */
  store(): GuildStore;
  /** The clock the store was created with. */
  readonly clock: SettableClock;
}

/** The clock's reading when each test starts (2024-01-01T00:00:00Z). */
export const START_MS = 1_704_067_200_000;

/** The guild most tests create. */
export const GUILD = '81384788765712384';

/** Its owner. */
export const OWNER = '53908232506183680';

const BASE = 1_200_000_000_000_000_000n;

/**
 * @param n - a small number.
 * @returns a distinct Snowflake for it.
 */
export function sid(n: number): string {
  return (BASE + BigInt(n)).toString();
}

/**
 * @returns a clock at {@link START_MS} that moves only when set.
 */
export function settableClock(): SettableClock {
  let now = START_MS;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
  };
}

/**
 * Asserts that `promise` rejects with a `StorageError` carrying `code`.
 *
 * @param promise - the call.
 * @param code - the expected code.
 */
export async function expectCode(promise: Promise<unknown>, code: StorageErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
}

/**
 * Creates {@link GUILD} owned by {@link OWNER}.
 *
 * @param store - the store.
 * @param everyonePermissions - the `@everyone` role's permissions.
 */
export async function createGuild(store: GuildStore, everyonePermissions = 0n): Promise<void> {
  await store.createGuild({ id: GUILD, name: 'Guildkit', ownerId: OWNER, everyonePermissions });
}
