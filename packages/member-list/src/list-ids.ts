import xxhash from 'xxhash-wasm';
import { MemberListError, MemberListErrorCode } from './errors.js';

/** One permission overwrite of a channel, reduced to what decides who sees the channel. */
export interface VisibilityOverwrite {
  /** The role or user id the overwrite targets. */
  readonly id: string;
  /** Whether it allows VIEW_CHANNEL. */
  readonly allowsView: boolean;
  /** Whether it denies VIEW_CHANNEL. */
  readonly deniesView: boolean;
}

/** Who can see a channel, as the caller's permission logic decided it. */
export interface ChannelAudience {
  /** Whether exactly the members who see the guild's @everyone view see this channel. */
  readonly visibleToEveryone: boolean;
  /** The channel's overwrites (only VIEW_CHANNEL matters; the order does not). */
  readonly overwrites: readonly VisibilityOverwrite[];
}

/** The list id of channels every member can see. */
export const EVERYONE_LIST_ID = 'everyone';

/**
 * Names the member list of a channel. Channels whose audience equals @everyone's share
 * `"everyone"`; others get the xxh64 (seed 0, decimal) of their VIEW_CHANNEL overwrites written
 * as `allow:<id>` / `deny:<id>`, sorted and joined by `,`, so channels with the same overwrites
 * share one list whatever the overwrites' order. This package takes the audience as data: the
 * caller decides visibility (e.g. with `@guildkit/permissions`).
 *
 * @example
 * ```ts
 * import { MemberListIds } from '@guildkit/member-list';
 *
 * const ids = await MemberListIds.create();
 * ids.listIdFor({ visibleToEveryone: true, overwrites: [] }); // 'everyone'
 * ids.listIdFor({
 *   visibleToEveryone: false,
 *   overwrites: [{ id: '81384788765712384', allowsView: false, deniesView: true }],
 * }); // a decimal hash, the same for every channel with that overwrite
 * ```
 */
export class MemberListIds {
  private constructor(private readonly h64: (input: string) => bigint) {}

  /** @returns a namer, once the xxhash WebAssembly module is ready. */
  static async create(): Promise<MemberListIds> {
    const api = await xxhash();
    return new MemberListIds((input) => api.h64(input));
  }

  /**
   * @param audience - who can see the channel.
   * @returns `"everyone"` or the hash of the VIEW_CHANNEL overwrites.
   * @throws {@link MemberListError} `GK_MEMBER_LIST_INVALID_ARGUMENT` when an overwrite has no
   * id or non-boolean flags.
   */
  listIdFor(audience: ChannelAudience): string {
    if (audience.visibleToEveryone) return EVERYONE_LIST_ID;
    const tokens: string[] = [];
    for (const overwrite of audience.overwrites) {
      if (
        typeof overwrite.id !== 'string' ||
        overwrite.id === '' ||
        typeof overwrite.allowsView !== 'boolean' ||
        typeof overwrite.deniesView !== 'boolean'
      ) {
        throw new MemberListError(
          MemberListErrorCode.InvalidArgument,
          `overwrite ${JSON.stringify(overwrite)} needs an id and boolean allowsView/deniesView`,
        );
      }
      if (overwrite.allowsView) tokens.push(`allow:${overwrite.id}`);
      if (overwrite.deniesView) tokens.push(`deny:${overwrite.id}`);
    }
    tokens.sort();
    return this.h64(tokens.join(',')).toString();
  }
}
