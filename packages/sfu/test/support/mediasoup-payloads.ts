import type { types as ms } from 'mediasoup';

/**
 * What mediasoup-client's `device.rtpCapabilities` holds in Chrome once loaded with the
 * capabilities of a router of the backend's default codecs (Opus, VP8, H264): the router's
 * payload types and header extension ids.
 */
export const DEVICE_RTP_CAPABILITIES: ms.RtpCapabilities = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      preferredPayloadType: 100,
      clockRate: 48_000,
      channels: 2,
      parameters: { minptime: 10, useinbandfec: 1 },
      rtcpFeedback: [{ type: 'nack', parameter: '' }, { type: 'transport-cc' }],
    },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      preferredPayloadType: 101,
      clockRate: 90_000,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'goog-remb' },
        { type: 'transport-cc' },
      ],
    },
    {
      kind: 'video',
      mimeType: 'video/rtx',
      preferredPayloadType: 102,
      clockRate: 90_000,
      parameters: { apt: 101 },
    },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 },
    {
      kind: 'audio',
      uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
      preferredId: 10,
      preferredEncrypt: false,
      direction: 'sendrecv',
    },
    {
      kind: 'video',
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      preferredId: 5,
    },
  ],
};

/**
 * The RTP parameters mediasoup-client sends for a Chrome microphone: Chrome's own payload type
 * (111) and header extension ids, which mediasoup maps onto the router's.
 *
 * @param ssrc - the stream's SSRC.
 * @returns the parameters of a produce request.
 */
export function opusParameters(ssrc: number): ms.RtpParameters {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48_000,
        channels: 2,
        parameters: { minptime: 10, useinbandfec: 1, 'sprop-stereo': 1, usedtx: 1 },
        rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
      },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
      { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3 },
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 },
    ],
    encodings: [{ ssrc, dtx: false }],
    rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
  };
}

/**
 * The RTP parameters mediasoup-client sends for a Chrome camera with three simulcast layers
 * (`rid`-based, VP8 with RTX).
 *
 * @returns the parameters of a produce request.
 */
export function vp8SimulcastParameters(): ms.RtpParameters {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90_000,
        rtcpFeedback: [
          { type: 'goog-remb', parameter: '' },
          { type: 'transport-cc', parameter: '' },
          { type: 'ccm', parameter: 'fir' },
          { type: 'nack', parameter: '' },
          { type: 'nack', parameter: 'pli' },
        ],
      },
      { mimeType: 'video/rtx', payloadType: 97, clockRate: 90_000, parameters: { apt: 96 } },
    ],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', id: 10 },
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', id: 11 },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
      { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3 },
      { uri: 'urn:3gpp:video-orientation', id: 13 },
      { uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 14 },
    ],
    encodings: [
      { rid: 'r0', scalabilityMode: 'L1T3', maxBitrate: 100_000 },
      { rid: 'r1', scalabilityMode: 'L1T3', maxBitrate: 300_000 },
      { rid: 'r2', scalabilityMode: 'L1T3', maxBitrate: 900_000 },
    ],
    rtcp: { cname: 'camera-cname', reducedSize: true },
  };
}

/**
 * DTLS parameters as mediasoup-client sends them from a transport's `connect` event.
 *
 * @returns the parameters of a connect request.
 */
export function clientDtlsParameters(): ms.DtlsParameters {
  return {
    role: 'client',
    fingerprints: [
      {
        algorithm: 'sha-256',
        value:
          '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD',
      },
    ],
  };
}
