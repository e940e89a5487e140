/**
 * Prometheus' own checker on our files: the config (with the rule files it loads), the rules, and the rule
 * unit tests in infra/prometheus/tests (each alert fires on its situation and not otherwise). promtool comes
 * from Debian's `prometheus` package, which .ci/run installs; without it the suite fails under CI and is
 * reported as not run locally.
 */
import { describe, expect, it } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCI } from "@payments/testing";
import { root } from "./support/platform.ts";

const promtool = Bun.which("promtool");
const dir = join(root, "infra/prometheus");

if (!promtool && !isCI) {
  console.warn("infra/test/promtool.test.ts: promtool not installed (apt-get install prometheus); not run");
}

async function run(...args: string[]): Promise<{ code: number; output: string }> {
  if (!promtool) throw new Error("promtool is required under CI (apt-get install prometheus)");
  const proc = Bun.spawn([promtool, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, output: `${out}${err}` };
}

describe.if(Boolean(promtool) || isCI)("promtool", () => {
  it("accepts prometheus.yml and finds the rule files it loads", async () => {
    const { code, output } = await run("check", "config", "prometheus.yml");
    expect(output).toContain("is valid prometheus config file syntax");
    const ruleFiles = readdirSync(join(dir, "rules")).filter((f) => f.endsWith(".yml")).length;
    expect(output).toContain(`SUCCESS: ${ruleFiles} rule files found`);
    expect(code).toBe(0);
  });

  it("accepts every rule file", async () => {
    const files = readdirSync(join(dir, "rules")).map((f) => `rules/${f}`);
    const { code, output } = await run("check", "rules", ...files);
    expect(output).not.toContain("FAILED");
    expect(code).toBe(0);
  });

  it("passes the alert unit tests", async () => {
    const files = readdirSync(join(dir, "tests")).map((f) => `tests/${f}`);
    expect(files.length).toBeGreaterThan(0);
    const { code, output } = await run("test", "rules", ...files);
    expect(output).toContain("SUCCESS");
    expect(output).not.toContain("FAILED");
    expect(code).toBe(0);
  });

  it("fails a broken rule (the check is not vacuous)", async () => {
    const temp = mkdtempSync(join(tmpdir(), "promtool-"));
    try {
      const broken = join(temp, "broken.yml");
      await Bun.write(
        broken,
        "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(up[5m]\n",
      );
      const { code } = await run("check", "rules", broken);
      expect(code).not.toBe(0);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
