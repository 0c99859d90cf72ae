import type { types as ms } from 'mediasoup';
import type { MediaDialect } from '../media-backend.js';

/**
 * What a participant's media comes from. A `microphone` is audio, a `camera` video, a `screen`
 * either (a screen share's video and, optionally, its audio). A participant has at most one
 * producer per source: producing a source again replaces the previous producer.
 */
export type OrtcSource = 'microphone' | 'camera' | 'screen';

/**
 * One server-side WebRTC transport, as mediasoup-client's `device.createSendTransport()` /
 * `createRecvTransport()` take it.
 */
export interface OrtcTransportParameters {
  /** The transport id; `connect` names it. */
  readonly id: string;
  /** The server's ICE username fragment and password (ICE Lite). */
  readonly iceParameters: ms.IceParameters;
  /** The server's host candidates (its `listenInfos`, with their announced addresses). */
  readonly iceCandidates: readonly ms.IceCandidate[];
  /** The server's DTLS role and certificate fingerprints. */
  readonly dtlsParameters: ms.DtlsParameters;
}

/**
 * A consumer notice: another participant's producer is now forwarded to this client. Pass it to
 * mediasoup-client's `recvTransport.consume({ id: consumerId, producerId, kind, rtpParameters })`.
 */
export interface OrtcConsumerAdded {
  readonly type: 'added';
  /** The server-side consumer id (mediasoup-client's `id`). */
  readonly consumerId: string;
  /** The producer it carries (the same id on every router of the room). */
  readonly producerId: string;
  /** The participant who produces it. */
  readonly sourcePeerId: string;
  /** `audio` or `video`. */
  readonly kind: ms.MediaKind;
  /** What the producer captures. */
  readonly source: OrtcSource;
  /** The RTP parameters the client receives with. */
  readonly rtpParameters: ms.RtpParameters;
}

/** A consumer notice: a consumer ended (its producer closed or was replaced, or its peer left). */
export interface OrtcConsumerRemoved {
  readonly type: 'removed';
  /** The consumer that ended: close the client-side consumer of this id. */
  readonly consumerId: string;
}

/**
 * A consumer notice for simulcast and SVC video: the layers forwarded to the client changed
 * (bandwidth estimation or a `setPreferredLayers` call), `null` while none is forwarded.
 */
export interface OrtcConsumerLayers {
  readonly type: 'layers';
  /** The consumer whose layers changed. */
  readonly consumerId: string;
  /** The spatial and temporal layer now forwarded, or `null` when none is. */
  readonly layers: ms.ConsumerLayers | null;
}

/** Every consumer notice of the ORTC dialect, told apart by `type`. */
export type OrtcConsumerNotice = OrtcConsumerAdded | OrtcConsumerRemoved | OrtcConsumerLayers;

/**
 * The ORTC dialect (mediasoup backend; mediasoup-client on the client). The server owns two
 * transports per participant, one to send on and one to receive on; the client describes its
 * media with RTP parameters instead of SDP.
 *
 * - hello: `{ dialect: 'ortc', routerRtpCapabilities }`, the same for every room of the backend;
 *   the client calls `device.load({ routerRtpCapabilities })`.
 * - join: `{ rtpCapabilities }` (the client's `device.rtpCapabilities`) →
 *   `{ sendTransport, recvTransport, consumers }`. `consumers` holds an `added` notice for every
 *   producer of the room the client can receive when the join answers; later ones arrive as
 *   `consumer` events, each emitted after the code awaiting the join has resumed (send the answer
 *   to the client before awaiting anything else, and it precedes every notice).
 * - connect: `{ transportId, dtlsParameters }`, once per transport, from the transport's
 *   `connect` event in mediasoup-client.
 * - produce: `{ kind, rtpParameters, source }` (from the send transport's `produce` event, with
 *   `source` in its `appData`) → `{ producerId }`. `microphone` must be audio and `camera` video.
 * - consumer notices: {@link OrtcConsumerAdded}, {@link OrtcConsumerRemoved} and, for simulcast
 *   video, {@link OrtcConsumerLayers}.
 *
 * Every request is checked at runtime: a malformed one is refused with `GK_SFU_INVALID_SIGNAL`
 * before mediasoup sees it. Header extensions the server's mediasoup does not know are dropped.
 */
export interface OrtcDialect extends MediaDialect {
  readonly hello: {
    readonly dialect: 'ortc';
    /** The RTP capabilities of the backend's routers (all share one codec list). */
    readonly routerRtpCapabilities: ms.RtpCapabilities;
  };
  readonly joinRequest: {
    /** What the client's device can receive; consumers are created only for what it can. */
    readonly rtpCapabilities: ms.RtpCapabilities;
  };
  readonly joinResponse: {
    /** The transport the client sends on. */
    readonly sendTransport: OrtcTransportParameters;
    /** The transport the client receives on. */
    readonly recvTransport: OrtcTransportParameters;
    /** The producers of the room the client receives from the start. */
    readonly consumers: readonly OrtcConsumerAdded[];
  };
  readonly connectRequest: {
    /** The transport to connect: `sendTransport.id` or `recvTransport.id` of the join. */
    readonly transportId: string;
    /** The client's DTLS role and fingerprints. */
    readonly dtlsParameters: ms.DtlsParameters;
  };
  readonly produceRequest: {
    /** `audio` or `video`. */
    readonly kind: ms.MediaKind;
    /** What the client sends: codecs, header extensions, encodings (several for simulcast). */
    readonly rtpParameters: ms.RtpParameters;
    /** What the media captures. */
    readonly source: OrtcSource;
  };
  readonly produceResponse: {
    /** The server-side producer id (mediasoup-client's `produce` callback takes `{ id }`). */
    readonly producerId: string;
  };
  readonly consumer: OrtcConsumerNotice;
}
