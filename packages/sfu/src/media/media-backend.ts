import type { EventEmitter } from 'eventemitter3';

/**
 * Which remote participant one receive slot of a peer carries. Each peer gets a fixed set of
 * receive slots (one audio m-section each) when it joins; the room binds a slot to another
 * participant while both are in the room, so joins and leaves never need renegotiation.
 */
export interface MediaRoute {
  /** The SDP `mid` of the slot in the peer's session. */
  readonly mid: string;
  /** The participant whose audio the slot carries, or `null` once the slot is free again. */
  readonly sourcePeerId: string | null;
}

/** What {@link MediaRoom.join} hands back to the joining client. */
export interface MediaJoin {
  /** The server's SDP offer; the client answers it through {@link MediaRoom.answer}. */
  readonly offer: string;
  /** The slots bound at join time, one per participant already in the room. */
  readonly routes: readonly MediaRoute[];
}

/** Events of a {@link MediaRoom}. */
export interface MediaRoomEvents {
  /**
   * A participant started or stopped speaking: `true` when its first audio packet arrives,
   * `false` once none has arrived for the speaking timeout (about 200 ms) or it leaves. Peers that
   * may not speak never become speaking.
   */
  speaking: [peerId: string, speaking: boolean];
  /** A receive slot of `peerId` was bound to a participant, or freed (`sourcePeerId: null`). */
  route: [peerId: string, route: MediaRoute];
}

/**
 * One voice channel's media on one SFU node: each participant sends its audio up once and
 * receives every other participant's audio, except from those who may not speak.
 *
 * Signaling is server-offers: {@link MediaRoom.join} returns an SDP offer with one receive-only
 * audio section (the participant's microphone) followed by send-only audio slots; the client
 * sends on the first section and answers with {@link MediaRoom.answer}.
 *
 * @example
 * ```ts
 * const room = backend.createRoom(channelId);
 * room.on('speaking', (peerId, speaking) => gateway.broadcastSpeaking(peerId, speaking));
 * const { offer, routes } = await room.join(userId);
 * await room.answer(userId, await client.answer(offer));
 * room.setCanSpeak(userId, false); // server mute: stop forwarding
 * ```
 */
export interface MediaRoom extends EventEmitter<MediaRoomEvents> {
  /** The voice channel this room carries. */
  readonly channelId: string;
  /**
   * Adds a participant and creates its server-side session.
   *
   * @param peerId - the participant (a user id).
   * @returns the SDP offer to send to the client and the slots already bound.
   * @throws {@link SfuError} `GK_SFU_CHANNEL_FULL` when every slot is taken,
   * `GK_SFU_INVALID_OPTION` when `peerId` is already in the room,
   * `GK_SFU_NOT_CONNECTED` when the room is closed.
   */
  join(peerId: string): Promise<MediaJoin>;
  /**
   * Applies the client's SDP answer; media flows once ICE and DTLS connect. The answer carries
   * every candidate (no trickle), and its uplink section must declare the SSRC the client sends
   * with (`a=ssrc:`): browsers and werift do; libdatachannel needs the track added with
   * `addSSRC` before it answers, or the server cannot route its packets.
   *
   * @param peerId - the participant.
   * @param sdp - the client's answer to the offer of {@link MediaRoom.join}.
   * @throws {@link SfuError} `GK_SFU_NOT_CONNECTED` for a peer not in the room,
   * `GK_SFU_NEGOTIATION_FAILED` when the answer does not apply.
   */
  answer(peerId: string, sdp: string): Promise<void>;
  /**
   * Removes a participant: closes its session and frees its slots in everyone else's.
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
  /** Closes every participant's session; later calls reject with `GK_SFU_NOT_CONNECTED`. */
  close(): Promise<void>;
}

/**
 * A media engine an SFU node runs rooms on (werift today; others behind the same interface).
 *
 * @example
 * ```ts
 * const room = backend.createRoom('123456789012345678');
 * ```
 */
export interface MediaBackend {
  /**
   * Creates the media room of a voice channel.
   *
   * @param channelId - the voice channel.
   * @returns the room; closing the backend closes it.
   * @throws {@link SfuError} `GK_SFU_INVALID_OPTION` when the channel already has an open room.
   */
  createRoom(channelId: string): MediaRoom;
  /** Closes every room. */
  close(): Promise<void>;
}
