import type { EventEmitter } from 'eventemitter3';

/**
 * The payloads of one signaling dialect. Every backend speaks the same message flow —
 * hello → join → connect → produce, with consumer notices from the server — but what each
 * message carries depends on the media engine: SDP offer/answer for browsers and werift
 * ({@link SdpDialect}), ORTC parameters for mediasoup-client (`OrtcDialect` in
 * `@guildkit/sfu/mediasoup`). See `docs/voice.md` for the flow.
 */
export interface MediaDialect {
  /** Sent to the client before it joins: what it prepares with (its name, capabilities). */
  readonly hello: { readonly dialect: string };
  /** The client's join request. */
  readonly joinRequest: unknown;
  /** The server's answer to a join. */
  readonly joinResponse: unknown;
  /** The client's transport parameters (an SDP answer, DTLS parameters). */
  readonly connectRequest: unknown;
  /** The client's request to send media. */
  readonly produceRequest: unknown;
  /** The server's answer to a produce. */
  readonly produceResponse: unknown;
  /** A server notice: something for the client to receive appeared, changed or ended. */
  readonly consumer: unknown;
}

/**
 * Which remote participant one receive slot of an SDP session carries. Each participant's
 * session has a fixed set of receive slots (one audio m-section each) from the offer on; the room
 * binds a slot to another participant while both are in the room, so joins and leaves never need
 * renegotiation.
 */
export interface SdpConsumer {
  /** The SDP `mid` of the slot in the participant's session. */
  readonly mid: string;
  /** The participant whose audio the slot carries, or `null` once the slot is free again. */
  readonly sourcePeerId: string | null;
}

/**
 * The SDP dialect (werift backend; browsers' `RTCPeerConnection`): the server offers, the client
 * answers.
 *
 * - hello: `{ dialect: 'sdp' }`.
 * - join: `{}` → `{ offer, consumers }`. The offer has one receive-only audio section first (the
 *   participant's microphone) and then the send-only slots; `consumers` lists the slots bound at
 *   join time.
 * - connect: `{ answer }`, the client's complete answer (every candidate, no trickle). Its uplink
 *   section must declare the SSRC it sends with (`a=ssrc:`): browsers and werift do;
 *   libdatachannel needs `addSSRC` on the track before answering.
 * - produce: `{ kind: 'audio' }` → `{ mid }`. The uplink exists from the offer on; producing
 *   starts forwarding it.
 * - consumer notices: an {@link SdpConsumer} for each slot bound or freed.
 */
export interface SdpDialect extends MediaDialect {
  readonly hello: { readonly dialect: 'sdp' };
  readonly joinRequest: Readonly<Record<string, never>>;
  readonly joinResponse: {
    /** The server's SDP offer. */
    readonly offer: string;
    /** The slots bound at join time, one per participant already in the room. */
    readonly consumers: readonly SdpConsumer[];
  };
  readonly connectRequest: {
    /** The client's SDP answer to the join offer. */
    readonly answer: string;
  };
  readonly produceRequest: { readonly kind: 'audio' };
  readonly produceResponse: {
    /** The `mid` of the uplink section the audio travels on. */
    readonly mid: string;
  };
  readonly consumer: SdpConsumer;
}

/** Events of a {@link MediaRoom}. */
export interface MediaRoomEvents<D extends MediaDialect = MediaDialect> {
  /**
   * A participant started or stopped speaking: `true` when it starts sending voice (by the RFC
   * 6464 audio level where the backend reads it, else by packet activity), `false` once it has
   * been silent for the speaking timeout or leaves. Peers that may not speak never become
   * speaking.
   */
  speaking: [peerId: string, speaking: boolean];
  /** Something for `peerId` to receive appeared, changed or ended: send it to that client. */
  consumer: [peerId: string, consumer: D['consumer']];
}

