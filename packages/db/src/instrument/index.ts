export { instrumentPglite, instrumentPostgresJs } from "./drivers.ts";
export {
  inTransactionSpan,
  observeStatement,
  type QueryInstruments,
  type RowCounts,
  type StatementObservation,
} from "./instrument.ts";
export { instrumentsOf } from "./options.ts";
export { type StatementSummary, summarizeStatement } from "./summary.ts";
