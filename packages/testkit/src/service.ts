import { Socket } from 'node:net';

/** Where a real service listens, and how a developer starts it. */
export interface ServiceEndpoint {
  /** A human name, e.g. `Redis`. */
  readonly name: string;
  /** Host to probe. */
  readonly host: string;
  /** TCP port to probe. */
  readonly port: number;
  /** One line telling a developer how to start the service. */
  readonly howToStart: string;
}

/** The machine's Redis, as `.ci/run` starts it. */
export const REDIS: ServiceEndpoint = {
  name: 'Redis',
  host: '127.0.0.1',
  port: 6379,
  howToStart: "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
};

/** The machine's NATS with JetStream, as `.ci/run` starts it. */
export const NATS: ServiceEndpoint = {
  name: 'NATS',
  host: '127.0.0.1',
  port: 4222,
  howToStart:
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
};

/** The machine's PostgreSQL (trust auth, user `postgres`, database `test`), as `.ci/run` starts it. */
export const POSTGRES: ServiceEndpoint = {
  name: 'PostgreSQL',
  host: '127.0.0.1',
  port: 5432,
  howToStart: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
};

/**
 * Probes a TCP endpoint once.
 *
 * @param host - host to connect to.
 * @param port - port to connect to.
 * @param timeoutMs - how long to wait for the connection.
 * @returns whether a connection was accepted.
 */
export function isTcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (reachable: boolean): void => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

/**
 * Decides whether an integration test may run against a real service.
 *
 * Under `CI=true` a missing service is a failure, never a skip; on a laptop the test is skipped
 * with one line saying how to start the service.
 *
 * @param service - the endpoint to probe.
 * @returns `true` when the service answers, `false` (after printing how to start it) otherwise.
 * @throws Error when the service is missing and `CI` is `true`.
 */
export async function requireService(service: ServiceEndpoint): Promise<boolean> {
  if (await isTcpReachable(service.host, service.port)) return true;
  const line = `${service.name} is not reachable on ${service.host}:${service.port}; start it with: ${service.howToStart}`;
  if (process.env['CI'] === 'true')
    throw new Error(`${line} (CI=true: integration tests must not skip)`);
  console.warn(`skipping ${service.name} integration tests: ${line}`);
  return false;
}
