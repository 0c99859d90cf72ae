import type { MediaBackend, MediaDialect, MediaRoom } from '../media/media-backend.js';
import type { VoiceTokens } from '../tokens/voice-tokens.js';
import type { VoiceServerMessage } from './messages.js';
import { type VoiceMembership, VoiceSession, type VoiceSessionHost } from './voice-session.js';

/** Options for {@link VoiceNode}. */
export interface VoiceNodeOptions<D extends MediaDialect> {
  /** This node's id, as registered in the `SfuNodeRegistry`; tokens must name it. */
  readonly nodeId: string;
  /** Verifies the voice tokens clients join with (the same keys the issuer signs with). */
  readonly tokens: VoiceTokens;
  /** The media engine rooms run on. */
  readonly backend: MediaBackend<D>;
  /**
   * Whether a user's audio may be forwarded now (SPEAK, server mute, suppress), asked on join
   * and on {@link VoiceNode.recheck}. Wire `VoiceStates.canSpeak`.
   * @defaultValue everyone may speak
   */
  readonly canSpeak?: (guildId: string, userId: string) => boolean;
}

interface RoomEntry<D extends MediaDialect> {
  readonly guildId: string;
  readonly room: Promise<MediaRoom<D>>;
  /** Sessions by user id: joined, or joining. */
  readonly sessions: Map<string, VoiceSession<D>>;
}

/**
 * The signaling endpoint of one SFU node: verifies each client's voice token, puts it in its
 * channel's media room (created on the first join, closed when the last one leaves), relays the
 * backend's dialect (join → connect → produce, consumer notices) and tells everyone in the room
 * who is speaking. Transport-agnostic: carry the messages on a WebSocket or the gateway.
 *
 * @example
 * ```ts
 * import { VoiceNode } from '@guildkit/sfu';
 * import { WeriftMediaBackend } from '@guildkit/sfu/werift';
 *
 * const node = new VoiceNode({ nodeId: 'sfu-eu-1', tokens, backend: new WeriftMediaBackend(), canSpeak: (g, u) => voice.canSpeak(g, u) });
 * wss.on('connection', (socket) => {
 *   const session = node.open((message) => socket.send(JSON.stringify(message)));
 *   socket.on('message', (data) => void session.receive(String(data)));
 *   socket.on('close', () => void session.close());
 * });
 * voice.on('voiceStateUpdate', (state) => node.recheck(state.guild_id, state.user_id));
 * ```
 */
export class VoiceNode<D extends MediaDialect = MediaDialect> {
  readonly #options: VoiceNodeOptions<D>;
  readonly #rooms = new Map<string, RoomEntry<D>>();
  readonly #host: VoiceSessionHost<D>;

