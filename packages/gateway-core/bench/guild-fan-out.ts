import { GatewayFanOut, GatewaySession, type SessionTransport } from '@guildkit/gateway-core';
import { compareSideBySide, type MeasuredCase } from '@guildkit/testkit';
import { MESSAGE_CREATE } from './fixtures.js';

const GUILD_MESSAGES = 1 << 9;
const MESSAGE_CONTENT = 1 << 15;

/** Bytes "written" by every socket, so neither side's frames are optimized away. */
let written = 0;
const countingTransport: SessionTransport = {
  send: (text) => {
    written += Buffer.byteLength(text);
  },
  close: () => undefined,
};

interface NaiveSession {
  readonly intents: number;
  seq: number;
  readonly replay: string[];
}

/**
 * One guild MESSAGE_CREATE to every session of the guild, half of them without
 * MESSAGE_CONTENT: `GatewayFanOut.dispatchToGuild` (intents, the stripped variant built once,
 * per-session `s`, replay buffer, send) against the loop a naive server writes (intents, a
 * stripped copy and a `JSON.stringify` per session, a replay array of frame strings).
 *
 * @param sessions - how many sessions the guild has.
 * @returns the side-by-side rows.
 */
export async function guildFanOutRows(sessions: number): Promise<MeasuredCase[]> {
  const guildId = String(MESSAGE_CREATE.guild_id);
  // Slices run on later macrotasks; the bench runs them at once so a call is the whole fan-out.
  const slices: (() => void)[] = [];
  const fanOut = new GatewayFanOut({ scheduleSlice: (run) => slices.push(run) });
  const naive: NaiveSession[] = [];
  for (let i = 0; i < sessions; i++) {
    const intents = GUILD_MESSAGES | (i % 2 === 0 ? MESSAGE_CONTENT : 0);
    const session = new GatewaySession({
      sessionId: `s${i}`,
      token: 't',
      user: {
        id: String(10_000 + i),
        username: `u${i}`,
        discriminator: '0',
        global_name: null,
        avatar: null,
      },
      intents,
      shard: [0, 1],
      guildIds: [guildId],
      replayCapacity: 100,
    });
    session.attach(countingTransport, 0);
    fanOut.add(session);
    naive.push({ intents, seq: 0, replay: [] });
  }
  return compareSideBySide({
    ours: {
      name: '@guildkit/gateway-core GatewayFanOut.dispatchToGuild',
      fn: () => {
        fanOut.dispatchToGuild(guildId, { t: 'MESSAGE_CREATE', d: MESSAGE_CREATE });
        while (slices.length > 0) slices.shift()?.();
      },
    },
    peers: [
      {
        name: 'naive loop: intents, stripped copy + JSON.stringify per session',
        fn: () => {
          for (const session of naive) {
            if ((session.intents & GUILD_MESSAGES) === 0) continue;
            const d =
              (session.intents & MESSAGE_CONTENT) === 0
                ? { ...MESSAGE_CREATE, content: '', embeds: [], attachments: [], components: [] }
                : MESSAGE_CREATE;
            const frame = JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s: ++session.seq, d });
            if (session.replay.push(frame) > 100) session.replay.shift();
            countingTransport.send(frame);
          }
        },
      },
    ],
    opsPerCall: sessions,
  }).finally(() => {
    if (written < 0) throw new Error('unreachable');
  });
}
