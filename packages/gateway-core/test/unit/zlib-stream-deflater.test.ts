import { constants, createInflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ZlibStreamDeflater } from '../../src/zlib-stream-deflater.js';

const SYNC_FLUSH_SUFFIX = Buffer.from([0x00, 0x00, 0xff, 0xff]);

const TEXTS = [
  '{"op":10,"d":{"heartbeat_interval":41250}}',
  '{"op":0,"t":"MESSAGE_CREATE","s":1,"d":{"content":"héllo wörld, 你好, 👋🏽"}}',
  JSON.stringify({ op: 0, t: 'BIG', s: 2, d: 'x'.repeat(100 * 1024) }),
  '{"op":11}',
  '',
];

/** A deflater whose output a test can wait for. */
function collectingDeflater() {
  const messages: Buffer[] = [];
  const deflater = new ZlibStreamDeflater((bytes) => messages.push(bytes));
  const idle = (): Promise<void> => new Promise((resolve) => deflater.whenIdle(resolve));
  return { deflater, messages, idle };
}

/** Inflates each message with one shared zlib context, as a zlib-stream client does. */
async function inflateEach(messages: readonly Buffer[]): Promise<string[]> {
  const inflate = createInflate();
  let pending: Buffer[] = [];
  inflate.on('data', (chunk: Buffer) => pending.push(chunk));
  const texts: string[] = [];
  for (const message of messages) {
    inflate.write(message);
    await new Promise<void>((resolve) => inflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    texts.push(Buffer.concat(pending).toString('utf8'));
    pending = [];
  }
  inflate.close();
  return texts;
}

/** Inflates the concatenation of all messages in one write. */
async function inflateAll(messages: readonly Buffer[]): Promise<string> {
  const inflate = createInflate();
  const chunks: Buffer[] = [];
  inflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  inflate.write(Buffer.concat(messages));
  await new Promise<void>((resolve) => inflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  inflate.close();
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves after another deflater round trip, i.e. once zlib work queued before it had a turn. */
async function zlibRoundTrip(): Promise<void> {
  const { deflater, messages, idle } = collectingDeflater();
  deflater.push('barrier');
  await idle();
  expect(messages).toHaveLength(1);
  deflater.close();
}

describe('ZlibStreamDeflater', () => {
  it('emits one message per push, in order, each ending with 00 00 ff ff', async () => {
    const { deflater, messages, idle } = collectingDeflater();
    for (const text of TEXTS) deflater.push(text);
    await idle();
    expect(messages).toHaveLength(TEXTS.length);
    for (const message of messages) {
      expect(message.subarray(-4)).toEqual(SYNC_FLUSH_SUFFIX);
    }
    deflater.close();
  });

  it('inflates message by message, on one context, to exactly the pushed texts', async () => {
    const { deflater, messages, idle } = collectingDeflater();
    for (const text of TEXTS) deflater.push(text);
    await idle();
    expect(await inflateEach(messages)).toEqual(TEXTS);
    deflater.close();
  });

  it('inflates the concatenation in one Inflate stream to all the texts', async () => {
    const { deflater, messages, idle } = collectingDeflater();
    for (const text of TEXTS) deflater.push(text);
    await idle();
    expect(await inflateAll(messages)).toBe(TEXTS.join(''));
    deflater.close();
  });

  it('keeps one zlib context across idle periods: later messages inflate after earlier ones', async () => {
    const { deflater, messages, idle } = collectingDeflater();
    deflater.push(TEXTS[0] ?? '');
    await idle();
    deflater.push(TEXTS[1] ?? '');
    deflater.push(TEXTS[0] ?? '');
    await idle();
    expect(await inflateEach(messages)).toEqual([TEXTS[0], TEXTS[1], TEXTS[0]]);
    deflater.close();
  });

  it('counts pushed UTF-8 bytes as pending until they are compressed', async () => {
    const { deflater, idle } = collectingDeflater();
    expect(deflater.pendingBytes).toBe(0);
    deflater.push('héllo');
    deflater.push('👋');
    // 'héllo' is 6 bytes (é is 2), '👋' is 4.
    expect(deflater.pendingBytes).toBe(10);
    await idle();
    expect(deflater.pendingBytes).toBe(0);
    deflater.close();
  });

  it('calls whenIdle back at once when nothing is pending', () => {
    const { deflater } = collectingDeflater();
    let called = 0;
    deflater.whenIdle(() => {
      called += 1;
    });
    expect(called).toBe(1);
    deflater.close();
  });

  it('calls whenIdle back only after every message pushed before it was delivered', async () => {
    const { deflater, messages } = collectingDeflater();
    for (const text of TEXTS) deflater.push(text);
    const seenAtIdle = await new Promise<number>((resolve) =>
      deflater.whenIdle(() => resolve(messages.length)),
    );
    expect(seenAtIdle).toBe(TEXTS.length);
    deflater.close();
  });

  it('calls every pending whenIdle callback once', async () => {
    const { deflater, messages } = collectingDeflater();
    deflater.push(TEXTS[2] ?? '');
    const calls: string[] = [];
    const both = Promise.all([
      new Promise<void>((resolve) =>
        deflater.whenIdle(() => {
          calls.push(`first after ${messages.length}`);
          resolve();
        }),
      ),
      new Promise<void>((resolve) =>
        deflater.whenIdle(() => {
          calls.push(`second after ${messages.length}`);
          resolve();
        }),
      ),
    ]);
    await both;
    await zlibRoundTrip();
    expect(calls).toEqual(['first after 1', 'second after 1']);
    deflater.close();
  });

  it('stops output on close: queued messages are dropped and later pushes ignored', async () => {
    const { deflater, messages } = collectingDeflater();
    for (const text of TEXTS) deflater.push(text);
    deflater.close();
    deflater.push('after close');
    expect(deflater.pendingBytes).toBe(0);
    await zlibRoundTrip();
    await zlibRoundTrip();
    expect(messages).toEqual([]);
  });

  it('stops output when closed from its own callback, after the first message', async () => {
    const messages: Buffer[] = [];
    const deflater = new ZlibStreamDeflater((bytes) => {
      messages.push(bytes);
      deflater.close();
    });
    for (const text of TEXTS) deflater.push(text);
    await zlibRoundTrip();
    await zlibRoundTrip();
    expect(messages).toHaveLength(1);
    expect(await inflateEach(messages)).toEqual([TEXTS[0]]);
  });

  it('releases whenIdle callbacks waiting when it closes, and answers at once afterwards', () => {
    const { deflater } = collectingDeflater();
    deflater.push(TEXTS[2] ?? '');
    const calls: string[] = [];
    deflater.whenIdle(() => calls.push('pending'));
    expect(calls).toEqual([]);
    deflater.close();
    expect(calls).toEqual(['pending']);
    deflater.whenIdle(() => calls.push('after close'));
    expect(calls).toEqual(['pending', 'after close']);
    deflater.close();
  });
});
