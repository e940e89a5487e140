/** Test helpers for the frontends: a platform over a fake API, fake timers, WebSocket and BroadcastChannel. */
export { FakeBroadcast, FakeTimers, FakeWebSocket, flush } from "./fakes.ts";
export {
  createTestPlatform,
  type FakeRoute,
  type RecordedCall,
  type TestPlatform,
  testGrant,
} from "./platform.ts";
