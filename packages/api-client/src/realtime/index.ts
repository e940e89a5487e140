export {
  backoffDelay,
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeDeps,
  type RealtimeStatus,
  type WebSocketLike,
} from "./realtime.ts";
