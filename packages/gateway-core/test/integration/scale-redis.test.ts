import { REDIS, requireService } from '@guildkit/testkit';
import { describe, it } from 'vitest';
import { scaleBackend, scaleBackendConfig } from '../support/scale-backends.js';
import { resumeOnAnotherNode, streamAcrossNodes } from '../support/scale-scenario.js';

const available = await requireService(REDIS);

describe.skipIf(!available)(
  'GatewayServer scale-out on Redis (Streams store + pub/sub bus)',
  () => {
    it('resumes on node B, after node A lost the socket, with exactly the missed dispatches', async () => {
      await resumeOnAnotherNode(scaleBackend(scaleBackendConfig('redis', 'scale')), {
        staleNode: false,
      });
    });

    it('fences off node A, still up, once node B resumed its session', async () => {
      await resumeOnAnotherNode(scaleBackend(scaleBackendConfig('redis', 'scale')), {
        staleNode: true,
      });
    });

    it('delivers 10,000 messages dispatched on node A to a client on node B, in order', async () => {
      await streamAcrossNodes(scaleBackend(scaleBackendConfig('redis', 'scale')), 10_000);
    }, 60_000);
  },
);
