import type { MessageRecord, ReactionCount } from '../types.js';

/** @returns `value` as JSON with object keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) => {
    if (field === null || typeof field !== 'object' || Array.isArray(field)) return field;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(field).sort())
      sorted[key] = (field as Record<string, unknown>)[key];
    return sorted;
  });
}

/** @returns whether two records (or `null`s) hold the same message, field by field. */
export function sameRecord(a: MessageRecord | null, b: MessageRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.id === b.id &&
    a.channelId === b.channelId &&
    a.authorId === b.authorId &&
    a.content === b.content &&
    a.editedTimestamp === b.editedTimestamp &&
    a.pinned === b.pinned &&
    canonicalJson(a.embeds) === canonicalJson(b.embeds)
  );
}

/** @returns whether two pages hold the same records in the same order. */
export function samePage(a: readonly MessageRecord[], b: readonly MessageRecord[]): boolean {
  return a.length === b.length && a.every((record, i) => sameRecord(record, b[i]!));
}

/** @returns whether two reaction tallies are equal, emoji order included. */
export function sameCounts(a: readonly ReactionCount[], b: readonly ReactionCount[]): boolean {
  return (
    a.length === b.length &&
    a.every((count, i) => count.emoji === b[i]!.emoji && count.count === b[i]!.count)
  );
}

/** @returns whether two lists of ids are equal. */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
