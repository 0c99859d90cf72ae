import { runDemo } from '@guildkit/example-primitives-demo';
import { describe, expect, it } from 'vitest';

const FIXED_NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

let output: Promise<string[]> | undefined;

/** The demo's lines, from one run shared by the tests (the voice section takes a few seconds). */
function demoOutput(): Promise<string[]> {
  output ??= (async () => {
    const lines: string[] = [];
    await runDemo({ write: (line) => lines.push(line), clock: { now: () => FIXED_NOW } });
    return lines;
  })();
  return output;
}

describe('primitives demo', () => {
  it('prints three increasing ids stamped with the clock, worker 1, increments 0..2', async () => {
    const idLines = (await demoOutput()).filter((line) => / made /.test(line));
    expect(idLines).toHaveLength(3);
    const ids = idLines.map((line) => BigInt(line.trim().split(/\s+/)[0] ?? ''));
    ids.forEach((id, index) => {
      expect(Number(id >> 22n) + 1420070400000).toBe(FIXED_NOW);
      expect(Number((id >> 17n) & 31n)).toBe(1);
      expect(Number(id & 4095n)).toBe(index);
    });
    expect(idLines[0]).toContain('made 2026-01-02T03:04:05.678Z');
  });

  it('shows the announcement channel as Discord resolves it for each member', async () => {
    const lines = await demoOutput();
    expect(lines).toContain('  member     VIEW_CHANNEL, READ_MESSAGE_HISTORY');
    expect(lines).toContain(
      '  moderator  KICK_MEMBERS, VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, EMBED_LINKS, READ_MESSAGE_HISTORY',
    );
    expect(lines).toContain('  timed out  VIEW_CHANNEL, READ_MESSAGE_HISTORY');
    expect(lines).toContain('  moderator may kick member: true');
  });

  it('places guilds by (guild_id >> 22) % 16 and moves shards only to the added node', async () => {
    const lines = await demoOutput();
    for (const guildId of ['81384788765712384', '222078108977594368', '613425648685547541']) {
      const shard = Number((BigInt(guildId) >> 22n) % 16n);
      expect(lines).toContain(`  guild ${guildId} -> shard ${shard} of 16`);
    }
    const served = lines
      .filter((line) => / serves shards /.test(line))
      .flatMap((line) => (line.split(' serves shards ')[1] ?? '').split(', ').map(Number));
    expect(served.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(lines.some((line) => /adding gateway-d moved \d+ of 16 shards/.test(line))).toBe(true);
    expect(lines).toContain('  resharding 16 -> 32: shard 2 splits into 2 and 18');
  });

  it('puts two members in a voice channel on the allocated node; each hears the other in order and sees the speaking', async () => {
    const lines = await demoOutput();
    for (const name of ['alice', 'bob']) {
      expect(lines).toContain(
        `  ${name} joined voice on sfu-eu-1 (127.0.0.1): hello → joined → connected → produced`,
      );
    }
    expect(lines).toContain("  alice heard 25 of bob's 25 packets, in order");
    expect(lines).toContain("  bob heard 25 of alice's 25 packets, in order");
    expect(lines).toContain('  alice saw bob speaking: true then false');
  }, 20_000);
});
