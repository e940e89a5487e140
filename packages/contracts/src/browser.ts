/**
 * The browser's entry point: the contract values a page needs at once, with no zod and no schema (the
 * frontends' first load stays small; form validation loads the schemas from the main entry when a form
 * opens). Everything here is also exported by the main entry.
 */

export { PAYMENT_STATUSES, ROLES } from "./events/data/values.ts";
export type { EventEnvelope, EventType, PaymentStatus, Role } from "./events/index.ts";
export { isSupportedCurrency, MAX_AMOUNT, minorUnitExponent } from "./money/units.ts";
