import { OrderIndex, type SlotComparator } from '../order-index.js';
import type { ListRole, MemberListGroup } from '../types.js';
import { compareSnowflakeStrings } from './snowflake-order.js';

/** Group codes stored per member: 0 = not listed, then online, offline, then hoisted roles. */
export const GroupCode = { None: 0, Online: 1, Offline: 2 } as const;

/** One group: its id on the wire and the index of its members. */
export interface Group {
  readonly code: number;
  readonly id: string;
  readonly index: OrderIndex;
}

/** Where a row of the list falls: a group and a rank inside it (-1 for the header row). */
export interface RowLocation {
  group: Group;
  rank: number;
}

/**
 * The groups of one list in display order, each with its own {@link OrderIndex}: hoisted roles
 * (higher position first, equal positions by lower role id), then online, then offline.
 *
 * Keeping an index per group makes a role position change a reordering of this short array
 * rather than of the members. Rows map to (group, rank) through the groups' sizes: a group with
 * members takes a header row plus one row per member; an empty group takes none. Groups are
 * few (a guild has at most 250 roles), so the walk over them is O(groups).
 */
export class GroupTable {
  private readonly byCode: (Group | undefined)[] = [];
  private readonly codeByRole = new Map<string, number>();
  private readonly freeCodes: number[] = [];
  private ordered: Group[] = [];
  private roles = new Map<string, ListRole>();
  private readonly location: RowLocation;

  /** @param compare - the order of members inside every group. */
  constructor(private readonly compare: SlotComparator) {
    this.byCode[GroupCode.Online] = this.createGroup(GroupCode.Online, 'online');
    this.byCode[GroupCode.Offline] = this.createGroup(GroupCode.Offline, 'offline');
    this.ordered = [this.byCode[GroupCode.Online]!, this.byCode[GroupCode.Offline]!];
    this.location = { group: this.ordered[0]!, rank: 0 };
  }

  /** @returns the group with `code` (which must exist). */
  group(code: number): Group {
    return this.byCode[code]!;
  }

  /** The guild's roles as last set. */
  get roleTable(): ReadonlyMap<string, ListRole> {
    return this.roles;
  }

  /**
   * @returns the group of an online member with `roles`: their highest hoisted role's group,
   * else online. Roles unknown to the table do not hoist.
   */
  codeForRoles(roles: readonly string[]): number {
    let top: ListRole | undefined;
    for (const id of roles) {
      const role = this.roles.get(id);
      if (role?.hoist === true && (top === undefined || ranksAbove(role, top))) top = role;
    }
    return top === undefined ? GroupCode.Online : this.codeByRole.get(top.id)!;
  }

  /**
   * Replaces the role table: creates groups for newly hoisted roles, drops the groups of roles
   * no longer hoisted (the caller has moved their members out) and reorders.
   */
  setRoles(roles: ReadonlyMap<string, ListRole>): void {
    this.roles = new Map(roles);
    for (const [roleId, code] of this.codeByRole) {
      if (this.roles.get(roleId)?.hoist === true) continue;
      this.codeByRole.delete(roleId);
      this.byCode[code] = undefined;
      this.freeCodes.push(code);
    }
    for (const role of this.roles.values()) {
      if (!role.hoist || this.codeByRole.has(role.id)) continue;
      const code = this.freeCodes.pop() ?? this.byCode.length;
      this.byCode[code] = this.createGroup(code, role.id);
      this.codeByRole.set(role.id, code);
    }
    const hoisted = [...this.codeByRole.keys()]
      .map((id) => this.roles.get(id)!)
      .sort((a, b) => (ranksAbove(a, b) ? -1 : 1))
      .map((role) => this.byCode[this.codeByRole.get(role.id)!]!);
    this.ordered = [...hoisted, this.byCode[GroupCode.Online]!, this.byCode[GroupCode.Offline]!];
  }

  /** Rows of the whole list: each group with members counts its header and its members. */
  get length(): number {
    let rows = 0;
    for (const group of this.ordered) {
      const size = group.index.size;
      if (size > 0) rows += size + 1;
    }
    return rows;
  }

  /** @returns the row of `code`'s header, or where it would go while the group is empty. */
  start(code: number): number {
    let row = 0;
    for (const group of this.ordered) {
      if (group.code === code) return row;
      const size = group.index.size;
      if (size > 0) row += size + 1;
    }
    return row;
  }

  /**
   * @returns the group and rank of `row` (rank -1 for a header), or undefined past the end.
   * The returned object is reused by the next call.
   */
  locate(row: number): RowLocation | undefined {
    let rest = row;
    for (const group of this.ordered) {
      const size = group.index.size;
      if (size === 0) continue;
      if (rest <= size) {
        this.location.group = group;
        this.location.rank = rest - 1;
        return this.location;
      }
      rest -= size + 1;
    }
    return undefined;
  }

  /** @returns the groups with members, in display order, as the update's `groups` field. */
  visibleGroups(): MemberListGroup[] {
    const groups: MemberListGroup[] = [];
    for (const group of this.ordered) {
      const count = group.index.size;
      if (count > 0) groups.push({ id: group.id, count });
    }
    return groups;
  }

  /** @returns every group in display order. */
  all(): readonly Group[] {
    return this.ordered;
  }

  private createGroup(code: number, id: string): Group {
    return { code, id, index: new OrderIndex(this.compare) };
  }
}

/** @returns whether role `a` is listed above role `b`: higher position, then lower id. */
export function ranksAbove(a: ListRole, b: ListRole): boolean {
  if (a.position !== b.position) return a.position > b.position;
  return compareSnowflakeStrings(a.id, b.id) < 0;
}