  /**
   * @param options - see {@link VoiceNodeOptions}.
   */
  constructor(options: VoiceNodeOptions<D>) {
    this.#options = options;
    this.#host = {
      hello: () => options.backend.hello(),
      join: (session, token, request) => this.#join(session, token, request),
      leave: (session, membership) => this.#leave(session, membership),
    };
  }

  /**
   * Opens a session for a new client connection and sends it `hello`.
   *
   * @param send - delivers a server message to that client.
   * @returns the session: feed it the client's messages, close it when the connection closes.
   */
  open(send: (message: VoiceServerMessage<D>) => void): VoiceSession<D> {
    return new VoiceSession(this.#host, send);
  }

  /**
   * Re-asks `canSpeak` for a user in a room of this node (after a voice-state or permission
   * change) and starts or stops forwarding its audio.
   *
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns whether the user is in a room here.
   */
  async recheck(guildId: string, userId: string): Promise<boolean> {
    for (const entry of this.#rooms.values()) {
      if (entry.guildId !== guildId || !entry.sessions.get(userId)?.userId) continue;
      (await entry.room).setCanSpeak(userId, this.#canSpeak(guildId, userId));
      return true;
    }
    return false;
  }

  /**
   * Removes a user from its room here (disconnected or moved by a moderator); its client gets
   * `left` with reason `removed`.
   *
   * @param guildId - the guild.
   * @param userId - the user.
   * @returns whether the user was in a room here.
   */
  async disconnect(guildId: string, userId: string): Promise<boolean> {
    for (const [channelId, entry] of this.#rooms) {
      const session = entry.sessions.get(userId);
      if (entry.guildId !== guildId || !session?.userId) continue;
      await this.#remove(channelId, entry, session, 'removed');
      return true;
    }
    return false;
  }

  /** Users in each open room, by channel id. */
  rooms(): Map<string, string[]> {
    return new Map(
      [...this.#rooms].map(([channelId, entry]) => [channelId, [...entry.sessions.keys()]]),
    );
  }

  /** Detaches every session (`left`, reason `removed`) and closes every room. */
  async close(): Promise<void> {
    const entries = [...this.#rooms.values()];
    this.#rooms.clear();
    for (const entry of entries)
      for (const session of entry.sessions.values()) session.detach('removed');
    await Promise.all(entries.map(async (entry) => (await entry.room).close()));
  }

  async #join(
    session: VoiceSession<D>,
    token: string,
    request: D['joinRequest'],
  ): Promise<{ membership: VoiceMembership<D>; response: D['joinResponse'] }> {
    const { guildId, channelId, userId } = this.#options.tokens.verify(token, {
      nodeId: this.#options.nodeId,
    });
    const entry = this.#entry(guildId, channelId);
    const previous = entry.sessions.get(userId);
    if (previous && previous !== session) {
      await this.#remove(channelId, entry, previous, 'replaced');
    }
    const current = this.#entry(guildId, channelId);
    current.sessions.set(userId, session);
    try {
      const room = await current.room;
      const response = await room.join(userId, request);
      room.setCanSpeak(userId, this.#canSpeak(guildId, userId));
      return { membership: { guildId, channelId, userId, room }, response };
    } catch (error) {
      if (current.sessions.get(userId) === session) current.sessions.delete(userId);
      await this.#closeIfEmpty(channelId, current);
      throw error;
    }
  }

  async #leave(session: VoiceSession<D>, membership: VoiceMembership<D>): Promise<void> {
    const entry = this.#rooms.get(membership.channelId);
    if (!entry || entry.sessions.get(membership.userId) !== session) return;
    entry.sessions.delete(membership.userId);
    try {
      await membership.room.leave(membership.userId);
    } finally {
      await this.#closeIfEmpty(membership.channelId, entry);
    }
  }

  async #remove(
    channelId: string,
    entry: RoomEntry<D>,
    session: VoiceSession<D>,
    reason: 'replaced' | 'removed',
  ): Promise<void> {
    const userId = session.userId;
    session.detach(reason);
    if (userId === undefined) return;
    entry.sessions.delete(userId);
    try {
      await (await entry.room).leave(userId);
    } finally {
      await this.#closeIfEmpty(channelId, entry);
    }
  }

  #entry(guildId: string, channelId: string): RoomEntry<D> {
    const existing = this.#rooms.get(channelId);
    if (existing) return existing;
    const sessions = new Map<string, VoiceSession<D>>();
    const room = this.#options.backend.createRoom(channelId).then((created) => {
      created.on('consumer', (peerId, consumer) =>
        sessions.get(peerId)?.push({ op: 'consumer', consumer }),
      );
      created.on('speaking', (peerId, speaking) => {
        for (const session of sessions.values()) {
          session.push({ op: 'speaking', userId: peerId, speaking });
        }
      });
      return created;
    });
    const entry: RoomEntry<D> = { guildId, room, sessions };
    this.#rooms.set(channelId, entry);
    room.catch(() => {
      if (this.#rooms.get(channelId) === entry) this.#rooms.delete(channelId);
    });
    return entry;
  }

  async #closeIfEmpty(channelId: string, entry: RoomEntry<D>): Promise<void> {
    if (entry.sessions.size > 0 || this.#rooms.get(channelId) !== entry) return;
    this.#rooms.delete(channelId);
    const room = await entry.room.catch(() => undefined);
    await room?.close();
  }

  #canSpeak(guildId: string, userId: string): boolean {
    return this.#options.canSpeak?.(guildId, userId) ?? true;
  }
}
