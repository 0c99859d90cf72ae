const DISCORD_EPOCH = 1_420_070_400_000n;
const FROM_MS = 1_451_606_400_000n; // 2016-01-01
const TO_MS = 1_735_689_600_000n; // 2025-01-01

/** A small deterministic PRNG (mulberry32) so every run measures the same fixture. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Realistic guild ids: creation times spread over 2016–2024, random worker/process/increment
 * bits, so 18 and 19 digits as on Discord today.
 *
 * @param count - how many ids.
 * @returns decimal strings.
 */
export function guildIdFixture(count: number): string[] {
  const random = seededRandom(0x5eed);
  const span = Number(TO_MS - FROM_MS);
  return Array.from({ length: count }, () => {
    const createdAt = FROM_MS + BigInt(Math.floor(random() * span));
    const low = BigInt(Math.floor(random() * 4_194_304));
    return (((createdAt - DISCORD_EPOCH) << 22n) | low).toString();
  });
}
