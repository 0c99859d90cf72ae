import {
  type GuildMemberListUpdate,
  type ListRole,
  MemberList,
  type MemberListRange,
  MemberListReplica,
} from '@guildkit/member-list';
import { ManualScheduler } from '@guildkit/testkit';

/** A list wired to one replica per subscriber, driven by a manual scheduler. */
export class ListHarness {
  readonly scheduler = new ManualScheduler();
  readonly replicas = new Map<string, MemberListReplica>();
  readonly ranges = new Map<string, MemberListRange[]>();
  readonly updates: [string, GuildMemberListUpdate][] = [];
  readonly list: MemberList;

  constructor(options: { offlineThreshold?: number; roles?: readonly ListRole[] } = {}) {
    this.list = new MemberList({
      guildId: '81384788765712384',
      id: 'everyone',
      scheduler: this.scheduler,
      ...options,
      onUpdate: (subscriberId, update) => {
        this.updates.push([subscriberId, update]);
        const replica = this.replicas.get(subscriberId) ?? new MemberListReplica();
        this.replicas.set(subscriberId, replica);
        replica.apply(update);
      },
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
