/**
 * The speaking transitions between two audio-level reports of one router: who stopped (in the
 * order of `previous`), then who started (in the order of `next`).
 *
 * @param previous - the peers speaking after the last report.
 * @param next - the peers the new report finds speaking (empty for `silence`).
 * @returns `[peerId, false]` for each peer only in `previous`, then `[peerId, true]` for each only
 * in `next`.
 *
 * @example
 * ```ts
 * speakingChanges(new Set(['alice', 'bob']), new Set(['bob', 'carol']));
 * // [['alice', false], ['carol', true]]
 * ```
 */
export function speakingChanges(
  previous: ReadonlySet<string>,
  next: ReadonlySet<string>,
): Array<[peerId: string, speaking: boolean]> {
  const changes: Array<[string, boolean]> = [];
  for (const peerId of previous) if (!next.has(peerId)) changes.push([peerId, false]);
  for (const peerId of next) if (!previous.has(peerId)) changes.push([peerId, true]);
  return changes;
}
