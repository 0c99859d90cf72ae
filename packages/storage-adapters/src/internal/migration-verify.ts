import type { MessageRecord } from '../types.js';
import type { ChannelGate } from './channel-gate.js';
import { allReactors, type StorePair } from './migration-copy.js';
import { sameCounts, sameIds, samePage, sameRecord } from './record-equality.js';

const PAGE = 100;

/** A difference {@link verifyChannel} found: what each store holds. */
export interface Difference {
  readonly channelId: string;
  /** The message id, then what differs (`'reactions'`, `'reactors'` and the emoji), or `['pins']`. */
  readonly args: readonly unknown[];
  readonly source: unknown;
  readonly target: unknown;
}

/**
 * Compares one channel of both stores in full — messages, reactions (counts and reactors) and
 * pins — page by page, each page while holding the channel's write queue so concurrent writes
 * never show up as differences.
 *
 * @param stores - source and target.
 * @param gate - the channels' write queues.
 * @param channelId - the channel.
 * @param report - receives each difference.
 */
export async function verifyChannel(
  stores: StorePair,
  gate: ChannelGate,
  channelId: string,
  report: (difference: Difference) => void,
): Promise<void> {
  let after = '0';
  for (;;) {
    const done = await gate.run(channelId, async () => {
      const query = { after, limit: PAGE };
      const [fromSource, fromTarget] = await Promise.all([
        stores.source.list(channelId, query),
        stores.target.list(channelId, query),
      ]);
      const horizon = horizonOf(fromSource, fromTarget);
      await comparePages(stores, channelId, fromSource, fromTarget, horizon, report);
      if (horizon === null) return true;
      after = horizon.toString();
      return false;
    });
    if (done) break;
  }
  const [pinsSource, pinsTarget] = await Promise.all([
    stores.source.listPins(channelId),
    stores.target.listPins(channelId),
  ]);
  if (!samePage(pinsSource, pinsTarget))
    report({ channelId, args: ['pins'], source: pinsSource, target: pinsTarget });
}

/**
 * How far two ascending pages can be compared: up to the smaller last id of the full pages (a
 * short page holds everything after its start), or everywhere (`null`) when neither is full.
 */
function horizonOf(a: readonly MessageRecord[], b: readonly MessageRecord[]): bigint | null {
  let horizon: bigint | null = null;
  for (const page of [a, b]) {
    if (page.length < PAGE) continue;
    const last = BigInt(page.at(-1)!.id);
    if (horizon === null || last < horizon) horizon = last;
  }
  return horizon;
}

async function comparePages(
  stores: StorePair,
  channelId: string,
  fromSource: readonly MessageRecord[],
  fromTarget: readonly MessageRecord[],
  horizon: bigint | null,
  report: (difference: Difference) => void,
): Promise<void> {
  const within = (message: MessageRecord): boolean =>
    horizon === null || BigInt(message.id) <= horizon;
  const targetById = new Map(fromTarget.map((message) => [message.id, message]));
  const sourceIds = new Set(fromSource.map((message) => message.id));
  for (const message of fromSource.filter(within)) {
    const other = targetById.get(message.id) ?? null;
    if (!sameRecord(message, other)) {
      report({ channelId, args: [message.id], source: message, target: other });
      continue;
    }
    await compareReactions(stores, channelId, message.id, report);
  }
  for (const message of fromTarget.filter(within)) {
    if (!sourceIds.has(message.id))
      report({ channelId, args: [message.id], source: null, target: message });
  }
}

async function compareReactions(
  stores: StorePair,
  channelId: string,
  messageId: string,
  report: (difference: Difference) => void,
): Promise<void> {
  const [countsSource, countsTarget] = await Promise.all([
    stores.source.reactionCounts(channelId, messageId),
    stores.target.reactionCounts(channelId, messageId),
  ]);
  if (!sameCounts(countsSource, countsTarget)) {
    report({
      channelId,
      args: [messageId, 'reactions'],
      source: countsSource,
      target: countsTarget,
    });
    return;
  }
  for (const { emoji } of countsSource) {
    const [usersSource, usersTarget] = await Promise.all([
      allReactors(stores.source, channelId, messageId, emoji),
      allReactors(stores.target, channelId, messageId, emoji),
    ]);
    if (!sameIds(usersSource, usersTarget)) {
      report({
        channelId,
        args: [messageId, 'reactors', emoji],
        source: usersSource,
        target: usersTarget,
      });
    }
  }
}
