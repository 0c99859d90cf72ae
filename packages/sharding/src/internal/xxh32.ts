const PRIME32_2 = 0x85eb_ca77;
const PRIME32_3 = 0xc2b2_ae3d;
const PRIME32_4 = 0x27d4_eb2f;
const PRIME32_5 = 0x1656_67b1;

/**
 * XXH32 (seed 0) of the 4-byte little-endian encoding of a 32-bit unsigned integer, inlined in
 * JS so a ring lookup does not cross into WebAssembly; a test pins it to xxhash-wasm's `h32Raw`.
 *
 * @param value - an integer in `[0, 2^32)`.
 * @returns the 32-bit hash, as an unsigned integer.
 */
export function xxh32OfUint32(value: number): number {
  let hash = (PRIME32_5 + 4) | 0;
  hash = (hash + Math.imul(value, PRIME32_3)) | 0;
  hash = Math.imul((hash << 17) | (hash >>> 15), PRIME32_4);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, PRIME32_2);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, PRIME32_3);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
