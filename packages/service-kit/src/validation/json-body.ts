import type { Context } from "hono";
import { unsupportedMediaType } from "../errors/protocol.ts";

// The media types Hono's json validator parses (`application/json`, `application/*+json`, any case, any
// parameters): the same test, so a body is either parsed or refused, never silently read as `{}`.
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/;

/** True for `application/json` and `application/<x>+json`, with or without parameters such as charset. */
export function isJsonMediaType(contentType: string | undefined | null): boolean {
  if (!contentType) return false;
  const mediaType = (contentType.split(";", 1)[0] ?? "").trim().toLowerCase();
  return JSON_MEDIA_TYPE.test(mediaType);
}

/**
 * Whether the request carries a body, by its framing (RFC 9112 §6): `Content-Length` above 0, or
 * `Transfer-Encoding`. Requests built in-process have neither header, so their body stream decides.
 */
export function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length !== null) return Number(length) > 0;
  if (request.headers.has("transfer-encoding")) return true;
  return request.body !== null;
}

/**
 * Runs before a JSON route's validator. A body in another media type (or with no `Content-Type`) is 415:
 * the validator would otherwise skip it and judge `{}`, and the caller would get a misleading 400 about
 * missing fields. No body at all is left to the schema, whatever `Content-Type` says, so a route whose body
 * is optional works without one; an empty body is read as `{}` rather than as malformed JSON.
 */
export function checkJsonBody(c: Context): void {
  const contentType = c.req.header("content-type");
  if (!hasBody(c.req.raw)) {
    // Hono's validator would parse "" and fail; its body cache hands it the empty object instead.
    if (isJsonMediaType(contentType)) c.req.bodyCache.json = Promise.resolve({});
    return;
  }
  if (!isJsonMediaType(contentType)) throw unsupportedMediaType();
}
