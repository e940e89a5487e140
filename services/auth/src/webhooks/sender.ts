import type { SignedHeaders } from "./signing.ts";

/** What one attempt found. */
export interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** The first {@link RESPONSE_CAPTURE_BYTES} of the answer, as text. */
  responseBody: string;
  delivered: boolean;
}

/** Bytes of an answer kept in the log; nothing beyond them is read. */
export const RESPONSE_CAPTURE_BYTES = 1024;

/** Reads at most `limit` bytes of a body and drops the rest without reading it. */
async function readCapped(res: Response, limit: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks).subarray(0, limit);
  return new TextDecoder("utf-8", { fatal: false }).decode(all);
}

/**
 * One POST of a delivery: no redirects followed (a 3xx is a failure: the receiver must name its final URL),
 * the whole exchange bounded by `timeoutMs` (a 2xx within it counts as delivered), the answer's first KB kept.
 */
export async function sendAttempt(
  fetcher: typeof fetch,
  url: string,
  headers: SignedHeaders,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetcher(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "payments-platform-webhooks/1",
      },
      body,
      redirect: "manual",
      signal,
    });
    const responseBody = await readCapped(res, RESPONSE_CAPTURE_BYTES);
    const redirected = res.status >= 300 && res.status < 400;
    return {
      statusCode: res.status,
      latencyMs: elapsed(),
      error: redirected ? "redirects are not followed" : null,
      responseBody,
      delivered: res.status >= 200 && res.status < 300,
    };
  } catch (err) {
    const timedOut = signal.aborted;
    return {
      statusCode: null,
      latencyMs: elapsed(),
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `request failed: ${(err as Error).message}`.slice(0, 200),
      responseBody: "",
      delivered: false,
    };
  }
}
