/** Turns a chaos report into a table for people and a list of problems for the exit code and the test. */
import type { ChaosReport } from "./scenario.ts";

/** A printable summary: faults with recovery times, answers by status, and the counts. */
export function summarize(r: ChaosReport): string {
  const v = r.verification;
  const lines = [
    "",
    "| fault | down | next payment confirmed after |",
    "|---|---|---|",
    ...r.faults.map(
      (f) =>
        `| ${f.fault} | ${f.downMs ? `${(f.downMs / 1000).toFixed(1)} s` : "—"} | ${f.recoveryMs === undefined ? "not within 60 s" : `${(f.recoveryMs / 1000).toFixed(2)} s`} |`,
    ),
    "",
    `answers: ${[...r.load.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s || "no answer"}×${n}`)
      .join(", ")}`,
    `payments: ${v.confirmed} confirmed to clients, ${r.load.abandoned.size} abandoned by clients, ${v.paymentsInDb} in the database (${Object.entries(
      v.byStatus,
    )
      .map(([s, n]) => `${s} ${n}`)
      .join(", ")})`,
    `lost ${v.lost.length} · duplicated ${v.duplicated.length} · transitions applied twice ${v.doubleTransitions.length} · audit missing ${v.auditMissing.length} · audit duplicated ${v.auditDuplicated.length} · unsettled ${v.unsettled.length}`,
    `ledger: ${v.ledgerMissing.length} succeeded payments not journaled · ${v.ledgerDuplicated.length} journaled twice · reconciliation ${v.ledgerUnbalanced.length === 0 ? "balanced" : `${v.ledgerUnbalanced.length} problems`}`,
    `cancel while the bus was down: HTTP ${r.cancelDuringBusOutage.status}, finally ${r.cancelDuringBusOutage.finalStatus}, processor attempts ${r.cancelDuringBusOutage.attempts}`,
    `platform exits not asked for: ${r.unexpectedExits} · run took ${(r.durationMs / 1000).toFixed(0)} s`,
  ];
  return lines.join("\n");
}

/** What must not happen; empty when the run is clean. */
export function problems(r: ChaosReport): string[] {
  const v = r.verification;
  const out: string[] = [];
  if (v.confirmed < 20) out.push(`only ${v.confirmed} payments confirmed: the stream did not really run`);
  if (v.lost.length)
    out.push(`confirmed payments missing from the database: ${v.lost.slice(0, 5).join(", ")}`);
  if (v.duplicated.length)
    out.push(`idempotency keys with two payments: ${v.duplicated.slice(0, 5).join(", ")}`);
  if (v.doubleTransitions.length)
    out.push(`transitions applied twice: ${v.doubleTransitions.slice(0, 5).join(", ")}`);
  if (v.auditDuplicated.length)
    out.push(`payment.created audited twice: ${v.auditDuplicated.slice(0, 5).join(", ")}`);
  if (v.auditMissing.length) out.push(`payments the audit log never heard of: ${v.auditMissing.length}`);
  if (v.unsettled.length)
    out.push(`payments still pending/processing after the drain: ${v.unsettled.length}`);
  if (v.ledgerMissing.length)
    out.push(`succeeded payments the ledger never journaled: ${v.ledgerMissing.length}`);
  if (v.ledgerDuplicated.length)
    out.push(`payments journaled twice: ${v.ledgerDuplicated.slice(0, 5).join(", ")}`);
  if (v.ledgerUnbalanced.length)
    out.push(`ledger does not reconcile: ${v.ledgerUnbalanced.slice(0, 5).join("; ")}`);
  for (const f of r.faults)
    if (f.recoveryMs === undefined) out.push(`no payment confirmed within 60 s after: ${f.fault}`);
  if (r.cancelDuringBusOutage.status !== 200)
    out.push(`cancel during the bus outage answered ${r.cancelDuringBusOutage.status}`);
  if (r.cancelDuringBusOutage.finalStatus !== "canceled")
    out.push(`canceled payment ended ${r.cancelDuringBusOutage.finalStatus}`);
  if (r.cancelDuringBusOutage.attempts !== 0)
    out.push(`canceled payment reached the processor (${r.cancelDuringBusOutage.attempts} attempts)`);
  if (r.unexpectedExits > 0) out.push(`the platform exited by itself ${r.unexpectedExits} time(s)`);
  return out;
}
