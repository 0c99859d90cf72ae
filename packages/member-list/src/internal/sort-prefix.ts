import { foldTable } from './collation.js';

/** Float64 words per slot in a sort-prefix array. */
export const SORT_PREFIX_WORDS = 2;

/** Bytes packed into one word: 48 bits, well inside a double's exact integer range. */
const BYTES_PER_WORD = 6;
const PREFIX_BYTES = SORT_PREFIX_WORDS * BYTES_PER_WORD;
/**
 * Folded units below this take one byte (their value); the others take three: this byte, then
 * the unit's high and low bytes. The code is prefix-free and keeps the order of the units.
 */
const ESCAPE = 0xff;

const scratch = new Uint8Array(PREFIX_BYTES);

/**
 * Writes the sort prefix of `name` into `words[at]`, `words[at + 1]`: the first 12 bytes of its
 * folded code units (see {@link foldTable}) in an order-preserving byte code, zero-padded, six
 * bytes per word.
 *
 * Comparing two prefixes word by word agrees with `compareFolded` whenever they differ: the
 * first differing byte is either a real byte of both names, which decides their order, or the
 * end of the shorter name's code, which `compareFolded` also sorts first. Equal prefixes decide
 * nothing; the caller then compares the full names.
 *
 * @param name - a display name.
 * @param words - the prefix array.
 * @param at - the index of the slot's first word.
 */
export function writeSortPrefix(name: string, words: Float64Array, at: number): void {
  const table = foldTable();
  scratch.fill(0);
  let length = 0;
  for (let i = 0; i < name.length && length < PREFIX_BYTES; i++) {
    const unit = table[name.charCodeAt(i)]!;
    if (unit < ESCAPE) {
      scratch[length++] = unit;
    } else {
      scratch[length++] = ESCAPE;
      if (length < PREFIX_BYTES) scratch[length++] = unit >>> 8;
      if (length < PREFIX_BYTES) scratch[length++] = unit & 0xff;
    }
  }
  for (let word = 0; word < SORT_PREFIX_WORDS; word++) {
    let value = 0;
    const first = word * BYTES_PER_WORD;
    for (let byte = first; byte < first + BYTES_PER_WORD; byte++)
      value = value * 256 + scratch[byte]!;
    words[at + word] = value;
  }
}
