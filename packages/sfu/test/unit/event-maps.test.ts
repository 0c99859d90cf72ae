import type {
  SfuChannelMove,
  SfuChannelStranding,
  SfuNodeRegistryEvents,
  VoiceState,
  VoiceStatesEvents,
} from '@guildkit/sfu';
import type { MediaRoomEvents, SdpConsumer, SdpDialect } from '@guildkit/sfu/werift';
import { describe, expectTypeOf, it } from 'vitest';

describe('event maps', () => {
  it('locks SfuNodeRegistryEvents', () => {
    expectTypeOf<keyof SfuNodeRegistryEvents>().toEqualTypeOf<
      'channelMoved' | 'channelStranded' | 'nodeDown' | 'listenerError'
    >();
    expectTypeOf<SfuNodeRegistryEvents['channelMoved']>().toEqualTypeOf<[move: SfuChannelMove]>();
    expectTypeOf<SfuNodeRegistryEvents['channelStranded']>().toEqualTypeOf<
      [stranding: SfuChannelStranding]
    >();
    expectTypeOf<SfuNodeRegistryEvents['nodeDown']>().toEqualTypeOf<[nodeId: string]>();
  });

  it('locks VoiceStatesEvents', () => {
    expectTypeOf<keyof VoiceStatesEvents>().toEqualTypeOf<'voiceStateUpdate' | 'listenerError'>();
    expectTypeOf<VoiceStatesEvents['voiceStateUpdate']>().toEqualTypeOf<[state: VoiceState]>();
  });

  it('locks MediaRoomEvents', () => {
    expectTypeOf<keyof MediaRoomEvents>().toEqualTypeOf<'speaking' | 'consumer'>();
    expectTypeOf<MediaRoomEvents['speaking']>().toEqualTypeOf<
      [peerId: string, speaking: boolean]
    >();
    expectTypeOf<MediaRoomEvents<SdpDialect>['consumer']>().toEqualTypeOf<
      [peerId: string, consumer: SdpConsumer]
    >();
  });
});
