/**
 * Input checks of the guild store: each function either returns the normalized value or throws
 * `GK_STORAGE_INVALID_ARGUMENT`. They look at the arguments only, never at stored data.
 */
import { isSnowflake } from '@guildkit/snowflake';
import { StorageError, StorageErrorCode } from '../errors.js';
import {
  type ChannelPosition,
  type ChannelUpdate,
  GUILD_CHANNEL_TYPES,
  GUILD_LIMITS,
  type GuildChannelType,
  type GuildUpdate,
  type MemberQuery,
  type MemberUpdate,
  type NewChannel,
  type NewGuild,
  type NewMember,
  type NewRole,
  type OverwriteRecord,
  type RolePosition,
  type RoleUpdate,
} from '../guild-types.js';

const MAX_BITS = (1n << 64n) - 1n;

function invalid(message: string): never {
  throw new StorageError(StorageErrorCode.InvalidArgument, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param value - the argument.
 * @param what - its name, for the message.
 * @returns `value` as an object.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` when it is not a plain object.
 */
function checkObject(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) invalid(`${what} must be an object`);
  return value;
}

/**
 * @param value - the argument.
 * @param what - its name, for the message.
 * @returns the id.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` unless a canonical decimal Snowflake.
 */
export function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !isSnowflake(value)) {
    invalid(`${what} must be a Snowflake as a canonical decimal string, got ${String(value)}`);
  }
  return value;
}

function checkText(value: unknown, what: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    invalid(`${what} must be a string of ${min}..${max} characters`);
  }
  return value;
}

function checkInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(`${what} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') invalid(`${what} must be a boolean`);
  return value;
}

/**
 * @param value - the argument.
 * @param what - its name, for the message.
 * @returns the bits.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` unless a bigint in 0..2^64-1.
 */
function checkBits(value: unknown, what: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_BITS) {
    invalid(`${what} must be a bigint in 0..2^64-1`);
  }
  return value;
}

function checkPosition(value: unknown, what: string, min = 0): number {
  return checkInteger(value, what, min, GUILD_LIMITS.positionMax);
}

function checkNullableId(value: unknown, what: string): string | null {
  return value === null ? null : checkId(value, what);
}

function checkChannelType(value: unknown): GuildChannelType {
  if (!GUILD_CHANNEL_TYPES.includes(value as GuildChannelType)) {
    invalid(`channel type must be one of ${GUILD_CHANNEL_TYPES.join(', ')}, got ${String(value)}`);
  }
  return value as GuildChannelType;
}

/**
 * @param value - a topic or `null`.
 * @param type - the channel's type (forum and media topics may be longer).
 * @returns the topic.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` when too long or not a string.
 */
export function checkTopic(value: unknown, type: GuildChannelType): string | null {
  if (value === null) return null;
  const long = type === 15 || type === 16;
  return checkText(value, 'topic', 0, long ? GUILD_LIMITS.forumTopicMax : GUILD_LIMITS.topicMax);
}

function checkRateLimit(value: unknown): number {
  return checkInteger(value, 'rateLimitPerUser', 0, GUILD_LIMITS.rateLimitPerUserMax);
}

function checkNick(value: unknown): string | null {
  if (value === null) return null;
  return checkText(value, 'nick', GUILD_LIMITS.nickMin, GUILD_LIMITS.nickMax);
}

function checkColor(value: unknown): number {
  return checkInteger(value, 'color', 0, GUILD_LIMITS.colorMax);
}

function checkRoleIds(value: unknown, guildId: string): readonly string[] {
  if (!Array.isArray(value)) invalid('roleIds must be an array');
  const ids = value.map((id: unknown) => checkId(id, 'role id'));
  if (new Set(ids).size !== ids.length) invalid('roleIds must be distinct');
  if (ids.includes(guildId)) invalid('roleIds must not contain @everyone (the guild id)');
  return ids;
}

