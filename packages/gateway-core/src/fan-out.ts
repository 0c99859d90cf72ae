import { shardIdForGuild } from '@guildkit/sharding';
import { GatewayDispatchEvents } from 'discord-api-types/v10';
import { type PreparedDispatch, prepareDispatch } from './dispatch-frame.js';
import type { GatewaySession } from './gateway-session.js';
import { receivesDispatch } from './intents.js';
import {
  type MessageContentFields,
  needsContentStripping,
  stripMessageContent,
} from './message-content.js';

/** What a fan-out call did. */
export interface FanOutResult {
  /** Sessions the dispatch was numbered for (sent, or buffered for a detached session). */
  readonly delivered: number;
  /** Sessions left out by their intents, their shard or the audience predicate. */
  readonly filtered: number;
  /** Congested sessions that skipped it (low priority only). */
  readonly dropped: number;
}

/** Decides, per session, whether a channel event reaches it (e.g. it has VIEW_CHANNEL). */
export type AudiencePredicate = (session: GatewaySession, channelId: string) => boolean;

/** A dispatch as fan-out takes it: the event name and its payload. */
export interface FanOutDispatch {
  /** The event name (`t`). */
  readonly t: string;
  /** The payload (`d`), serialized once per variant for every session. */
  readonly d: unknown;
  /** @defaultValue `'low'` for typing and presence, else `'normal'` */
  readonly priority?: 'normal' | 'low';
}

/** Events whose payload is a message whose content an app may be denied. */
const MESSAGE_CONTENT_EVENTS: ReadonlySet<string> = new Set<string>([
  GatewayDispatchEvents.MessageCreate,
  GatewayDispatchEvents.MessageUpdate,
]);

const NO_CONTENT_VARIANT = 'no-message-content';

interface Prepared {
  readonly dispatch: PreparedDispatch;
  readonly message: MessageContentFields | undefined;
  readonly inGuild: boolean;
}

/**
 * The gateway's event path: an index of live sessions by id, by user and by guild, and the
 * dispatch calls that reach them. Each payload is serialized once (plus once for the
 * content-stripped variant) however many sessions receive it; every session still gets its
 * own `s`. A session receives a guild's events only when the guild is on its shard
 * (`shardIdForGuild(guild, count) === shard_id`), and events without a guild only on shard 0,
 * as Discord does; intents and MESSAGE_CONTENT are applied per session.
 *
 * The index is transport-agnostic: it holds {@link GatewaySession}s, attached or detached, so
 * a dispatch to a session whose socket just dropped is buffered for its RESUME.
 *
 * @example
 * ```ts
 * import { GatewayFanOut } from '@guildkit/gateway-core';
 *
 * const fanOut = new GatewayFanOut();
 * fanOut.add(session); // on READY and on RESUMED
 * fanOut.dispatchToChannel(guildId, channelId, { t: 'MESSAGE_CREATE', d: message },
 *   (session, channel) => canView(session.user.id, channel));
 * ```
 */
export class GatewayFanOut {
  /**
   * Where {@link dispatchToGuild} sends guild events instead of delivering them here (e.g. an
   * event bus that hands them back to {@link deliverToGuild} on every node). @defaultValue none
   */
  guildRelay: ((guildId: string, dispatch: FanOutDispatch) => void) | undefined;
  readonly #sessions = new Map<string, GatewaySession>();
  readonly #byUser = new Map<string, Set<GatewaySession>>();
  readonly #byGuild = new Map<string, Set<GatewaySession>>();

