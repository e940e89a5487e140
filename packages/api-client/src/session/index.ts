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
  sessionGrantSchema,
  sessionUserSchema,
  type Timers,
} from "./session.ts";
