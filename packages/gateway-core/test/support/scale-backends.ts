/**
 * The shared state of a multi-node test, on the machine's Redis or NATS: names unique to one
 * test (so concurrent runs on the shared servers stay apart), each node's session store and
 * event bus on its own connections (as separate processes would have), and cleanup. It loads
 * no test framework, so a node in a child process (sigkill-node.ts) opens its parts here too.
 */
import { randomUUID } from 'node:crypto';
import type { EventBus, SessionStore } from '@guildkit/gateway-core';
import { JetStreamSessionStore, NatsEventBus } from '@guildkit/gateway-core/nats';
import { RedisEventBus, RedisStreamsSessionStore } from '@guildkit/gateway-core/redis';
import { NATS, REDIS } from '@guildkit/testkit';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from 'nats';
import type { ScaleBackend } from './scale-scenario.js';

/** Where one test's shared state lives, as any process opens it. */
export type ScaleBackendConfig = {
  readonly host: string;
  readonly port: number;
  readonly ttlMs: number;
} & (
  | { readonly backend: 'redis'; readonly keyPrefix: string; readonly channelPrefix: string }
  | {
      readonly backend: 'nats';
      readonly stream: string;
      readonly sessionSubjectPrefix: string;
      readonly bucket: string;
      readonly guildSubjectPrefix: string;
    }
);

/** A {@link ScaleBackend} whose `config` lets another process open the same store and bus. */
export interface ConfiguredScaleBackend extends ScaleBackend {
  readonly config: ScaleBackendConfig;
}

/**
 * Fresh names for one test.
 *
 * @param backend - the service.
 * @param label - part of every name, to tell tests apart when inspecting the server.
 */
export function scaleBackendConfig(backend: 'redis' | 'nats', label: string): ScaleBackendConfig {
  const id = randomUUID().replaceAll('-', '');
  if (backend === 'redis')
    return {
      backend,
      host: REDIS.host,
      port: REDIS.port,
      ttlMs: 60_000,
      keyPrefix: `guildkit-test:${label}:${id}:`,
      channelPrefix: `guildkit-test:${label}-guild:${id}:`,
    };
  return {
    backend,
    host: NATS.host,
    port: NATS.port,
    ttlMs: 60_000,
    stream: `GK_TEST_${label.toUpperCase()}_${id}`,
    sessionSubjectPrefix: `guildkit-test.${label}.${id}.session`,
    bucket: `gk_test_${label}_${id}`,
    guildSubjectPrefix: `guildkit-test.${label}.${id}.guild`,
  };
}

/** Something opened on its own connection, and how to close both. */
interface Opened<T> {
  readonly value: T;
  close(): Promise<void>;
}

async function natsConnection(config: ScaleBackendConfig): Promise<NatsConnection> {
  return connect({ servers: `${config.host}:${config.port}` });
}

async function openStore(config: ScaleBackendConfig): Promise<Opened<SessionStore>> {
  if (config.backend === 'redis') {
    const client = new Redis({ host: config.host, port: config.port });
    const store = new RedisStreamsSessionStore({
      client,
      keyPrefix: config.keyPrefix,
      ttlMs: config.ttlMs,
    });
    const close = async (): Promise<void> => {
      await store.close();
      await client.quit();
    };
    return { value: store, close };
  }
  const connection = await natsConnection(config);
  const store = await JetStreamSessionStore.open({
    connection,
    stream: config.stream,
    subjectPrefix: config.sessionSubjectPrefix,
    bucket: config.bucket,
    ttlMs: config.ttlMs,
  });
  const close = async (): Promise<void> => {
    await store.close();
    await connection.close();
  };
  return { value: store, close };
}

async function openBus(config: ScaleBackendConfig, nodeId: string): Promise<Opened<EventBus>> {
  if (config.backend === 'redis') {
    const publisher = new Redis({ host: config.host, port: config.port });
    const subscriber = new Redis({ host: config.host, port: config.port });
    const bus = new RedisEventBus({
      nodeId,
      publisher,
      subscriber,
      channelPrefix: config.channelPrefix,
    });
    return {
      value: bus,
      close: async () => {
        await bus.close();
        await Promise.all([publisher.quit(), subscriber.quit()]);
      },
    };
  }
  const connection = await natsConnection(config);
  const bus = new NatsEventBus({ nodeId, connection, subjectPrefix: config.guildSubjectPrefix });
  const close = async (): Promise<void> => {
    await bus.close();
    await connection.close();
  };
  return { value: bus, close };
}

/**
 * Opens one node's session store and event bus, each on its own connection.
 *
 * @returns the parts, and a function that closes them and their connections.
 */
export async function openNodeParts(
  config: ScaleBackendConfig,
  nodeId: string,
): Promise<{ store: SessionStore; bus: EventBus; close(): Promise<void> }> {
  const store = await openStore(config);
  const bus = await openBus(config, nodeId);
  return {
    store: store.value,
    bus: bus.value,
    close: async () => {
      await bus.close();
      await store.close();
    },
  };
}

/** Deletes what a test left on the server: its keys, or its stream and bucket. */
async function removeNames(config: ScaleBackendConfig): Promise<void> {
  if (config.backend === 'redis') {
    const client = new Redis({ host: config.host, port: config.port });
    const keys = await client.keys(`${config.keyPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
    return;
  }
  const connection = await natsConnection(config);
  const jsm = await connection.jetstreamManager();
  await jsm.streams.delete(config.stream).catch(() => false);
  await jsm.streams.delete(`KV_${config.bucket}`).catch(() => false);
  await connection.close();
}

/**
 * The backend of a multi-node test: nodes and an observer store on their own connections;
 * `teardown` closes them all and removes the test's names from the server.
 *
 * @param config - from {@link scaleBackendConfig}.
 */
export function scaleBackend(config: ScaleBackendConfig): ConfiguredScaleBackend {
  const closers: (() => Promise<void>)[] = [];
  return {
    config,
    async node(nodeId) {
      const parts = await openNodeParts(config, nodeId);
      closers.push(parts.close);
      return { store: parts.store, bus: parts.bus };
    },
    async observer() {
      const store = await openStore(config);
      closers.push(store.close);
      return store.value;
    },
    async teardown() {
      for (const close of closers) await close();
      await removeNames(config);
    },
  };
}
