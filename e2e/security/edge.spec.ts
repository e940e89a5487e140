/**
 * The HTTPS edge as an attacker's scanner sees it: security headers on pages and API answers, no Server
 * header, plain HTTP redirected to HTTPS, and `testssl.sh` (Debian package) finding nothing HIGH or
 * CRITICAL in Caddy's TLS set-up beyond three certificate-lifecycle findings that are properties of
 * Caddy's local CA (explained in ALLOWED below; a public deployment uses an ACME certificate instead).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { Api } from "../support/api.ts";
import { caddyRootCert, readE2eEnv } from "../support/config.ts";
import { send } from "../support/http.ts";

const env = readE2eEnv();
const edge = new Api("edge");

for (const path of ["/", "/payments", "/api/payments", "/api/openapi.json", "/health/live"]) {
  test(`edge headers on ${path}`, async () => {
    const res = await edge.call("GET", path);
    expect(res.status).toBeLessThan(500);
    const hsts = String(res.headers["strict-transport-security"] ?? "");
    const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
    expect(maxAge, `HSTS "${hsts}"`).toBeGreaterThanOrEqual(15_552_000);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers.server, "no Server header").toBeUndefined();
    expect(res.headers["x-powered-by"]).toBeUndefined();
    expect(res.headers["referrer-policy"]).toBeTruthy();
    expect(res.headers["x-request-id"]).toBeTruthy();
  });
}

test("plain HTTP is redirected to the HTTPS origin, path and query kept, and reveals no Server", async () => {
  const res = await send({ method: "GET", url: `http://localhost:${env.httpPort}/api/payments?limit=1` });
  expect([301, 308]).toContain(res.status);
  expect(res.headers.location).toBe(`https://localhost:${env.httpsPort}/api/payments?limit=1`);
  expect(res.headers.server, "no Server header on the redirect").toBeUndefined();
});

test("the edge certificate chains to the run's root and names localhost", async () => {
  // `send` verifies the chain against the root certificate only (no system store, no insecure flag).
  const res = await edge.call("GET", "/health/live");
  expect(res.status).toBe(200);
  expect(readFileSync(caddyRootCert(env), "utf8")).toContain("BEGIN CERTIFICATE");
});

/**
 * testssl.sh findings accepted, each a property of Caddy's `tls internal` CA (used locally and in compose):
 * its leaf certificates live 12 hours and are renewed automatically, and a private CA publishes no
 * CRL/OCSP (the short lifetime is its revocation). They are about the certificate, not the TLS set-up.
 */
const ALLOWED: Record<string, string> = {
  cert_expirationStatus: "Caddy's local CA issues 12-hour leaf certificates and renews them itself",
  cert_notAfter: "same: the 12-hour lifetime of a local-CA certificate",
  cert_revocation:
    "a private local CA publishes no CRL/OCSP; short-lived certificates stand in for revocation",
};

interface TestsslFinding {
  id: string;
  severity: string;
  finding: string;
}

test("testssl.sh finds nothing HIGH or CRITICAL in the edge's TLS", async () => {
  test.setTimeout(240_000);
  const testssl = ["/usr/bin/testssl", "/usr/bin/testssl.sh"].find((p) => existsSync(p));
  test.skip(!testssl && !env.ci, "testssl.sh is not installed (apt-get install testssl.sh)");
  expect(testssl, "testssl.sh must be installed in CI (.ci/run installs it)").toBeTruthy();
  const out = join(env.dir, `testssl-${Date.now()}.json`);
  // Local only: the IP is given (no DNS), no phoning out for CRL/OCSP, the run's own root CA is trusted.
  const run = spawnSync(
    testssl ?? "testssl",
    [
      "--quiet",
      "--warnings=off",
      "--color=0",
      "--nodns=min",
      "--ip=127.0.0.1",
      `--add-ca=${caddyRootCert(env)}`,
      "--protocols",
      "--std",
      "--fs",
      "--server-defaults",
      "--vulnerable",
      "--headers",
      `--jsonfile=${out}`,
      `localhost:${env.httpsPort}`,
    ],
    { encoding: "utf8", timeout: 200_000 },
  );
  expect(existsSync(out), `testssl wrote no report: ${run.stderr || run.stdout}`).toBe(true);
  const findings = JSON.parse(readFileSync(out, "utf8")) as TestsslFinding[];
  const fatal = findings.filter((f) => f.severity === "FATAL");
  expect(fatal.map((f) => f.finding)).toEqual([]);
  expect(findings.filter((f) => f.severity === "OK").length, "testssl ran its checks").toBeGreaterThan(10);
  const serious = findings.filter((f) => ["HIGH", "CRITICAL"].includes(f.severity) && !(f.id in ALLOWED));
  const tally = new Map<string, number>();
  for (const f of findings) tally.set(f.severity, (tally.get(f.severity) ?? 0) + 1);
  const counts = [...tally.entries()];
  test
    .info()
    .annotations.push({ type: "testssl", description: counts.map(([k, v]) => `${k} ${v}`).join(", ") });
  expect(serious.map((f) => `${f.severity} ${f.id}: ${f.finding}`)).toEqual([]);
});
