import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthenticatedUser, GatewayServer } from '@guildkit/gateway-core';
import { GatewayMetrics, type MetricsSource, metricsHandler } from '@guildkit/gateway-core/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { identify, resume, TOKEN, USER } from '../support/harness.js';
import { RawClient } from '../support/raw-client.js';

const P = 'guildkit_gateway_';
const open: { servers: GatewayServer[]; clients: RawClient[]; http: Server[] } = {
  servers: [],
  clients: [],
  http: [],
};

afterEach(async () => {
  for (const client of open.clients.splice(0)) client.socket.terminate();
  await Promise.all(open.servers.splice(0).map((server) => server.close()));
  await Promise.all(
    open.http.splice(0).map((http) => new Promise<void>((resolve) => http.close(() => resolve()))),
  );
});

/** The value of one series (`name{labels}`) in Prometheus text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf(' ');
    if (!line.startsWith('#') && line.slice(0, at) === series) return Number(line.slice(at + 1));
  }
  return undefined;
}

async function startGateway(metrics: GatewayMetrics): Promise<{ url: string; stop: () => void }> {
  const server = new GatewayServer({
    authenticate: async (token: string): Promise<AuthenticatedUser | null> =>
      token === TOKEN ? { user: USER } : null,
    guildIds: () => ['1000'],
  });
  open.servers.push(server);
  const stop = metrics.observeServer(server);
  const { port } = await server.listen();
  return { url: `ws://127.0.0.1:${port}/?v=10&encoding=json`, stop };
}

/** The bytes of every message the clients received. */
function sentBytes(clients: readonly RawClient[]): number {
  return clients.reduce((total, client) => total + client.receivedBytes, 0);
}

function connect(url: string): RawClient {
  const client = new RawClient(url);
  open.clients.push(client);
  return client;
}

async function serveMetrics(source: MetricsSource): Promise<string> {
  const http = createServer(metricsHandler(source));
  open.http.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe('GatewayMetrics on a real GatewayServer', () => {
  it('scrapes connections, sessions, READY and RESUME over HTTP', async () => {
    const metrics = new GatewayMetrics();
    const { url } = await startGateway(metrics);
    const base = await serveMetrics(metrics);
    const scrape = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();

    const first = connect(url);
    expect((await first.next()).op).toBe(10);
    let text = await scrape();
    expect(sample(text, `${P}connections_open`)).toBe(1);
    expect(sample(text, `${P}sessions`)).toBe(0);

    first.send(identify());
    const ready = await first.next();
    expect(ready).toMatchObject({ op: 0, t: 'READY', s: 1 });
    const sessionId = (ready.d as { session_id: string }).session_id;
    const second = connect(url);
    await second.next();
    text = await scrape();
    expect(sample(text, `${P}connections_open`)).toBe(2);
    expect(sample(text, `${P}sessions`)).toBe(1);
    expect(sample(text, `${P}sessions_started_total`)).toBe(1);

    first.socket.terminate();
    await vi.waitFor(async () => expect(sample(await scrape(), `${P}connections_open`)).toBe(1));
    expect(sample(await scrape(), `${P}sessions`)).toBe(1);
    second.send(resume(sessionId, 1));
    expect(await second.next()).toMatchObject({ op: 0, t: 'RESUMED', s: 2 });

    text = await scrape();
    expect(sample(text, `${P}resumes_total{result="ok"}`)).toBe(1);
    expect(sample(text, `${P}sessions_started_total`)).toBe(1);
    expect(sample(text, `${P}connections_open`)).toBe(1);
    expect(sample(text, `${P}connections_opened_total`)).toBe(2);
    expect(sample(text, `${P}connections_closed_total{code="1006"}`)).toBe(1);
    // HELLO ×2 and READY, RESUMED: bytes as JSON text on the socket.
    expect(sample(text, `${P}frames_sent_total{kind="control"}`)).toBe(2);
    expect(sample(text, `${P}frames_sent_total{kind="dispatch"}`)).toBe(2);
    expect(sample(text, `${P}sent_bytes_total`)).toBe(sentBytes([first, second]));

    const third = connect(url);
    await third.next();
    third.send(resume('no-such-session', 1));
    expect(await third.next()).toMatchObject({ op: 9, d: false });
    third.socket.close(4000);
    await vi.waitFor(async () =>
      expect(sample(await scrape(), `${P}connections_closed_total{code="4000"}`)).toBe(1),
    );
    expect(sample(await scrape(), `${P}resumes_total{result="invalid"}`)).toBe(1);
  });

  it('counts zlib-stream frames by kind with their compressed size', async () => {
    const metrics = new GatewayMetrics();
    const { url } = await startGateway(metrics);
    const client = new RawClient(`${url}&compress=zlib-stream`, { compressed: true });
    open.clients.push(client);
    expect((await client.next()).op).toBe(10);
    client.send(identify());
    expect(await client.next()).toMatchObject({ t: 'READY' });
    const text = await metrics.metrics();
    expect(sample(text, `${P}frames_sent_total{kind="control"}`)).toBe(1);
    expect(sample(text, `${P}frames_sent_total{kind="dispatch"}`)).toBe(1);
    expect(sample(text, `${P}sent_bytes_total`)).toBe(client.receivedBytes);
  });

  it('sums connections over every observed server and forgets an unobserved one', async () => {
    const metrics = new GatewayMetrics();
    const a = await startGateway(metrics);
    const b = await startGateway(metrics);
    const clients = [connect(a.url), connect(b.url), connect(b.url)];
    await Promise.all(clients.map((client) => client.next()));
    expect(sample(await metrics.metrics(), `${P}connections_open`)).toBe(3);
    b.stop();
    expect(sample(await metrics.metrics(), `${P}connections_open`)).toBe(1);
  });
});

describe('metricsHandler', () => {
  it('serves GET and HEAD on /metrics with the registry content type', async () => {
    const metrics = new GatewayMetrics();
    metrics.recordConnectionClosed(4004);
    const base = await serveMetrics(metrics);

    const get = await fetch(`${base}/metrics`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe(metrics.contentType);
    expect(sample(await get.text(), `${P}connections_closed_total{code="4004"}`)).toBe(1);
    const head = await fetch(`${base}/metrics?x=1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404 elsewhere, 405 to other methods and 500 when rendering fails', async () => {
    let fail = false;
    const base = await serveMetrics({
      contentType: 'text/plain',
      metrics: async () => {
        if (fail) throw new Error('collect threw');
        return 'x 1\n';
      },
    });

    expect((await fetch(`${base}/`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await (await fetch(`${base}/metrics`)).text()).toBe('x 1\n');
    fail = true;
    const failed = await fetch(`${base}/metrics`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('collect threw');
  });
});
