export {
  NOTIFICATION_KINDS,
  type NotificationKind,
  notificationCreatedV1,
  notificationKindSchema,
} from "./data/notifications.ts";
export {
  type PaymentStatus,
  paymentSnapshotSchema,
  paymentStatusSchema,
} from "./data/payments.ts";
export { configUpdatedV1, profileUpdatedV1 } from "./data/platform.ts";
export {
  type Role,
  roleSchema,
  sessionRevokeReasonSchema,
  userSnapshotSchema,
} from "./data/users.ts";
export { PAYMENT_STATUSES, ROLES } from "./data/values.ts";
export {
  type CreateEventInput,
  createEvent,
  eventEnvelopeSchema,
  InvalidEventError,
  type ParseEventResult,
  parseEvent,
  traceparentSchema,
} from "./envelope.ts";
export {
  EVENT_TYPES,
  type EventData,
  type EventDataInput,
  type EventEnvelope,
  type EventOf,
  type EventType,
  type EventVersion,
  eventDataSchema,
  eventRegistry,
  isEventType,
  type LatestVersion,
  latestVersion,
} from "./registry.ts";
