import { joinHalves } from './halves.js';

const SLOTS = 64;
const SHIFT = 26; // 32 - log2(SLOTS)

/**
 * A small direct-mapped table of recently built permission bigints. Members of one guild
 * mostly share a handful of permission sets, and reusing an immutable bigint is cheaper than
 * allocating one. Every slot starts as (0, 0) -> 0n, so lookups need no emptiness check.
 */
export class BigIntInterner {
  readonly #lo = new Int32Array(SLOTS);
  readonly #hi = new Int32Array(SLOTS);
  readonly #values: bigint[] = new Array<bigint>(SLOTS).fill(0n);

  get(lo: number, hi: number): bigint {
    const slot = Math.imul(lo ^ Math.imul(hi, 0x85eb_ca6b), 0x9e37_79b1) >>> SHIFT;
    if (this.#lo[slot] === lo && this.#hi[slot] === hi) return this.#values[slot]!;
    const value = joinHalves(lo, hi);
    this.#lo[slot] = lo;
    this.#hi[slot] = hi;
    this.#values[slot] = value;
    return value;
  }
}
