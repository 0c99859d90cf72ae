/** A receive slot as the reclaim policy sees it. */
export interface ReclaimableSlot {
  /** The source it carries, or `null` when free. */
  readonly sourcePeerId: string | null;
}

/**
 * Picks the slot a newly voiced source takes in a listener's session, for rooms with more
 * participants than a session has slots ("last N speakers"): a free slot first, else the slot
 * whose source has been silent longest, provided it has been silent for at least `holdMs`, so
 * that nobody who is talking loses their slot.
 *
 * @param slots - the listener's slots.
 * @param lastVoicedAt - when a source last sent voice, or `undefined` if never.
 * @param now - the current time, on the same clock.
 * @param holdMs - how long a silent source keeps its slot.
 * @returns the index of the slot to take, or `undefined` when every source is still talking.
 *
 * @example
 * ```ts
 * const index = slotToReclaim(peer.slots, (id) => lastVoiced.get(id), clock.now(), 200);
 * ```
 */
export function slotToReclaim(
  slots: readonly ReclaimableSlot[],
  lastVoicedAt: (peerId: string) => number | undefined,
  now: number,
  holdMs: number,
): number | undefined {
  let best: number | undefined;
  let bestAt = Number.POSITIVE_INFINITY;
  for (let index = 0; index < slots.length; index++) {
    const source = slots[index]?.sourcePeerId;
    if (source === null || source === undefined) return index;
    const at = lastVoicedAt(source) ?? Number.NEGATIVE_INFINITY;
    if (now - at >= holdMs && at < bestAt) {
      best = index;
      bestAt = at;
    }
  }
  return best;
}
