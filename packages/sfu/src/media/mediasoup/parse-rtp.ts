import type { types as ms } from 'mediasoup';
import {
  invalidSignal,
  readArray,
  readBoolean,
  readInteger,
  readOneOf,
  readOptional,
  readRecord,
  readString,
  type SignalRecord,
} from './signal-reader.js';

/**
 * The header extensions mediasoup knows; others are dropped from what clients send. Typed as a
 * record so that a mediasoup upgrade adding a URI fails to compile until it is listed.
 */
const HEADER_EXTENSION_URIS: Readonly<Record<ms.RtpHeaderExtensionUri, true>> = {
  'urn:ietf:params:rtp-hdrext:sdes:mid': true,
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id': true,
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id': true,
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level': true,
  'urn:3gpp:video-orientation': true,
  'urn:ietf:params:rtp-hdrext:toffset': true,
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01': true,
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time': true,
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time': true,
  'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay': true,
  'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension': true,
};

function isKnownUri(uri: string): uri is ms.RtpHeaderExtensionUri {
  return Object.hasOwn(HEADER_EXTENSION_URIS, uri);
}

const MEDIA_KINDS = ['audio', 'video'] as const satisfies readonly ms.MediaKind[];
const DIRECTIONS = [
  'sendrecv',
  'sendonly',
  'recvonly',
  'inactive',
] as const satisfies readonly ms.RtpHeaderExtensionDirection[];

/** `audio/opus`, `video/VP8`, `video/rtx`, `audio/telephone-event`, … */
const MIME_TYPE = /^(audio|video)\/[A-Za-z0-9][A-Za-z0-9_.+-]{0,31}$/i;
/** A codec or header extension parameter name (`profile-level-id`, `apt`, …). */
const PARAMETER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const MAX_CODECS = 64;
const MAX_HEADER_EXTENSIONS = 32;
const MAX_FEEDBACK = 32;
const MAX_PARAMETERS = 32;
const MAX_ENCODINGS = 16;
const UINT32_MAX = 0xffff_ffff;
const PAYLOAD_TYPE_MAX = 127;
const EXTENSION_ID_MAX = 255;

function readMimeType(value: unknown, path: string, kind?: ms.MediaKind): string {
  const mimeType = readString(value, path, 64);
  const match = MIME_TYPE.exec(mimeType);
  if (!match) throw invalidSignal(path, "a MIME type like 'audio/opus'");
  if (kind !== undefined && match[1]?.toLowerCase() !== kind) {
    throw invalidSignal(path, `a MIME type of kind '${kind}'`);
  }
  return mimeType;
}

function readParameters(value: unknown, path: string): Record<string, unknown> {
  const record = readRecord(value, path);
  const entries = Object.entries(record);
  if (entries.length > MAX_PARAMETERS) {
    throw invalidSignal(path, `an object of at most ${MAX_PARAMETERS} parameters`);
  }
  const parameters: Record<string, unknown> = {};
  for (const [name, parameter] of entries) {
    if (!PARAMETER_NAME.test(name))
      throw invalidSignal(`${path} key '${name}'`, 'a parameter name');
    if (typeof parameter === 'number' && Number.isFinite(parameter)) {
      parameters[name] = parameter;
    } else if (typeof parameter === 'string' && parameter.length <= 256) {
      parameters[name] = parameter;
    } else {
      throw invalidSignal(`${path}.${name}`, 'a finite number or a string of up to 256 characters');
    }
  }
  return parameters;
}

function readFeedback(value: unknown, path: string): ms.RtcpFeedback[] {
  return readArray(value, path, MAX_FEEDBACK).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const record = readRecord(item, itemPath);
    const feedback: ms.RtcpFeedback = { type: readString(record['type'], `${itemPath}.type`, 32) };
    const parameter = readOptional(record, 'parameter', itemPath, (v, p) =>
      readString(v, p, 32, 0),
    );
    if (parameter !== undefined) feedback.parameter = parameter;
    return feedback;
  });
}

/** The optional fields a codec capability and a codec's parameters share. */
type CodecOptions = Pick<ms.RtpCodecParameters, 'channels' | 'parameters' | 'rtcpFeedback'>;

