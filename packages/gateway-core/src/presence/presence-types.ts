import {
  type GatewayActivity,
  type GatewayActivityUpdateData,
  type GatewayPresenceClientStatus,
  type PresenceUpdateReceiveStatus,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';

/**
 * The platform a session runs on: the key it fills in `client_status`. The gateway server
 * derives it from IDENTIFY's `properties` (a bot or an unknown client is `web`, as Discord
 * documents).
 */
export type PresenceDevice = 'desktop' | 'mobile' | 'web';

/**
 * A session's own status. `offline` is accepted from clients but stored as `invisible`: a
 * connected session can only hide, not disconnect, by its status.
 */
export type SessionStatus = Exclude<PresenceUpdateStatus, PresenceUpdateStatus.Offline>;

/** One session's presence, as a {@link PresenceStore} keeps it. */
export interface SessionPresence {
  /** The gateway session's id. */
  readonly sessionId: string;
  /** The session's user. */
  readonly userId: string;
  /** The platform of the session. */
  readonly device: PresenceDevice;
  /** The status the session last set. */
  readonly status: SessionStatus;
  /** The session's activities, validated and bounded (see {@link PRESENCE_UPDATE_LIMITS}). */
  readonly activities: readonly GatewayActivity[];
  /** Whether the client said it is AFK (Discord uses it for push notifications only). */
  readonly afk: boolean;
  /** When the client went idle (Unix ms), or `null`. */
  readonly since: number | null;
  /** When the session connected (Unix ms): the order activities of several sessions merge in. */
  readonly connectedAt: number;
}

/**
 * What other users see of a user: the body of a PRESENCE_UPDATE without `user` and `guild_id`.
 * An offline or invisible user is `{ status: 'offline', activities: [], client_status: {} }`
 * ({@link OFFLINE_PRESENCE}).
 */
export interface VisiblePresence {
  /** The aggregated status; never `invisible`. */
  readonly status: PresenceUpdateReceiveStatus;
  /** The activities of all the user's sessions, merged. */
  readonly activities: readonly GatewayActivity[];
  /** One status per platform with an active session. */
  readonly client_status: Readonly<GatewayPresenceClientStatus>;
}

/**
 * The presence of a user with no visible session: what an invisible user looks like too.
 *
 * @example
 * ```ts
 * import { OFFLINE_PRESENCE } from '@guildkit/gateway-core';
 *
 * OFFLINE_PRESENCE.status; // 'offline'
 * ```
 */
export const OFFLINE_PRESENCE: VisiblePresence = Object.freeze({
  status: PresenceUpdateStatus.Offline,
  activities: Object.freeze([]) as readonly GatewayActivity[],
  client_status: Object.freeze({}),
});

/**
 * A client's presence after {@link validatePresenceUpdate}: only the documented, bounded
 * fields, with `offline` already turned into `invisible`.
 */
export interface PresenceUpdate {
  /** The session's new status. */
  readonly status: SessionStatus;
  /** The session's activities (`name`, `type`, `url`, `state` only). */
  readonly activities: readonly GatewayActivityUpdateData[];
  /** Whether the client is AFK. */
  readonly afk: boolean;
  /** When the client went idle (Unix ms), or `null`. */
  readonly since: number | null;
}
