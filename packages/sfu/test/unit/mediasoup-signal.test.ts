import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SfuError, SfuErrorCode } from '../../src/errors.js';
import {
  parseConnectRequest,
  parseConsumerId,
  parseConsumerLayers,
  parseJoinRequest,
  parseProduceRequest,
} from '../../src/media/mediasoup/parse-signal.js';
import {
  clientDtlsParameters,
  DEVICE_RTP_CAPABILITIES,
  opusParameters,
  vp8SimulcastParameters,
} from '../support/mediasoup-payloads.js';

/** The error `fn` throws; fails the test when it returns or throws something else. */
function errorOf(fn: () => unknown): SfuError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SfuError);
    return error as SfuError;
  }
  throw new Error('expected a throw');
}

type Key = string | number;

/** A deep copy of `value` with the value at `path` replaced (the whole value for `[]`). */
function withValue(value: unknown, path: readonly Key[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<Key, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<Key, unknown>;
  target[path.at(-1)!] = replacement;
  return copy;
}

const join = { rtpCapabilities: DEVICE_RTP_CAPABILITIES };
const connect = {
  transportId: '0f6a5f9e-6f0b-4d52-9a11-4a5e3c1d2b7e',
  dtlsParameters: clientDtlsParameters(),
};
const microphone = { kind: 'audio', rtpParameters: opusParameters(1111), source: 'microphone' };
const camera = { kind: 'video', rtpParameters: vp8SimulcastParameters(), source: 'camera' };

describe('ORTC requests that mediasoup-client sends', () => {
  it('reads a join with the device capabilities into an equal, fresh object', () => {
    const parsed = parseJoinRequest(join);
    expect(parsed).toEqual(join);
    expect(parsed.rtpCapabilities).not.toBe(DEVICE_RTP_CAPABILITIES);
    expect(parsed.rtpCapabilities.codecs?.[0]).not.toBe(DEVICE_RTP_CAPABILITIES.codecs?.[0]);
  });

  it('reads a connect and a microphone produce unchanged', () => {
    expect(parseConnectRequest(connect)).toEqual(connect);
    expect(parseProduceRequest(microphone)).toEqual(microphone);
  });

  it('reads a three-layer simulcast camera, dropping the encoding fields mediasoup ignores', () => {
    const rtpParameters = vp8SimulcastParameters();
    const fromClient = {
      ...camera,
      rtpParameters: {
        ...rtpParameters,
        encodings: rtpParameters.encodings?.map((encoding, index) => ({
          ...encoding,
          active: true,
          scaleResolutionDownBy: 2 ** (2 - index),
        })),
      },
    };
    const parsed = parseProduceRequest(fromClient);
    expect(parsed).toEqual(camera);
    expect(parsed.rtpParameters.encodings?.map((encoding) => encoding.rid)).toEqual([
      'r0',
      'r1',
      'r2',
    ]);
  });

  it('drops header extensions mediasoup does not know, and keeps the rest in order', () => {
    const unknown = 'http://www.webrtc.org/experiments/rtp-hdrext/video-content-type';
    const extensions = opusParameters(1111).headerExtensions ?? [];
    const parsed = parseProduceRequest(
      withValue(
        microphone,
        ['rtpParameters', 'headerExtensions'],
        [extensions[0], { uri: unknown, id: 7 }, ...extensions.slice(1)],
      ),
    );
    expect(parsed.rtpParameters.headerExtensions).toEqual(extensions);
    const capabilities = DEVICE_RTP_CAPABILITIES.headerExtensions ?? [];
    const joined = parseJoinRequest(
      withValue(
        join,
        ['rtpCapabilities', 'headerExtensions'],
        [...capabilities, { kind: 'video', uri: unknown, preferredId: 7 }],
      ),
    );
    expect(joined).toEqual(join);
  });

  it('takes screen audio and screen video, and layers with or without a temporal layer', () => {
    expect(parseProduceRequest({ ...microphone, source: 'screen' }).source).toBe('screen');
    expect(parseProduceRequest({ ...camera, source: 'screen' }).kind).toBe('video');
    expect(parseConsumerLayers({ spatialLayer: 0 })).toEqual({ spatialLayer: 0 });
    expect(parseConsumerLayers({ spatialLayer: 2, temporalLayer: 1 })).toEqual({
      spatialLayer: 2,
      temporalLayer: 1,
    });
  });
});

type Case = readonly [what: string, parse: () => unknown, pathInMessage: string];

const CODEC = ['rtpCapabilities', 'codecs', 0];
const PROTO = JSON.parse('{"__proto__":{"polluted":1}}') as unknown;
const capability = (key: Key, value: unknown) => () =>
  parseJoinRequest(withValue(join, [...CODEC, key], value));
const joinAt = (path: readonly Key[], value: unknown) => () =>
  parseJoinRequest(withValue(join, path, value));
const connectAt = (path: readonly Key[], value: unknown) => () =>
  parseConnectRequest(withValue(connect, path, value));
const produceAt =
  (path: readonly Key[], value: unknown, base: unknown = microphone) =>
  () =>
    parseProduceRequest(withValue(base, path, value));
const ENCODING = ['rtpParameters', 'encodings', 0];

const MALFORMED: readonly Case[] = [
  ['a null join', joinAt([], null), 'join'],
  ['an array join', joinAt([], [join]), 'join'],
  ['a string join', joinAt([], '{"rtpCapabilities":{}}'), 'join'],
  ['a join without capabilities', joinAt(['rtpCapabilities'], undefined), 'join.rtpCapabilities'],
  ['a Date as capabilities', joinAt(['rtpCapabilities'], new Date()), 'join.rtpCapabilities'],
  [
    'codecs that are not an array',
    joinAt(['rtpCapabilities', 'codecs'], {}),
    'join.rtpCapabilities.codecs',
  ],
  [
    '65 codecs',
    joinAt(['rtpCapabilities', 'codecs'], Array(65).fill(DEVICE_RTP_CAPABILITIES.codecs?.[0])),
    'join.rtpCapabilities.codecs',
  ],
  ['a codec of kind data', capability('kind', 'data'), 'codecs[0].kind'],
  ['a codec without a MIME type', capability('mimeType', undefined), 'codecs[0].mimeType'],
  ['a MIME type without a kind', capability('mimeType', 'opus'), 'codecs[0].mimeType'],
  [
    'an audio codec with a video MIME type',
    capability('mimeType', 'video/VP8'),
    'codecs[0].mimeType',
  ],
  ['payload type 128', capability('preferredPayloadType', 128), 'preferredPayloadType'],
  ['payload type 1.5', capability('preferredPayloadType', 1.5), 'preferredPayloadType'],
  ['payload type as a string', capability('preferredPayloadType', '100'), 'preferredPayloadType'],
  ['clock rate 0', capability('clockRate', 0), 'codecs[0].clockRate'],
  ['0 channels', capability('channels', 0), 'codecs[0].channels'],
  ['parameters as an array', capability('parameters', [1]), 'codecs[0].parameters'],
  [
    'an object parameter value',
    capability('parameters', { apt: { x: 1 } }),
    'codecs[0].parameters.apt',
  ],
  ['a __proto__ parameter', capability('parameters', PROTO), "parameters key '__proto__'"],
  ['feedback without a type', capability('rtcpFeedback', [{}]), 'rtcpFeedback[0].type'],
  [
    'header extension id 0',
    joinAt(['rtpCapabilities', 'headerExtensions', 0, 'preferredId'], 0),
    'headerExtensions[0].preferredId',
  ],
  [
    'header extension direction both',
    joinAt(['rtpCapabilities', 'headerExtensions', 2, 'direction'], 'both'),
    'headerExtensions[2].direction',
  ],
  [
    'a connect without a transport id',
    connectAt(['transportId'], undefined),
    'connect.transportId',
  ],
  ['an empty transport id', connectAt(['transportId'], ''), 'connect.transportId'],
  [
    'a 65-character transport id',
    connectAt(['transportId'], 'x'.repeat(65)),
    'connect.transportId',
  ],
  [
    'a connect without DTLS parameters',
    connectAt(['dtlsParameters'], undefined),
    'connect.dtlsParameters',
  ],
  [
    'no fingerprint',
    connectAt(['dtlsParameters', 'fingerprints'], []),
    'dtlsParameters.fingerprints',
  ],
  [
    'nine fingerprints',
    connectAt(
      ['dtlsParameters', 'fingerprints'],
      Array(9).fill(clientDtlsParameters().fingerprints[0]),
    ),
    'dtlsParameters.fingerprints',
  ],
  [
    'an md5 fingerprint',
    connectAt(['dtlsParameters', 'fingerprints', 0, 'algorithm'], 'md5'),
    'fingerprints[0].algorithm',
  ],
  [
    'a fingerprint that is not hex',
    connectAt(['dtlsParameters', 'fingerprints', 0, 'value'], 'zz:zz'),
    'fingerprints[0].value',
  ],
  ['DTLS role master', connectAt(['dtlsParameters', 'role'], 'master'), 'dtlsParameters.role'],
  ['kind data', produceAt(['kind'], 'data'), 'produce.kind'],
  ['source webcam', produceAt(['source'], 'webcam'), 'produce.source'],
  ['a video microphone', produceAt(['source'], 'microphone', camera), 'produce.kind'],
  ['an audio camera', produceAt(['source'], 'camera'), 'produce.kind'],
  [
    'a produce without RTP parameters',
    produceAt(['rtpParameters'], undefined),
    'produce.rtpParameters',
  ],
  ['no codec', produceAt(['rtpParameters', 'codecs'], []), 'produce.rtpParameters.codecs'],
  [
    'an audio codec in a video produce',
    produceAt(['rtpParameters'], opusParameters(1), camera),
    'produce.rtpParameters.codecs[0].mimeType',
  ],
  ['a negative SSRC', produceAt([...ENCODING, 'ssrc'], -1), 'encodings[0].ssrc'],
  ['a 33-bit SSRC', produceAt([...ENCODING, 'ssrc'], 2 ** 32), 'encodings[0].ssrc'],
  [
    'encodings as an object',
    produceAt(['rtpParameters', 'encodings'], {}),
    'rtpParameters.encodings',
  ],
  [
    '17 encodings',
    produceAt(['rtpParameters', 'encodings'], Array(17).fill({})),
    'rtpParameters.encodings',
  ],
  [
    'a 33-character rid',
    produceAt([...ENCODING, 'rid'], 'r'.repeat(33), camera),
    'encodings[0].rid',
  ],
  ['RTX without an SSRC', produceAt([...ENCODING, 'rtx'], {}), 'encodings[0].rtx.ssrc'],
  ['dtx as a string', produceAt([...ENCODING, 'dtx'], 'yes'), 'encodings[0].dtx'],
  [
    'a 17-character scalability mode',
    produceAt([...ENCODING, 'scalabilityMode'], 'L'.repeat(17), camera),
    'encodings[0].scalabilityMode',
  ],
  ['a negative max bitrate', produceAt([...ENCODING, 'maxBitrate'], -1, camera), 'maxBitrate'],
  ['RTCP as a string', produceAt(['rtpParameters', 'rtcp'], 'x'), 'rtpParameters.rtcp'],
  ['a numeric CNAME', produceAt(['rtpParameters', 'rtcp', 'cname'], 42), 'rtcp.cname'],
  ['a 33-character mid', produceAt(['rtpParameters', 'mid'], '1'.repeat(33)), 'rtpParameters.mid'],
  [
    'header extension id 256',
    produceAt(['rtpParameters', 'headerExtensions', 0, 'id'], 256),
    'headerExtensions[0].id',
  ],
  ['a null consumer id', () => parseConsumerId(null), 'consumerId'],
  ['layers as null', () => parseConsumerLayers(null), 'layers'],
  ['no spatial layer', () => parseConsumerLayers({ temporalLayer: 1 }), 'layers.spatialLayer'],
  ['spatial layer -1', () => parseConsumerLayers({ spatialLayer: -1 }), 'layers.spatialLayer'],
  [
    'temporal layer as a string',
    () => parseConsumerLayers({ spatialLayer: 0, temporalLayer: '1' }),
    'layers.temporalLayer',
  ],
];

describe('malformed ORTC requests', () => {
  it.each(MALFORMED)('refuses %s with GK_SFU_INVALID_SIGNAL naming the field', (_, parse, path) => {
    const error = errorOf(parse);
    expect(error.code).toBe(SfuErrorCode.InvalidSignal);
    expect(error.message).toContain(`${path}`);
    expect(error.message).toContain(' must be ');
  });

  it('leaves Object.prototype alone when a parameter is named __proto__', () => {
    errorOf(capability('parameters', PROTO));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

/** Every path to a value inside `value`, as key lists. */
function pathsOf(value: unknown, prefix: readonly Key[] = []): Key[][] {
  if (typeof value !== 'object' || value === null) return [[...prefix]];
  const keys: Key[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  const nested = keys.flatMap((key) =>
    pathsOf((value as Record<Key, unknown>)[key], [...prefix, key]),
  );
  return [[...prefix], ...nested];
}

const PARSERS = [
  ['join', join, parseJoinRequest],
  ['connect', connect, parseConnectRequest],
  ['produce (microphone)', microphone, parseProduceRequest],
  ['produce (simulcast camera)', camera, parseProduceRequest],
] as const;

describe('any corruption of a valid request', () => {
  for (const [name, valid, parse] of PARSERS) {
    const paths = pathsOf(valid);
    test.prop([fc.constantFrom(...paths), fc.anything()], { numRuns: 300 })(
      `${name}: is read or refused with GK_SFU_INVALID_SIGNAL, never anything else`,
      (path, replacement) => {
        const request = withValue(valid, path, replacement);
        try {
          parse(request);
        } catch (error) {
          expect(error).toBeInstanceOf(SfuError);
          expect((error as SfuError).code).toBe(SfuErrorCode.InvalidSignal);
        }
      },
    );
  }
});
