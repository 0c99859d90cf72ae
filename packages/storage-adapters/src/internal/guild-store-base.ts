/**
 * The guild store's rules, written once over a {@link GuildBackend}: every adapter is this
 * class plus a backend. Arguments are validated before the backend is touched.
 */
import type { Clock } from '@guildkit/snowflake';
import { StorageError, StorageErrorCode } from '../errors.js';
import type {
  ChannelPosition,
  ChannelRecord,
  ChannelUpdate,
  GuildRecord,
  GuildStore,
  GuildUpdate,
  MemberQuery,
  MemberRecord,
  MemberUpdate,
  NewChannel,
  NewGuild,
  NewMember,
  NewRole,
  OverwriteRecord,
  RolePosition,
  RoleRecord,
  RoleUpdate,
} from '../guild-types.js';
import * as channels from './guild-channel-rules.js';
import { requireGuild } from './guild-lookups.js';
import * as members from './guild-member-rules.js';
import { sortChannelsForDisplay, sortRolesHighestFirst } from './guild-order.js';
import type { GuildBackend, GuildRepository } from './guild-repository.js';
import * as roles from './guild-role-rules.js';
import {
  checkChannelPositions,
  checkChannelUpdate,
  checkGuildUpdate,
  checkId,
  checkMemberQuery,
  checkMemberUpdate,
  checkNewChannel,
  checkNewGuild,
  checkNewMember,
  checkNewRole,
  checkOverwrite,
  checkRolePositions,
  checkRoleUpdate,
} from './guild-validate.js';

/** The system clock, the default of every guild store. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/**
 * A {@link GuildStore} over a backend. Subclasses only choose the backend.
 */
export abstract class RepositoryGuildStore implements GuildStore {
  readonly #backend: GuildBackend;
  readonly #clock: Clock;
  #closed = false;

  /**
   * @param backend - where rows live.
   * @param clock - where `joinedAt` and the timeout bound read time from.
   */
  protected constructor(backend: GuildBackend, clock: Clock) {
    this.#backend = backend;
    this.#clock = clock;
  }

