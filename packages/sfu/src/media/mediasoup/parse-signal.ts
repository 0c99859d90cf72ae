import type { types as ms } from 'mediasoup';
import type { OrtcDialect, OrtcSource } from './mediasoup-dialect.js';
import { readRtpCapabilities, readRtpParameters } from './parse-rtp.js';
import {
  invalidSignal,
  readArray,
  readInteger,
  readOneOf,
  readOptional,
  readRecord,
  readString,
} from './signal-reader.js';

const SOURCES = ['microphone', 'camera', 'screen'] as const satisfies readonly OrtcSource[];
const MEDIA_KINDS = ['audio', 'video'] as const satisfies readonly ms.MediaKind[];
/** mediasoup ids are UUIDs (36 characters); leave room, refuse anything larger. */
const MAX_ID_LENGTH = 64;
/** The highest spatial or temporal layer index a consumer takes (mediasoup keeps them in a byte). */
const MAX_LAYER = 255;

const FINGERPRINT_ALGORITHMS = [
  'sha-1',
  'sha-224',
  'sha-256',
  'sha-384',
  'sha-512',
] as const satisfies readonly ms.FingerprintAlgorithm[];
const DTLS_ROLES = ['auto', 'client', 'server'] as const satisfies readonly ms.DtlsRole[];
/** A DTLS fingerprint: hex bytes separated by colons. */
const FINGERPRINT = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/;
const MAX_FINGERPRINTS = 8;

/**
 * Reads a client's DTLS parameters (mediasoup-client's transport `connect` event).
 *
 * @param value - the value from the network.
 * @param path - where it sits in the request.
 * @returns the parameters.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 */
function readDtlsParameters(value: unknown, path: string): ms.DtlsParameters {
  const record = readRecord(value, path);
  const fingerprints = readArray(
    record['fingerprints'],
    `${path}.fingerprints`,
    MAX_FINGERPRINTS,
    1,
  ).map((item, index): ms.DtlsFingerprint => {
    const itemPath = `${path}.fingerprints[${index}]`;
    const fingerprint = readRecord(item, itemPath);
    const algorithm = readOneOf(
      fingerprint['algorithm'],
      `${itemPath}.algorithm`,
      FINGERPRINT_ALGORITHMS,
    );
    const hex = readString(fingerprint['value'], `${itemPath}.value`, 256);
    if (!FINGERPRINT.test(hex)) throw invalidSignal(`${itemPath}.value`, "hex bytes like 'AB:CD'");
    return { algorithm, value: hex };
  });
  const dtls: ms.DtlsParameters = { fingerprints };
  const role = readOptional(record, 'role', path, (v, p) => readOneOf(v, p, DTLS_ROLES));
  if (role !== undefined) dtls.role = role;
  return dtls;
}

/**
 * Reads a join request of the ORTC dialect.
 *
 * @param request - the request as it arrived.
 * @returns a fresh request of known fields.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 *
 * @example
 * ```ts
 * parseJoinRequest({ rtpCapabilities: { codecs: [{ kind: 'audio', mimeType: 'opus' }] } });
 * // throws GK_SFU_INVALID_SIGNAL: join.rtpCapabilities.codecs[0].mimeType must be a MIME type …
 * ```
 */
export function parseJoinRequest(request: unknown): OrtcDialect['joinRequest'] {
  const record = readRecord(request, 'join');
  return {
    rtpCapabilities: readRtpCapabilities(record['rtpCapabilities'], 'join.rtpCapabilities'),
  };
}

/**
 * Reads a connect request of the ORTC dialect.
 *
 * @param request - the request as it arrived.
 * @returns a fresh request of known fields.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 */
export function parseConnectRequest(request: unknown): OrtcDialect['connectRequest'] {
  const record = readRecord(request, 'connect');
  return {
    transportId: readString(record['transportId'], 'connect.transportId', MAX_ID_LENGTH),
    dtlsParameters: readDtlsParameters(record['dtlsParameters'], 'connect.dtlsParameters'),
  };
}

/**
 * Reads a produce request of the ORTC dialect: a `microphone` must be audio, a `camera` video.
 *
 * @param request - the request as it arrived.
 * @returns a fresh request of known fields.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 *
 * @example
 * ```ts
 * parseProduceRequest({ kind: 'video', source: 'microphone', rtpParameters });
 * // throws GK_SFU_INVALID_SIGNAL: produce.kind must be 'audio' for the microphone
 * ```
 */
export function parseProduceRequest(request: unknown): OrtcDialect['produceRequest'] {
  const record = readRecord(request, 'produce');
  const kind = readOneOf(record['kind'], 'produce.kind', MEDIA_KINDS);
  const source = readOneOf(record['source'], 'produce.source', SOURCES);
  if (source === 'microphone' && kind !== 'audio') {
    throw invalidSignal('produce.kind', "'audio' for the microphone");
  }
  if (source === 'camera' && kind !== 'video') {
    throw invalidSignal('produce.kind', "'video' for the camera");
  }
  return {
    kind,
    source,
    rtpParameters: readRtpParameters(record['rtpParameters'], 'produce.rtpParameters', kind),
  };
}

/**
 * Reads a consumer id a client names (e.g. for preferred layers).
 *
 * @param consumerId - the id as it arrived.
 * @returns the id.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` when it is not a string of id length.
 */
export function parseConsumerId(consumerId: unknown): string {
  return readString(consumerId, 'consumerId', MAX_ID_LENGTH);
}

/**
 * Reads the layers a client prefers for a simulcast or SVC consumer.
 *
 * @param layers - the layers as they arrived.
 * @returns fresh layers of known fields.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 */
export function parseConsumerLayers(layers: unknown): ms.ConsumerLayers {
  const record = readRecord(layers, 'layers');
  const parsed: ms.ConsumerLayers = {
    spatialLayer: readInteger(record['spatialLayer'], 'layers.spatialLayer', 0, MAX_LAYER),
  };
  const temporalLayer = readOptional(record, 'temporalLayer', 'layers', (v, p) =>
    readInteger(v, p, 0, MAX_LAYER),
  );
  if (temporalLayer !== undefined) parsed.temporalLayer = temporalLayer;
  return parsed;
}
