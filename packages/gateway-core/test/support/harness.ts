import {
  type AuthenticatedUser,
  GatewayConnection,
  type GatewayConnectionOptions,
  MemorySessionRegistry,
  type SessionTransport,
  TimerWheel,
} from '@guildkit/gateway-core';
import { ManualScheduler } from '@guildkit/testkit';
import type { APIUser } from 'discord-api-types/v10';

export interface SentFrame {
  readonly op: number;
  readonly d?: unknown;
  readonly s?: number | null;
  readonly t?: string | null;
}

/** A transport that records what the connection sends and how it closes. */
export class FakeTransport implements SessionTransport {
  readonly frames: SentFrame[] = [];
  closed: { code: number; reason: string } | undefined;

  send(text: string): void {
    this.frames.push(JSON.parse(text) as SentFrame);
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  dispatchSeqs(): number[] {
    return this.frames.filter((frame) => frame.op === 0).map((frame) => frame.s as number);
  }
}

export const USER: APIUser = {
  id: '80351110224678912',
  username: 'bot',
  discriminator: '0',
  global_name: null,
  avatar: null,
  bot: true,
};

export const TOKEN = 'good-token';

export function identify(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    op: 2,
    d: {
      token: TOKEN,
      intents: 513,
      properties: { os: 'linux', browser: 'test', device: 'test' },
      ...extra,
    },
  });
}

export function resume(sessionId: string, seq: number, token = TOKEN): string {
  return JSON.stringify({ op: 6, d: { token, session_id: sessionId, seq } });
}

export const HEARTBEAT = JSON.stringify({ op: 1, d: null });

/** One server's shared pieces: a manual clock and scheduler, a wheel and a registry. */
export class Server {
  readonly scheduler = new ManualScheduler();
  readonly wheel = new TimerWheel({ clock: this.scheduler.clock, scheduler: this.scheduler });
  readonly registry = new MemorySessionRegistry({ wheel: this.wheel });
  #ids = 0;

  constructor(readonly overrides: Partial<GatewayConnectionOptions> = {}) {}

  connect(): { connection: GatewayConnection; transport: FakeTransport } {
    const transport = new FakeTransport();
    const connection = new GatewayConnection({
      transport,
      clock: this.scheduler.clock,
      wheel: this.wheel,
      registry: this.registry,
      resumeGatewayUrl: 'wss://gateway.test',
      authenticate: (token): Promise<AuthenticatedUser | null> =>
        Promise.resolve(token === TOKEN ? { user: USER } : null),
      createSessionId: () => `session-${++this.#ids}`,
      ...this.overrides,
    });
    connection.open();
    return { connection, transport };
  }
}
