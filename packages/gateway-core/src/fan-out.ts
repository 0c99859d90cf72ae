import { shardIdForGuild } from '@guildkit/sharding';
import type { Clock, Scheduler } from '@guildkit/snowflake';
import { GatewayDispatchEvents } from 'discord-api-types/v10';
import {
  DeliveryQueue,
  type DeliverySegment,
  type DeliverySelector,
  type FanOutResult,
} from './delivery/delivery-queue.js';
import { type PreparedDispatch, prepareDispatch } from './dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import type { GatewaySession } from './gateway-session.js';
import { receivesDispatch } from './intents.js';
import { SYSTEM_SCHEDULER } from './internal/system-time.js';
import {
  type MessageContentFields,
  needsContentStripping,
  stripMessageContent,
} from './message-content.js';
import { ActiveGuilds } from './passive/active-guilds.js';
import { passiveReach } from './passive/passive-reach.js';
import {
  type ChannelAudience,
  type UnreadMarker,
  UnreadMarkers,
} from './passive/unread-markers.js';

export type { FanOutResult } from './delivery/delivery-queue.js';

/**
 * Passive sessions for large guilds, the way Discord cut its fan-out: in a guild with at
 * least `largeGuildThreshold` members, a session is passive unless it was activated (the
 * client opened the guild: a lazy request, op 14). A passive session gets only what it needs:
 * the guild's structure (guild, channel, thread, role, emoji and sticker events), its own
 * member events, messages that mention it or @everyone, and every `passiveUpdateMs` one
 * PASSIVE_UPDATE_V1 `{ guild_id, channels: [{ id, last_message_id }] }` with the newest
 * message of each channel it may see (its unread markers). Everything else reaches active
 * sessions only.
 */
export interface PassiveSessionOptions {
  /** Guilds with at least this many members are large. */
  readonly largeGuildThreshold: number;
  /**
   * A guild's member count. @defaultValue the number of this fan-out's sessions subscribed to
   * it (on one node of several, pass the real count so every node agrees)
   */
  readonly memberCount?: (guildId: string) => number;
  /** Large guilds one session is active in at once; activating one more demotes the oldest. @defaultValue 1 */
  readonly maxActiveGuildsPerSession?: number;
  /** How often passive sessions get their unread markers. @defaultValue 5000 */
  readonly passiveUpdateMs?: number;
  /** Timers of the passive updates. @defaultValue Node's timers */
  readonly scheduler?: Scheduler;
}

/** Options for {@link GatewayFanOut}. */
export interface GatewayFanOutOptions {
  /**
   * Sessions served per slice: a delivery to more sessions is served slice by slice on later
   * macrotasks, in order (the guild's deliveries waiting together share one pass), so one huge
   * guild never stalls the event loop. Writing to a socket costs a system call (the tick's frames
   * leave when the slice ends), about 20-40 µs each over loopback on the 2-core benchmark
   * machine, so 500 sockets keep a slice near 20 ms there.
   * @defaultValue 500
   */
  readonly sliceSize?: number;
  /**
   * Time one slice may spend serving sessions (checked every 64 sessions): slices of heavy
   * dispatches (large payloads, many content-stripped variants) end early. @defaultValue 8
   */
  readonly sliceMs?: number;
  /** The time source of `sliceMs`. @defaultValue `performance.now()` */
  readonly sliceClock?: Clock;
  /** Runs a later slice. @defaultValue `setImmediate` */
  readonly scheduleSlice?: (run: () => void) => void;
  /** Turns on passive sessions for large guilds. @defaultValue off: every session is active */
  readonly passive?: PassiveSessionOptions;
  /**
   * Who may see a channel's events, for {@link GatewayFanOut.dispatchToChannel} calls without
   * an audience of their own. Across nodes (with a {@link GatewayFanOut.relay}) it is the only
   * audience: a function cannot travel, so every node filters relayed channel events with its
   * own `channelAudience` (the same rule on every node, e.g. VIEW_CHANNEL from
   * `@guildkit/permissions`). @defaultValue none
   */
  readonly channelAudience?: AudiencePredicate;
}

