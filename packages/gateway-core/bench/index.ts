import { decodeInboundFrame, prepareDispatch } from '@guildkit/gateway-core';
import { compareSideBySide, formatComparisonTable, isTcpReachable } from '@guildkit/testkit';
import { INBOUND_FRAMES, MESSAGE_CREATE } from './fixtures.js';
import { guildFanOutRows } from './guild-fan-out.js';
import { loadBench } from './load/index.js';
import { passiveSessionsBench } from './passive-sessions.js';
import { sessionStoreBench } from './session-store.js';

const SESSIONS = 10_000;

async function fanOutBench(): Promise<string> {
  // Each session has its own sequence; offsets make the numbers realistic (several digits).
  // Both sides measure the UTF-8 length of every frame: that flattens V8's concatenation
  // ropes, as a socket write must, so the cheap `+` is not measured as free.
  const seqs = Array.from({ length: SESSIONS }, (_, i) => 1_000 + ((i * 7919) % 90_000));
  let sink = 0;
  const rows = await compareSideBySide({
    ours: {
      name: '@guildkit/gateway-core prepareDispatch once + frame(seq) per session',
      fn: () => {
        const prepared = prepareDispatch('MESSAGE_CREATE', MESSAGE_CREATE);
        for (const seq of seqs) sink += Buffer.byteLength(prepared.frame(seq));
      },
    },
    peers: [
      {
        name: 'JSON.stringify({ op, t, s, d }) per session',
        fn: () => {
          for (const seq of seqs) {
            sink += Buffer.byteLength(
              JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s: seq, d: MESSAGE_CREATE }),
            );
          }
        },
      },
    ],
    opsPerCall: SESSIONS,
  });
  if (sink < 0) throw new Error('unreachable');
  const bytes = JSON.stringify(MESSAGE_CREATE).length;
  return formatComparisonTable(
    `fan-out: frames of one MESSAGE_CREATE (${bytes} B payload) for ${SESSIONS} sessions, ops = frames (each frame's bytes counted)`,
    rows,
  );
}

async function inboundBench(): Promise<string> {
  const frames = Array.from({ length: 64 }, (_, i) => INBOUND_FRAMES[i % INBOUND_FRAMES.length]!);
  let sink = 0;
  const rows = await compareSideBySide({
    ours: {
      name: '@guildkit/gateway-core decodeInboundFrame (size, JSON, shape validation)',
      fn: () => {
        for (const frame of frames) {
          const result = decodeInboundFrame(frame);
          sink += result.ok ? result.frame.op : result.closeCode;
        }
      },
    },
    peers: [
      {
        name: 'JSON.parse + switch on op (no validation)',
        fn: () => {
          for (const frame of frames) {
            const parsed = JSON.parse(frame) as { op: number; d: unknown };
            switch (parsed.op) {
              case 1:
              case 2:
              case 3:
              case 4:
              case 6:
              case 8:
              case 14:
                sink += parsed.op;
                break;
              default:
                sink += 4001;
            }
          }
        },
      },
    ],
    opsPerCall: frames.length,
  });
  if (sink < 0) throw new Error('unreachable');
  return formatComparisonTable(
    'inbound frames: heartbeat, identify, presence, member request, resume, lazy request mix',
    rows,
  );
}

async function guildFanOutBench(): Promise<string> {
  return formatComparisonTable(
    `guild fan-out: one MESSAGE_CREATE to ${SESSIONS} sessions of a guild, half without MESSAGE_CONTENT, ops = sessions reached`,
    await guildFanOutRows(SESSIONS),
  );
}

process.stdout.write(`${await fanOutBench()}\n`);
process.stdout.write(`${await guildFanOutBench()}\n`);
process.stdout.write(`${await inboundBench()}\n`);
process.stdout.write(`${passiveSessionsBench()}\n`);
if ((await isTcpReachable('127.0.0.1', 6379)) && (await isTcpReachable('127.0.0.1', 4222))) {
  process.stdout.write(`${await sessionStoreBench()}\n`);
} else {
  process.stdout.write(
    'Redis (6379) or NATS (4222) is not reachable: the session-store bench is left out.\n',
  );
}
if (process.env['GUILDKIT_LOAD_BENCH'] === '1') {
  process.stdout.write(`${await loadBench()}\n`);
} else {
  process.stdout.write(
    'The load benchmark (separate processes, 10,000 sessions by default) runs with GUILDKIT_LOAD_BENCH=1; see bench/load/index.ts.\n',
  );
}
