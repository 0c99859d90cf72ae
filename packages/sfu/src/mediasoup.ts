export type {
  MediaBackend,
  MediaDialect,
  MediaRoom,
  MediaRoomEvents,
} from './media/media-backend.js';
export {
  MediasoupMediaBackend,
  type MediasoupMediaBackendEvents,
} from './media/mediasoup/mediasoup-backend.js';
export type {
  OrtcConsumerAdded,
  OrtcConsumerLayers,
  OrtcConsumerNotice,
  OrtcConsumerRemoved,
  OrtcDialect,
  OrtcSource,
  OrtcTransportParameters,
} from './media/mediasoup/mediasoup-dialect.js';
export type { MediasoupModule } from './media/mediasoup/mediasoup-loader.js';
export {
  DEFAULT_MEDIASOUP_MEDIA_BACKEND_OPTIONS,
  type MediasoupMediaBackendOptions,
} from './media/mediasoup/mediasoup-options.js';
export { MediasoupMediaRoom } from './media/mediasoup/mediasoup-room.js';