/**
 * Where a {@link GatewayFanOut} sends its events when they must reach other nodes too; the
 * relay delivers them on every node (this one included) with the fan-out's `deliverTo*` calls.
 */
export interface FanOutRelay {
  /** A guild event. */
  guild(guildId: string, dispatch: FanOutDispatch): void;
  /** A channel event (delivered through each node's `channelAudience`). */
  channel(guildId: string, channelId: string, dispatch: FanOutDispatch): void;
  /** A user event, of a guild or not. */
  user(userId: string, dispatch: FanOutDispatch, guildId: string | undefined): void;
}

/**
 * Defaults of {@link GatewayFanOutOptions} and {@link PassiveSessionOptions}.
 *
 * @example
 * ```ts
 * import { DEFAULT_FAN_OUT_OPTIONS } from '@guildkit/gateway-core';
 *
 * DEFAULT_FAN_OUT_OPTIONS.sliceSize; // 2000
 * ```
 */
export const DEFAULT_FAN_OUT_OPTIONS = {
  sliceSize: 500,
  sliceMs: 8,
  maxActiveGuildsPerSession: 1,
  passiveUpdateMs: 5000,
} as const;

/** The event passive sessions get their unread markers in (Discord's client event of that name). */
export const PASSIVE_UPDATE_EVENT = 'PASSIVE_UPDATE_V1';

const EMPTY: ReadonlySet<GatewaySession> = new Set();

interface Passive {
  readonly threshold: number;
  readonly memberCount: ((guildId: string) => number) | undefined;
  readonly active: ActiveGuilds;
  readonly unread: UnreadMarkers;
  readonly updateMs: number;
  readonly scheduler: Scheduler;
  readonly timers: Map<string, () => void>;
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
  readonly payload: unknown;
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
   * Where the `dispatchTo*` calls send events instead of delivering them here (e.g. an event
   * bus that hands them back to the `deliverTo*` calls on every node). @defaultValue none
   */
  relay: FanOutRelay | undefined;
  readonly #channelAudience: AudiencePredicate | undefined;
  readonly #sessions = new Map<string, GatewaySession>();
  /** A user's one session, or a set once the user has several (most users have one). */
  readonly #byUser = new Map<string, GatewaySession | Set<GatewaySession>>();
  readonly #byGuild = new Map<string, Set<GatewaySession>>();
  readonly #queue: DeliveryQueue;
  readonly #passive: Passive | undefined;

