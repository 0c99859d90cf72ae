import {
  canModerate,
  computeChannelPermissions,
  describePermissions,
  OverwriteType,
  type PermissionChannel,
  PermissionFlags,
  type PermissionGuild,
  type PermissionMember,
} from '@guildkit/permissions';
import { HashRing, planReshard, shardIdForGuild } from '@guildkit/sharding';
import { type Clock, deconstruct, SnowflakeGenerator } from '@guildkit/snowflake';
import { demoVoice } from './voice.js';

/** Options for {@link runDemo}. */
export interface DemoOptions {
  /** Receives each line of the demo's output. */
  readonly write: (line: string) => void;
  /**
   * The wall clock the IDs are stamped with and timeouts are judged by.
   * @defaultValue the system clock
   */
  readonly clock?: Clock;
}

const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

function demoSnowflakes(write: (line: string) => void, clock: Clock): string[] {
  write('== @guildkit/snowflake: time-sortable 64-bit IDs');
  const generator = new SnowflakeGenerator({ workerId: 1, processId: 0, clock });
  const ids = [generator.next(), generator.next(), generator.next()];
  for (const id of ids) {
    const { timestamp, workerId, processId, increment } = deconstruct(id);
    write(
      `  ${id}  made ${new Date(timestamp).toISOString()}  worker ${workerId} process ${processId} increment ${increment}`,
    );
  }
  return ids;
}

function demoPermissions(write: (line: string) => void, clock: Clock, ids: string[]): void {
  write('== @guildkit/permissions: a channel as three members see it');
  const [guildId = '0', announcementsId = '0'] = ids;
  const moderatorRoleId = '1200000000000000001';
  const guild: PermissionGuild = {
    id: guildId,
    ownerId: '1300000000000000001',
    roles: [
      {
        id: guildId,
        permissions:
          PermissionFlags.VIEW_CHANNEL |
          PermissionFlags.SEND_MESSAGES |
          PermissionFlags.READ_MESSAGE_HISTORY |
          PermissionFlags.EMBED_LINKS,
        position: 0,
      },
      {
        id: moderatorRoleId,
        permissions: PermissionFlags.KICK_MEMBERS | PermissionFlags.MANAGE_MESSAGES,
        position: 1,
      },
    ],
  };
  const announcements: PermissionChannel = {
    id: announcementsId,
    guildId,
    type: 5,
    permissionOverwrites: [
      { id: guildId, type: OverwriteType.Role, allow: 0n, deny: PermissionFlags.SEND_MESSAGES },
      {
        id: moderatorRoleId,
        type: OverwriteType.Role,
        allow: PermissionFlags.SEND_MESSAGES,
        deny: 0n,
      },
    ],
  };
  const now = clock.now();
  const members: [string, PermissionMember][] = [
    ['member', { userId: '1300000000000000002', roleIds: [] }],
    ['moderator', { userId: '1300000000000000003', roleIds: [moderatorRoleId] }],
    [
      'timed out',
      { userId: '1300000000000000004', roleIds: [], communicationDisabledUntil: now + 60_000 },
    ],
  ];
  for (const [label, member] of members) {
    const names = describePermissions(
      computeChannelPermissions(guild, member, announcements, { now }),
    );
    write(`  ${label.padEnd(10)} ${names.join(', ')}`);
  }
  const [, moderator, target] = members.map(([, member]) => member);
  if (moderator !== undefined && target !== undefined) {
    const allowed = canModerate(guild, moderator, target, PermissionFlags.KICK_MEMBERS, { now });
    write(`  moderator may kick member: ${allowed}`);
  }
}

async function demoSharding(write: (line: string) => void): Promise<void> {
  write('== @guildkit/sharding: guilds on shards, shards on gateway nodes');
  const shardCount = 16;
  const guildIds = ['81384788765712384', '222078108977594368', '613425648685547541'];
  for (const guildId of guildIds) {
    write(`  guild ${guildId} -> shard ${shardIdForGuild(guildId, shardCount)} of ${shardCount}`);
  }
  const ring = await HashRing.create({ nodes: ['gateway-a', 'gateway-b', 'gateway-c'] });
  const before = Array.from({ length: shardCount }, (_, shard) => ring.nodeForShard(shard));
  for (const node of ring.nodes) {
    write(`  ${node} serves shards ${ring.shardsForNode(node, shardCount).join(', ')}`);
  }
  ring.addNode('gateway-d');
  const moved = before.filter((node, shard) => ring.nodeForShard(shard) !== node).length;
  write(`  adding gateway-d moved ${moved} of ${shardCount} shards, all to gateway-d`);
  const plan = planReshard(shardCount, shardCount * 2);
  const targets = plan.shards[2]?.moves.map((move) => move.targetShardId) ?? [];
  write(
    `  resharding ${shardCount} -> ${shardCount * 2}: shard 2 splits into ${targets.join(' and ')}`,
  );
}

/**
 * Runs the tour of the primitives, writing its output line by line.
 *
 * @param options - where the output goes, and the clock to use.
 * @returns once every section has been written.
 * @example
 * ```ts
 * await runDemo({ write: (line) => console.log(line) });
 * ```
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const ids = demoSnowflakes(options.write, clock);
  demoPermissions(options.write, clock, ids);
  await demoSharding(options.write);
  await demoVoice(options.write);
}
