export type {
  MediaBackend,
  MediaDialect,
  MediaRoom,
  MediaRoomEvents,
  SdpConsumer,
  SdpDialect,
} from './media/media-backend.js';
export {
  DEFAULT_WERIFT_MEDIA_BACKEND_OPTIONS,
  WeriftMediaBackend,
  type WeriftMediaBackendOptions,
} from './media/werift-backend.js';
export { WeriftMediaRoom } from './media/werift-room.js';
