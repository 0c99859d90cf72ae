/**
 * Discord's epoch: 2015-01-01T00:00:00.000Z, in ms since the Unix epoch. The default epoch of
 * every function in this package.
 *
 * @see https://discord.com/developers/docs/reference#snowflakes
 */
export const DISCORD_EPOCH = 1420070400000;
