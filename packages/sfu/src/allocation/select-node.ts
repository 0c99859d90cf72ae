/** What {@link selectNode} needs to know about one node. */
export interface PlacementCandidate {
  /** The node's id; the final tie-break. */
  readonly id: string;
  /** The node's region. */
  readonly region: string;
  /** Most participants the node takes. */
  readonly capacity: number;
  /** Participants the node carries now (reported plus placed since its last report). */
  readonly participants: number;
  /** Whether the node takes new channels (live and not draining). */
  readonly accepting: boolean;
}

/**
 * Picks a node for a channel of `need` participants: among accepting nodes with room
 * (`participants + need <= capacity`), those of `region` when any has room, else all of them;
 * then the least loaded (`participants / capacity`), ties by id. Pure: the registry feeds it.
 *
 * @param candidates - the nodes to choose from.
 * @param need - participants the channel brings.
 * @param region - the preferred region, if any.
 * @returns the chosen node, or `undefined` when no accepting node has room.
 */
export function selectNode<T extends PlacementCandidate>(
  candidates: Iterable<T>,
  need: number,
  region: string | undefined,
): T | undefined {
  let bestInRegion: T | undefined;
  let bestAnywhere: T | undefined;
  for (const candidate of candidates) {
    if (!candidate.accepting || candidate.participants + need > candidate.capacity) continue;
    if (bestAnywhere === undefined || lessLoaded(candidate, bestAnywhere)) bestAnywhere = candidate;
    if (
      candidate.region === region &&
      (bestInRegion === undefined || lessLoaded(candidate, bestInRegion))
    ) {
      bestInRegion = candidate;
    }
  }
  return bestInRegion ?? bestAnywhere;
}

function lessLoaded(a: PlacementCandidate, b: PlacementCandidate): boolean {
  // Cross-multiplied so equal ratios compare equal without floating-point noise.
  const left = a.participants * b.capacity;
  const right = b.participants * a.capacity;
  if (left !== right) return left < right;
  return a.id < b.id;
}
