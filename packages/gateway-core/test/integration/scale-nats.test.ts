import { NATS, requireService } from '@guildkit/testkit';
import { describe, it } from 'vitest';
import { scaleBackend, scaleBackendConfig } from '../support/scale-backends.js';
import { resumeOnAnotherNode, streamAcrossNodes } from '../support/scale-scenario.js';

const available = await requireService(NATS);

describe.skipIf(!available)('GatewayServer scale-out on NATS (JetStream store + core bus)', () => {
  it('resumes on node B, after node A lost the socket, with exactly the missed dispatches', async () => {
    await resumeOnAnotherNode(scaleBackend(scaleBackendConfig('nats', 'scale')), {
      staleNode: false,
    });
  });

  it('fences node A off when it is still up: its later appends fail, B serves the client', async () => {
    await resumeOnAnotherNode(scaleBackend(scaleBackendConfig('nats', 'scale')), {
      staleNode: true,
    });
  });

  it('delivers 10,000 messages dispatched on node A to a client on node B, in order', async () => {
    await streamAcrossNodes(scaleBackend(scaleBackendConfig('nats', 'scale')), 10_000);
  }, 60_000);
});
