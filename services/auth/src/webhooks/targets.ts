import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** Resolves a host name to every address it has (tests pass their own). */
export type Resolve = (host: string) => Promise<string[]>;

export const resolveAll: Resolve = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/** What a target URL may be (docs/adr/0034). */
export interface TargetPolicy {
  /** Production: https only. */
  httpsOnly: boolean;
  /** WEBHOOKS_ALLOW_PRIVATE_TARGETS: private, loopback and link-local addresses allowed (tests, local demos). */
  allowPrivate: boolean;
}

function ipv4Blocked(ip: string): boolean {
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return (
    a === 0 || // "this" network
    a === 10 || // private
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local (cloud metadata lives here)
    (a === 172 && b >= 16 && b <= 31) || // private
    (a === 192 && b === 168) || // private
    (a === 192 && b === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/** True for an address a webhook must not reach unless private targets are allowed. */
export function isBlockedAddress(ip: string): boolean {
  if (isIP(ip) === 4) return ipv4Blocked(ip);
  const v6 = ip.toLowerCase().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped?.[1]) return ipv4Blocked(mapped[1]);
  return (
    v6 === "::" ||
    v6 === "::1" ||
    v6.startsWith("fc") ||
    v6.startsWith("fd") || // unique local
    /^fe[89ab]/.test(v6) || // link-local
    v6.startsWith("ff") // multicast
  );
}

/** Why a URL is refused as a target, or undefined when it may be called. */
export async function refuseTarget(
  url: string,
  policy: TargetPolicy,
  resolve: Resolve,
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && !policy.httpsOnly))
    return policy.httpsOnly ? "https is required" : "http or https is required";
  if (parsed.username || parsed.password) return "credentials in the URL are not allowed";
  if (policy.allowPrivate) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return "the host name does not resolve";
  }
  if (addresses.length === 0) return "the host name does not resolve";
  // Every address: a name with one public and one private address must not reach the private one.
  if (addresses.some(isBlockedAddress)) return "the address is private, loopback or link-local";
  return undefined;
}
