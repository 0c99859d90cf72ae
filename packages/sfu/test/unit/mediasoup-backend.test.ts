import { availableParallelism } from 'node:os';
import {
  DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS,
  MediasoupMediaBackend,
  type MediasoupMediaBackendOptions,
  type MediasoupModule,
} from '@guildkit/sfu/mediasoup';
import { describe, expect, it } from 'vitest';
import { SfuError, SfuErrorCode } from '../../src/errors.js';
import { resolveMediasoupSettings } from '../../src/media/mediasoup/mediasoup-options.js';

/** The error `promise` rejects with; fails the test when it resolves or rejects otherwise. */
async function rejectionOf(promise: Promise<unknown>): Promise<SfuError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SfuError);
  return error as SfuError;
}

/** A loader that imports a package that is not installed: a real ERR_MODULE_NOT_FOUND. */
function countingMissingImport(): { load: () => Promise<MediasoupModule>; calls: () => number } {
  let calls = 0;
  const missing = '@guildkit/mediasoup-that-is-not-installed';
  return {
    load: () => {
      calls++;
      return import(missing);
    },
    calls: () => calls,
  };
}

describe('MediasoupMediaBackend options', () => {
  it('defaults to one worker per core, Opus/VP8/H264, 50 peers per router, -70 dBov every 250 ms', () => {
    expect(DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS.workers).toBe(availableParallelism());
    expect(
      DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS.mediaCodecs.map((codec) => codec.mimeType),
    ).toEqual(['audio/opus', 'video/VP8', 'video/H264']);
    expect(DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS.mediaCodecs[2].parameters).toEqual({
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
    });
    expect(DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS).toMatchObject({
      maxPeersPerRouter: 50,
      speakingThresholdDbov: -70,
      speakingIntervalMs: 250,
    });
  });

  it('applies the port range to listen infos without a port, and keeps the others', () => {
    const settings = resolveMediasoupSettings({
      rtcMinPort: 40_000,
      rtcMaxPort: 40_099,
      listenInfos: [
        { protocol: 'udp', ip: '0.0.0.0', announcedAddress: '203.0.113.7' },
        { protocol: 'tcp', ip: '0.0.0.0', port: 443 },
      ],
    });
    expect(settings.listenInfos).toEqual([
      {
        protocol: 'udp',
        ip: '0.0.0.0',
        announcedAddress: '203.0.113.7',
        portRange: { min: 40_000, max: 40_099 },
      },
      { protocol: 'tcp', ip: '0.0.0.0', port: 443 },
    ]);
    expect(resolveMediasoupSettings({}).listenInfos).toEqual([
      { protocol: 'udp', ip: '127.0.0.1', portRange: { min: 10_000, max: 59_999 } },
      { protocol: 'tcp', ip: '127.0.0.1', portRange: { min: 10_000, max: 59_999 } },
    ]);
  });

  const INVALID: ReadonlyArray<[string, MediasoupMediaBackendOptions]> = [
    ['workers 0', { workers: 0 }],
    ['workers 1.5', { workers: 1.5 }],
    ['rtcMinPort 0', { rtcMinPort: 0 }],
    ['rtcMaxPort 65536', { rtcMaxPort: 65_536 }],
    ['rtcMinPort above rtcMaxPort', { rtcMinPort: 50_000, rtcMaxPort: 40_000 }],
    ['no listen info', { listenInfos: [] }],
    ['a listen info without an ip', { listenInfos: [{ protocol: 'udp', ip: '' }] }],
    [
      'no audio codec',
      { mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90_000 }] },
    ],
    [
      'a codec of the wrong kind',
      { mediaCodecs: [{ kind: 'audio', mimeType: 'video/VP8', clockRate: 90_000 }] },
    ],
    [
      'a codec without a clock rate',
      { mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 0, channels: 2 }] },
    ],
    ['maxPeersPerRouter 0', { maxPeersPerRouter: 0 }],
    ['speakingThresholdDbov 1', { speakingThresholdDbov: 1 }],
    ['speakingThresholdDbov -128', { speakingThresholdDbov: -128 }],
    ['speakingIntervalMs 100 (mediasoup-worker takes 250 … 5000)', { speakingIntervalMs: 100 }],
    ['speakingIntervalMs 5001', { speakingIntervalMs: 5001 }],
  ];

  it.each(INVALID)(
    'refuses %s with GK_SFU_INVALID_OPTION, without loading mediasoup',
    (_, options) => {
      const missing = countingMissingImport();
      let error: unknown;
      try {
        new MediasoupMediaBackend({ ...options, loadMediasoup: missing.load });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(SfuError);
      expect((error as SfuError).code).toBe(SfuErrorCode.InvalidOption);
      expect(missing.calls()).toBe(0);
    },
  );
});

describe('MediasoupMediaBackend without mediasoup', () => {
  it('loads nothing until first use', () => {
    const missing = countingMissingImport();
    new MediasoupMediaBackend({ loadMediasoup: missing.load });
    expect(missing.calls()).toBe(0);
  });

  it('rejects start, hello and createRoom with "not installed" and the import error as cause', async () => {
    const missing = countingMissingImport();
    const backend = new MediasoupMediaBackend({ workers: 1, loadMediasoup: missing.load });
    for (const call of [
      () => backend.start(),
      () => backend.hello(),
      () => backend.createRoom('1'),
    ]) {
      const error = await rejectionOf(call());
      expect(error.code).toBe(SfuErrorCode.MediaUnavailable);
      expect(error.message).toBe(
        'mediasoup is not installed: npm install mediasoup (an optional peer dependency of @guildkit/sfu)',
      );
      expect((error.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
    }
    expect(missing.calls()).toBe(3);
  });

  it('passes on the message of an import that fails for another reason', async () => {
    const broken = new SyntaxError("Unexpected token 'export'");
    const backend = new MediasoupMediaBackend({ loadMediasoup: () => Promise.reject(broken) });
    const error = await rejectionOf(backend.start());
    expect(error.code).toBe(SfuErrorCode.MediaUnavailable);
    expect(error.message).toBe("mediasoup could not be loaded: Unexpected token 'export'");
    expect(error.cause).toBe(broken);
  });

  it('lets a second createRoom for the same channel fail as a duplicate only once one is open', async () => {
    const backend = new MediasoupMediaBackend({ loadMediasoup: countingMissingImport().load });
    const [first, second] = await Promise.allSettled([
      backend.createRoom('7'),
      backend.createRoom('7'),
    ]);
    expect(first.status === 'rejected' && (first.reason as SfuError).code).toBe(
      SfuErrorCode.MediaUnavailable,
    );
    expect(second.status === 'rejected' && (second.reason as SfuError).code).toBe(
      SfuErrorCode.DuplicateRoom,
    );
    expect((await rejectionOf(backend.createRoom('7'))).code).toBe(SfuErrorCode.MediaUnavailable);
  });

  it('rejects every call with GK_SFU_ROOM_CLOSED once closed', async () => {
    const missing = countingMissingImport();
    const backend = new MediasoupMediaBackend({ loadMediasoup: missing.load });
    await backend.close();
    await backend.close();
    for (const call of [
      () => backend.start(),
      () => backend.hello(),
      () => backend.createRoom('1'),
    ]) {
      expect((await rejectionOf(call())).code).toBe(SfuErrorCode.RoomClosed);
    }
    expect(missing.calls()).toBe(0);
  });
});