  /** How many sessions are indexed. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Indexes a session under its id, its user and its {@link GatewaySession.guildIds}, which
   * must already be cut to its shard (`GatewayConnection` does that on IDENTIFY; use
   * {@link joinGuild} for guilds joined later). Idempotent; a different session object with
   * the same id replaces the old one.
   *
   * @param session - a READY or RESUMED session.
   */
  add(session: GatewaySession): void {
    const previous = this.#sessions.get(session.id);
    if (previous === session) return;
    if (previous !== undefined) this.remove(previous);
    this.#sessions.set(session.id, session);
    addTo(this.#byUser, session.user.id, session);
    for (const guildId of session.guildIds) addTo(this.#byGuild, guildId, session);
  }

  /**
   * Forgets a session (it ended).
   *
   * @param session - the session.
   * @returns whether it was indexed.
   */
  remove(session: GatewaySession): boolean {
    if (this.#sessions.get(session.id) !== session) return false;
    this.#sessions.delete(session.id);
    removeFrom(this.#byUser, session.user.id, session);
    for (const guildId of session.guildIds) removeFrom(this.#byGuild, guildId, session);
    return true;
  }

  /**
   * Looks a live session up.
   *
   * @param sessionId - the `session_id`.
   * @returns the session, or `undefined` when unknown or ended.
   */
  get(sessionId: string): GatewaySession | undefined {
    const session = this.#sessions.get(sessionId);
    if (session?.ended === true) {
      this.remove(session);
      return undefined;
    }
    return session;
  }

  /**
   * Subscribes a session to a guild it joined, when the guild is on its shard.
   *
   * @param session - the session.
   * @param guildId - the guild.
   * @returns `false` when the guild belongs to another shard (nothing changes).
   */
  joinGuild(session: GatewaySession, guildId: string): boolean {
    if (!onShard(session, guildId)) return false;
    session.guildIds.add(guildId);
    if (this.#sessions.get(session.id) === session) addTo(this.#byGuild, guildId, session);
    return true;
  }

  /**
   * Unsubscribes a session from a guild it left.
   *
   * @param session - the session.
   * @param guildId - the guild.
   */
  leaveGuild(session: GatewaySession, guildId: string): void {
    session.guildIds.delete(guildId);
    removeFrom(this.#byGuild, guildId, session);
  }

  /**
   * Sends an event to every session subscribed to a guild; with a {@link guildRelay}, hands it
   * to the relay instead (delivery happens when the relay calls {@link deliverToGuild}).
   *
   * @param guildId - the guild.
   * @param dispatch - the event.
   * @returns how many sessions got it, were filtered out or dropped it (all 0 when relayed).
   */
  dispatchToGuild(guildId: string, dispatch: FanOutDispatch): FanOutResult {
    if (this.guildRelay === undefined) return this.deliverToGuild(guildId, dispatch);
    this.guildRelay(guildId, dispatch);
    return { delivered: 0, filtered: 0, dropped: 0 };
  }

  /**
   * Sends an event to this fan-out's sessions subscribed to a guild, bypassing the
   * {@link guildRelay}.
   *
   * @param guildId - the guild.
   * @param dispatch - the event.
   * @returns how many sessions got it, were filtered out or dropped it.
   */
  deliverToGuild(guildId: string, dispatch: FanOutDispatch): FanOutResult {
    return this.#deliver(this.#byGuild.get(guildId), prepare(dispatch, true), undefined);
  }

  /**
   * Sends a channel's event to the sessions of its guild that the audience admits, e.g.
   * those whose user has VIEW_CHANNEL.
   *
   * @param guildId - the channel's guild.
   * @param channelId - the channel, handed to `audience`.
   * @param dispatch - the event.
   * @param audience - whether a session may see the channel.
   * @returns how many sessions got it, were filtered out or dropped it.
   */
  dispatchToChannel(
    guildId: string,
    channelId: string,
    dispatch: FanOutDispatch,
    audience: AudiencePredicate,
  ): FanOutResult {
    return this.#deliver(this.#byGuild.get(guildId), prepare(dispatch, true), (session) =>
      audience(session, channelId),
    );
  }

  /**
   * Sends an event to every session of one user: a DM or a user-level event (no guild) goes
   * to the user's shard-0 sessions only; with `guildId` it goes to the sessions whose shard
   * holds that guild.
   *
   * @param userId - the user.
   * @param dispatch - the event.
   * @param guildId - the guild the event belongs to, if any.
   * @returns how many sessions got it, were filtered out or dropped it.
   */
  dispatchToUser(userId: string, dispatch: FanOutDispatch, guildId?: string): FanOutResult {
    const onItsShard =
      guildId === undefined
        ? (session: GatewaySession): boolean => session.shard[0] === 0
        : (session: GatewaySession): boolean => onShard(session, guildId);
    return this.#deliver(
      this.#byUser.get(userId),
      prepare(dispatch, guildId !== undefined),
      onItsShard,
    );
  }

  /**
   * Sends an event to one session, applying its intents and MESSAGE_CONTENT.
   *
   * @param sessionId - the `session_id`.
   * @param dispatch - the event.
   * @returns the sequence number it got, or `undefined` when the session is unknown, ended,
   * not entitled to the event or too congested for a low-priority one.
   */
  dispatchToSession(sessionId: string, dispatch: FanOutDispatch): number | undefined {
    const session = this.get(sessionId);
    if (session === undefined) return undefined;
    const prepared = prepare(dispatch, hasGuild(dispatch.d));
    if (!receivesDispatch(session.intents, prepared.dispatch.t, prepared.inGuild)) return undefined;
    return session.dispatch(variantFor(session, prepared));
  }

  #deliver(
    audience: ReadonlySet<GatewaySession> | undefined,
    prepared: Prepared,
    admits: ((session: GatewaySession) => boolean) | undefined,
  ): FanOutResult {
    let delivered = 0;
    let filtered = 0;
    let dropped = 0;
    if (audience === undefined) return { delivered, filtered, dropped };
    const ended: GatewaySession[] = [];
    for (const session of audience) {
      if (session.ended) {
        ended.push(session);
        continue;
      }
      if (
        !receivesDispatch(session.intents, prepared.dispatch.t, prepared.inGuild) ||
        (admits !== undefined && !admits(session))
      ) {
        filtered += 1;
        continue;
      }
      if (session.dispatch(variantFor(session, prepared)) === undefined) dropped += 1;
      else delivered += 1;
    }
    for (const session of ended) this.remove(session);
    return { delivered, filtered, dropped };
  }
}

function prepare(dispatch: FanOutDispatch, inGuild: boolean): Prepared {
  const prepared =
    dispatch.priority === undefined
      ? prepareDispatch(dispatch.t, dispatch.d)
      : prepareDispatch(dispatch.t, dispatch.d, { priority: dispatch.priority });
  const message = MESSAGE_CONTENT_EVENTS.has(dispatch.t)
    ? (dispatch.d as MessageContentFields)
    : undefined;
  return { dispatch: prepared, message, inGuild };
}

function variantFor(session: GatewaySession, prepared: Prepared): PreparedDispatch {
  const message = prepared.message;
  if (message === undefined || !needsContentStripping(session.intents, message, session.user.id))
    return prepared.dispatch;
  return prepared.dispatch.variant(NO_CONTENT_VARIANT, () => stripMessageContent(message));
}

function onShard(session: GatewaySession, guildId: string): boolean {
  const [shardId, shardCount] = session.shard;
  return shardCount <= 1 || shardIdForGuild(guildId, shardCount) === shardId;
}

function hasGuild(d: unknown): boolean {
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof (d as { guild_id?: unknown }).guild_id === 'string'
  );
}

function addTo<K>(index: Map<K, Set<GatewaySession>>, key: K, session: GatewaySession): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(session);
}

function removeFrom<K>(index: Map<K, Set<GatewaySession>>, key: K, session: GatewaySession): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(session);
  if (set.size === 0) index.delete(key);
}
