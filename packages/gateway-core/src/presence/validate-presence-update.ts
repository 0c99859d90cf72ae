import {
  ActivityType,
  type GatewayActivityUpdateData,
  PresenceUpdateStatus,
} from 'discord-api-types/v10';
import { PresenceError, PresenceErrorCode } from './presence-error.js';
import type { PresenceUpdate, SessionStatus } from './presence-types.js';

/**
 * Bounds of a client presence. Discord documents the field set of op 3 and that bots may only
 * set an activity's `name`, `state`, `type` and `url`; the lengths are those Discord's API
 * enforces on activities (name 1–128, state 128, url 512, as the community-maintained
 * discord-userdoccers documents them). Discord documents no limit on the number of
 * activities; Guildkit keeps at most 10 so a presence stays small in every fan-out.
 *
 * @see {@link https://discord.com/developers/docs/events/gateway-events#update-presence | Discord: Update Presence}
 * @see {@link https://docs.discord.food/resources/presence#activity-object | discord-userdoccers: activity object}
 * @example
 * ```ts
 * import { PRESENCE_UPDATE_LIMITS } from '@guildkit/gateway-core';
 *
 * PRESENCE_UPDATE_LIMITS.maxActivities; // 10
 * ```
 */
export const PRESENCE_UPDATE_LIMITS = {
  maxActivities: 10,
  maxNameLength: 128,
  maxStateLength: 128,
  maxUrlLength: 512,
} as const;

/** The outcome of {@link validatePresenceUpdate}. */
export type PresenceValidation =
  | { readonly ok: true; readonly presence: PresenceUpdate }
  | { readonly ok: false; readonly error: PresenceError };

const STATUSES: ReadonlyMap<unknown, SessionStatus> = new Map<unknown, SessionStatus>([
  [PresenceUpdateStatus.Online, PresenceUpdateStatus.Online],
  [PresenceUpdateStatus.Idle, PresenceUpdateStatus.Idle],
  [PresenceUpdateStatus.DoNotDisturb, PresenceUpdateStatus.DoNotDisturb],
  [PresenceUpdateStatus.Invisible, PresenceUpdateStatus.Invisible],
  [PresenceUpdateStatus.Offline, PresenceUpdateStatus.Invisible],
]);

const ACTIVITY_TYPES: ReadonlySet<unknown> = new Set(
  Object.values(ActivityType).filter((value) => typeof value === 'number'),
);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function invalid(reason: string): PresenceValidation {
  return { ok: false, error: new PresenceError(PresenceErrorCode.InvalidPresence, reason) };
}

function isHttpUrl(value: string): boolean {
  return value.startsWith('https://') || value.startsWith('http://');
}

/** A sanitized copy of one activity, or the reason it is invalid. */
function checkActivity(value: unknown): GatewayActivityUpdateData | string {
  if (!isObject(value)) return 'activity must be an object';
  const { name, type, url, state } = value;
  if (typeof name !== 'string' || name.length < 1) return 'activity name must be a string';
  if (name.length > PRESENCE_UPDATE_LIMITS.maxNameLength) return 'activity name is too long';
  if (!ACTIVITY_TYPES.has(type)) return 'activity type is not a known type';
  const activity: GatewayActivityUpdateData = { name, type: type as ActivityType };
  if (url !== undefined && url !== null) {
    if (typeof url !== 'string' || !isHttpUrl(url)) return 'activity url must be an http(s) URL';
    if (url.length > PRESENCE_UPDATE_LIMITS.maxUrlLength) return 'activity url is too long';
    activity.url = url;
  } else if (url === null) activity.url = null;
  if (state !== undefined && state !== null) {
    if (typeof state !== 'string') return 'activity state must be a string or null';
    if (state.length > PRESENCE_UPDATE_LIMITS.maxStateLength) return 'activity state is too long';
    activity.state = state;
  } else if (state === null) activity.state = null;
  return activity;
}

/**
 * Validates a client presence: the `d` of PRESENCE_UPDATE (op 3), or IDENTIFY's `presence`.
 * All four documented fields are required (`since`: Unix ms or `null`; `activities`: an array;
 * `status`: `online`, `dnd`, `idle`, `invisible` or `offline`; `afk`: a boolean), as Discord's
 * gateway requires them. Each activity needs a `name` and a known `type`; `url` and `state` are
 * optional; other keys are dropped, so only bounded data reaches other users. `offline` is
 * stored as `invisible`. Never throws.
 *
 * @param d - the payload as decoded from JSON.
 * @returns `{ ok: true, presence }`, or `{ ok: false, error }` with a
 * `GK_GATEWAY_INVALID_PRESENCE` {@link PresenceError} whose `closeCode` is 4001.
 * @see {@link https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes | Discord: close codes (4001: invalid payload for an opcode)}
 * @example
 * ```ts
 * import { validatePresenceUpdate } from '@guildkit/gateway-core';
 *
 * const result = validatePresenceUpdate({ since: null, activities: [], status: 'dnd', afk: false });
 * if (!result.ok) socket.close(result.error.closeCode, result.error.message);
 * ```
 */
export function validatePresenceUpdate(d: unknown): PresenceValidation {
  if (!isObject(d)) return invalid('presence must be an object');
  const { since, activities, status, afk } = d;
  if (!(since === null || (Number.isSafeInteger(since) && (since as number) >= 0))) {
    return invalid('presence since must be Unix ms or null');
  }
  const sessionStatus = STATUSES.get(status);
  if (sessionStatus === undefined) return invalid('presence status is not a known status');
  if (typeof afk !== 'boolean') return invalid('presence afk must be a boolean');
  if (!Array.isArray(activities)) return invalid('presence activities must be an array');
  if (activities.length > PRESENCE_UPDATE_LIMITS.maxActivities) {
    return invalid(`presence has more than ${PRESENCE_UPDATE_LIMITS.maxActivities} activities`);
  }
  const sanitized: GatewayActivityUpdateData[] = [];
  for (const value of activities) {
    const activity = checkActivity(value);
    if (typeof activity === 'string') return invalid(activity);
    sanitized.push(activity);
  }
  return {
    ok: true,
    presence: { status: sessionStatus, activities: sanitized, afk, since: since as number | null },
  };
}
