import type {
  CloseEvent,
  GatewayClient,
  GatewayClientError,
  GatewayClientEvents,
  ReconnectingEvent,
} from '@guildkit/gateway-core/client';
import type { GatewayDispatchPayload, GatewayReadyDispatchData } from 'discord-api-types/v10';
import type { EventEmitter } from 'eventemitter3';
import { describe, expectTypeOf, it } from 'vitest';

describe('GatewayClientEvents', () => {
  it('is locked: every event and its arguments', () => {
    expectTypeOf<GatewayClientEvents>().toEqualTypeOf<{
      ready: [data: GatewayReadyDispatchData];
      resumed: [];
      dispatch: [payload: GatewayDispatchPayload];
      hello: [heartbeatIntervalMs: number];
      heartbeatAck: [pingMs: number];
      reconnecting: [event: ReconnectingEvent];
      invalidSession: [resumable: boolean];
      close: [event: CloseEvent];
      error: [error: GatewayClientError];
      debug: [message: string];
    }>();
    expectTypeOf<GatewayClient>().toExtend<EventEmitter<GatewayClientEvents>>();
  });
});
