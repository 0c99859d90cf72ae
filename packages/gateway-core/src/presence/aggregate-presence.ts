import {
  type GatewayActivity,
  type GatewayPresenceClientStatus,
  type PresenceUpdateReceiveStatus,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';
import {
  OFFLINE_PRESENCE,
  type SessionPresence,
  type SessionStatus,
  type VisiblePresence,
} from './presence-types.js';
import { PRESENCE_UPDATE_LIMITS } from './validate-presence-update.js';

type VisibleStatus = Exclude<SessionStatus, PresenceUpdateStatus.Invisible>;

/** Higher wins when several visible sessions disagree. */
const RANK: Readonly<Record<VisibleStatus, number>> = {
  [PresenceUpdateStatus.Idle]: 1,
  [PresenceUpdateStatus.Online]: 2,
  [PresenceUpdateStatus.DoNotDisturb]: 3,
};

function stronger(a: VisibleStatus | undefined, b: VisibleStatus): VisibleStatus {
  return a === undefined || RANK[b] > RANK[a] ? b : a;
}

/**
 * Folds a user's sessions into the one presence other users see.
 *
 * Discord documents the inputs and the output but not the fold: each session has its own
 * status; `client_status` holds "the user's status set for an active session" per platform and
 * leaves out offline and invisible sessions; `invisible` is "shown as offline"; and when a user
 * has several sessions, an overall presence (the session `all`) is what is broadcast. The fold
 * Guildkit implements:
 *
 * 1. no session → `offline`;
 * 2. any session `invisible` → the whole user is shown offline: status `offline`, no
 *    activities, empty `client_status`. Discord syncs the status setting across a user's
 *    clients, so one invisible session means the user chose to hide; showing their other
 *    sessions would leak what invisibility hides;
 * 3. otherwise the strongest status wins: `dnd` > `online` > `idle`. `dnd` is an explicit
 *    choice that mutes notifications; `idle` is set automatically by an inactive client, so
 *    one active session makes the user `online`;
 * 4. `client_status[device]` is the strongest status among that platform's sessions (rule 3);
 * 5. activities are those of every session, oldest session first, without repeating a
 *    `(type, name)` pair (several clients report the same custom status), at most
 *    {@link PRESENCE_UPDATE_LIMITS}.maxActivities.
 *
 * Pure and order-independent: sessions are sorted by `connectedAt`, then `sessionId`.
 *
 * @param sessions - the user's live sessions.
 * @returns the visible presence ({@link OFFLINE_PRESENCE} when nothing is visible).
 * @see {@link https://discord.com/developers/docs/events/gateway-events#client-status-object | Discord: client status object}
 * @see {@link https://docs.discord.food/resources/presence#session-object | discord-userdoccers: session object (the `all` session)}
 * @example
 * ```ts
 * import { aggregatePresence } from '@guildkit/gateway-core';
 *
 * aggregatePresence([desktopIdle, mobileOnline]);
 * // { status: 'online', activities: [], client_status: { desktop: 'idle', mobile: 'online' } }
 * ```
 */
export function aggregatePresence(sessions: readonly SessionPresence[]): VisiblePresence {
  if (sessions.length === 0) return OFFLINE_PRESENCE;
  if (sessions.some((session) => session.status === PresenceUpdateStatus.Invisible)) {
    return OFFLINE_PRESENCE;
  }
  const ordered = [...sessions].sort(
    (a, b) =>
      a.connectedAt - b.connectedAt ||
      (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0),
  );
  let status: VisibleStatus | undefined;
  const clientStatus: GatewayPresenceClientStatus = {};
  const activities: GatewayActivity[] = [];
  const seen = new Set<string>();
  for (const session of ordered) {
    const sessionStatus = session.status as VisibleStatus;
    status = stronger(status, sessionStatus);
    clientStatus[session.device] = stronger(
      clientStatus[session.device] as VisibleStatus | undefined,
      sessionStatus,
    ) as PresenceUpdateReceiveStatus;
    for (const activity of session.activities) {
      const key = `${activity.type}\u0000${activity.name}`;
      if (seen.has(key) || activities.length >= PRESENCE_UPDATE_LIMITS.maxActivities) continue;
      seen.add(key);
      activities.push(activity);
    }
  }
  return { status: status as PresenceUpdateReceiveStatus, activities, client_status: clientStatus };
}

/**
 * Whether two visible presences look the same to other users (status, `client_status`, and
 * activities in order). Used to skip PRESENCE_UPDATEs that would change nothing.
 *
 * @param a - one presence.
 * @param b - the other.
 * @returns `true` when a client could not tell them apart.
 * @example
 * ```ts
 * import { OFFLINE_PRESENCE, visiblePresenceEquals } from '@guildkit/gateway-core';
 *
 * visiblePresenceEquals(OFFLINE_PRESENCE, { status: 'offline', activities: [], client_status: {} }); // true
 * ```
 */
export function visiblePresenceEquals(a: VisiblePresence, b: VisiblePresence): boolean {
  if (a === b) return true;
  if (a.status !== b.status) return false;
  const ca = a.client_status;
  const cb = b.client_status;
  if (ca.desktop !== cb.desktop || ca.mobile !== cb.mobile || ca.web !== cb.web) return false;
  if (a.activities.length !== b.activities.length) return false;
  return a.activities.every(
    (activity, i) => JSON.stringify(activity) === JSON.stringify(b.activities[i]),
  );
}
