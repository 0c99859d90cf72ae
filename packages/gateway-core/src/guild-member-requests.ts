import type { Clock } from '@guildkit/snowflake';
import {
  type APIGuildMember,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayGuildMembersChunkPresence,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayRateLimitedRequestGuildMembersDispatchData,
  type GatewayRequestGuildMembersData,
} from 'discord-api-types/v10';
import { type PreparedDispatch, prepareDispatch } from './dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { checkRequestGuildMembers } from './internal/shapes.js';
import { SYSTEM_CLOCK } from './internal/system-time.js';

/** Discord: "Requesting a prefix (`query` parameter) will return a maximum of 100 members". */
const MAX_QUERY_MEMBERS = 100;

/** Discord: "Nonce can only be up to 32 bytes"; a longer one is ignored, not refused. */
const MAX_NONCE_BYTES = 32;

const UTF8 = new TextEncoder();

/** A value, or a promise of it: sources may answer from memory or from a database. */
type Awaitable<T> = T | PromiseLike<T>;

/**
 * Where {@link GuildMemberRequests} reads members and presences. Guildkit ships no
 * implementation: the application answers from its own guild store.
 */
export interface GuildMemberSource {
  /**
   * Members whose username or nick starts with `queryPrefix`, compared case-insensitively.
   *
   * @param guildId - the guild.
   * @param queryPrefix - the prefix; `''` matches every member.
   * @param limit - the most members to return; `0` with an empty prefix means all members.
   * @returns the matching members, in the order they should be sent.
   */
  search(guildId: string, queryPrefix: string, limit: number): Awaitable<readonly APIGuildMember[]>;
  /**
   * The members among `userIds`; ids that are not members are simply left out.
   *
   * @param guildId - the guild.
   * @param userIds - 1..100 distinct user ids.
   * @returns the members found, in the order they should be sent.
   */
  get(guildId: string, userIds: readonly string[]): Awaitable<readonly APIGuildMember[]>;
  /**
   * The current presences of some members; offline members may be left out.
   *
   * @param guildId - the guild.
   * @param userIds - the members' user ids.
   * @returns one presence per user that has one.
   */
  presences(
    guildId: string,
    userIds: readonly string[],
  ): Awaitable<readonly GatewayGuildMembersChunkPresence[]>;
}

/** What {@link GuildMemberRequests.handle} needs to know about the requesting session. */
export interface GuildMemberRequestSession {
  /** Scopes the full-list rate limit: Discord counts it per guild per session. */
  readonly id: string;
  /** The IDENTIFY's intents. */
  readonly intents: number;
  /** The guilds the session can see; requests for any other guild are ignored. */
  readonly guildIds: ReadonlySet<string>;
}

/** Options for {@link GuildMemberRequests}. */
export interface GuildMemberRequestsOptions {
  /** Where members and presences come from. */
  readonly source: GuildMemberSource;
  /** Time source of the full-list rate limit. @defaultValue `Date.now` */
  readonly clock?: Clock;
  /**
   * How long a session waits between two full-list requests (`query: ''`, `limit: 0`) for
   * one guild.
   * @defaultValue 30000
   */
  readonly fullListIntervalMs?: number;
  /**
   * The most members one GUILD_MEMBERS_CHUNK carries.
   * @defaultValue 1000
   */
  readonly maxChunkSize?: number;
}

/**
 * Defaults of {@link GuildMemberRequestsOptions}: Discord sends up to 1000 members per chunk
 * and allows one full-list request per guild per session every 30 seconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS.maxChunkSize; // 1000
 * ```
 */
export const DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS = {
  fullListIntervalMs: 30_000,
  maxChunkSize: 1000,
} as const satisfies Required<
  Pick<GuildMemberRequestsOptions, 'fullListIntervalMs' | 'maxChunkSize'>
>;

/**
 * What to do with one REQUEST_GUILD_MEMBERS:
 * - `dispatch`: send these dispatches to the session, in order (GUILD_MEMBERS_CHUNKs, or one
 *   RATE_LIMITED);
 * - `ignore`: send nothing, as Discord does; `reason` is for logs only;
 * - `close`: the payload is malformed; close the connection with `code` (4002, decode error,
 *   as {@link decodeInboundFrame} does).
 */
export type GuildMemberRequestResult =
  | { readonly kind: 'dispatch'; readonly dispatches: readonly PreparedDispatch[] }
  | { readonly kind: 'ignore'; readonly reason: string }
  | {
      readonly kind: 'close';
      readonly code: GatewayCloseCodes.DecodeError;
      readonly reason: string;
    };

function positiveSafeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `${name} must be a positive safe integer, got ${String(value)}`,
    );
  }
  return value;
}

function positiveFinite(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `${name} must be a positive finite number, got ${String(value)}`,
    );
  }
  return value;
}