  /**
   * @throws StorageError `GK_STORAGE_CLOSED` once {@link RepositoryGuildStore.close} was called.
   */
  protected assertOpen(): void {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, 'the guild store is closed');
  }

  #read<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.#backend.read(fn);
  }

  #write<T>(fn: (repository: GuildRepository) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.#backend.write(fn);
  }

  async createGuild(guild: NewGuild): Promise<GuildRecord> {
    const checked = checkNewGuild(guild);
    return this.#write((repo) => members.createGuild(repo, checked, this.#clock.now()));
  }

  async getGuild(guildId: string): Promise<GuildRecord | null> {
    const id = checkId(guildId, 'guild id');
    return (await this.#read((repo) => repo.getGuild(id))) ?? null;
  }

  async updateGuild(guildId: string, update: GuildUpdate): Promise<GuildRecord> {
    const id = checkId(guildId, 'guild id');
    const checked = checkGuildUpdate(update);
    return this.#write((repo) => members.updateGuild(repo, id, checked));
  }

  async deleteGuild(guildId: string): Promise<void> {
    const id = checkId(guildId, 'guild id');
    await this.#write(async (repo) => {
      await requireGuild(repo, id);
      await repo.deleteGuild(id);
    });
  }

  async createChannel(guildId: string, channel: NewChannel): Promise<ChannelRecord> {
    const id = checkId(guildId, 'guild id');
    const checked = checkNewChannel(channel);
    return this.#write((repo) => channels.createChannel(repo, id, checked));
  }

  async getChannel(guildId: string, channelId: string): Promise<ChannelRecord | null> {
    const id = checkId(guildId, 'guild id');
    const channel = checkId(channelId, 'channel id');
    return (await this.#read((repo) => repo.getChannel(id, channel))) ?? null;
  }

  async updateChannel(
    guildId: string,
    channelId: string,
    update: ChannelUpdate,
  ): Promise<ChannelRecord> {
    const id = checkId(guildId, 'guild id');
    const channel = checkId(channelId, 'channel id');
    const checked = checkChannelUpdate(update);
    return this.#write((repo) => channels.updateChannel(repo, id, channel, checked));
  }

  async deleteChannel(guildId: string, channelId: string): Promise<void> {
    const id = checkId(guildId, 'guild id');
    const channel = checkId(channelId, 'channel id');
    await this.#write((repo) => channels.deleteChannel(repo, id, channel));
  }

  async listChannels(guildId: string): Promise<ChannelRecord[]> {
    const id = checkId(guildId, 'guild id');
    return this.#read(async (repo) => {
      await requireGuild(repo, id);
      return sortChannelsForDisplay(await repo.listChannels(id));
    });
  }

  async reorderChannels(
    guildId: string,
    positions: readonly ChannelPosition[],
  ): Promise<ChannelRecord[]> {
    const id = checkId(guildId, 'guild id');
    const checked = checkChannelPositions(positions);
    return this.#write((repo) => channels.reorderChannels(repo, id, checked));
  }

  async setOverwrite(
    guildId: string,
    channelId: string,
    overwrite: OverwriteRecord,
  ): Promise<ChannelRecord> {
    const id = checkId(guildId, 'guild id');
    const channel = checkId(channelId, 'channel id');
    const checked = checkOverwrite(overwrite);
    return this.#write((repo) => channels.setOverwrite(repo, id, channel, checked));
  }

  async deleteOverwrite(guildId: string, channelId: string, overwriteId: string): Promise<boolean> {
    const id = checkId(guildId, 'guild id');
    const channel = checkId(channelId, 'channel id');
    const overwrite = checkId(overwriteId, 'overwrite id');
    return this.#write((repo) => channels.deleteOverwrite(repo, id, channel, overwrite));
  }

  async createRole(guildId: string, role: NewRole): Promise<RoleRecord> {
    const id = checkId(guildId, 'guild id');
    const checked = checkNewRole(role, id);
    return this.#write((repo) => roles.createRole(repo, id, checked));
  }

  async getRole(guildId: string, roleId: string): Promise<RoleRecord | null> {
    const id = checkId(guildId, 'guild id');
    const role = checkId(roleId, 'role id');
    return (await this.#read((repo) => repo.getRole(id, role))) ?? null;
  }

  async updateRole(guildId: string, roleId: string, update: RoleUpdate): Promise<RoleRecord> {
    const id = checkId(guildId, 'guild id');
    const role = checkId(roleId, 'role id');
    const checked = checkRoleUpdate(update, role === id);
    return this.#write((repo) => roles.updateRole(repo, id, role, checked));
  }

  async deleteRole(guildId: string, roleId: string): Promise<void> {
    const id = checkId(guildId, 'guild id');
    const role = checkId(roleId, 'role id');
    if (role === id) {
      throw new StorageError(StorageErrorCode.InvalidArgument, '@everyone cannot be deleted');
    }
    await this.#write((repo) => roles.deleteRole(repo, id, role));
  }

  async listRoles(guildId: string): Promise<RoleRecord[]> {
    const id = checkId(guildId, 'guild id');
    return this.#read(async (repo) => {
      await requireGuild(repo, id);
      return sortRolesHighestFirst(await repo.listRoles(id));
    });
  }

  async reorderRoles(guildId: string, positions: readonly RolePosition[]): Promise<RoleRecord[]> {
    const id = checkId(guildId, 'guild id');
    const checked = checkRolePositions(positions, id);
    return this.#write((repo) => roles.reorderRoles(repo, id, checked));
  }

  async addMember(guildId: string, member: NewMember): Promise<MemberRecord> {
    const id = checkId(guildId, 'guild id');
    const now = this.#clock.now();
    const checked = checkNewMember(member, id, now);
    return this.#write((repo) => members.addMember(repo, id, checked, now));
  }

  async getMember(guildId: string, userId: string): Promise<MemberRecord | null> {
    const id = checkId(guildId, 'guild id');
    const user = checkId(userId, 'user id');
    return (await this.#read((repo) => repo.getMember(id, user))) ?? null;
  }

  async updateMember(guildId: string, userId: string, update: MemberUpdate): Promise<MemberRecord> {
    const id = checkId(guildId, 'guild id');
    const user = checkId(userId, 'user id');
    const checked = checkMemberUpdate(update, id, this.#clock.now());
    return this.#write((repo) => members.updateMember(repo, id, user, checked));
  }

  async removeMember(guildId: string, userId: string): Promise<void> {
    const id = checkId(guildId, 'guild id');
    const user = checkId(userId, 'user id');
    await this.#write((repo) => members.removeMember(repo, id, user));
  }

  async listMembers(guildId: string, query?: MemberQuery): Promise<MemberRecord[]> {
    const id = checkId(guildId, 'guild id');
    const { after, limit } = checkMemberQuery(query);
    return this.#read(async (repo) => {
      await requireGuild(repo, id);
      return repo.listMembers(id, after, limit);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#backend.close();
  }
}
