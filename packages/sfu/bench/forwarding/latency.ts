/** A growable list of latency samples in milliseconds, with percentiles. */
export class LatencySamples {
  #values = new Float64Array(4096);
  #length = 0;

  /** Samples recorded so far. */
  get count(): number {
    return this.#length;
  }

  /** @param ms - one sample. */
  add(ms: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = ms;
  }

  /**
   * @param percents - percentiles to read, e.g. `[50, 99, 100]`.
   * @returns each percentile by the nearest-rank method, `NaN` without samples.
   */
  percentiles(percents: readonly number[]): number[] {
    const sorted = this.#values.slice(0, this.#length).sort();
    return percents.map((p) => {
      if (sorted.length === 0) return Number.NaN;
      const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
      return sorted[rank - 1] ?? Number.NaN;
    });
  }
}
