import { VoiceTokens } from '@guildkit/sfu';
import type { MeasuredCase } from '@guildkit/testkit';
import { jwtVerify, SignJWT } from 'jose';

const SECRET = new TextEncoder().encode('a-32-byte-or-longer-secret-for-hmac-256!');
const REQUEST = {
  userId: '80351110224678912',
  guildId: '81384788765712384',
  channelId: '81384788765712390',
  nodeId: 'sfu-eu-1',
  sessionId: '3f5c9e2a4b7d4c0e9a1b2c3d4e5f6a7b',
} as const;
const BATCH = 200;

/** Ops/s of `run`, called with batches of {@link BATCH} operations for about `timeMs`. */
async function measure(
  name: string,
  run: () => Promise<void> | void,
  timeMs = 1000,
): Promise<MeasuredCase> {
  for (let i = 0; i < 5; i++) await run();
  let ops = 0;
  const started = performance.now();
  while (performance.now() - started < timeMs) {
    await run();
    ops += BATCH;
  }
  return { name, opsPerSecond: (ops * 1000) / (performance.now() - started) };
}

/**
 * Issue + verify of one voice token, `VoiceTokens` against `jose` HS256 JWTs with the same
 * claims (the library most Node developers would reach for), in one process.
 *
 * @returns the side-by-side rows, ours first.
 */
export async function tokenRows(): Promise<MeasuredCase[]> {
  const tokens = new VoiceTokens({ keys: { k1: SECRET }, currentKeyId: 'k1' });
  const scope = { nodeId: REQUEST.nodeId, channelId: REQUEST.channelId };
  let sink = 0;
  const ours = await measure('@guildkit/sfu VoiceTokens issue + verify', () => {
    for (let i = 0; i < BATCH; i++) sink += tokens.verify(tokens.issue(REQUEST), scope).exp;
  });
  const peer = await measure('jose SignJWT + jwtVerify (HS256)', async () => {
    for (let i = 0; i < BATCH; i++) {
      const jwt = await new SignJWT({ ...REQUEST })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setIssuedAt()
        .setExpirationTime('60s')
        .setJti(String(i))
        .sign(SECRET);
      const { payload } = await jwtVerify(jwt, SECRET, { algorithms: ['HS256'] });
      if (payload['nodeId'] !== REQUEST.nodeId) throw new Error('wrong node');
      sink += payload.exp ?? 0;
    }
  });
  if (sink < 0) throw new Error('unreachable');
  return [ours, peer];
}
