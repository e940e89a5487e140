/** How a fuzz case goes on the wire: its path with encoded ids and its query string. */

import type { FuzzCase } from "./generate.ts";
import { fillPath, type Operation } from "./openapi.ts";

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) goes out as the bytes of its WTF-8
 * form: invalid UTF-8 on the wire, exactly what a hostile client would send.
 */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, ""))}%ED%A0%80`;
  }
}

/** The URL path and query of a case. */
export function casePath(op: Operation, c: FuzzCase): string {
  const encoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(c.pathValues)) {
    // Values that are already percent-encoded (traversal probes) go out as they are.
    encoded[name] = /%[0-9A-Fa-f]{2}/.test(value) ? value : encode(value);
  }
  const path = fillPath(op.path, encoded);
  if (c.query.length === 0) return path;
  return `${path}?${c.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&")}`;
}
