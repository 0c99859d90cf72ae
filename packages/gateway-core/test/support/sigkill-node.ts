/**
 * A gateway node in a child process, for test/support/sigkill-scenario.ts. `argv[2]` is a JSON
 * {@link SigkillNodeConfig}: the node opens that backend's session store and event bus on its
 * own connections, starts a GatewayServer on 127.0.0.1 port 0 sharing them, and prints
 * `{"port":<port>}` as one line. Once stdin says `go`, it dispatches MESSAGE_CREATE `m1`, `m2`,
 * … to the guild, one per millisecond, until it is killed. It exits when stdin closes, so a
 * parent that died leaves no node behind.
 */
import { createInterface } from 'node:readline';
import { GatewayServer } from '@guildkit/gateway-core';
import { TOKEN, USER } from './harness.js';
import { openNodeParts } from './scale-backends.js';
import type { SigkillNodeConfig } from './sigkill-scenario.js';

const [argument] = process.argv.slice(2);
if (argument === undefined) throw new Error('usage: sigkill-node <config as JSON>');
const config = JSON.parse(argument) as SigkillNodeConfig;

/** The same MESSAGE_CREATE as `message(n)` of scale-scenario.ts, by the bot itself. */
function message(n: number): { t: string; d: unknown } {
  return {
    t: 'MESSAGE_CREATE',
    d: {
      id: String(n),
      channel_id: '2',
      guild_id: config.guildId,
      author: { id: USER.id },
      mentions: [],
      content: `m${n}`,
    },
  };
}

const { store, bus } = await openNodeParts(config, config.nodeId);
const gateway = new GatewayServer({
  port: 0,
  host: '127.0.0.1',
  authenticate: async (token) => (token === TOKEN ? { user: USER } : null),
  guildIds: () => [config.guildId],
  identifyConcurrency: false,
  sessionStore: store,
  eventBus: bus,
});
gateway.on('debug', (line) => process.stderr.write(`node ${config.nodeId}: ${line}\n`));
const { port } = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port })}\n`);

let streaming = false;
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line !== 'go' || streaming) return;
  streaming = true;
  let n = 0;
  setInterval(() => {
    n += 1;
    gateway.fanOut.dispatchToGuild(config.guildId, message(n));
  }, 1);
});
commands.on('close', () => process.exit(1));