/**
 * @param value - an epoch ms or `null`.
 * @param now - the store's clock reading.
 * @returns the timeout end.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` when more than 28 days after `now`.
 */
function checkTimeout(value: unknown, now: number): number | null {
  if (value === null) return null;
  return checkInteger(value, 'communicationDisabledUntil', 0, now + GUILD_LIMITS.timeoutMaxMs);
}

/** A {@link NewGuild} with its defaults applied. */
export interface CheckedGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly everyonePermissions: bigint;
}

/**
 * @param input - the caller's argument.
 * @returns the guild with defaults applied.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field.
 */
export function checkNewGuild(input: NewGuild): CheckedGuild {
  const guild = checkObject(input, 'guild');
  return {
    id: checkId(guild['id'], 'guild id'),
    name: checkText(
      guild['name'],
      'guild name',
      GUILD_LIMITS.guildNameMin,
      GUILD_LIMITS.guildNameMax,
    ),
    ownerId: checkId(guild['ownerId'], 'ownerId'),
    everyonePermissions:
      guild['everyonePermissions'] === undefined
        ? 0n
        : checkBits(guild['everyonePermissions'], 'everyonePermissions'),
  };
}

/**
 * @param input - the caller's argument.
 * @returns the update's defined fields.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field.
 */
export function checkGuildUpdate(input: GuildUpdate): GuildUpdate {
  const update = checkObject(input, 'guild update');
  return {
    ...(update['name'] !== undefined && {
      name: checkText(
        update['name'],
        'guild name',
        GUILD_LIMITS.guildNameMin,
        GUILD_LIMITS.guildNameMax,
      ),
    }),
    ...(update['ownerId'] !== undefined && { ownerId: checkId(update['ownerId'], 'ownerId') }),
  };
}

/** A {@link NewChannel} with its defaults applied. */
export type CheckedChannel = Required<NewChannel>;

/**
 * @param input - the caller's argument.
 * @returns the channel with defaults applied.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field, and for a
 * category with a parent.
 */
export function checkNewChannel(input: NewChannel): CheckedChannel {
  const channel = checkObject(input, 'channel');
  const type = checkChannelType(channel['type']);
  const parentId =
    channel['parentId'] === undefined ? null : checkNullableId(channel['parentId'], 'parentId');
  if (type === 4 && parentId !== null) invalid('a category cannot have a parent');
  return {
    id: checkId(channel['id'], 'channel id'),
    type,
    name: checkText(channel['name'], 'channel name', GUILD_LIMITS.nameMin, GUILD_LIMITS.nameMax),
    position:
      channel['position'] === undefined ? 0 : checkPosition(channel['position'], 'position'),
    parentId,
    topic: channel['topic'] === undefined ? null : checkTopic(channel['topic'], type),
    nsfw: channel['nsfw'] === undefined ? false : checkBoolean(channel['nsfw'], 'nsfw'),
    rateLimitPerUser:
      channel['rateLimitPerUser'] === undefined ? 0 : checkRateLimit(channel['rateLimitPerUser']),
  };
}

/**
 * Checks the shape of a channel update; the topic's length is checked against the channel's
 * type once it is known ({@link checkTopic}).
 *
 * @param input - the caller's argument.
 * @returns the update's defined fields.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field.
 */
export function checkChannelUpdate(input: ChannelUpdate): ChannelUpdate {
  const update = checkObject(input, 'channel update');
  if (
    update['topic'] !== undefined &&
    update['topic'] !== null &&
    typeof update['topic'] !== 'string'
  ) {
    invalid('topic must be a string or null');
  }
  return {
    ...(update['name'] !== undefined && {
      name: checkText(update['name'], 'channel name', GUILD_LIMITS.nameMin, GUILD_LIMITS.nameMax),
    }),
    ...(update['position'] !== undefined && {
      position: checkPosition(update['position'], 'position'),
    }),
    ...(update['parentId'] !== undefined && {
      parentId: checkNullableId(update['parentId'], 'parentId'),
    }),
    ...(update['topic'] !== undefined && { topic: update['topic'] as string | null }),
    ...(update['nsfw'] !== undefined && { nsfw: checkBoolean(update['nsfw'], 'nsfw') }),
    ...(update['rateLimitPerUser'] !== undefined && {
      rateLimitPerUser: checkRateLimit(update['rateLimitPerUser']),
    }),
  };
}

