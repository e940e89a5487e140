/**
 * A local stand-in for Sentry's ingest endpoint, for tests that check what the SDKs send without any
 * network: a `Bun.serve` on a free port that accepts envelopes (`POST /api/<project>/envelope/`), parses
 * them and keeps every item. Point a DSN at it with {@link SentryReceiver.dsn}.
 */

/** One item of an envelope: its header (`type`: event, session, client_report…) and its payload. */
export interface EnvelopeItem {
  header: { type?: string; [key: string]: unknown };
  payload: unknown;
}

/** One envelope as received: its header (event id, dsn, sdk) and its items. */
export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The raw text, for "this secret never appears" checks. */
  raw: string;
}

/**
 * Parses Sentry's envelope format: a JSON header line, then per item a JSON header line and a payload; a
 * payload is JSON unless its header gives a `length` of bytes that are not (attachments).
 */
export function parseEnvelope(raw: string): Envelope {
  const bytes = new TextEncoder().encode(raw);
  const decoder = new TextDecoder();
  let at = 0;
  const line = (): string | undefined => {
    if (at >= bytes.length) return undefined;
    let end = bytes.indexOf(10, at);
    if (end === -1) end = bytes.length;
    const text = decoder.decode(bytes.subarray(at, end));
    at = end + 1;
    return text;
  };
  const header = JSON.parse(line() ?? "{}") as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  for (let itemHeader = line(); itemHeader !== undefined && itemHeader !== ""; itemHeader = line()) {
    const parsed = JSON.parse(itemHeader) as EnvelopeItem["header"];
    let body: string;
    if (typeof parsed.length === "number") {
      body = decoder.decode(bytes.subarray(at, at + parsed.length));
      at += parsed.length + 1;
    } else body = line() ?? "";
    let payload: unknown = body;
    try {
      payload = JSON.parse(body);
    } catch {
      // An attachment or other non-JSON payload stays text.
    }
    items.push({ header: parsed, payload });
  }
  return { header, items, raw };
}

/** A Sentry error event as far as tests read it. */
export interface ReceivedEvent {
  event_id?: string;
  release?: string;
  environment?: string;
  user?: Record<string, unknown>;
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown>>;
  exception?: { values?: Array<{ type?: string; value?: string }> };
  request?: {
    method?: string;
    url?: string;
    headers?: Record<string, string>;
    data?: unknown;
    query_string?: unknown;
  };
  [key: string]: unknown;
}

/** What {@link startSentryReceiver} returns. */
export interface SentryReceiver {
  /** A DSN that sends here (`http://public@127.0.0.1:<port>/1`). */
  dsn: string;
  envelopes: Envelope[];
  /** The error events received so far (items of type `event`). */
  events(): ReceivedEvent[];
  /** Resolves with the events once at least `count` arrived; rejects after `timeoutMs`. */
  waitForEvents(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  stop(): Promise<void>;
}

/** Starts the receiver on a free port of 127.0.0.1. */
export function startSentryReceiver(): SentryReceiver {
  const envelopes: Envelope[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      // Browsers post cross-origin, as to a real Sentry; answer the preflight the same way.
      const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "*" };
      if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
      if (request.method === "POST" && /\/api\/\d+\/envelope\/?$/.test(new URL(request.url).pathname)) {
        envelopes.push(parseEnvelope(await request.text()));
      }
      return Response.json({ id: "0" }, { headers: cors });
    },
  });
  const events = () =>
    envelopes.flatMap((envelope) =>
      envelope.items
        .filter((item) => item.header.type === "event")
        .map((item) => item.payload as ReceivedEvent),
    );
  return {
    dsn: `http://public@127.0.0.1:${server.port}/1`,
    envelopes,
    events,
    async waitForEvents(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events().length < count) {
        if (Date.now() > deadline) throw new Error(`${events().length} of ${count} Sentry events arrived`);
        await Bun.sleep(20);
      }
      return events();
    },
    stop: () => server.stop(true),
  };
}
