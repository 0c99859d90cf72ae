import {
  type GuildMemberListUpdate,
  type ListRole,
  MemberList,
  type MemberListRange,
  MemberListReplica,
} from '@guildkit/member-list';
import { ManualScheduler } from '@guildkit/testkit';
import { expect } from 'vitest';

/** A list wired to one replica per subscriber, driven by a manual scheduler. */
export class ListHarness {
  readonly scheduler = new ManualScheduler();
  readonly replicas = new Map<string, MemberListReplica>();
  readonly ranges = new Map<string, MemberListRange[]>();
  readonly updates: [string, GuildMemberListUpdate][] = [];
  readonly list: MemberList;

  /**
   * @param options - list options; `shareCounts` routes count-only updates through
   * `onSharedUpdate` (one call for all their subscribers) instead of one `onUpdate` each.
   */
  constructor(
    options: { offlineThreshold?: number; roles?: readonly ListRole[]; shareCounts?: boolean } = {},
  ) {
    const { shareCounts = false, ...listOptions } = options;
    const receive = (subscriberId: string, update: GuildMemberListUpdate): void => {
      this.updates.push([subscriberId, update]);
      const replica = this.replicas.get(subscriberId) ?? new MemberListReplica();
      this.replicas.set(subscriberId, replica);
      replica.apply(update);
    };
    this.list = new MemberList({
      guildId: '81384788765712384',
      id: 'everyone',
      scheduler: this.scheduler,
      ...listOptions,
      onUpdate: receive,
      ...(shareCounts
        ? {
            onSharedUpdate: (subscriberIds: readonly string[], update: GuildMemberListUpdate) => {
              expect(update.ops).toEqual([]);
              for (const subscriberId of subscriberIds) receive(subscriberId, update);
            },
          }
        : {}),
    });
  }

  subscribe(subscriberId: string, ranges: MemberListRange[]): void {
    this.list.subscribe(subscriberId, ranges);
    if (ranges.length === 0) this.ranges.delete(subscriberId);
    else this.ranges.set(subscriberId, ranges);
  }

  /** Lets one tick pass, so the scheduled flush runs. */
  tick(): void {
    this.scheduler.advance(100);
  }

  /** For every subscriber and range: the replica's rows and the server's rows. */
  views(): {
    subscriberId: string;
    range: MemberListRange;
    replica: unknown[];
    server: unknown[];
  }[] {
    const views = [];
    for (const [subscriberId, ranges] of this.ranges) {
      const replica = this.replicas.get(subscriberId)!;
      for (const range of ranges) {
        views.push({
          subscriberId,
          range,
          replica: replica.rows(range[0], range[1] + 1),
          server: this.list.rows(range[0], range[1] + 1),
        });
      }
    }
    return views;
  }
}
