import { SfuError, SfuErrorCode } from '../errors.js';
import type { MediaDialect, MediaRoom } from '../media/media-backend.js';
import {
  parseVoiceClientMessage,
  type VoiceClientMessage,
  type VoiceClientOp,
  type VoiceServerMessage,
} from './messages.js';

/** A client's place in a room, once its join succeeded. */
export interface VoiceMembership<D extends MediaDialect> {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly room: MediaRoom<D>;
}

/** What a {@link VoiceSession} needs from its node. */
export interface VoiceSessionHost<D extends MediaDialect> {
  hello(): Promise<D['hello']>;
  join(
    session: VoiceSession<D>,
    token: string,
    request: D['joinRequest'],
  ): Promise<{ membership: VoiceMembership<D>; response: D['joinResponse'] }>;
  leave(session: VoiceSession<D>, membership: VoiceMembership<D>): Promise<void>;
}

/**
 * One client's signaling connection to an SFU node, whatever carries it (a WebSocket, the
 * gateway). Messages are handled one at a time, in arrival order; every request gets exactly one
 * answer, an error included, and nothing a client sends can throw out of {@link receive}. Open
 * it with `VoiceNode.open`.
 *
 * @example
 * ```ts
 * wss.on('connection', (socket) => {
 *   const session = node.open((message) => socket.send(JSON.stringify(message)));
 *   socket.on('message', (data) => void session.receive(String(data)));
 *   socket.on('close', () => void session.close());
 * });
 * ```
 */
export class VoiceSession<D extends MediaDialect = MediaDialect> {
  readonly #host: VoiceSessionHost<D>;
  readonly #send: (message: VoiceServerMessage<D>) => void;
  #membership: VoiceMembership<D> | undefined;
  /** Pushes held back while a join is in flight, so `joined` reaches the client first. */
  #held: VoiceServerMessage<D>[] | undefined;
  #closed = false;
  #queue: Promise<void>;

  /**
   * @param host - the node.
   * @param send - delivers a message to the client.
   */
  constructor(host: VoiceSessionHost<D>, send: (message: VoiceServerMessage<D>) => void) {
    this.#host = host;
    this.#send = send;
    this.#queue = host.hello().then(
      (hello) => this.push({ op: 'hello', hello }),
      (error: unknown) => this.#fail(null, error),
    );
  }

  /** The user this session joined as, once joined. */
  get userId(): string | undefined {
    return this.#membership?.userId;
  }

  /**
   * Handles one client message (a JSON text or a parsed value) after the ones before it.
   *
   * @param raw - what the client sent.
   * @returns resolves once the message is answered; never rejects.
   */
  receive(raw: unknown): Promise<void> {
    this.#queue = this.#queue.then(() => this.#handle(raw));
    return this.#queue;
  }

  /**
   * Ends the session (the client's connection closed): leaves the room, sends nothing more.
   *
   * @returns resolves once the room was left.
   */
  close(): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      this.#closed = true;
      const membership = this.#membership;
      this.#membership = undefined;
      if (membership) await this.#host.leave(this, membership).catch(() => undefined);
    });
    return this.#queue;
  }

  /**
   * Sends a server message to the client, unless the session is closed. Used by the node for
   * pushes; held back while this session's join is in flight.
   *
   * @param message - the message.
   */
  push(message: VoiceServerMessage<D>): void {
    if (this.#closed) return;
    if (this.#held && message.op !== 'joined') {
      this.#held.push(message);
      return;
    }
    try {
      this.#send(message);
    } catch {
      // A transport that throws on send is closing; its close() follows.
    }
  }

  /**
   * Detaches the session from its room without a client request (replaced, removed by the
   * node), telling the client with `left`.
   *
   * @param reason - why.
   */
  detach(reason: 'replaced' | 'removed'): void {
    this.#membership = undefined;
    this.push({ op: 'left', reason });
  }

  async #handle(raw: unknown): Promise<void> {
    if (this.#closed) return;
    let message: VoiceClientMessage<D>;
    try {
      message = parseVoiceClientMessage(raw) as VoiceClientMessage<D>;
    } catch (error) {
      this.#fail(null, error);
      return;
    }
    try {
      await this.#dispatch(message);
    } catch (error) {
      this.#fail(message.op, error);
    }
  }

  async #dispatch(message: VoiceClientMessage<D>): Promise<void> {
    if (message.op === 'join') {
      await this.#join(message.token, message.request);
      return;
    }
    const membership = this.#membership;
    if (!membership) {
      throw new SfuError(SfuErrorCode.NotConnected, `${message.op} before a successful join`);
    }
    switch (message.op) {
      case 'connect':
        await membership.room.connect(membership.userId, message.request);
        this.push({ op: 'connected' });
        return;
      case 'produce': {
        const response = await membership.room.produce(membership.userId, message.request);
        this.push({ op: 'produced', response });
        return;
      }
      case 'leave':
        this.#membership = undefined;
        await this.#host.leave(this, membership);
        this.push({ op: 'left', reason: 'request' });
        return;
    }
  }

  async #join(token: string, request: D['joinRequest']): Promise<void> {
    if (this.#membership) {
      throw new SfuError(SfuErrorCode.InvalidSignal, 'this session already joined; leave first');
    }
    this.#held = [];
    try {
      const { membership, response } = await this.#host.join(this, token, request);
      this.#membership = membership;
      const { guildId, channelId, userId } = membership;
      this.push({ op: 'joined', guildId, channelId, userId, response });
    } finally {
      const held = this.#held;
      this.#held = undefined;
      for (const message of held) this.push(message);
    }
  }

  #fail(request: VoiceClientOp | null, error: unknown): void {
    const sfu =
      error instanceof SfuError
        ? error
        : new SfuError(SfuErrorCode.NegotiationFailed, 'the media engine failed', {
            cause: error,
          });
    this.push({ op: 'error', request, code: sfu.code, message: sfu.message });
  }
}
