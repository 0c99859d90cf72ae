/**
 * The guild store's channel rules (categories, reorders, overwrites), run inside one write
 * transaction of a {@link GuildRepository}.
 */
import { StorageError, StorageErrorCode } from '../errors.js';
import type {
  ChannelPosition,
  ChannelRecord,
  ChannelUpdate,
  OverwriteRecord,
} from '../guild-types.js';
import { alreadyExists, requireChannel, requireGuild, requireRole } from './guild-lookups.js';
import { compareIds, sortChannelsForDisplay } from './guild-order.js';
import type { ChannelFields, GuildRepository } from './guild-repository.js';
import { type CheckedChannel, checkTopic } from './guild-validate.js';

const CATEGORY = 4;

function fieldsOf(channel: ChannelRecord): ChannelFields {
  const { permissionOverwrites: _, ...fields } = channel;
  return fields;
}

/**
 * Checks that `channel` may sit where its `parentId` says, among `parentOf`'s channels.
 *
 * @throws StorageError `GK_STORAGE_INVALID_ARGUMENT` for a category with a parent or a parent
 * that is not a category; `GK_STORAGE_UNKNOWN_CHANNEL` for a missing parent.
 */
function checkPlacement(
  channel: ChannelFields,
  parent: ChannelFields | undefined,
  guildId: string,
): void {
  if (channel.parentId === null) return;
  if (channel.type === CATEGORY) {
    throw new StorageError(StorageErrorCode.InvalidArgument, 'a category cannot have a parent');
  }
  if (parent === undefined) {
    throw new StorageError(
      StorageErrorCode.UnknownChannel,
      `unknown parent channel ${channel.parentId} in guild ${guildId}`,
    );
  }
  if (parent.type !== CATEGORY) {
    throw new StorageError(
      StorageErrorCode.InvalidArgument,
      `parent ${parent.id} is not a category channel`,
    );
  }
}

async function parentOf(
  repository: GuildRepository,
  channel: ChannelFields,
): Promise<ChannelFields | undefined> {
  return channel.parentId === null
    ? undefined
    : repository.getChannel(channel.guildId, channel.parentId);
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param input - the validated channel.
 * @returns the created channel.
 */
export async function createChannel(
  repository: GuildRepository,
  guildId: string,
  input: CheckedChannel,
): Promise<ChannelRecord> {
  await requireGuild(repository, guildId);
  if ((await repository.getChannel(guildId, input.id)) !== undefined) {
    throw alreadyExists(`channel ${input.id}`);
  }
  const channel: ChannelFields = { ...input, guildId };
  checkPlacement(channel, await parentOf(repository, channel), guildId);
  await repository.putChannel(channel);
  return { ...channel, permissionOverwrites: [] };
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param channelId - the channel.
 * @param update - the validated update.
 * @returns the changed channel.
 */
export async function updateChannel(
  repository: GuildRepository,
  guildId: string,
  channelId: string,
  update: ChannelUpdate,
): Promise<ChannelRecord> {
  await requireGuild(repository, guildId);
  const current = await requireChannel(repository, guildId, channelId);
  if (update.topic !== undefined) checkTopic(update.topic, current.type);
  const next: ChannelRecord = { ...current, ...update };
  if (update.parentId !== undefined) {
    checkPlacement(next, await parentOf(repository, next), guildId);
  }
  await repository.putChannel(fieldsOf(next));
  return next;
}

/**
 * Deletes a channel; a category's children move out of it first.
 *
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param channelId - the channel.
 */
export async function deleteChannel(
  repository: GuildRepository,
  guildId: string,
  channelId: string,
): Promise<void> {
  await requireGuild(repository, guildId);
  const channel = await requireChannel(repository, guildId, channelId);
  if (channel.type === CATEGORY) {
    for (const child of await repository.listChannels(guildId)) {
      if (child.parentId === channelId) {
        await repository.putChannel({ ...fieldsOf(child), parentId: null });
      }
    }
  }
  await repository.deleteChannel(guildId, channelId);
}

/**
 * Applies every move, checked against the guild as it will be after all of them.
 *
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param positions - the validated moves.
 * @returns every channel in display order.
 */
export async function reorderChannels(
  repository: GuildRepository,
  guildId: string,
  positions: readonly ChannelPosition[],
): Promise<ChannelRecord[]> {
  await requireGuild(repository, guildId);
  const channels = new Map(
    (await repository.listChannels(guildId)).map((channel) => [channel.id, channel]),
  );
  const moved: ChannelRecord[] = [];
  for (const entry of positions) {
    const channel = channels.get(entry.id);
    if (channel === undefined) {
      throw new StorageError(
        StorageErrorCode.UnknownChannel,
        `unknown channel ${entry.id} in guild ${guildId}`,
      );
    }
    const next: ChannelRecord = {
      ...channel,
      position: entry.position,
      ...(entry.parentId !== undefined && { parentId: entry.parentId }),
    };
    channels.set(next.id, next);
    moved.push(next);
  }
  for (const channel of moved) {
    const parent = channel.parentId === null ? undefined : channels.get(channel.parentId);
    checkPlacement(channel, parent, guildId);
  }
  for (const channel of moved) await repository.putChannel(fieldsOf(channel));
  return sortChannelsForDisplay([...channels.values()]);
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param channelId - the channel.
 * @param overwrite - the validated overwrite.
 * @returns the channel with the overwrite in place.
 */
export async function setOverwrite(
  repository: GuildRepository,
  guildId: string,
  channelId: string,
  overwrite: OverwriteRecord,
): Promise<ChannelRecord> {
  await requireGuild(repository, guildId);
  const channel = await requireChannel(repository, guildId, channelId);
  if (overwrite.type === 0) await requireRole(repository, guildId, overwrite.id);
  await repository.setOverwrite(guildId, channelId, overwrite);
  const permissionOverwrites = [
    ...channel.permissionOverwrites.filter((existing) => existing.id !== overwrite.id),
    overwrite,
  ].sort((a, b) => compareIds(a.id, b.id));
  return { ...channel, permissionOverwrites };
}

/**
 * @param repository - the transaction.
 * @param guildId - the guild.
 * @param channelId - the channel.
 * @param overwriteId - the overwrite's role or user id.
 * @returns whether it existed.
 */
export async function deleteOverwrite(
  repository: GuildRepository,
  guildId: string,
  channelId: string,
  overwriteId: string,
): Promise<boolean> {
  await requireGuild(repository, guildId);
  await requireChannel(repository, guildId, channelId);
  return repository.deleteOverwrite(guildId, channelId, overwriteId);
}
