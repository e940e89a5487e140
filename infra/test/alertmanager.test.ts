/**
 * Alerts reach someone (docs/adr/0019): Debian's Prometheus and Alertmanager binaries, started here on free
 * ports, with a rule that fires at once (`vector(1) > 0`). Prometheus uses the `alerting` section of
 * infra/prometheus/prometheus.yml and Alertmanager the routing of infra/alertmanager/alertmanager.yml —
 * only the addresses (webhook, SMTP relay, Alertmanager) and the waits are the test's. The alert must
 * arrive at a webhook (a Bun.serve here) and as an e-mail (a real SMTP server here). Without the binaries
 * the suite fails under CI (.ci/run installs `prometheus` and `prometheus-alertmanager`) and is reported as
 * not run locally.
 */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestSmtpServer, type TestSmtpServer } from "@payments/mail/testing";
import { freePort, isCI } from "@payments/testing";
import { parse, stringify } from "yaml";
import { root } from "./support/platform.ts";

const prometheusBin = Bun.which("prometheus");
// Debian names the binary prometheus-alertmanager; upstream's is alertmanager.
const alertmanagerBin = Bun.which("prometheus-alertmanager") ?? Bun.which("alertmanager");
const installed = Boolean(prometheusBin && alertmanagerBin);

if (!installed && !isCI) {
  console.warn(
    "infra/test/alertmanager.test.ts: prometheus or alertmanager not installed " +
      "(apt-get install prometheus prometheus-alertmanager); not run",
  );
}

/** The parts of alertmanager.yml the test rewrites (the rest is passed through untouched). */
interface AlertmanagerConfig {
  global: Record<string, unknown>;
  route: { receiver: string; group_wait?: string; routes?: Array<Record<string, unknown>> };
  receivers: Array<{ name: string; webhook_configs?: Array<{ url: string }>; email_configs?: unknown[] }>;
}

/** What Alertmanager posts to a webhook (its version 4 payload), as far as the test reads it. */
interface WebhookPayload {
  version: string;
  status: string;
  receiver: string;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

const temp = mkdtempSync(join(tmpdir(), "alerting-"));
const processes: Array<ReturnType<typeof Bun.spawn>> = [];
let webhook: ReturnType<typeof Bun.serve> | undefined;
let smtp: TestSmtpServer | undefined;

afterAll(async () => {
  for (const proc of processes) proc.kill();
  await Promise.all(processes.map((p) => p.exited));
  await webhook?.stop(true);
  await smtp?.stop();
  rmSync(temp, { recursive: true, force: true });
});

/** Starts a binary; its output is kept for the failure message. */
function start(cmd: string[]): { output: () => string } {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  processes.push(proc);
  let output = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output = `${output}${new TextDecoder().decode(chunk)}`.slice(-4000);
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  return { output: () => output };
}

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | Promise<T | undefined>,
) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await Bun.sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.if(installed || isCI)("alerting: Prometheus → Alertmanager → webhook and e-mail", () => {
  it("a rule that fires at once reaches the webhook and the on-call mailbox", async () => {
    if (!prometheusBin || !alertmanagerBin) {
      throw new Error(
        "prometheus and alertmanager are required under CI (apt-get install prometheus prometheus-alertmanager)",
      );
    }
    const received: WebhookPayload[] = [];
    webhook = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        received.push((await req.json()) as WebhookPayload);
        return new Response("ok");
      },
    });
    smtp = await startTestSmtpServer();

    // The repository's routing, with the test's addresses and short waits.
    const am = parse(
      readFileSync(join(root, "infra/alertmanager/alertmanager.yml"), "utf8"),
    ) as AlertmanagerConfig;
    am.global.smtp_smarthost = `127.0.0.1:${smtp.port}`;
    am.global.smtp_require_tls = false;
    am.route.group_wait = "1s";
    for (const route of am.route.routes ?? []) route.group_wait = "1s";
    const oncall = am.receivers.find((r) => r.name === am.route.receiver);
    expect(oncall?.email_configs?.length).toBeGreaterThan(0);
    const hook = oncall?.webhook_configs?.[0];
    if (!hook) throw new Error("alertmanager.yml: the default receiver has no webhook");
    hook.url = `http://127.0.0.1:${webhook.port}/alerts`;
    await Bun.write(join(temp, "alertmanager.yml"), stringify(am));

    const amPort = await freePort();
    const alertmanager = start([
      alertmanagerBin,
      `--config.file=${join(temp, "alertmanager.yml")}`,
      `--storage.path=${join(temp, "am-data")}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      // One instance: no gossip port to bind.
      "--cluster.listen-address=",
    ]);

    // The repository's `alerting` section, pointed at this Alertmanager.
    const repoPrometheus = parse(readFileSync(join(root, "infra/prometheus/prometheus.yml"), "utf8")) as {
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    const alerting = repoPrometheus.alerting;
    expect(alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(["alertmanager:9093"]);
    for (const target of alerting.alertmanagers)
      target.static_configs = [{ targets: [`127.0.0.1:${amPort}`] }];
    await Bun.write(
      join(temp, "rules.yml"),
      stringify({
        groups: [
          {
            name: "test",
            rules: [
              {
                alert: "TestAlwaysFiring",
                expr: "vector(1) > 0",
                labels: { severity: "critical", job: "test" },
                annotations: { summary: "fires as soon as it is evaluated" },
              },
            ],
          },
        ],
      }),
    );
    await Bun.write(
      join(temp, "prometheus.yml"),
      stringify({ global: { evaluation_interval: "1s" }, rule_files: ["rules.yml"], alerting }),
    );
    const promPort = await freePort();
    const prometheus = start([
      prometheusBin,
      `--config.file=${join(temp, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(temp, "prom-data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      // An alert that fires before the Alertmanager is discovered is dropped and sent again only after
      // this delay (default 1m).
      "--rules.alert.resend-delay=1s",
    ]);

    let delivered: WebhookPayload;
    try {
      delivered = await until("the webhook", 60_000, () =>
        received.find((p) => p.alerts.some((a) => a.labels.alertname === "TestAlwaysFiring")),
      );
    } catch (error) {
      throw new Error(
        `${String(error)}\n--- prometheus ---\n${prometheus.output()}\n--- alertmanager ---\n${alertmanager.output()}`,
      );
    }
    expect(delivered.version).toBe("4");
    expect(delivered.status).toBe("firing");
    expect(delivered.receiver).toBe("oncall");
    expect(delivered.alerts[0]?.labels).toMatchObject({
      alertname: "TestAlwaysFiring",
      severity: "critical",
    });

    const [mail] = await smtp.waitFor(1, 60_000);
    expect(mail?.to).toEqual(["oncall@payments.example"]);
    expect(mail?.subject).toContain("TestAlwaysFiring");
  }, 120_000);
});
