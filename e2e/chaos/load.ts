/**
 * A steady stream of payments, behaving like a well-written client: every payment has its own idempotency
 * key, and a request that fails for reasons that may be temporary (no answer, 5xx, 409 still in flight,
 * 429) is retried with the same key and body until it is confirmed or the retry budget runs out. The key is
 * also the payment's description, so the database can be counted against what the client believes.
 */

/** What the client knows at the end. */
export interface LoadResult {
  /** key → payment id, for every payment the platform confirmed (201 or an idempotent replay). */
  confirmed: Map<string, string>;
  /** Keys whose payment was never confirmed within the retry budget (it may or may not exist: at most once). */
  abandoned: Set<string>;
  /** Answers by status (0 = no answer). */
  statuses: Map<number, number>;
  /** Times (ms since epoch) of every confirmation, to measure recovery after each fault. */
  confirmations: number[];
}

/** One user the stream pays as. */
export interface Payer {
  email: string;
  password: string;
  token: string;
}

interface LoadOptions {
  gateway: string;
  payers: Payer[];
  vendorId: string;
  /** Parallel clients. */
  concurrency: number;
  /** Stop starting new payments when this resolves. */
  until: Promise<void>;
  /** How long one payment may keep retrying. */
  retryBudgetMs: number;
}

async function attempt(
  gateway: string,
  token: string,
  key: string,
  body: string,
): Promise<Response | undefined> {
  try {
    return await fetch(`${gateway}/api/payments`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "idempotency-key": key,
      },
      body,
      signal: AbortSignal.timeout(12_000),
    });
  } catch {
    return undefined;
  }
}

async function login(gateway: string, payer: Payer): Promise<void> {
  try {
    const res = await fetch(`${gateway}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: payer.email, password: payer.password }),
      signal: AbortSignal.timeout(8_000),
    });
    if (res.ok) payer.token = ((await res.json()) as { access_token: string }).access_token;
  } catch {
    // The platform is down: the next attempt signs in again.
  }
}

type Outcome = "confirmed" | "refused" | "retry";

/**
 * Starts the stream; `live` fills in as it runs (to watch recovery), `done` resolves once `until` has
 * resolved and every started payment is confirmed or abandoned. A payment that needs retrying moves to a
 * background retrier, so the clients keep starting new payments (recovery is measured on those) while old
 * keys wait out whatever holds them (an idempotency key left in flight by a crash is taken over after 60 s).
 */
export function runLoad(opts: LoadOptions): { live: LoadResult; done: Promise<LoadResult> } {
  const result: LoadResult = {
    confirmed: new Map(),
    abandoned: new Set(),
    statuses: new Map(),
    confirmations: [],
  };
  const retries = new Map<string, { payer: Payer; body: string; deadline: number }>();
  let stopped = false;
  void opts.until.then(() => {
    stopped = true;
  });

  const send = async (payer: Payer, key: string, body: string): Promise<Outcome> => {
    const res = await attempt(opts.gateway, payer.token, key, body);
    const status = res?.status ?? 0;
    result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
    if (res && (status === 200 || status === 201)) {
      const payment = (await res.json()) as { id: string };
      result.confirmed.set(key, payment.id);
      result.confirmations.push(Date.now());
      return "confirmed";
    }
    await res?.arrayBuffer().catch(() => undefined);
    if (status === 401) await login(opts.gateway, payer);
    else if (status >= 400 && status < 500 && ![408, 409, 425, 429].includes(status)) {
      // A definitive refusal: nothing was created under this key.
      result.abandoned.add(key);
      return "refused";
    }
    return "retry";
  };

  let n = 0;
  const client = async (index: number) => {
    while (!stopped) {
      const payer = opts.payers[index % opts.payers.length];
      if (!payer) return;
      const key = `chaos-${index}-${++n}-${crypto.randomUUID().slice(0, 8)}`;
      // Amounts ending in 1 are plain successes for the simulator (02, 05, 09 are its fault cases).
      const body = JSON.stringify({
        payee_id: opts.vendorId,
        amount: 1_001 + 10 * (n % 500),
        currency: "usd",
        description: key,
      });
      if ((await send(payer, key, body)) === "retry") {
        retries.set(key, { payer, body, deadline: Date.now() + opts.retryBudgetMs });
        await Bun.sleep(200);
      }
    }
  };

  const retrier = async () => {
    while (!stopped || retries.size > 0) {
      await Promise.all(
        [...retries.entries()].slice(0, 8).map(async ([key, item]) => {
          const outcome = await send(item.payer, key, item.body);
          if (outcome !== "retry") retries.delete(key);
          else if (Date.now() > item.deadline) {
            result.abandoned.add(key);
            retries.delete(key);
          }
        }),
      );
      await Bun.sleep(1_000);
    }
  };

  const done = Promise.all([
    retrier(),
    ...Array.from({ length: opts.concurrency }, (_, i) => client(i)),
  ]).then(() => result);
  return { live: result, done };
}
