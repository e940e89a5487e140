export { captureLogger, type LogLine } from "@payments/testing";

/** A namespace no other test run uses, so suites sharing one Redis never see each other's keys. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
