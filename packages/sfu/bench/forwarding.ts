import { availableParallelism, loadavg } from 'node:os';
import { ClientProcess, pinProcess } from './forwarding/client-process.js';
import { PACKET_INTERVAL_MS } from './forwarding/protocol.js';
import { type Row, table, verdict } from './forwarding/report.js';
import { allSpeakingRooms, directPair, oneSpeaker } from './forwarding/scenarios.js';

/**
 * @param name - an environment variable.
 * @param fallback - its default.
 * @returns its value as a positive number, else `fallback`.
 */
function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Forwarding capacity and added latency of the werift backend. The SFU (backend and rooms) runs
 * in this process; the clients run in one child process and send Opus-rate RTP (one
 * 80–160-byte packet per 20 ms per speaker) stamped with the send time, which every receiver
 * turns into a latency sample. With `taskset` the SFU is pinned to CPU 0 and the clients to
 * CPU 1, and only the SFU's CPU time counts as forwarding cost.
 *
 * Rows, with werift clients (as a browser would run them, audio level included): a direct werift
 * pair inside the client process (the floor), a room of 5 and rooms of 9 with everyone speaking
 * (one more room of 9 per row until a core saturates or packets are lost), one speaker heard by
 * 16, 32 and 64 listeners. Then rooms of 9 again with libdatachannel clients, whose SRTP runs in
 * native code: werift clients saturate their core before the SFU does, these let the sweep
 * reach the SFU's limit.
 *
 * Knobs: `GUILDKIT_SFU_BENCH_SECONDS` (sending window per row, default 4),
 * `GUILDKIT_SFU_BENCH_MAX_ROOMS` (rooms of 9 at most per sweep, default 8),
 * `GUILDKIT_SFU_BENCH_PIN=0` (no CPU pinning).
 *
 * @param seconds - the sending window per row.
 * @returns a Markdown section with the table and the verdicts.
 */
export async function forwardingBench(
  seconds = envNumber('GUILDKIT_SFU_BENCH_SECONDS', 4),
): Promise<string> {
  const maxRooms = envNumber('GUILDKIT_SFU_BENCH_MAX_ROOMS', 8);
  const loadBefore = loadavg()[0] ?? 0;
  const pin = process.env['GUILDKIT_SFU_BENCH_PIN'] !== '0' && availableParallelism() >= 2;
  const pinned = pin && pinProcess(process.pid, '0');
  const clients = new ClientProcess(pinned ? 1 : undefined);
  const rows: Row[] = [];
  try {
    rows.push(await directPair(clients, seconds));
    rows.push(...(await allSpeakingRooms(clients, 'werift', 5, 1, seconds)));
    rows.push(...(await allSpeakingRooms(clients, 'werift', 9, maxRooms, seconds)));
    rows.push(...(await oneSpeaker(clients, [16, 32, 64], seconds)));
    rows.push(...(await allSpeakingRooms(clients, 'libdatachannel', 9, maxRooms, seconds)));
  } finally {
    clients.stop();
    if (pinned) pinProcess(process.pid, `0-${availableParallelism() - 1}`);
  }
  const placement = pinned ? 'SFU pinned to CPU 0, clients to CPU 1' : 'processes not pinned';
  return [
    `### werift forwarding: Opus-rate speakers (one packet per ${PACKET_INTERVAL_MS} ms each), ${seconds} s per row`,
    '',
    `SFU in the bench process, clients in one child process, over 127.0.0.1; ${placement}; load average before the run ${loadBefore.toFixed(2)}.`,
    '',
    ...table(rows),
    '',
    verdict(rows, 'werift'),
    '',
    verdict(rows, 'libdatachannel'),
    '',
  ].join('\n');
}
