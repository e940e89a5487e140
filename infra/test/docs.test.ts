/**
 * Links into docs/operations.md from alert rules and infra files land on a heading that exists, and every
 * alert has a runbook there: an operator paged at night follows them.
 */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Glob } from "bun";
import { parse } from "yaml";
import { root } from "./support/platform.ts";

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

const operations = readFileSync(join(root, "docs/operations.md"), "utf8");
const anchors = new Set([...operations.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1] ?? "")));

describe("docs/operations.md", () => {
  it("computes anchors as GitHub does", () => {
    expect(slug("Replaying the dead-letter queue")).toBe("replaying-the-dead-letter-queue");
    expect(slug("HighLatencyP99")).toBe("highlatencyp99");
  });

  it("has a runbook for every alert", () => {
    const rules = parse(readFileSync(join(root, "infra/prometheus/rules/platform.yml"), "utf8")) as {
      groups: Array<{ rules: Array<{ alert?: string; annotations?: { runbook?: string } }> }>;
    };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(5);
    for (const rule of alerts) {
      const runbook = rule.annotations?.runbook ?? "";
      expect(runbook, `${rule.alert}`).toStartWith("docs/operations.md#");
      expect(anchors.has(runbook.split("#")[1] ?? ""), `${rule.alert}: ${runbook}`).toBe(true);
    }
  });

  it("resolves every link to one of its headings from the infra files", async () => {
    const broken: string[] = [];
    for await (const path of new Glob("infra/**/*.{yml,yaml,Dockerfile,Caddyfile}").scan({ cwd: root })) {
      const text = readFileSync(join(root, path), "utf8");
      for (const m of text.matchAll(/docs\/operations\.md#([a-z0-9-]+)/g)) {
        if (!anchors.has(m[1] ?? "")) broken.push(`${relative(root, join(root, path))}: #${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
