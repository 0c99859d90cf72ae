import type { NewMessage } from '@guildkit/storage-adapters';

/** The channel the restart fixtures write to. */
export const FIXTURE_CHANNEL = '175928847298985984';

const FIRST_ID = 1_300_000_000_000_000_000n;

/**
 * The `index`-th message the writer process stores: a pure function of `index`, so the test
 * can rebuild what every acknowledged write must have stored.
 *
 * @param index - 0, 1, 2, …
 * @returns the message.
 */
export function fixtureMessage(index: number): NewMessage {
  return {
    id: (FIRST_ID + BigInt(index) * 4_194_304n).toString(),
    channelId: FIXTURE_CHANNEL,
    authorId: String(1000 + (index % 7)),
    content: `message #${index}`,
    embeds:
      index % 5 === 0
        ? [{ title: `embed ${index}`, fields: [{ name: 'n', value: `${index}` }] }]
        : [],
  };
}
