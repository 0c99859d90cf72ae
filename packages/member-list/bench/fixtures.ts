const DISCORD_EPOCH = 1_420_070_400_000n;
const FROM_MS = 1_451_606_400_000n; // 2016-01-01
const TO_MS = 1_735_689_600_000n; // 2025-01-01
const SYLLABLES = ['ka', 'mi', 'to', 'ra', 'zen', 'lu', 'no', 'shi', 'el', 'dar', 'vy', 'qu', 'ox'];
/** Sort groups: 0..4 hoisted roles (highest first), 5 online, 6 offline. */
export const ONLINE_GROUP = 5;
export const OFFLINE_GROUP = 6;

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

/** Member records in parallel arrays, indexed by slot, as the member list keeps them. */
export interface MemberRecords {
  /** Sort group per slot: hoisted roles first, then online, then offline. */
  readonly group: Int32Array;
  /** Lowercased display name per slot; popular names repeat thousands of times. */
  readonly name: string[];
  /** Snowflake user id per slot (17–19 decimal digits). */
  readonly id: string[];
}

function displayName(random: () => number): string {
  let name = '';
  const syllables = 1 + Math.floor(random() * 3);
  for (let i = 0; i < syllables; i++) name += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return random() < 0.3 ? `${name}${Math.floor(random() * 100)}` : name;
}

function sortGroup(random: () => number): number {
  const roll = random();
  if (roll < 0.01) return Math.floor(random() * ONLINE_GROUP);
  return roll < 0.2 ? ONLINE_GROUP : OFFLINE_GROUP;
}

/**
 * `count` members: 1% in five hoisted roles, 19% online, the rest offline; names drawn from a
 * small syllable alphabet so many members share a name (each one its own string, as if parsed
 * from JSON); user ids from creation times spread over 2016–2024.
 *
 * @param count - how many members.
 * @param seed - the PRNG seed.
 * @returns the records, slot `i` being member `i`.
 */
export function memberRecords(count: number, seed = 0x5eed): MemberRecords {
  const random = seededRandom(seed);
  const span = Number(TO_MS - FROM_MS);
  const group = new Int32Array(count);
  const name: string[] = [];
  const id: string[] = [];
  for (let slot = 0; slot < count; slot++) {
    group[slot] = sortGroup(random);
    name.push(displayName(random).split('').join(''));
    const createdAt = FROM_MS + BigInt(Math.floor(random() * span));
    const low = BigInt(Math.floor(random() * 4_194_304));
    id.push((((createdAt - DISCORD_EPOCH) << 22n) | low).toString());
  }
  return { group, name, id };
}

/**
 * The member list's order: group, then display name, then user id (shorter snowflakes are
 * smaller numbers, equal lengths compare as text).
 *
 * @param records - the member records.
 * @returns a strict total order over slots.
 */
export function memberComparator(records: MemberRecords): (a: number, b: number) => number {
  const { group, name, id } = records;
  return (a, b) => {
    const byGroup = group[a]! - group[b]!;
    if (byGroup !== 0) return byGroup;
    const nameA = name[a]!;
    const nameB = name[b]!;
    if (nameA !== nameB) return nameA < nameB ? -1 : 1;
    const idA = id[a]!;
    const idB = id[b]!;
    if (idA.length !== idB.length) return idA.length - idB.length;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
}

/**
 * The group a status change moves a member to: offline <-> online, or, for a hoisted member,
 * another hoisted role.
 *
 * @param current - the member's group now.
 * @param random - the PRNG.
 * @returns a different group.
 */
export function changedGroup(current: number, random: () => number): number {
  if (current === OFFLINE_GROUP) return ONLINE_GROUP;
  if (current === ONLINE_GROUP) return OFFLINE_GROUP;
  return (current + 1 + Math.floor(random() * (ONLINE_GROUP - 1))) % ONLINE_GROUP;
}
