import type {
  ListRole,
  MemberListGroup,
  MemberListItem,
  MemberStatus,
} from '@guildkit/member-list';

/** A member as the reference model keeps it: a plain object. */
export interface ModelMember {
  userId: string;
  username: string;
  globalName: string | null;
  nick: string | null;
  roles: string[];
  status: MemberStatus;
}

/** Lowercases one UTF-16 unit at a time, keeping units whose lowercase is longer. */
function foldName(name: string): string {
  let folded = '';
  for (const unit of name) {
    for (let i = 0; i < unit.length; i++) {
      const single = unit[i]!;
      const lower = single.toLowerCase();
      folded += lower.length === 1 ? lower : single;
    }
  }
  return folded;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function displayName(member: ModelMember): string {
  return member.nick ?? member.globalName ?? member.username;
}

/**
 * The member list as a plain sorted array, written from the rules in docs/member-list.md and
 * independent of the package's code: the reference the property tests compare against.
 */
export class MemberListModel {
  readonly members = new Map<string, ModelMember>();
  readonly roles = new Map<string, ListRole>();

  constructor(readonly offlineThreshold: number) {}

  get onlineCount(): number {
    let online = 0;
    for (const member of this.members.values()) if (isOnline(member)) online++;
    return online;
  }

  private groupOf(member: ModelMember): string | undefined {
    if (!isOnline(member))
      return this.members.size <= this.offlineThreshold ? 'offline' : undefined;
    const hoisted = member.roles
      .map((id) => this.roles.get(id))
      .filter((role): role is ListRole => role?.hoist === true)
      .sort(compareRoles);
    return hoisted[0]?.id ?? 'online';
  }

  private groupOrder(): string[] {
    const hoisted = [...this.roles.values()].filter((role) => role.hoist).sort(compareRoles);
    return [...hoisted.map((role) => role.id), 'online', 'offline'];
  }

  /** The groups with members, in order, each with its sorted members. */
  private grouped(): { id: string; members: ModelMember[] }[] {
    const byGroup = new Map<string, ModelMember[]>();
    for (const member of this.members.values()) {
      const group = this.groupOf(member);
      if (group === undefined) continue;
      const list = byGroup.get(group) ?? [];
      list.push(member);
      byGroup.set(group, list);
    }
    return this.groupOrder()
      .filter((id) => (byGroup.get(id)?.length ?? 0) > 0)
      .map((id) => ({
        id,
        members: byGroup
          .get(id)!
          .sort(
            (a, b) =>
              byCodeUnits(foldName(displayName(a)), foldName(displayName(b))) ||
              byId(a.userId, b.userId),
          ),
      }));
  }

  groups(): MemberListGroup[] {
    return this.grouped().map((group) => ({ id: group.id, count: group.members.length }));
  }

  rows(): MemberListItem[] {
    const rows: MemberListItem[] = [];
    for (const group of this.grouped()) {
      rows.push({ group: { id: group.id, count: group.members.length } });
      for (const member of group.members) rows.push(modelItem(member));
    }
    return rows;
  }
}

function isOnline(member: ModelMember): boolean {
  return member.status !== 'offline' && member.status !== 'invisible';
}

function compareRoles(a: ListRole, b: ListRole): number {
  return b.position - a.position || byId(a.id, b.id);
}

/** The item the list should show for `member`. */
export function modelItem(member: ModelMember): MemberListItem {
  const status = member.status === 'invisible' ? 'offline' : member.status;
  return {
    member: {
      user: { id: member.userId, username: member.username, global_name: member.globalName },
      nick: member.nick,
      roles: [...new Set(member.roles)].sort(byId),
      presence: { user: { id: member.userId }, status },
    },
  };
}