function isFullList(d: GatewayRequestGuildMembersData): boolean {
  return 'query' in d && d.query === '' && d.limit === 0;
}

function distinctIds(userIds: string | readonly string[]): string[] {
  return typeof userIds === 'string' ? [userIds] : [...new Set(userIds)];
}

/** The nonce to echo, or `undefined`: Discord ignores a nonce over 32 bytes. */
function echoedNonce(nonce: string | undefined): string | undefined {
  if (nonce === undefined || UTF8.encode(nonce).byteLength > MAX_NONCE_BYTES) return undefined;
  return nonce;
}

/**
 * Answers REQUEST_GUILD_MEMBERS (op 8) as Discord's gateway does, for any transport: it
 * checks the session's intents and guilds, applies the full-list rate limit and splits the
 * source's answer into GUILD_MEMBERS_CHUNK dispatches. One instance serves every session of a
 * server; rate-limit entries expire after `fullListIntervalMs` and are pruned as requests
 * arrive, so memory stays bounded by the requests of the last interval.
 *
 * Rules, from Discord's documentation of Request Guild Members and of its rate limit:
 * - at most 1000 (`maxChunkSize`) members per chunk; an empty answer is one empty chunk;
 * - a prefix query returns at most 100 members (a limit of 0 or over 100 counts as 100);
 * - `presences: true` without GUILD_PRESENCES counts as `false` ("it will always be false");
 * - a full list (`query: ''`, `limit: 0`) without GUILD_MEMBERS is ignored: Discord documents
 *   the intent as required but no close code or error, and its gateway sends no chunk;
 * - a second full list for one guild within 30 s (`fullListIntervalMs`) in one session gets a
 *   RATE_LIMITED dispatch `{ opcode: 8, retry_after, meta: { guild_id, nonce } }`;
 * - a nonce over 32 bytes is ignored: the chunks carry no nonce;
 * - a guild the session cannot see is ignored, so the answer does not reveal the guild.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway-events#request-guild-members | Discord: Request Guild Members}
 * @see {@link https://discord.com/developers/docs/change-log#introducing-rate-limit-when-requesting-all-guild-members | Discord: full-list rate limit}
 * @example
 * ```ts
 * import { GuildMemberRequests } from '@guildkit/gateway-core';
 *
 * const requests = new GuildMemberRequests({ source: myGuildStore });
 * const result = await requests.handle(session, frame.d);
 * if (result.kind === 'close') socket.close(result.code, result.reason);
 * else if (result.kind === 'dispatch') for (const d of result.dispatches) session.dispatch(d);
 * ```
 */
export class GuildMemberRequests {
  readonly #source: GuildMemberSource;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxChunkSize: number;
  /** `${sessionId}:${guildId}` -> when the next full list is allowed; oldest first. */
  readonly #fullListReadyAt = new Map<string, number>();

