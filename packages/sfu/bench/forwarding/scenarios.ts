import { setTimeout as sleep } from 'node:timers/promises';
import { WeriftMediaBackend, type WeriftMediaRoom } from '../../src/werift.js';
import { LOOPBACK_PEER_CONFIG } from '../../test/support/werift-client.js';
import type { ClientProcess } from './client-process.js';
import type { ClientStack, RunStream } from './protocol.js';
import {
  clientPercent,
  LOSS_BUDGET,
  loss,
  progress,
  type Row,
  SATURATED_PERCENT,
  sfuPercent,
} from './report.js';

const DRAIN_MS = 300;
const SETTLE_MS = 500;

/** Rooms on one backend whose participants live in the client process. */
class Rooms {
  readonly #backend: WeriftMediaBackend;
  readonly #clients: ClientProcess;
  readonly #stack: ClientStack;
  readonly #ids: string[] = [];

  constructor(slots: number, clients: ClientProcess, stack: ClientStack) {
    this.#backend = new WeriftMediaBackend({ peerConfig: LOOPBACK_PEER_CONFIG, slots });
    this.#clients = clients;
    this.#stack = stack;
  }

  async create(channelId: string): Promise<WeriftMediaRoom> {
    return this.#backend.createRoom(channelId);
  }

  /**
   * Joins `ids` one after another (each answering in the client process) and waits until all
   * are connected and settled.
   *
   * @param room - a room of this backend.
   * @param ids - new participants.
   */
  async join(room: WeriftMediaRoom, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const { offer } = await room.join(id, {});
      await room.connect(id, { answer: await this.#clients.answer(id, offer, this.#stack) });
      await room.produce(id, { kind: 'audio' });
      this.#ids.push(id);
    }
    await this.#clients.connected(ids);
    await sleep(SETTLE_MS);
  }

  async close(): Promise<void> {
    await this.#backend.close();
    await this.#clients.close(this.#ids);
  }
}

const participants = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}p${i}`);

/**
 * @param clients - the client process.
 * @param seconds - the sending window.
 * @returns the floor: a direct werift pair inside the client process.
 */
export async function directPair(clients: ClientProcess, seconds: number): Promise<Row> {
  return progress({
    setup: 'direct werift peer to peer (the floor)',
    stack: 'werift',
    speakers: 1,
    listeners: 1,
    run: await clients.direct(seconds, DRAIN_MS),
    throughSfu: false,
  });
}

/**
 * Rooms of `size`, everyone speaking, one more room per row until a core saturates, packets
 * are lost or `maxRooms` is reached.
 *
 * @param clients - the client process.
 * @param stack - the clients' WebRTC stack.
 * @param size - participants per room.
 * @param maxRooms - rooms at most.
 * @param seconds - the sending window per row.
 * @returns one row per room count.
 */
export async function allSpeakingRooms(
  clients: ClientProcess,
  stack: ClientStack,
  size: number,
  maxRooms: number,
  seconds: number,
): Promise<Row[]> {
  const rooms = new Rooms(size - 1, clients, stack);
  const rows: Row[] = [];
  const streams: RunStream[] = [];
  try {
    for (let count = 1; count <= maxRooms; count++) {
      const prefix = `${stack}-${size}-${count}-`;
      const ids = participants(prefix, size);
      await rooms.join(await rooms.create(`${prefix}room`), ids);
      streams.push(...ids.map((speakerId) => ({ speakerId, listeners: size - 1 })));
      const row = progress({
        setup: `${count} room${count === 1 ? '' : 's'} of ${size}, all speaking`,
        stack,
        speakers: streams.length,
        listeners: size - 1,
        run: await clients.run(streams, seconds, DRAIN_MS),
        throughSfu: true,
      });
      rows.push(row);
      const { run } = row;
      const saturated =
        sfuPercent(run) >= SATURATED_PERCENT || clientPercent(run) >= SATURATED_PERCENT;
      if (saturated || loss(run) > LOSS_BUDGET) break;
    }
  } finally {
    await rooms.close();
  }
  return rows;
}

/**
 * One speaker heard by a growing room of listeners (werift clients).
 *
 * @param clients - the client process.
 * @param listenerCounts - listeners per row, ascending.
 * @param seconds - the sending window per row.
 * @returns one row per listener count.
 */
export async function oneSpeaker(
  clients: ClientProcess,
  listenerCounts: readonly number[],
  seconds: number,
): Promise<Row[]> {
  const largest = Math.max(...listenerCounts);
  const rooms = new Rooms(largest, clients, 'werift');
  const rows: Row[] = [];
  try {
    const room = await rooms.create('fan-room');
    await rooms.join(room, ['fan-speaker']);
    let joined = 0;
    for (const listeners of listenerCounts) {
      await rooms.join(room, participants('fan-', listeners).slice(joined));
      joined = listeners;
      rows.push(
        progress({
          setup: `1 room: 1 speaker, ${listeners} listening (slots ${largest})`,
          stack: 'werift',
          speakers: 1,
          listeners,
          run: await clients.run([{ speakerId: 'fan-speaker', listeners }], seconds, DRAIN_MS),
          throughSfu: true,
        }),
      );
    }
  } finally {
    await rooms.close();
  }
  return rows;
}
