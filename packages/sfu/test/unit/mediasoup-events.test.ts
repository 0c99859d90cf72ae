import type { SfuError } from '@guildkit/sfu';
import type {
  MediaRoomEvents,
  MediasoupMediaBackendEvents,
  OrtcConsumerNotice,
  OrtcDialect,
} from '@guildkit/sfu/mediasoup';
import { describe, expectTypeOf, it } from 'vitest';

describe('mediasoup event maps', () => {
  it('locks MediasoupMediaBackendEvents', () => {
    expectTypeOf<keyof MediasoupMediaBackendEvents>().toEqualTypeOf<'roomFailed'>();
    expectTypeOf<MediasoupMediaBackendEvents['roomFailed']>().toEqualTypeOf<
      [channelId: string, error: SfuError]
    >();
  });

  it('locks the ORTC consumer notices of MediaRoomEvents', () => {
    expectTypeOf<MediaRoomEvents<OrtcDialect>['consumer']>().toEqualTypeOf<
      [peerId: string, consumer: OrtcConsumerNotice]
    >();
    expectTypeOf<OrtcConsumerNotice['type']>().toEqualTypeOf<'added' | 'removed' | 'layers'>();
  });
});
