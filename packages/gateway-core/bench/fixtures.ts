/** A MESSAGE_CREATE payload shaped like one Discord sends for a guild text message. */
export const MESSAGE_CREATE = {
  type: 0,
  tts: false,
  timestamp: '2025-06-01T12:34:56.789000+00:00',
  pinned: false,
  nonce: '1378734912345678848',
  mentions: [
    {
      username: 'nelly',
      public_flags: 0,
      id: '80351110224678912',
      global_name: 'Nelly',
      discriminator: '0',
      avatar_decoration_data: null,
      avatar: '8342729096ea3675442027381ff50dfe',
    },
  ],
  mention_roles: [],
  mention_everyone: false,
  member: {
    roles: ['41771983423143936', '81384788765712384'],
    premium_since: null,
    pending: false,
    nick: null,
    mute: false,
    joined_at: '2021-03-14T09:26:53.589000+00:00',
    flags: 0,
    deaf: false,
    communication_disabled_until: null,
    avatar: null,
  },
  id: '1378734913880522752',
  flags: 0,
  embeds: [
    {
      type: 'rich',
      title: 'Release notes',
      description: 'Serialize-once fan-out, replay buffers and a hashed timer wheel.',
      color: 5793266,
      fields: [
        { name: 'Version', value: '0.1.0', inline: true },
        { name: 'Status', value: 'protocol core', inline: true },
      ],
    },
  ],
  edited_timestamp: null,
  content: 'Hey <@80351110224678912>, the gateway core is green — see the embed for details.',
  components: [],
  channel_id: '175928847299117063',
  author: {
    username: 'wumpus',
    public_flags: 64,
    id: '41771983423143937',
    global_name: 'Wumpus',
    discriminator: '0',
    avatar_decoration_data: null,
    avatar: 'a_d5efa99b3eeaa7dd43acca82f5692432',
  },
  attachments: [],
  guild_id: '81384788765712384',
};

/** Client frames in the proportions a busy connection sends them (mostly heartbeats). */
export const INBOUND_FRAMES: readonly string[] = [
  JSON.stringify({ op: 1, d: 251 }),
  JSON.stringify({ op: 1, d: null }),
  JSON.stringify({ op: 1, d: 252 }),
  JSON.stringify({
    op: 2,
    d: {
      token: 'Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs',
      properties: { os: 'linux', browser: '@discordjs/ws', device: '@discordjs/ws' },
      intents: 33281,
      large_threshold: 250,
      shard: [0, 1],
      compress: false,
    },
  }),
  JSON.stringify({
    op: 3,
    d: {
      since: null,
      activities: [{ name: 'the gateway', type: 3 }],
      status: 'online',
      afk: false,
    },
  }),
  JSON.stringify({
    op: 8,
    d: { guild_id: '81384788765712384', query: 'wum', limit: 10, presences: false, nonce: 'n1' },
  }),
  JSON.stringify({
    op: 6,
    d: { token: 'Bot abc.def', session_id: 'a1b2c3d4e5f6', seq: 1337 },
  }),
  JSON.stringify({
    op: 14,
    d: { guild_id: '81384788765712384', channels: { '175928847299117063': [[0, 99]] } },
  }),
];