function readCodecOptions(record: SignalRecord, path: string): CodecOptions {
  const options: CodecOptions = {};
  const channels = readOptional(record, 'channels', path, (v, p) => readInteger(v, p, 1, 255));
  if (channels !== undefined) options.channels = channels;
  const parameters = readOptional(record, 'parameters', path, readParameters);
  if (parameters !== undefined) options.parameters = parameters;
  const rtcpFeedback = readOptional(record, 'rtcpFeedback', path, readFeedback);
  if (rtcpFeedback !== undefined) options.rtcpFeedback = rtcpFeedback;
  return options;
}

function readCodecCapability(value: unknown, path: string): ms.RtpCodecCapability {
  const record = readRecord(value, path);
  const kind = readOneOf(record['kind'], `${path}.kind`, MEDIA_KINDS);
  const codec: ms.RtpCodecCapability = {
    kind,
    mimeType: readMimeType(record['mimeType'], `${path}.mimeType`, kind),
    preferredPayloadType: readInteger(
      record['preferredPayloadType'],
      `${path}.preferredPayloadType`,
      0,
      PAYLOAD_TYPE_MAX,
    ),
    clockRate: readInteger(record['clockRate'], `${path}.clockRate`, 1, UINT32_MAX),
  };
  return Object.assign(codec, readCodecOptions(record, path));
}

function readKnownUri(value: unknown, path: string): ms.RtpHeaderExtensionUri | undefined {
  const uri = readString(value, path, 256);
  return isKnownUri(uri) ? uri : undefined;
}

function readHeaderExtensionCapability(
  value: unknown,
  path: string,
): ms.RtpHeaderExtension | undefined {
  const record = readRecord(value, path);
  const kind = readOneOf(record['kind'], `${path}.kind`, MEDIA_KINDS);
  const uri = readKnownUri(record['uri'], `${path}.uri`);
  const preferredId = readInteger(
    record['preferredId'],
    `${path}.preferredId`,
    1,
    EXTENSION_ID_MAX,
  );
  const preferredEncrypt = readOptional(record, 'preferredEncrypt', path, readBoolean);
  const direction = readOptional(record, 'direction', path, (v, p) => readOneOf(v, p, DIRECTIONS));
  if (uri === undefined) return undefined;
  const extension: ms.RtpHeaderExtension = { kind, uri, preferredId };
  if (preferredEncrypt !== undefined) extension.preferredEncrypt = preferredEncrypt;
  if (direction !== undefined) extension.direction = direction;
  return extension;
}

/**
 * Reads a client's RTP capabilities (mediasoup-client's `device.rtpCapabilities`) into a fresh
 * object of known fields.
 *
 * @param value - the value from the network.
 * @param path - where it sits in the request.
 * @returns the capabilities, without header extensions mediasoup does not know.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 */
export function readRtpCapabilities(value: unknown, path: string): ms.RtpCapabilities {
  const record = readRecord(value, path);
  const capabilities: ms.RtpCapabilities = {};
  const codecs = readOptional(record, 'codecs', path, (v, p) =>
    readArray(v, p, MAX_CODECS).map((codec, index) => readCodecCapability(codec, `${p}[${index}]`)),
  );
  if (codecs !== undefined) capabilities.codecs = codecs;
  const headerExtensions = readOptional(record, 'headerExtensions', path, (v, p) =>
    readArray(v, p, MAX_HEADER_EXTENSIONS).flatMap(
      (extension, index) => readHeaderExtensionCapability(extension, `${p}[${index}]`) ?? [],
    ),
  );
  if (headerExtensions !== undefined) capabilities.headerExtensions = headerExtensions;
  return capabilities;
}

function readCodecParameters(
  value: unknown,
  path: string,
  kind: ms.MediaKind,
): ms.RtpCodecParameters {
  const record = readRecord(value, path);
  const codec: ms.RtpCodecParameters = {
    mimeType: readMimeType(record['mimeType'], `${path}.mimeType`, kind),
    payloadType: readInteger(record['payloadType'], `${path}.payloadType`, 0, PAYLOAD_TYPE_MAX),
    clockRate: readInteger(record['clockRate'], `${path}.clockRate`, 1, UINT32_MAX),
  };
  return Object.assign(codec, readCodecOptions(record, path));
}

function readHeaderExtensionParameters(
  value: unknown,
  path: string,
): ms.RtpHeaderExtensionParameters | undefined {
  const record = readRecord(value, path);
  const uri = readKnownUri(record['uri'], `${path}.uri`);
  const id = readInteger(record['id'], `${path}.id`, 1, EXTENSION_ID_MAX);
  const encrypt = readOptional(record, 'encrypt', path, readBoolean);
  const parameters = readOptional(record, 'parameters', path, readParameters);
  if (uri === undefined) return undefined;
  const extension: ms.RtpHeaderExtensionParameters = { uri, id };
  if (encrypt !== undefined) extension.encrypt = encrypt;
  if (parameters !== undefined) extension.parameters = parameters;
  return extension;
}

