/**
 * Header rules of the proxy (RFC 9110 §7.6.1): hop-by-hop fields describe one connection and never cross the
 * gateway, in either direction, and neither do the fields a `Connection` header names.
 */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/**
 * Request fields the gateway sets itself (so a client cannot choose them) or that belong to the client's
 * connection: `host` is the upstream's, the trace context is the gateway's span, `forwarded` (RFC 7239) is
 * not maintained, so a client-made one must not reach the services.
 */
const REPLACED_REQUEST_HEADERS = [
  "host",
  "traceparent",
  "tracestate",
  "x-request-id",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "forwarded",
];

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/;

function dropConnectionFields(headers: Headers): void {
  const connection = headers.get("connection");
  if (connection === null) return;
  for (const name of connection.split(",")) {
    const field = name.trim().toLowerCase();
    // Never let a Connection header remove end-to-end fields the services rely on.
    if (TOKEN.test(field) && field !== "authorization" && field !== "cookie") headers.delete(field);
  }
}

/** A copy of the client's headers minus hop-by-hop and gateway-owned fields (one copy, then deletes). */
export function upstreamRequestHeaders(incoming: Headers): Headers {
  const headers = new Headers(incoming);
  dropConnectionFields(headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  for (const name of REPLACED_REQUEST_HEADERS) headers.delete(name);
  return headers;
}

/**
 * Strips hop-by-hop fields from an upstream response in place (fetch responses have mutable headers in Bun),
 * so the response can be returned as it is, without copying its headers.
 */
export function cleanResponseHeaders(headers: Headers): void {
  dropConnectionFields(headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
}
