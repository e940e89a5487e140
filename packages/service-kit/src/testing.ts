/**
 * Test helpers for services built on the kit (`@payments/service-kit/testing`): capture logs, and parse a
 * `/metrics` response strictly.
 */
export { createLogCapture, type LogCapture, type LogLine } from "./logging/capture.ts";
export { type ExpositionFamily, type ExpositionSample, parseExposition } from "./metrics/exposition.ts";