function readEncoding(value: unknown, path: string): ms.RtpEncodingParameters {
  const record = readRecord(value, path);
  const encoding: ms.RtpEncodingParameters = {};
  const ssrc = readOptional(record, 'ssrc', path, (v, p) => readInteger(v, p, 0, UINT32_MAX));
  if (ssrc !== undefined) encoding.ssrc = ssrc;
  const rid = readOptional(record, 'rid', path, (v, p) => readString(v, p, 32));
  if (rid !== undefined) encoding.rid = rid;
  const codecPayloadType = readOptional(record, 'codecPayloadType', path, (v, p) =>
    readInteger(v, p, 0, PAYLOAD_TYPE_MAX),
  );
  if (codecPayloadType !== undefined) encoding.codecPayloadType = codecPayloadType;
  const rtx = readOptional(record, 'rtx', path, (v, p) => ({
    ssrc: readInteger(readRecord(v, p)['ssrc'], `${p}.ssrc`, 0, UINT32_MAX),
  }));
  if (rtx !== undefined) encoding.rtx = rtx;
  const dtx = readOptional(record, 'dtx', path, readBoolean);
  if (dtx !== undefined) encoding.dtx = dtx;
  const scalabilityMode = readOptional(record, 'scalabilityMode', path, (v, p) =>
    readString(v, p, 16),
  );
  if (scalabilityMode !== undefined) encoding.scalabilityMode = scalabilityMode;
  const maxBitrate = readOptional(record, 'maxBitrate', path, (v, p) =>
    readInteger(v, p, 0, UINT32_MAX),
  );
  if (maxBitrate !== undefined) encoding.maxBitrate = maxBitrate;
  return encoding;
}

function readRtcp(value: unknown, path: string): ms.RtcpParameters {
  const record = readRecord(value, path);
  const rtcp: ms.RtcpParameters = {};
  const cname = readOptional(record, 'cname', path, (v, p) => readString(v, p, 256, 0));
  if (cname !== undefined) rtcp.cname = cname;
  const reducedSize = readOptional(record, 'reducedSize', path, readBoolean);
  if (reducedSize !== undefined) rtcp.reducedSize = reducedSize;
  return rtcp;
}

/**
 * Reads the RTP parameters a client sends with (mediasoup-client's `produce` event) into a fresh
 * object of known fields.
 *
 * @param value - the value from the network.
 * @param path - where it sits in the request.
 * @param kind - the producer's kind: every codec's MIME type must be of it.
 * @returns the parameters, without header extensions mediasoup does not know.
 * @throws {@link SfuError} `GK_SFU_INVALID_SIGNAL` naming the first malformed field.
 */
export function readRtpParameters(
  value: unknown,
  path: string,
  kind: ms.MediaKind,
): ms.RtpParameters {
  const record = readRecord(value, path);
  const parameters: ms.RtpParameters = {
    codecs: readArray(record['codecs'], `${path}.codecs`, MAX_CODECS, 1).map((codec, index) =>
      readCodecParameters(codec, `${path}.codecs[${index}]`, kind),
    ),
  };
  const mid = readOptional(record, 'mid', path, (v, p) => readString(v, p, 32));
  if (mid !== undefined) parameters.mid = mid;
  const headerExtensions = readOptional(record, 'headerExtensions', path, (v, p) =>
    readArray(v, p, MAX_HEADER_EXTENSIONS).flatMap(
      (extension, index) => readHeaderExtensionParameters(extension, `${p}[${index}]`) ?? [],
    ),
  );
  if (headerExtensions !== undefined) parameters.headerExtensions = headerExtensions;
  const encodings = readOptional(record, 'encodings', path, (v, p) =>
    readArray(v, p, MAX_ENCODINGS).map((encoding, index) =>
      readEncoding(encoding, `${p}[${index}]`),
    ),
  );
  if (encodings !== undefined) parameters.encodings = encodings;
  const rtcp = readOptional(record, 'rtcp', path, readRtcp);
  if (rtcp !== undefined) parameters.rtcp = rtcp;
  return parameters;
}