/**
 * One voice channel's media on one SFU node: each participant sends its media up once and
 * receives every other participant's, except from those who may not speak.
 *
 * Every backend follows one flow (`docs/voice.md`): the client gets the backend's
 * {@link MediaBackend.hello}, then `join` → `connect` → `produce`, and receives `consumer`
 * events. The payloads are the backend's {@link MediaDialect}.
 *
 * @example
 * ```ts
 * const room = await backend.createRoom(channelId);
 * room.on('speaking', (peerId, speaking) => gateway.broadcastSpeaking(peerId, speaking));
 * room.on('consumer', (peerId, consumer) => gateway.sendTo(peerId, consumer));
 * const joined = await room.join(userId, joinRequestFromClient);
 * await room.connect(userId, connectRequestFromClient);
 * await room.produce(userId, produceRequestFromClient);
 * room.setCanSpeak(userId, false); // server mute: stop forwarding
 * ```
 */
export interface MediaRoom<D extends MediaDialect = MediaDialect>
  extends EventEmitter<MediaRoomEvents<D>> {
  /** The voice channel this room carries. */
  readonly channelId: string;
  /**
   * Adds a participant and creates its server-side transport(s).
   *
   * @param peerId - the participant (a user id).
   * @param request - the client's join request.
   * @returns what the client needs to connect.
   * @throws {@link SfuError} `GK_SFU_CHANNEL_FULL` when the room holds no more participants,
   * `GK_SFU_DUPLICATE_PEER` when `peerId` is already in the room, `GK_SFU_INVALID_SIGNAL` for a
   * malformed request, `GK_SFU_ROOM_CLOSED` when the room is closed.
   */
  join(peerId: string, request: D['joinRequest']): Promise<D['joinResponse']>;
  /**
   * Applies the client's transport parameters; media flows once ICE and DTLS connect.
   *
   * @param peerId - the participant.
   * @param request - the client's connect request.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` for a peer not in the room,
   * `GK_SFU_INVALID_SIGNAL` for a malformed request, `GK_SFU_NEGOTIATION_FAILED` when the
   * parameters do not apply.
   */
  connect(peerId: string, request: D['connectRequest']): Promise<void>;
  /**
   * Starts the participant's media: from now on it is forwarded to everyone else (while it may
   * speak).
   *
   * @param peerId - the participant.
   * @param request - the client's produce request.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` for a peer not in the room,
   * `GK_SFU_INVALID_SIGNAL` for a malformed request, `GK_SFU_NEGOTIATION_FAILED` when the media
   * engine refuses it.
   */
  produce(peerId: string, request: D['produceRequest']): Promise<D['produceResponse']>;
  /**
   * Removes a participant: closes its transports and what others received from it.
   *
   * @param peerId - the participant.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` for a peer not in the room.
   */
  leave(peerId: string): Promise<void>;
  /**
   * Allows or stops forwarding a participant's audio (SPEAK, server mute, suppress).
   *
   * @param peerId - the participant.
   * @param canSpeak - whether its audio is forwarded.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` for a peer not in the room.
   */
  setCanSpeak(peerId: string, canSpeak: boolean): void;
  /** Closes every participant's transports; later calls reject with `GK_SFU_ROOM_CLOSED`. */
  close(): Promise<void>;
}

/**
 * A media engine an SFU node runs rooms on: werift (`@guildkit/sfu/werift`) or mediasoup
 * (`@guildkit/sfu/mediasoup`), behind the same flow.
 *
 * @example
 * ```ts
 * const hello = await backend.hello(); // send to the client before it joins
 * const room = await backend.createRoom('123456789012345678');
 * ```
 */
export interface MediaBackend<D extends MediaDialect = MediaDialect> {
  /**
   * Type-level only, never set: names the backend's dialect so that `new VoiceNode({ backend })`
   * infers it.
   */
  readonly dialectType?: D;
  /**
   * What a client needs before it joins a room of this backend.
   *
   * @returns the dialect name and, for ORTC, the router's RTP capabilities.
   */
  hello(): Promise<D['hello']>;
  /**
   * Creates the media room of a voice channel.
   *
   * @param channelId - the voice channel.
   * @returns the room; closing the backend closes it.
   * @throws {@link SfuError} `GK_SFU_DUPLICATE_ROOM` when the channel already has an open room.
   */
  createRoom(channelId: string): Promise<MediaRoom<D>>;
  /** Closes every room. */
  close(): Promise<void>;
}
