import { isSnowflake } from '@guildkit/snowflake';
import { PresenceUpdateStatus } from 'discord-api-types/v10';

/**
 * Shape checks for client payloads. Each returns `undefined` when the value is valid, else a
 * short reason; returning a string instead of throwing keeps the hot path free of exceptions.
 */

type Json = Record<string, unknown>;

const PRESENCE_STATUSES: ReadonlySet<unknown> = new Set(Object.values(PresenceUpdateStatus));

/** Discord documents `large_threshold` as 50..250. */
const LARGE_THRESHOLD_MIN = 50;
const LARGE_THRESHOLD_MAX = 250;

/** Discord documents at most 100 `user_ids` per REQUEST_GUILD_MEMBERS. */
const MAX_REQUESTED_USER_IDS = 100;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isUint(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && isSnowflake(value);
}

function isOptional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isNullableString(value: unknown): boolean {
  return value === null || typeof value === 'string';
}

export function checkHeartbeat(d: unknown): string | undefined {
  return d === null || isUint(d) ? undefined : 'HEARTBEAT d must be the last sequence or null';
}

function checkActivity(activity: unknown): boolean {
  return (
    isObject(activity) &&
    typeof activity['name'] === 'string' &&
    isUint(activity['type']) &&
    isOptional(activity['url'], isNullableString) &&
    isOptional(activity['state'], isNullableString)
  );
}

export function checkPresence(d: unknown): string | undefined {
  if (!isObject(d)) return 'PRESENCE_UPDATE d must be an object';
  const since = d['since'];
  if (!(since === null || (typeof since === 'number' && Number.isFinite(since)))) {
    return 'presence since must be a number or null';
  }
  const activities = d['activities'];
  if (!Array.isArray(activities) || !activities.every(checkActivity)) {
    return 'presence activities must be an array of { name, type, url?, state? }';
  }
  if (!PRESENCE_STATUSES.has(d['status'])) return 'presence status is not a known status';
  if (!isBoolean(d['afk'])) return 'presence afk must be a boolean';
  return undefined;
}

function checkShard(shard: unknown): boolean {
  return Array.isArray(shard) && shard.length === 2 && isUint(shard[0]) && isUint(shard[1]);
}

function checkProperties(properties: unknown): boolean {
  return (
    isObject(properties) &&
    typeof properties['os'] === 'string' &&
    typeof properties['browser'] === 'string' &&
    typeof properties['device'] === 'string'
  );
}

function checkLargeThreshold(value: unknown): boolean {
  return (
    Number.isInteger(value) &&
    (value as number) >= LARGE_THRESHOLD_MIN &&
    (value as number) <= LARGE_THRESHOLD_MAX
  );
}

export function checkIdentify(d: unknown): string | undefined {
  if (!isObject(d)) return 'IDENTIFY d must be an object';
  if (!isNonEmptyString(d['token'])) return 'IDENTIFY token must be a non-empty string';
  if (!checkProperties(d['properties'])) {
    return 'IDENTIFY properties must be { os, browser, device } strings';
  }
  if (!Number.isSafeInteger(d['intents'])) return 'IDENTIFY intents must be an integer';
  if (!isOptional(d['compress'], isBoolean)) return 'IDENTIFY compress must be a boolean';
  if (!isOptional(d['large_threshold'], checkLargeThreshold)) {
    return 'IDENTIFY large_threshold must be an integer in 50..250';
  }
  if (!isOptional(d['shard'], checkShard)) {
    return 'IDENTIFY shard must be [shard_id, shard_count] of non-negative integers';
  }
  if (!isOptional(d['capabilities'], isUint)) {
    return 'IDENTIFY capabilities must be a non-negative integer';
  }
  const presence = d['presence'];
  if (presence !== undefined) return checkPresence(presence);
  return undefined;
}

export function checkVoiceState(d: unknown): string | undefined {
  if (!isObject(d)) return 'VOICE_STATE_UPDATE d must be an object';
  if (!isId(d['guild_id'])) return 'VOICE_STATE_UPDATE guild_id must be a snowflake';
  const channelId = d['channel_id'];
  if (!(channelId === null || isId(channelId))) {
    return 'VOICE_STATE_UPDATE channel_id must be a snowflake or null';
  }
  if (!isBoolean(d['self_mute']) || !isBoolean(d['self_deaf'])) {
    return 'VOICE_STATE_UPDATE self_mute and self_deaf must be booleans';
  }
  return undefined;
}

export function checkResume(d: unknown): string | undefined {
  if (!isObject(d)) return 'RESUME d must be an object';
  if (!isNonEmptyString(d['token'])) return 'RESUME token must be a non-empty string';
  if (!isNonEmptyString(d['session_id'])) return 'RESUME session_id must be a non-empty string';
  if (!isUint(d['seq'])) return 'RESUME seq must be a non-negative integer';
  return undefined;
}

function checkUserIds(userIds: unknown): boolean {
  if (isId(userIds)) return true;
  return (
    Array.isArray(userIds) &&
    userIds.length > 0 &&
    userIds.length <= MAX_REQUESTED_USER_IDS &&
    userIds.every(isId)
  );
}

export function checkRequestGuildMembers(d: unknown): string | undefined {
  if (!isObject(d)) return 'REQUEST_GUILD_MEMBERS d must be an object';
  if (!isId(d['guild_id'])) return 'REQUEST_GUILD_MEMBERS guild_id must be one snowflake';
  if (!isOptional(d['presences'], isBoolean))
    return 'REQUEST_GUILD_MEMBERS presences must be a boolean';
  if (!isOptional(d['nonce'], (nonce) => typeof nonce === 'string')) {
    return 'REQUEST_GUILD_MEMBERS nonce must be a string';
  }
  const hasQuery = d['query'] !== undefined;
  const hasUserIds = d['user_ids'] !== undefined;
  if (hasQuery === hasUserIds) {
    return 'REQUEST_GUILD_MEMBERS needs exactly one of query or user_ids';
  }
  if (hasUserIds) {
    if (!checkUserIds(d['user_ids'])) {
      return 'REQUEST_GUILD_MEMBERS user_ids must be a snowflake or 1..100 snowflakes';
    }
    return isOptional(d['limit'], isUint)
      ? undefined
      : 'REQUEST_GUILD_MEMBERS limit must be a non-negative integer';
  }
  if (typeof d['query'] !== 'string') return 'REQUEST_GUILD_MEMBERS query must be a string';
  if (!isUint(d['limit'])) return 'REQUEST_GUILD_MEMBERS limit is required with query';
  return undefined;
}

function checkRange(range: unknown): boolean {
  return (
    Array.isArray(range) &&
    range.length === 2 &&
    isUint(range[0]) &&
    isUint(range[1]) &&
    range[0] <= range[1]
  );
}

export function checkLazyRequest(d: unknown): string | undefined {
  if (!isObject(d)) return 'LAZY_REQUEST d must be an object';
  if (!isId(d['guild_id'])) return 'LAZY_REQUEST guild_id must be a snowflake';
  const channels = d['channels'];
  if (!isObject(channels)) return 'LAZY_REQUEST channels must be an object';
  for (const channelId in channels) {
    if (!isSnowflake(channelId)) return 'LAZY_REQUEST channel keys must be snowflakes';
    const ranges = channels[channelId];
    if (!Array.isArray(ranges) || !ranges.every(checkRange)) {
      return 'LAZY_REQUEST ranges must be [start, end] pairs with 0 <= start <= end';
    }
  }
  return undefined;
}
