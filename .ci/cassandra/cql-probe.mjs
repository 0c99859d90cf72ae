// Exits 0 when a CQL server answers a protocol v4 STARTUP on host:port, 1 otherwise.
// Usage: node cql-probe.mjs [host] [port] [timeoutMs]
// No driver needed: one STARTUP frame out, one frame header back (READY, or AUTHENTICATE when
// the server wants a password; both mean "a CQL server is listening").
import { connect } from 'node:net';

const CQL_V4_REQUEST = 0x04;
const CQL_V4_RESPONSE = 0x84;
const OPCODE_STARTUP = 0x01;
const OPCODE_READY = 0x02;
const OPCODE_AUTHENTICATE = 0x03;
const FRAME_HEADER_BYTES = 9;

const [host = '127.0.0.1', portText = '9042', timeoutText = '5000'] = process.argv.slice(2);

/** Encodes a CQL [string map]: [short n] then n × ([short len][utf8] [short len][utf8]). */
function encodeStringMap(entries) {
  const parts = [];
  const count = Buffer.alloc(2);
  count.writeUInt16BE(entries.length);
  parts.push(count);
  for (const text of entries.flat()) {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

function startupFrame() {
  const body = encodeStringMap([['CQL_VERSION', '3.0.0']]);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt8(CQL_V4_REQUEST, 0);
  header.writeUInt8(0, 1);
  header.writeInt16BE(0, 2);
  header.writeUInt8(OPCODE_STARTUP, 4);
  header.writeUInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function finish(code, message) {
  process.stderr.write(`cql-probe ${host}:${portText}: ${message}\n`);
  process.exit(code);
}

const socket = connect({ host, port: Number(portText) });
socket.setTimeout(Number(timeoutText), () => finish(1, 'timed out'));
socket.on('error', (error) => finish(1, error.message));
socket.on('connect', () => socket.write(startupFrame()));

let received = Buffer.alloc(0);
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  if (received.length < FRAME_HEADER_BYTES) return;
  const version = received.readUInt8(0);
  const opcode = received.readUInt8(4);
  if (version === CQL_V4_RESPONSE && opcode === OPCODE_READY) finish(0, 'READY');
  if (version === CQL_V4_RESPONSE && opcode === OPCODE_AUTHENTICATE) finish(0, 'AUTHENTICATE');
  finish(1, `unexpected reply: version 0x${version.toString(16)}, opcode 0x${opcode.toString(16)}`);
});
socket.on('end', () => finish(1, 'closed before replying'));