function checkDistinct<T extends { readonly id: string }>(
  entries: readonly T[],
  what: string,
): void {
  if (new Set(entries.map((entry) => entry.id)).size !== entries.length) {
    invalid(`${what} must name distinct ids`);
  }
}

/**
 * @param input - the caller's argument.
 * @returns the entries, checked.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for an empty list, repeated ids or a
 * malformed entry.
 */
export function checkChannelPositions(input: readonly ChannelPosition[]): ChannelPosition[] {
  if (!Array.isArray(input) || input.length === 0) invalid('positions must be a non-empty array');
  const entries = input.map((raw: unknown) => {
    const entry = checkObject(raw, 'channel position');
    return {
      id: checkId(entry['id'], 'channel id'),
      position: checkPosition(entry['position'], 'position'),
      ...(entry['parentId'] !== undefined && {
        parentId: checkNullableId(entry['parentId'], 'parentId'),
      }),
    };
  });
  checkDistinct(entries, 'channel positions');
  return entries;
}

/**
 * @param input - the caller's argument.
 * @returns the overwrite, checked.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field.
 */
export function checkOverwrite(input: OverwriteRecord): OverwriteRecord {
  const overwrite = checkObject(input, 'overwrite');
  if (overwrite['type'] !== 0 && overwrite['type'] !== 1) invalid('overwrite type must be 0 or 1');
  return {
    id: checkId(overwrite['id'], 'overwrite id'),
    type: overwrite['type'],
    allow: checkBits(overwrite['allow'], 'allow'),
    deny: checkBits(overwrite['deny'], 'deny'),
  };
}

/** A {@link NewRole} with its defaults applied. */
export type CheckedRole = Required<NewRole>;

/**
 * @param input - the caller's argument.
 * @param guildId - the guild (a new role cannot take its id, which is `@everyone`'s).
 * @returns the role with defaults applied.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field or position 0.
 */
export function checkNewRole(input: NewRole, guildId: string): CheckedRole {
  const role = checkObject(input, 'role');
  const id = checkId(role['id'], 'role id');
  if (id === guildId) invalid('the guild id is the @everyone role id');
  return {
    id,
    name: checkText(role['name'], 'role name', GUILD_LIMITS.nameMin, GUILD_LIMITS.nameMax),
    permissions:
      role['permissions'] === undefined ? 0n : checkBits(role['permissions'], 'permissions'),
    position: role['position'] === undefined ? 1 : checkPosition(role['position'], 'position', 1),
    hoist: role['hoist'] === undefined ? false : checkBoolean(role['hoist'], 'hoist'),
    color: role['color'] === undefined ? 0 : checkColor(role['color']),
    mentionable:
      role['mentionable'] === undefined ? false : checkBoolean(role['mentionable'], 'mentionable'),
    managed: role['managed'] === undefined ? false : checkBoolean(role['managed'], 'managed'),
  };
}

/**
 * @param input - the caller's argument.
 * @param isEveryone - whether the role is `@everyone`, whose name and position are fixed.
 * @returns the update's defined fields.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field, a position below
 * 1, or a name or position for `@everyone`.
 */
