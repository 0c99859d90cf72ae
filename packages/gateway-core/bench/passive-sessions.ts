import { GatewayFanOut, GatewaySession, type SessionTransport } from '@guildkit/gateway-core';
import { ManualScheduler } from '@guildkit/testkit';
import { MESSAGE_CREATE } from './fixtures.js';

const GUILD_MESSAGES = 1 << 9;
const GUILDS = 1;
const PASSIVE_UPDATE_MS = 5000;

/** Bytes "written" by every socket, so no frame is optimized away. */
let written = 0;
const countingTransport: SessionTransport = {
  send: (text) => {
    written += text.length;
  },
  close: () => undefined,
};

interface Guild {
  readonly fanOut: GatewayFanOut;
  readonly scheduler: ManualScheduler;
  readonly drain: () => void;
}

/** A guild of `members` sessions; with `activeShare` < 1, passive sessions are on. */
function guild(members: number, activeShare: number): Guild {
  const guildId = String(MESSAGE_CREATE.guild_id);
  const slices: (() => void)[] = [];
  const scheduler = new ManualScheduler();
  const fanOut = new GatewayFanOut({
    scheduleSlice: (run) => slices.push(run),
    ...(activeShare < 1
      ? {
          passive: {
            largeGuildThreshold: 1000,
            passiveUpdateMs: PASSIVE_UPDATE_MS,
            scheduler,
          },
        }
      : {}),
  });
  const activeEvery = Math.round(1 / activeShare);
  for (let i = 0; i < members; i++) {
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
      intents: GUILDS | GUILD_MESSAGES,
      shard: [0, 1],
      guildIds: [guildId],
      replayCapacity: 100,
    });
    session.attach(countingTransport, 0);
    fanOut.add(session);
    if (i % activeEvery === 0) fanOut.activate(session, guildId);
  }
  const drain = (): void => {
    while (slices.length > 0) slices.shift()?.();
  };
  return { fanOut, scheduler, drain };
}

/** CPU time (user + system) of `fn`, in µs. */
function cpuMicros(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

function dispatchMessages(target: Guild, count: number): void {
  const guildId = String(MESSAGE_CREATE.guild_id);
  for (let n = 0; n < count; n++) {
    target.fanOut.dispatchToGuild(guildId, { t: 'MESSAGE_CREATE', d: MESSAGE_CREATE });
    target.drain();
  }
}

/**
 * CPU per guild MESSAGE_CREATE in a guild of `members` sessions: 90% passive (the message
 * reaches the 10% active sessions and the one it mentions; passive sessions get one
 * PASSIVE_UPDATE_V1 per 5 s) against every session active, in one process.
 *
 * @param members - sessions in the guild (default 100,000).
 * @returns a Markdown table.
 */
export function passiveSessionsBench(members = 100_000): string {
  const allActive = guild(members, 1);
  const passive = guild(members, 0.1);
  // Warm both paths up, then measure alternately so neither gets a cooler machine.
  dispatchMessages(allActive, 3);
  dispatchMessages(passive, 30);
  passive.scheduler.advance(PASSIVE_UPDATE_MS);
  passive.drain();
  const rounds = 5;
  let activeMicros = 0;
  let passiveMicros = 0;
  let flushMicros = 0;
  const activeDispatches = 10;
  const passiveDispatches = 100;
  for (let round = 0; round < rounds; round++) {
    activeMicros += cpuMicros(() => dispatchMessages(allActive, activeDispatches));
    passiveMicros += cpuMicros(() => dispatchMessages(passive, passiveDispatches));
    flushMicros += cpuMicros(() => {
      passive.scheduler.advance(PASSIVE_UPDATE_MS);
      passive.drain();
    });
  }
  const perActive = activeMicros / (rounds * activeDispatches);
  const perPassive = passiveMicros / (rounds * passiveDispatches);
  const perFlush = flushMicros / rounds;
  const lines = [
    `### passive sessions: CPU per guild MESSAGE_CREATE, ${members.toLocaleString('en-US')} sessions in one guild (ops = dispatches, each to all its sessions)`,
    '',
    '| configuration | CPU per dispatch | sessions reached | ÷ all active |',
    '| --- | ---: | ---: | ---: |',
    `| every session active | ${(perActive / 1000).toFixed(2)} ms | ${members.toLocaleString('en-US')} | 1.00 |`,
    `| 90% passive (message to the 10% active + 1 mentioned) | ${(perPassive / 1000).toFixed(3)} ms | ${(members / 10 + 1).toLocaleString('en-US')} | ${(perPassive / perActive).toFixed(3)} |`,
  ];
  for (const perSecond of [1, 10, 100]) {
    const perDispatch = perPassive + perFlush / (perSecond * (PASSIVE_UPDATE_MS / 1000));
    lines.push(
      `| 90% passive incl. its PASSIVE_UPDATE_V1 (one per 5 s) at ${perSecond} msg/s | ${(perDispatch / 1000).toFixed(3)} ms | | ${(perDispatch / perActive).toFixed(3)} |`,
    );
  }
  lines.push(
    '',
    `One PASSIVE_UPDATE_V1 to the ${((members * 9) / 10).toLocaleString('en-US')} passive sessions: ${(perFlush / 1000).toFixed(1)} ms CPU.`,
  );
  if (written < 0) throw new Error('unreachable');
  return `${lines.join('\n')}\n`;
}
