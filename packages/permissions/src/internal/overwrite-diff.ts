import { OverwriteType, type PermissionOverwrite } from '../shapes.js';

/** Who a change of a channel's overwrites can affect. */
export interface OverwriteChange {
  /** The `@everyone` overwrite changed: every member. */
  readonly everyone: boolean;
  /** Roles whose overwrite changed: their holders. */
  readonly roleIds: ReadonlySet<string>;
  /** Users whose member overwrite changed. */
  readonly userIds: ReadonlySet<string>;
}

function keyed(overwrites: readonly PermissionOverwrite[]): Map<string, PermissionOverwrite> {
  return new Map(overwrites.map((overwrite) => [`${overwrite.type}:${overwrite.id}`, overwrite]));
}

function same(a: PermissionOverwrite | undefined, b: PermissionOverwrite | undefined): boolean {
  return a !== undefined && b !== undefined && a.allow === b.allow && a.deny === b.deny;
}

/** The overwrites added, removed or changed between `before` and `after`, by who they concern. */
export function diffOverwrites(
  guildId: string,
  before: readonly PermissionOverwrite[],
  after: readonly PermissionOverwrite[],
): OverwriteChange {
  const old = keyed(before);
  const next = keyed(after);
  let everyone = false;
  const roleIds = new Set<string>();
  const userIds = new Set<string>();
  for (const key of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(key);
    const b = next.get(key);
    if (same(a, b)) continue;
    const overwrite = (a ?? b)!;
    if (overwrite.type === OverwriteType.Member) userIds.add(overwrite.id);
    else if (overwrite.id === guildId) everyone = true;
    else roleIds.add(overwrite.id);
  }
  return { everyone, roleIds, userIds };
}
