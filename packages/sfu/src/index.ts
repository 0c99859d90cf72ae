export { SfuNodeRegistry } from './allocation/node-registry.js';
export type {
  SfuAllocation,
  SfuChannelMove,
  SfuChannelStranding,
  SfuNodeRegistryEvents,
} from './allocation/registry-events.js';
export {
  DEFAULT_SFU_NODE_REGISTRY_OPTIONS,
  type SfuAllocateOptions,
  type SfuNodeRegistration,
  type SfuNodeRegistryOptions,
  type SfuNodeReport,
  type SfuNodeSnapshot,
  type SfuNodeState,
} from './allocation/registry-options.js';
export { SfuError, SfuErrorCode } from './errors.js';
export type {
  MediaBackend,
  MediaDialect,
  MediaRoom,
  MediaRoomEvents,
  SdpConsumer,
  SdpDialect,
} from './media/media-backend.js';
export {
  parseVoiceClientMessage,
  type VoiceClientMessage,
  type VoiceClientOp,
  type VoiceServerMessage,
} from './signaling/messages.js';
export { VoiceNode, type VoiceNodeOptions } from './signaling/voice-node.js';
export type { VoiceSession } from './signaling/voice-session.js';
export {
  DEFAULT_VOICE_TOKENS_OPTIONS,
  type VoiceTokenClaims,
  type VoiceTokenRequest,
  type VoiceTokenScope,
  VoiceTokens,
  type VoiceTokensOptions,
} from './tokens/voice-tokens.js';
export type {
  VoiceChannelInfo,
  VoiceChannelResolver,
  VoicePermissionResolver,
  VoiceState,
  VoiceStatesEvents,
  VoiceStatesOptions,
  VoiceStateUpdateData,
} from './voice-state/types.js';
export { VoiceStates } from './voice-state/voice-states.js';