  /**
   * @param options - the member source, clock and limits.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when `fullListIntervalMs` is not a
   * positive finite number or `maxChunkSize` not a positive safe integer.
   */
  constructor(options: GuildMemberRequestsOptions) {
    this.#source = options.source;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#intervalMs = positiveFinite(
      'fullListIntervalMs',
      options.fullListIntervalMs ?? DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS.fullListIntervalMs,
    );
    this.#maxChunkSize = positiveSafeInteger(
      'maxChunkSize',
      options.maxChunkSize ?? DEFAULT_GUILD_MEMBER_REQUESTS_OPTIONS.maxChunkSize,
    );
  }

  /**
   * Decides the answer to one REQUEST_GUILD_MEMBERS of one session. The rate limit is counted
   * when the request arrives, before the source is read, so concurrent requests are limited.
   *
   * @param session - the requesting session (a {@link GatewaySession} fits).
   * @param d - the request's data, as {@link decodeInboundFrame} accepted it; it is checked
   * again, so data from any other decoder is safe too.
   * @returns what to send, or to close with; see {@link GuildMemberRequestResult}.
   * @throws rejects with whatever the {@link GuildMemberSource} rejects with.
   */
  async handle(
    session: GuildMemberRequestSession,
    d: GatewayRequestGuildMembersData,
  ): Promise<GuildMemberRequestResult> {
    const malformed = checkRequestGuildMembers(d);
    if (malformed !== undefined) {
      return { kind: 'close', code: GatewayCloseCodes.DecodeError, reason: malformed };
    }
    const guildId = d.guild_id;
    if (!session.guildIds.has(guildId)) {
      return { kind: 'ignore', reason: `guild ${guildId} is not visible to this session` };
    }
    const nonce = echoedNonce(d.nonce);
    if (isFullList(d)) {
      if ((session.intents & GatewayIntentBits.GuildMembers) === 0) {
        return { kind: 'ignore', reason: 'a full member list needs the GUILD_MEMBERS intent' };
      }
      const retryAfterMs = this.#takeFullList(`${session.id}:${guildId}`);
      if (retryAfterMs > 0) {
        return { kind: 'dispatch', dispatches: [rateLimited(guildId, nonce, retryAfterMs)] };
      }
    }
    const withPresences =
      d.presences === true && (session.intents & GatewayIntentBits.GuildPresences) !== 0;
    let members: readonly APIGuildMember[];
    let notFound: string[] | undefined;
    if ('user_ids' in d) {
      const userIds = distinctIds(d.user_ids);
      members = await this.#source.get(guildId, userIds);
      notFound = missingIds(userIds, members);
    } else {
      members = await this.#search(guildId, d.query, d.limit);
    }
    const presences = withPresences ? await this.#presences(guildId, members) : undefined;
    return {
      kind: 'dispatch',
      dispatches: this.#chunks(guildId, members, presences, notFound, nonce),
    };
  }

  /** @returns 0 and records the request when a full list is allowed now, else the ms to wait. */
  #takeFullList(key: string): number {
    const now = this.#clock.now();
    this.#prune(now);
    const readyAt = this.#fullListReadyAt.get(key);
    if (readyAt !== undefined && readyAt > now) return readyAt - now;
    // Delete first so the entry moves to the end and the map stays ordered by expiry.
    this.#fullListReadyAt.delete(key);
    this.#fullListReadyAt.set(key, now + this.#intervalMs);
    return 0;
  }

  #prune(now: number): void {
    for (const [key, readyAt] of this.#fullListReadyAt) {
      if (readyAt > now) return;
      this.#fullListReadyAt.delete(key);
    }
  }

  async #search(guildId: string, query: string, limit: number): Promise<readonly APIGuildMember[]> {
    if (query === '' && limit === 0) return this.#source.search(guildId, '', 0);
    const capped = limit === 0 ? MAX_QUERY_MEMBERS : Math.min(limit, MAX_QUERY_MEMBERS);
    const found = await this.#source.search(guildId, query, capped);
    return found.slice(0, capped);
  }

  async #presences(
    guildId: string,
    members: readonly APIGuildMember[],
  ): Promise<ReadonlyMap<string, GatewayGuildMembersChunkPresence>> {
    if (members.length === 0) return new Map();
    const ids = members.map((member) => member.user.id);
    const presences = await this.#source.presences(guildId, ids);
    return new Map(presences.map((presence) => [presence.user.id, presence]));
  }

  #chunks(
    guildId: string,
    members: readonly APIGuildMember[],
    presences: ReadonlyMap<string, GatewayGuildMembersChunkPresence> | undefined,
    notFound: string[] | undefined,
    nonce: string | undefined,
  ): PreparedDispatch[] {
    const chunkCount = Math.max(1, Math.ceil(members.length / this.#maxChunkSize));
    const chunks: PreparedDispatch[] = [];
    for (let index = 0; index < chunkCount; index++) {
      const start = index * this.#maxChunkSize;
      const chunkMembers = members.slice(start, start + this.#maxChunkSize);
      const data: GatewayGuildMembersChunkDispatchData = {
        guild_id: guildId,
        members: chunkMembers,
        chunk_index: index,
        chunk_count: chunkCount,
      };
      // not_found goes once, on the first chunk, so a client never counts an id twice.
      if (notFound !== undefined && index === 0) data.not_found = notFound;
      if (presences !== undefined) data.presences = presencesOf(chunkMembers, presences);
      if (nonce !== undefined) data.nonce = nonce;
      chunks.push(prepareDispatch(GatewayDispatchEvents.GuildMembersChunk, data));
    }
    return chunks;
  }
}

function missingIds(userIds: readonly string[], members: readonly APIGuildMember[]): string[] {
  const found = new Set(members.map((member) => member.user.id));
  return userIds.filter((id) => !found.has(id));
}

function presencesOf(
  members: readonly APIGuildMember[],
  presences: ReadonlyMap<string, GatewayGuildMembersChunkPresence>,
): GatewayGuildMembersChunkPresence[] {
  const chunkPresences: GatewayGuildMembersChunkPresence[] = [];
  for (const member of members) {
    const presence = presences.get(member.user.id);
    if (presence !== undefined) chunkPresences.push(presence);
  }
  return chunkPresences;
}

function rateLimited(
  guildId: string,
  nonce: string | undefined,
  retryAfterMs: number,
): PreparedDispatch {
  const data: GatewayRateLimitedRequestGuildMembersDispatchData = {
    opcode: GatewayOpcodes.RequestGuildMembers,
    retry_after: retryAfterMs / 1000,
    meta: nonce === undefined ? { guild_id: guildId } : { guild_id: guildId, nonce },
  };
  return prepareDispatch(GatewayDispatchEvents.RateLimited, data);
}
