/**
 * `bun run events:dlq <command>`: list, inspect, replay and purge dead-lettered events on RabbitMQ.
 *
 *   list [queue…]                    depth of each consuming queue and its dead letters (default: the
 *                                    platform's consumers: payments, admin, profile)
 *   inspect <queue> [--limit N]      dead letters of <queue>, oldest first, left in place (--json for JSON)
 *   replay <queue> [--limit N] [--id evt_…]
 *                                    move dead letters back to <queue> with a fresh attempt count (all, or
 *                                    only the event with that id)
 *   purge <queue> --yes              delete every dead letter of <queue>
 *
 * The broker is `--url` or RABBITMQ_URL. Dead letters live in `<queue>.dlq`; see packages/events.
 */
import { parseArgs } from "node:util";
import { loadInfraEnv } from "@payments/platform";
import {
  type DeadLetterAdmin,
  openDeadLetterAdmin,
  PLATFORM_SUBSCRIPTIONS,
} from "../packages/events/src/index.ts";

const USAGE = `usage: bun run events:dlq <list [queue…] | inspect <queue> | replay <queue> | purge <queue> --yes>
  options: --url amqp://…  --limit N  --id evt_…  --json  --yes`;

/** What the command printed and its exit code, so tests can run it in-process. */
export interface DlqResult {
  code: number;
  output: string;
}

function eventId(event: unknown): string {
  return typeof event === "object" && event !== null && "id" in event ? String(event.id) : "(no id)";
}

async function execute(
  admin: DeadLetterAdmin,
  command: string,
  args: string[],
  flags: Flags,
): Promise<DlqResult> {
  const lines: string[] = [];
  const queue = args[0];
  switch (command) {
    case "list": {
      const queues = args.length > 0 ? args : PLATFORM_SUBSCRIPTIONS.map((s) => s.queue);
      const depths = await admin.depths(queues);
      if (flags.json) return { code: 0, output: JSON.stringify(depths, null, 2) };
      lines.push(
        `${"queue".padEnd(32)} ${"ready".padStart(8)} ${"consumers".padStart(9)} ${"dead".padStart(8)}`,
      );
      for (const d of depths) {
        if (!d.exists) lines.push(`${d.queue.padEnd(32)} (not declared on this broker)`);
        else {
          lines.push(
            `${d.queue.padEnd(32)} ${String(d.ready).padStart(8)} ${String(d.consumers).padStart(9)} ${String(d.dead_letters).padStart(8)}`,
          );
        }
      }
      return { code: 0, output: lines.join("\n") };
    }
    case "inspect": {
      if (!queue) return { code: 2, output: USAGE };
      const letters = await admin.inspect(queue, flags.limit);
      if (flags.json) return { code: 0, output: JSON.stringify(letters, null, 2) };
      if (letters.length === 0) return { code: 0, output: `no dead letters in ${queue}.dlq` };
      for (const letter of letters) {
        lines.push(
          `${letter.dead_lettered_at}  ${eventId(letter.event)}  ${letter.routing_key}  attempts=${letter.attempts}`,
          `    reason: ${letter.reason}`,
        );
      }
      return { code: 0, output: lines.join("\n") };
    }
    case "replay": {
      if (!queue) return { code: 2, output: USAGE };
      const wanted = flags.id;
      const count = await admin.replay(queue, {
        limit: flags.limit,
        ...(wanted ? { select: (letter) => eventId(letter.event) === wanted } : {}),
      });
      return { code: 0, output: `replayed ${count} dead letter(s) into ${queue}` };
    }
    case "purge": {
      if (!queue) return { code: 2, output: USAGE };
      if (!flags.yes) return { code: 2, output: `purge deletes every dead letter of ${queue}: add --yes` };
      return { code: 0, output: `purged ${await admin.purge(queue)} dead letter(s) from ${queue}.dlq` };
    }
    default:
      return { code: 2, output: USAGE };
  }
}

interface Flags {
  limit: number;
  id: string | undefined;
  json: boolean;
  yes: boolean;
}

/** Runs one command line (without `bun scripts/events-dlq.ts`) against the broker at `url`. */
export async function runDlqCommand(argv: string[], defaultUrl?: string): Promise<DlqResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      limit: { type: "string", default: "100" },
      id: { type: "string" },
      json: { type: "boolean", default: false },
      yes: { type: "boolean", default: false },
    },
  });
  const [command, ...args] = positionals;
  const limit = Number(values.limit);
  if (!command || !Number.isInteger(limit) || limit < 1) return { code: 2, output: USAGE };
  const url = values.url ?? defaultUrl;
  if (!url) return { code: 2, output: "no broker: pass --url or set RABBITMQ_URL" };
  const admin = await openDeadLetterAdmin(url);
  try {
    return await execute(admin, command, args, { limit, id: values.id, json: values.json, yes: values.yes });
  } finally {
    await admin.close();
  }
}

if (import.meta.main) {
  const result = await runDlqCommand(Bun.argv.slice(2), loadInfraEnv().RABBITMQ_URL).catch(
    (error: unknown): DlqResult => ({
      code: 1,
      output: `events:dlq: ${error instanceof Error ? error.message : String(error)}`,
    }),
  );
  (result.code === 0 ? console.log : console.error)(result.output);
  process.exit(result.code);
}
