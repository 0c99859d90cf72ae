import { NATS, requireService } from '@guildkit/testkit';
import { describe, expect, it } from 'vitest';
import { scaleBackend, scaleBackendConfig } from '../support/scale-backends.js';
import { resumeAfterSigkill } from '../support/sigkill-scenario.js';

const available = await requireService(NATS);

describe.skipIf(!available)('GatewayServer scale-out on NATS: node killed mid-stream', () => {
  it('resumes 5 clients of a SIGKILLed node on node B, seqs contiguous, nothing stored lost or repeated', async () => {
    const outcome = await resumeAfterSigkill(
      scaleBackend(scaleBackendConfig('nats', 'sigkill')),
      5,
    );
    expect(outcome.lastSeenOnA.every((seq) => seq > 50)).toBe(true);
  });
});
