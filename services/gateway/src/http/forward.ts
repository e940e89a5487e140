import { cleanResponseHeaders } from "./headers.ts";

/** How a forwarded request ended, short of an upstream answer. */
export type ForwardFailure = "connect_error" | "timeout" | "client_gone" | "body_too_large";

/** The upstream could not be asked or did not answer; `kind` says why (502, 504, nobody left, 413). */
export class ForwardError extends Error {
  override readonly name = "ForwardError";
  constructor(
    readonly kind: ForwardFailure,
    options?: { cause?: unknown },
  ) {
    super(kind, options);
  }
}

/** Limits of one forwarded request. */
export interface ForwardLimits {
  /** Milliseconds the upstream has to send its response headers; the body then streams without a deadline. */
  timeoutMs: number;
  /** Largest request body; a larger `Content-Length` is refused before the upstream is asked. */
  bodyLimitBytes: number;
}

/**
 * Counts a body as it streams and fails it past `max` bytes, so a chunked upload is limited without being
 * buffered. `onExceeded` runs first, so the caller can tell this failure from a broken connection.
 */
function limitedBody(
  body: ReadableStream<Uint8Array>,
  max: number,
  onExceeded: () => void,
): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) {
          onExceeded();
          controller.error(new ForwardError("body_too_large"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Sends `request` (method, body) to `target` with `headers` and returns the upstream's response, streamed:
 * neither body is ever held whole. The response keeps its encoding (`decompress: false`), so its
 * `Content-Encoding` and `Content-Length` stay true; hop-by-hop headers are stripped in place. The upstream
 * call is aborted when the client goes away and when no response headers came within the timeout.
 */
export async function forward(
  request: Request,
  target: string,
  headers: Headers,
  limits: ForwardLimits,
  fetcher: typeof fetch,
): Promise<Response> {
  let body: ReadableStream<Uint8Array> | null = request.body;
  let tooLarge = false;
  if (body) {
    const declared = request.headers.get("content-length");
    if (declared !== null) {
      // Bun.serve holds a body to its declared length, so checking the header is enough.
      if (Number(declared) > limits.bodyLimitBytes) throw new ForwardError("body_too_large");
    } else {
      body = limitedBody(body, limits.bodyLimitBytes, () => {
        tooLarge = true;
      });
    }
  }

  const upstream = new AbortController();
  let timedOut = false;
  const client = request.signal;
  const clientGone = (): void => upstream.abort();
  client.addEventListener("abort", clientGone, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    upstream.abort();
  }, limits.timeoutMs);

  let response: Response;
  try {
    response = await fetcher(target, {
      method: request.method,
      headers,
      body,
      duplex: body ? "half" : undefined,
      signal: upstream.signal,
      redirect: "manual",
      decompress: false,
    } as RequestInit);
  } catch (error) {
    if (tooLarge) throw new ForwardError("body_too_large", { cause: error });
    if (timedOut) throw new ForwardError("timeout", { cause: error });
    if (client.aborted) throw new ForwardError("client_gone", { cause: error });
    throw new ForwardError("connect_error", { cause: error });
  } finally {
    clearTimeout(timer);
  }
  cleanResponseHeaders(response.headers);
  return response;
}
