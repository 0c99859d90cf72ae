import { readFileSync } from 'node:fs';
import { closeCodeAction } from '@guildkit/gateway-core/client';
import { describe, expect, it } from 'vitest';

const PROTOCOL_DOC = new URL('../../../../docs/gateway-protocol.md', import.meta.url);

/** The close-code table's rows: the code and the text of its last column. */
function documentedActions(): [code: number, clientColumn: string][] {
  const text = readFileSync(PROTOCOL_DOC, 'utf8');
  const section = text.slice(text.indexOf('## Close codes'), text.indexOf('## Identify'));
  return [...section.matchAll(/^\|\s*(\d{4})\s*\|.*\|\s*([^|]+?)\s*\|$/gm)].map((match) => [
    Number(match[1]),
    match[2]!,
  ]);
}

const COLUMN_FOR_ACTION = {
  resume: 'reconnects and RESUMEs',
  reidentify: 'reconnects and IDENTIFYs afresh',
  stop: '**stops**',
} as const;

describe('docs/gateway-protocol.md close-code table', () => {
  it('lists every gateway close code from 4000 to 4014 except the unused 4006', () => {
    const codes = documentedActions().map(([code]) => code);
    expect(codes.filter((code) => code >= 4000)).toEqual([
      4000, 4001, 4002, 4003, 4004, 4005, 4007, 4008, 4009, 4010, 4011, 4012, 4013, 4014,
    ]);
  });

  it('states what GatewayClient does for each code, as closeCodeAction decides', () => {
    for (const [code, column] of documentedActions())
      expect(column, `close code ${code}`).toContain(COLUMN_FOR_ACTION[closeCodeAction(code)]);
  });
});