export function checkRoleUpdate(input: RoleUpdate, isEveryone: boolean): RoleUpdate {
  const update = checkObject(input, 'role update');
  if (isEveryone && (update['name'] !== undefined || update['position'] !== undefined)) {
    invalid('@everyone keeps its name and position 0');
  }
  return {
    ...(update['name'] !== undefined && {
      name: checkText(update['name'], 'role name', GUILD_LIMITS.nameMin, GUILD_LIMITS.nameMax),
    }),
    ...(update['permissions'] !== undefined && {
      permissions: checkBits(update['permissions'], 'permissions'),
    }),
    ...(update['position'] !== undefined && {
      position: checkPosition(update['position'], 'position', 1),
    }),
    ...(update['hoist'] !== undefined && { hoist: checkBoolean(update['hoist'], 'hoist') }),
    ...(update['color'] !== undefined && { color: checkColor(update['color']) }),
    ...(update['mentionable'] !== undefined && {
      mentionable: checkBoolean(update['mentionable'], 'mentionable'),
    }),
  };
}

/**
 * @param input - the caller's argument.
 * @param guildId - the guild (`@everyone` may only be listed at position 0).
 * @returns the entries, checked.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for an empty list, repeated ids, a
 * malformed entry, a position below 1, or `@everyone` moved.
 */
export function checkRolePositions(
  input: readonly RolePosition[],
  guildId: string,
): RolePosition[] {
  if (!Array.isArray(input) || input.length === 0) invalid('positions must be a non-empty array');
  const entries = input.map((raw: unknown) => {
    const entry = checkObject(raw, 'role position');
    const id = checkId(entry['id'], 'role id');
    const position = checkPosition(entry['position'], 'position', 0);
    if ((id === guildId) !== (position === 0)) {
      invalid('@everyone stays at position 0 and is the only role there');
    }
    return { id, position };
  });
  checkDistinct(entries, 'role positions');
  return entries;
}

/** A {@link NewMember} with its defaults applied. */
export type CheckedMember = Required<NewMember>;

/**
 * @param input - the caller's argument.
 * @param guildId - the guild (whose id is not a role a member can be given).
 * @param now - the store's clock reading, bounding the timeout.
 * @returns the member with defaults applied.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field.
 */
export function checkNewMember(input: NewMember, guildId: string, now: number): CheckedMember {
  const member = checkObject(input, 'member');
  return {
    userId: checkId(member['userId'], 'user id'),
    nick: member['nick'] === undefined ? null : checkNick(member['nick']),
    roleIds: member['roleIds'] === undefined ? [] : checkRoleIds(member['roleIds'], guildId),
    communicationDisabledUntil:
      member['communicationDisabledUntil'] === undefined
        ? null
        : checkTimeout(member['communicationDisabledUntil'], now),
  };
}

/**
 * @param input - the caller's argument.
 * @param guildId - the guild.
 * @param now - the store's clock reading, bounding the timeout.
 * @returns the update's defined fields.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` on any malformed field.
 */
export function checkMemberUpdate(input: MemberUpdate, guildId: string, now: number): MemberUpdate {
  const update = checkObject(input, 'member update');
  return {
    ...(update['nick'] !== undefined && { nick: checkNick(update['nick']) }),
    ...(update['roleIds'] !== undefined && { roleIds: checkRoleIds(update['roleIds'], guildId) }),
    ...(update['communicationDisabledUntil'] !== undefined && {
      communicationDisabledUntil: checkTimeout(update['communicationDisabledUntil'], now),
    }),
  };
}

/**
 * @param input - the caller's argument.
 * @returns the query with its default limit.
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a malformed `after` or a limit
 * outside 1..1000.
 */
export function checkMemberQuery(input: MemberQuery | undefined): {
  readonly after: string | undefined;
  readonly limit: number;
} {
  const query = input === undefined ? {} : checkObject(input, 'member query');
  return {
    after: query['after'] === undefined ? undefined : checkId(query['after'], 'after'),
    limit:
      query['limit'] === undefined
        ? GUILD_LIMITS.memberPageDefault
        : checkInteger(
            query['limit'],
            'limit',
            GUILD_LIMITS.memberPageMin,
            GUILD_LIMITS.memberPageMax,
          ),
  };
}
