/**
 * The ring a user would write first: every virtual node in one array sorted by hash, and a
 * linear scan for the first point at or after the key.
 */
export class NaiveSortedArrayRing {
  readonly #points: { hash: number; node: string }[] = [];
  readonly #hash: (input: string) => number;

  constructor(hash: (input: string) => number, nodes: readonly string[], virtualNodes: number) {
    this.#hash = hash;
    for (const node of nodes) {
      for (let i = 0; i < virtualNodes; i++)
        this.#points.push({ hash: hash(`${node}#${i}`), node });
    }
    this.#points.sort((a, b) => a.hash - b.hash);
  }

  nodeForShard(shardId: number): string {
    const key = this.#hash(String(shardId));
    for (const point of this.#points) if (point.hash >= key) return point.node;
    return this.#points[0]!.node;
  }
}
