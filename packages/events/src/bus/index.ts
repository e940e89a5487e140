export type {
  DeadLetter,
  DeliveryContext,
  EventBus,
  EventHandler,
  HealthProbe,
  LoggerLike,
  SubscribeOptions,
  Subscription,
} from "./bus.ts";
export {
  assertSubscription,
  DEFAULT_PREFETCH,
  DEFAULT_RETRY_DELAYS_MS,
  type ResolvedSubscribeOptions,
  resolveSubscribeOptions,
  retryDelayFor,
} from "./options.ts";
