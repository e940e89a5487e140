/**
 * Container faults under a steady payment load through Caddy: `docker kill` payments, `docker restart`
 * postgres, then rabbitmq, then one gateway. The load is the chaos suite's well-behaved client
 * (e2e/chaos/load.ts: one idempotency key per payment, retried until confirmed), and the count afterwards
 * is its verification straight from the stack's databases (e2e/chaos/verify.ts): no confirmed payment
 * lost, none applied twice. The time each fault took to recover from is printed.
 */
import { describe, expect, it } from "bun:test";
import { CORE_SERVICES } from "../../scripts/stack/compose.ts";
import { capture } from "../../scripts/stack/docker.ts";
import { waitHealthy } from "../../scripts/stack/health.ts";
import { type Payer, runLoad } from "../chaos/load.ts";
import { verify } from "../chaos/verify.ts";
import { container, databaseUrl, edge, payeeKnown, register, type StackUser, stackState } from "./stack.ts";

const state = stackState();
const project = state.settings.project;

interface Fault {
  name: string;
  /** Which container, and what Docker is told to do to it. */
  service: string;
  index: number;
  action: "kill" | "restart";
}

const FAULTS: Fault[] = [
  { name: "docker kill payments (started again 3 s later)", service: "payments", index: 0, action: "kill" },
  { name: "docker restart postgres", service: "postgres", index: 0, action: "restart" },
  { name: "docker restart rabbitmq", service: "rabbitmq", index: 0, action: "restart" },
  { name: "docker restart gateway (one of two)", service: "gateway", index: 0, action: "restart" },
];

interface Outcome {
  fault: string;
  /** Until every container was healthy again. */
  healthyMs: number;
  /** The longest stretch without a confirmed payment, from the fault until the stack was healthy again. */
  outageMs: number;
  /** From the fault until the first payment confirmed after that stretch: the recovery time clients saw. */
  recoveredMs: number | undefined;
}

const NO_OUTAGE_MS = 1_000;

/**
 * Clients' view of one fault: the longest gap between confirmations (or from the fault to the first one)
 * within [at, until], and when it ended. A request already in flight may confirm just after the fault,
 * so "the first confirmation after the fault" alone would report no outage at all.
 */
export function outage(
  at: number,
  until: number,
  confirmations: number[],
): { outageMs: number; recoveredMs: number | undefined } {
  const times = confirmations.filter((t) => t > at).sort((a, b) => a - b);
  let previous = at;
  let longest = { gap: 0, end: undefined as number | undefined };
  for (const t of times) {
    if (t - previous > longest.gap) longest = { gap: t - previous, end: t };
    previous = t;
    if (t > until) break;
  }
  if (longest.end === undefined) return { outageMs: longest.gap, recoveredMs: undefined };
  // Under the steady load confirmations come every few tens of milliseconds; a pause under a second is
  // the load's own rhythm (rate limits, retries), not an outage.
  if (longest.gap < NO_OUTAGE_MS) return { outageMs: longest.gap, recoveredMs: 0 };
  return { outageMs: longest.gap, recoveredMs: longest.end - at };
}

/** How long a killed container stays down before it is started again. */
const KILLED_FOR_MS = 3_000;

async function docker(...args: string[]): Promise<void> {
  const out = await capture(["docker", ...args], { timeoutMs: 90_000 });
  if (out.code !== 0) throw new Error(`docker ${args.join(" ")}: ${out.stderr}`);
}

async function inject(fault: Fault): Promise<void> {
  const target = await container(fault.service, fault.index);
  await docker(fault.action, target.id);
  if (fault.action === "kill") {
    // Docker counts `docker kill` as a manual stop: the restart policy leaves the container down (only a
    // crash from inside is restarted). So the suite starts it again, as an operator or orchestrator would.
    await Bun.sleep(KILLED_FOR_MS);
    await docker("start", target.id);
  }
}

describe("container faults under a steady payment load", () => {
  it("lose no payment and apply none twice; each recovery time is printed", async () => {
    // Customers first: their e-mail confirmations leave auth's outbox before the vendor's, so once payments
    // knows the (confirmed) vendor it has heard that the customers may pay too.
    const customers: StackUser[] = [];
    for (let i = 0; i < 4; i++) customers.push(await register("customer", `fault${i}`));
    const vendor = await register("vendor", "faultshop");
    for (const customer of customers) await payeeKnown(customer, vendor);
    const payers: Payer[] = customers;

    const stop = Promise.withResolvers<void>();
    const { live, done } = runLoad({
      gateway: edge(state),
      payers,
      vendorId: vendor.id,
      concurrency: 4,
      until: stop.promise,
      // Longer than the 60 s after which a key left in flight by a killed payments is taken over.
      retryBudgetMs: 150_000,
    });
    const outcomes: Outcome[] = [];
    try {
      await Bun.sleep(5_000);
      expect(live.confirmations.length, "the load runs before the first fault").toBeGreaterThan(0);
      for (const fault of FAULTS) {
        console.log(`  ${new Date().toISOString().slice(11, 19)} ${fault.name}`);
        const at = Date.now();
        await inject(fault);
        // Compose's health checks say when the stack is whole again.
        await Bun.sleep(1_000);
        await waitHealthy(project, Object.keys(CORE_SERVICES), 180_000);
        const healthyAt = Date.now();
        // A few seconds of steady state between faults, so each recovery is measured on its own.
        await Bun.sleep(5_000);
        outcomes.push({
          fault: fault.name,
          healthyMs: healthyAt - at,
          ...outage(at, healthyAt, live.confirmations),
        });
      }
    } finally {
      stop.resolve();
    }
    const load = await done;
    const v = await verify({ payments: databaseUrl("payments"), admin: databaseUrl("admin") }, load, 240_000);

    console.log(
      "\n| fault | all containers healthy after | longest stretch without a confirmed payment | recovered (clients) after |",
    );
    console.log("|---|---|---|---|");
    const seconds = (ms: number | undefined) => (ms === undefined ? "never" : `${(ms / 1000).toFixed(1)} s`);
    for (const o of outcomes) {
      console.log(
        `| ${o.fault} | ${seconds(o.healthyMs)} | ${seconds(o.outageMs)} | ${seconds(o.recoveredMs)} |`,
      );
    }
    const statuses = [...load.statuses.entries()].sort(([a], [b]) => a - b);
    console.log(`answers: ${statuses.map(([s, n]) => `${s || "no answer"}×${n}`).join(", ")}`);
    console.log(
      `payments: ${v.confirmed} confirmed, ${load.abandoned.size} abandoned by the client, ${v.paymentsInDb} load payments in the database (this run and earlier ones on the same volume) ${JSON.stringify(v.byStatus)}`,
    );
    console.log(
      `lost ${v.lost.length} · applied twice: keys ${v.duplicated.length}, transitions ${v.doubleTransitions.length}, audit ${v.auditDuplicated.length} · audit missing ${v.auditMissing.length} · unsettled ${v.unsettled.length}`,
    );

    expect(v.confirmed).toBeGreaterThan(20);
    expect(v.lost).toEqual([]);
    expect(v.duplicated).toEqual([]);
    expect(v.doubleTransitions).toEqual([]);
    expect(v.auditDuplicated).toEqual([]);
    expect(v.auditMissing).toEqual([]);
    expect(v.unsettled).toEqual([]);
    expect(outcomes.filter((o) => o.recoveredMs === undefined).map((o) => o.fault)).toEqual([]);
  }, 900_000);
});
