export {
  createSessionStore,
  type SessionDeps,
  type SessionGrant,
  type SessionState,
  type SessionStore,
  type SessionSyncMessage,
  type SessionUser,
  type SignOutReason,
  type SyncChannel,
  type Timers,
} from "./session.ts";