  /**
   * @param options - slicing and passive sessions.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` when a size, count or interval is not a
   * positive integer.
   */
  constructor(options: GatewayFanOutOptions = {}) {
    this.#channelAudience = options.channelAudience;
    const sliceSize = positiveInteger(
      'sliceSize',
      options.sliceSize ?? DEFAULT_FAN_OUT_OPTIONS.sliceSize,
    );
    const sliceMs = options.sliceMs ?? DEFAULT_FAN_OUT_OPTIONS.sliceMs;
    const sliceClock = options.sliceClock ?? { now: () => performance.now() };
    if (!(sliceMs > 0 && Number.isFinite(sliceMs)))
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        `sliceMs must be a positive finite number, got ${String(sliceMs)}`,
      );
    this.#queue = new DeliveryQueue({
      sliceSize,
      sliceMs,
      now: () => sliceClock.now(),
      schedule: options.scheduleSlice ?? ((run) => setImmediate(run)),
      onEnded: (session) => this.remove(session),
    });
    const passive = options.passive;
    if (passive === undefined) return;
    this.#passive = {
      threshold: positiveInteger('largeGuildThreshold', passive.largeGuildThreshold),
      memberCount: passive.memberCount,
      active: new ActiveGuilds(
        positiveInteger(
          'maxActiveGuildsPerSession',
          passive.maxActiveGuildsPerSession ?? DEFAULT_FAN_OUT_OPTIONS.maxActiveGuildsPerSession,
        ),
      ),
      unread: new UnreadMarkers(),
      updateMs: positiveInteger(
        'passiveUpdateMs',
        passive.passiveUpdateMs ?? DEFAULT_FAN_OUT_OPTIONS.passiveUpdateMs,
      ),
      scheduler: passive.scheduler ?? SYSTEM_SCHEDULER,
      timers: new Map(),
    };
  }

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
    this.#addUserSession(session);
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
    this.#passive?.active.forget(session);
    this.#removeUserSession(session);
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
    this.#passive?.active.deactivate(session, guildId);
    removeFrom(this.#byGuild, guildId, session);
  }

  /**
   * Whether a guild counts as large (its sessions are passive unless activated).
   *
   * @param guildId - the guild.
   * @returns `false` when passive sessions are off.
   */
  isLargeGuild(guildId: string): boolean {
    const passive = this.#passive;
    if (passive === undefined) return false;
    const members = passive.memberCount?.(guildId) ?? this.#byGuild.get(guildId)?.size ?? 0;
    return members >= passive.threshold;
  }

  /**
   * Promotes a session to active in a guild it is subscribed to (call it when the client
   * opens the guild, e.g. on a lazy request); beyond `maxActiveGuildsPerSession` the guild it
   * activated longest ago goes back to passive.
   *
   * @param session - the session.
   * @param guildId - the guild.
   * @returns the guild demoted to make room, if any.
   */
  activate(session: GatewaySession, guildId: string): string | undefined {
    if (this.#passive === undefined || !session.guildIds.has(guildId)) return undefined;
    return this.#passive.active.activate(session, guildId);
  }

  /**
   * Demotes a session to passive in a guild.
   *
   * @param session - the session.
   * @param guildId - the guild.
   * @returns whether it was active there.
   */
  deactivate(session: GatewaySession, guildId: string): boolean {
    return this.#passive?.active.deactivate(session, guildId) ?? false;
  }

  /**
   * Whether a session gets everything of a guild: always for a guild that is not large.
   *
   * @param session - the session.
   * @param guildId - the guild.
   */
  isActive(session: GatewaySession, guildId: string): boolean {
    return !this.isLargeGuild(guildId) || this.#passive?.active.has(session, guildId) === true;
  }

  /** @returns a promise that resolves once every sliced delivery has reached all its sessions. */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  /** Cancels the pending passive updates (their markers are dropped). */
  close(): void {
    const passive = this.#passive;
    if (passive === undefined) return;
    for (const cancel of passive.timers.values()) cancel();
    passive.timers.clear();
    passive.unread.clear();
  }

  /**
   * Sends an event to every session subscribed to a guild; with a {@link relay}, hands it to
   * the relay instead (delivery happens when the relay calls {@link deliverToGuild}).
   *
   * @param guildId - the guild.
   * @param dispatch - the event.
   * @returns how many sessions got it, were filtered out or dropped it (all 0 when relayed).
   */
  dispatchToGuild(guildId: string, dispatch: FanOutDispatch): FanOutResult {
    if (this.relay === undefined) return this.deliverToGuild(guildId, dispatch);
    this.relay.guild(guildId, dispatch);
    return NOTHING;
  }

  /**
   * Sends an event to this fan-out's sessions subscribed to a guild, bypassing the
   * {@link relay}.
   *
   * @param guildId - the guild.
   * @param dispatch - the event.
   * @returns how many sessions got it, were filtered out or dropped it.
   */
  deliverToGuild(guildId: string, dispatch: FanOutDispatch): FanOutResult {
    return this.#deliverToGuild(guildId, prepare(dispatch, true), undefined);
  }

  /**
   * Sends a channel's event to the sessions of its guild that the audience admits, e.g.
   * those whose user has VIEW_CHANNEL; with a {@link relay}, hands it to the relay (every node
   * then filters with its `channelAudience`).
   *
   * @param guildId - the channel's guild.
   * @param channelId - the channel, handed to `audience`.
   * @param dispatch - the event.
   * @param audience - whether a session may see the channel. @defaultValue the
   * `channelAudience` option
   * @returns how many sessions got it, were filtered out or dropped it (all 0 when relayed).
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` without any audience, or with a per-call
   * audience while relaying (it could not be applied on the other nodes: nothing is sent).
   */
  dispatchToChannel(
    guildId: string,
    channelId: string,
    dispatch: FanOutDispatch,
    audience?: AudiencePredicate,
  ): FanOutResult {
    if (this.relay === undefined)
      return this.deliverToChannel(guildId, channelId, dispatch, audience);
    if (audience !== undefined || this.#channelAudience === undefined)
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        'a channel event crossing nodes is filtered by the channelAudience option on every node; set it and pass no per-call audience',
      );
    this.relay.channel(guildId, channelId, dispatch);
    return NOTHING;
  }

  /**
   * Sends a channel's event to this fan-out's sessions of its guild that the audience admits,
   * bypassing the {@link relay}.
   *
   * @param guildId - the channel's guild.
   * @param channelId - the channel.
   * @param dispatch - the event.
   * @param audience - whether a session may see the channel. @defaultValue the
   * `channelAudience` option
   * @returns how many sessions got it, were filtered out or dropped it.
   * @throws GatewayError `GK_GATEWAY_INVALID_OPTION` without any audience.
   */
  deliverToChannel(
    guildId: string,
    channelId: string,
    dispatch: FanOutDispatch,
    audience: AudiencePredicate | undefined = this.#channelAudience,
  ): FanOutResult {
    if (audience === undefined)
      throw new GatewayError(
        GatewayErrorCode.InvalidOption,
        'a channel event needs an audience: pass one or set the channelAudience option',
      );
    return this.#deliverToGuild(guildId, prepare(dispatch, true), (session) =>
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
   * @returns how many sessions got it, were filtered out or dropped it (all 0 when relayed).
   */
  dispatchToUser(userId: string, dispatch: FanOutDispatch, guildId?: string): FanOutResult {
    if (this.relay === undefined) return this.deliverToUser(userId, dispatch, guildId);
    this.relay.user(userId, dispatch, guildId);
    return NOTHING;
  }

  /**
   * Sends an event to this fan-out's sessions of one user (see {@link dispatchToUser}),
   * bypassing the {@link relay}.
   *
   * @param userId - the user.
   * @param dispatch - the event.
   * @param guildId - the guild the event belongs to, if any.
   * @returns how many sessions got it, were filtered out or dropped it.
   */
  deliverToUser(userId: string, dispatch: FanOutDispatch, guildId?: string): FanOutResult {
    const onItsShard =
      guildId === undefined
        ? (session: GatewaySession): boolean => session.shard[0] === 0
        : (session: GatewaySession): boolean => onShard(session, guildId);
    const sessions = this.#sessionsOfUser(userId);
    if (sessions.length === 0) return NOTHING;
    return this.#queue.deliver(
      guildId,
      [sessions],
      selector(prepare(dispatch, guildId !== undefined), onItsShard),
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

  #addUserSession(session: GatewaySession): void {
    const userId = session.user.id;
    const existing = this.#byUser.get(userId);
    if (existing === undefined) this.#byUser.set(userId, session);
    else if (existing instanceof Set) existing.add(session);
    else if (existing !== session) this.#byUser.set(userId, new Set([existing, session]));
  }

  #removeUserSession(session: GatewaySession): void {
    const userId = session.user.id;
    const existing = this.#byUser.get(userId);
    if (existing === session) this.#byUser.delete(userId);
    else if (existing instanceof Set) {
      existing.delete(session);
      if (existing.size === 1)
        this.#byUser.set(userId, existing.values().next().value as GatewaySession);
    }
  }

  /** The user's sessions, as a list made for the call. */
  #sessionsOfUser(userId: string): readonly GatewaySession[] {
    const sessions = this.#byUser.get(userId);
    if (sessions === undefined) return [];
    return sessions instanceof Set ? [...sessions] : [sessions];
  }

  #deliverToGuild(guildId: string, prepared: Prepared, admits: ChannelAudience): FanOutResult {
    const subscribed = this.#byGuild.get(guildId);
    if (subscribed === undefined) return NOTHING;
    const select = selector(prepared, admits);
    const passive = this.#passive;
    if (passive === undefined || !this.isLargeGuild(guildId))
      return this.#queue.deliver(guildId, [subscribed], select);
    const { t } = prepared.dispatch;
    const d = prepared.payload;
    const reach = passiveReach(t, d);
    if (reach.kind === 'all') return this.#queue.deliver(guildId, [subscribed], select);
    if (t === GatewayDispatchEvents.MessageCreate) this.#recordUnread(passive, guildId, d, admits);
    const active = passive.active.sessionsOf(guildId) ?? EMPTY;
    const mentioned: GatewaySession[] = [];
    if (reach.kind === 'users')
      for (const userId of reach.userIds)
        for (const session of this.#sessionsOfUser(userId))
          if (session.guildIds.has(guildId) && !active.has(session)) mentioned.push(session);
    const segments: DeliverySegment[] = mentioned.length === 0 ? [active] : [active, mentioned];
    const result = this.#queue.deliver(guildId, segments, select);
    const reached = active.size + mentioned.length;
    return { ...result, filtered: result.filtered + Math.max(0, subscribed.size - reached) };
  }

  #recordUnread(passive: Passive, guildId: string, d: unknown, admits: ChannelAudience): void {
    if (typeof d !== 'object' || d === null) return;
    const { id, channel_id: channelId } = d as { id?: unknown; channel_id?: unknown };
    if (typeof id !== 'string' || typeof channelId !== 'string') return;
    if (!passive.unread.record(guildId, channelId, id, admits)) return;
    passive.timers.set(
      guildId,
      passive.scheduler.setTimeout(() => {
        passive.timers.delete(guildId);
        this.#sendUnread(passive, guildId);
      }, passive.updateMs),
    );
  }

  #sendUnread(passive: Passive, guildId: string): void {
    const markersFor = passive.unread.take(guildId);
    const subscribed = this.#byGuild.get(guildId);
    if (markersFor === undefined || subscribed === undefined) return;
    const active = passive.active.sessionsOf(guildId) ?? EMPTY;
    const frames = new Map<readonly UnreadMarker[], PreparedDispatch>();
    this.#queue.deliver(guildId, [subscribed], (session) => {
      if (
        active.has(session) ||
        !receivesDispatch(session.intents, GatewayDispatchEvents.MessageCreate, true)
      )
        return undefined;
      const channels = markersFor(session);
      if (channels.length === 0) return undefined;
      let frame = frames.get(channels);
      if (frame === undefined) {
        frame = prepareDispatch(PASSIVE_UPDATE_EVENT, { guild_id: guildId, channels });
        frames.set(channels, frame);
      }
      return frame;
    });
  }
}

const NOTHING: FanOutResult = Object.freeze({ delivered: 0, filtered: 0, dropped: 0, queued: 0 });

function selector(prepared: Prepared, admits: ChannelAudience): DeliverySelector {
  const { t } = prepared.dispatch;
  const { inGuild } = prepared;
  return (session) =>
    receivesDispatch(session.intents, t, inGuild) && (admits === undefined || admits(session))
      ? variantFor(session, prepared)
      : undefined;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new GatewayError(
      GatewayErrorCode.InvalidOption,
      `${name} must be a positive integer, got ${String(value)}`,
    );
  return value;
}

function prepare(dispatch: FanOutDispatch, inGuild: boolean): Prepared {
  const prepared =
    dispatch.priority === undefined
      ? prepareDispatch(dispatch.t, dispatch.d)
      : prepareDispatch(dispatch.t, dispatch.d, { priority: dispatch.priority });
  const message = MESSAGE_CONTENT_EVENTS.has(dispatch.t)
    ? (dispatch.d as MessageContentFields)
    : undefined;
  return { dispatch: prepared, payload: dispatch.d, message, inGuild };
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
