import { GatewayMetrics } from '@guildkit/gateway-core/metrics';
import { ManualScheduler } from '@guildkit/testkit';
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { MemoryEventBus, MemoryEventHub } from '../../src/bus/index.js';
import { prepareDispatch } from '../../src/dispatch-frame.js';
import { GatewayError, GatewayErrorCode } from '../../src/errors.js';
import { GatewaySession, type SessionTransport } from '../../src/gateway-session.js';
import { PresenceTracker } from '../../src/presence/presence-tracker.js';
import { envelopeText, GUILD_A } from '../support/bus-conformance.js';
import { TOKEN, USER } from '../support/harness.js';

const P = 'guildkit_gateway_';

/** The value of one series (`name{labels}`) in Prometheus text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf(' ');
    if (!line.startsWith('#') && line.slice(0, at) === series) return Number(line.slice(at + 1));
  }
  return undefined;
}

function session(): GatewaySession {
  return new GatewaySession({
    sessionId: 's1',
    token: TOKEN,
    user: USER,
    intents: 513,
    shard: [0, 1],
  });
}

/** A transport whose queue is always above the low-priority threshold (256 KiB). */
const congested: SessionTransport = {
  send: () => undefined,
  close: () => undefined,
  bufferedBytes: () => 300 * 1024,
};

describe('GatewayMetrics', () => {
  it('renders recorded socket facts as Prometheus counters with exact values', async () => {
    const metrics = new GatewayMetrics();
    metrics.recordConnectionOpened();
    metrics.recordConnectionOpened();
    metrics.recordConnectionClosed(4004);
    metrics.recordConnectionClosed(1000);
    metrics.recordConnectionClosed(4004);
    metrics.recordFrameSent('dispatch', 120);
    metrics.recordFrameSent('dispatch', 80);
    metrics.recordFrameSent('control', 11);
    metrics.recordResumeRejected();

    const text = await metrics.metrics();
    expect(text).toContain(`# TYPE ${P}connections_closed_total counter`);
    expect(sample(text, `${P}connections_opened_total`)).toBe(2);
    expect(sample(text, `${P}connections_closed_total{code="4004"}`)).toBe(2);
    expect(sample(text, `${P}connections_closed_total{code="1000"}`)).toBe(1);
    expect(sample(text, `${P}frames_sent_total{kind="dispatch"}`)).toBe(2);
    expect(sample(text, `${P}frames_sent_total{kind="control"}`)).toBe(1);
    expect(sample(text, `${P}sent_bytes_total`)).toBe(211);
    expect(sample(text, `${P}resumes_total{result="invalid"}`)).toBe(1);
    expect(sample(text, `${P}resumes_total{result="ok"}`)).toBeUndefined();
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('uses a dedicated registry by default, so two instances do not collide', async () => {
    const a = new GatewayMetrics();
    const b = new GatewayMetrics();
    a.recordConnectionOpened();
    expect(a.registry).not.toBe(b.registry);
    expect(sample(await b.metrics(), `${P}connections_opened_total`)).toBe(0);
  });

  it('registers on a given registry, under another prefix when the default is taken', async () => {
    const registry = new Registry();
    const first = new GatewayMetrics({ registry });
    const before = registry.getMetricsAsArray().length;
    let error: unknown;
    try {
      new GatewayMetrics({ registry });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(GatewayErrorCode.InvalidOption);
    expect(registry.getMetricsAsArray()).toHaveLength(before);

    const second = new GatewayMetrics({ registry, prefix: 'edge_' });
    first.recordConnectionOpened();
    second.recordConnectionClosed(4000);
    const text = await registry.metrics();
    expect(sample(text, `${P}connections_opened_total`)).toBe(1);
    expect(sample(text, 'edge_connections_closed_total{code="4000"}')).toBe(1);
  });

  it('counts send-queue drops of watched sessions once, across scrapes and a resume', async () => {
    const metrics = new GatewayMetrics();
    const s = session();
    s.attach(congested, 0);
    metrics.recordReady(s);
    const typing = prepareDispatch('TYPING_START', { channel_id: '1' });
    for (let i = 0; i < 3; i++) expect(s.dispatch(typing)).toBeUndefined();

    let text = await metrics.metrics();
    expect(sample(text, `${P}send_queue_drops_total`)).toBe(3);
    expect(sample(text, `${P}sessions_started_total`)).toBe(1);
    expect(sample(await metrics.metrics(), `${P}send_queue_drops_total`)).toBe(3);

    metrics.recordResumed(s);
    s.dispatch(typing);
    s.end();
    text = await metrics.metrics();
    expect(sample(text, `${P}send_queue_drops_total`)).toBe(4);
    expect(sample(text, `${P}resumes_total{result="ok"}`)).toBe(1);
  });

  it('instrument() counts READY and RESUMED, then runs the caller’s hooks', async () => {
    const metrics = new GatewayMetrics();
    const onReady = vi.fn();
    const options = metrics.instrument({
      authenticate: async () => null,
      onReady,
      heartbeatIntervalMs: 1000,
    });
    const s = session();
    const identify = {
      token: 'Bot t',
      intents: 0,
      properties: { os: 'linux', browser: 'test', device: 'test' },
    };
    options.onReady(s, identify);
    options.onResumed(s);

    expect(options.heartbeatIntervalMs).toBe(1000);
    expect(onReady).toHaveBeenCalledWith(s, identify);
    const text = await metrics.metrics();
    expect(sample(text, `${P}sessions_started_total`)).toBe(1);
    expect(sample(text, `${P}resumes_total{result="ok"}`)).toBe(1);
  });

  it('reports bus lag in seconds and the bus counters of what happened while observed', async () => {
    const hub = new MemoryEventHub();
    const senderTime = new ManualScheduler();
    const receiverTime = new ManualScheduler();
    const sender = new MemoryEventBus({ nodeId: 'a', hub, clock: senderTime.clock });
    const receiver = new MemoryEventBus({
      nodeId: 'b',
      hub,
      clock: receiverTime.clock,
      scheduler: receiverTime,
    });
    await receiver.subscribe(GUILD_A, () => undefined);
    await sender.publish(GUILD_A, 'BEFORE', 0);

    const metrics = new GatewayMetrics();
    metrics.observeBus(sender);
    const stop = metrics.observeBus(receiver);
    metrics.observeBus(receiver);
    senderTime.clock.set(1000);
    receiverTime.clock.set(1250);
    await sender.publish(GUILD_A, 'X', 1);
    await sender.publish(GUILD_A, 'X', 2);
    expect(sample(await metrics.metrics(), `${P}bus_lag_seconds{node="b"}`)).toBe(0.25);
    hub.publish(GUILD_A, envelopeText({ origin: 'c', guildId: GUILD_A, seq: 1 }));
    hub.publish(GUILD_A, envelopeText({ origin: 'c', guildId: GUILD_A, seq: 4 }));
    hub.publish(GUILD_A, 'not an envelope');

    let text = await metrics.metrics();
    expect(sample(text, `${P}bus_buffered_events{node="b"}`)).toBe(1);
    expect(sample(text, `${P}bus_lag_seconds{node="b"}`)).toBe(1.25);
    receiverTime.advance(1000);
    text = await metrics.metrics();
    expect(sample(text, `${P}bus_published_total{node="a"}`)).toBe(2);
    expect(sample(text, `${P}bus_published_total{node="b"}`)).toBeUndefined();
    expect(sample(text, `${P}bus_delivered_total{node="b"}`)).toBe(4);
    expect(sample(text, `${P}bus_gaps_total{node="b"}`)).toBe(1);
    expect(sample(text, `${P}bus_missed_total{node="b"}`)).toBe(2);
    expect(sample(text, `${P}bus_malformed_total{node="b"}`)).toBe(1);
    expect(sample(text, `${P}bus_buffered_events{node="b"}`)).toBe(0);
    expect(sample(text, `${P}bus_lag_seconds{node="b"}`)).toBe(2.25);

    stop();
    await sender.publish(GUILD_A, 'X', 3);
    text = await metrics.metrics();
    expect(sample(text, `${P}bus_lag_seconds{node="b"}`)).toBeUndefined();
    expect(sample(text, `${P}bus_delivered_total{node="b"}`)).toBe(4);
    expect(sample(text, `${P}bus_published_total{node="a"}`)).toBe(3);
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('counts flushed presence batches and updates while a tracker is observed', async () => {
    const scheduler = new ManualScheduler();
    const tracker = new PresenceTracker({
      guildIdsOf: () => ['g1', 'g2'],
      clock: scheduler.clock,
      scheduler,
    });
    const metrics = new GatewayMetrics();
    metrics.observePresence(tracker);
    const stop = metrics.observePresence(tracker);
    await tracker.connect({ sessionId: 's1', userId: 'u1', device: 'desktop' });
    await tracker.connect({ sessionId: 's2', userId: 'u2', device: 'mobile' });
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.advance(5000);

    let text = await metrics.metrics();
    expect(sample(text, `${P}presence_batches_flushed_total`)).toBe(2);
    expect(sample(text, `${P}presence_updates_flushed_total`)).toBe(4);

    stop();
    await tracker.connect({ sessionId: 's3', userId: 'u3', device: 'web' });
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.advance(5000);
    text = await metrics.metrics();
    expect(sample(text, `${P}presence_updates_flushed_total`)).toBe(4);
    tracker.close();
  });
});
