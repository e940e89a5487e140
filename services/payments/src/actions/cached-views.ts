import type { CacheSetOptions } from "@payments/cache";
import type { Id } from "@payments/contracts";
import { LIST_TTL_MS, PAYMENT_TTL_MS, type PaymentsCore, paymentKey, userTag } from "../core.ts";
import { findNamedPayment, type ListParams, listPayments } from "../db/lists.ts";
import type { PartyScope } from "../db/queries.ts";
import type { PaymentRow } from "../db/schema.ts";
import { canonicalJson } from "../domain/idempotency.ts";
import { type ApiPayment, toApiPayment } from "../domain/views.ts";

/** A page of payments as the list route returns it. */
export interface PaymentPage {
  object: "list";
  data: ApiPayment[];
  has_more: boolean;
}

/** A user's list params (platform-wide admin pages are not cached). */
export type UserListParams = ListParams & { scope: Extract<PartyScope, { kind: "user" }> };

/** One payment's detail view from the database; undefined (never cached) for an unknown id. */
export async function loadPayment(core: PaymentsCore, id: Id<"pay">): Promise<ApiPayment | undefined> {
  const row = await findNamedPayment(core.db, id);
  return row ? toApiPayment(row) : undefined;
}

/** One page of payments from the database. */
export async function loadPage(core: PaymentsCore, params: ListParams): Promise<PaymentPage> {
  const { rows, hasMore } = await listPayments(core.db, params);
  return { object: "list", data: rows.map(toApiPayment), has_more: hasMore };
}

/** The cache key of one user's page: the user, then every parameter that shapes the page. */
export function pageKey(params: UserListParams): string {
  const { scope, ...rest } = params;
  return `list:${scope.userId}:${canonicalJson({
    ...rest,
    role: scope.role ?? "any",
    createdGte: rest.createdGte?.toISOString(),
    createdLte: rest.createdLte?.toISOString(),
  })}`;
}

export const paymentEntry: CacheSetOptions = { ttlMs: PAYMENT_TTL_MS };
export const pageEntry = (userId: string): CacheSetOptions => ({
  ttlMs: LIST_TTL_MS,
  tags: [userTag(userId)],
});

/**
 * Pages refilled per user after a change: the one read most recently (the list a person is looking at).
 * Four made a settlement cost up to nine reads; with the refills of a burst that competed for the CPU the
 * requests needed on two shared cores.
 */
const PAGES_PER_USER = 1;
/** Users whose recent pages a process remembers; the least recently reading are forgotten first. */
const USERS_REMEMBERED = 10_000;

/**
 * The list pages this process served recently, per user, so that a change can put their new version into
 * the cache (write-through) instead of leaving the next reader a miss. Only pages read within their TTL are
 * refilled: a page nobody reads any more is just invalidated, as before.
 */
class RecentPages {
  private readonly users = new Map<string, Map<string, { params: UserListParams; readAt: number }>>();

  read(params: UserListParams, now: number): void {
    const userId = params.scope.userId;
    const pages = this.users.get(userId) ?? new Map();
    // Maps keep insertion order: re-inserting makes this the most recent user and page.
    this.users.delete(userId);
    this.users.set(userId, pages);
    const key = pageKey(params);
    pages.delete(key);
    pages.set(key, { params, readAt: now });
    for (const oldest of pages.keys()) {
      if (pages.size <= PAGES_PER_USER) break;
      pages.delete(oldest);
    }
    for (const oldest of this.users.keys()) {
      if (this.users.size <= USERS_REMEMBERED) break;
      this.users.delete(oldest);
    }
  }

  /** The pages of `userId` read within the list TTL. */
  of(userId: string, now: number): Map<string, UserListParams> {
    const recent = new Map<string, UserListParams>();
    const pages = this.users.get(userId);
    if (!pages) return recent;
    for (const [key, page] of pages) {
      if (now - page.readAt < LIST_TTL_MS) recent.set(key, page.params);
      else pages.delete(key);
    }
    if (pages.size === 0) this.users.delete(userId);
    return recent;
  }
}

const recentPagesOf = new WeakMap<PaymentsCore["cache"], RecentPages>();

function recentPages(core: PaymentsCore): RecentPages {
  let recent = recentPagesOf.get(core.cache);
  if (!recent) {
    recent = new RecentPages();
    recentPagesOf.set(core.cache, recent);
  }
  return recent;
}

/** Records that a user's page was served (from the cache or the database). */
export function pageRead(core: PaymentsCore, params: UserListParams): void {
  recentPages(core).read(params, performance.now());
}

/** What one committed change makes stale, and the fills that put the new views in their place. */
interface Stale {
  keys: Set<string>;
  tags: Set<string>;
  /** Cache key → its guarded fill (`Cache.fill`), run after the invalidation. */
  fills: Map<string, () => Promise<unknown>>;
}

type Invalidator = (stale: Stale) => Promise<void>;

/** Refills at most this many views at once, in the background: one database connection at most. */
const REFILLS_IN_FLIGHT = 1;
/** Refills waiting beyond this are dropped, oldest first: their keys stay invalidated (a miss, not a lie). */
const REFILLS_QUEUED = 64;

/**
 * The write-through, bounded: fills run in the background, at most {@link REFILLS_IN_FLIGHT} at a time, and
 * the queue keeps the newest {@link REFILLS_QUEUED} keys. A burst of writes (a seed, a batch of settlements)
 * once made every transition wait for up to nine reads and starved the pool the requests need (a payment's
 * page waited over 10 s in CI); now a burst costs one connection at most and turns into cache misses.
 */
class Refiller {
  private readonly queue = new Map<string, () => Promise<unknown>>();
  private active = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly core: PaymentsCore) {}

  add(fills: Map<string, () => Promise<unknown>>): void {
    for (const [key, load] of fills) {
      // The newest change's load replaces an older one waiting for the same key.
      this.queue.delete(key);
      this.queue.set(key, load);
    }
    for (const oldest of this.queue.keys()) {
      if (this.queue.size <= REFILLS_QUEUED) break;
      this.queue.delete(oldest);
    }
    this.pump();
  }

  /** Resolves once no refill is queued or running (tests, and a clean shutdown). */
  settled(): Promise<void> {
    if (this.active === 0 && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < REFILLS_IN_FLIGHT) {
      const next = this.queue.entries().next();
      if (next.done) break;
      const [key, load] = next.value;
      this.queue.delete(key);
      this.active++;
      void this.run(key, load).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.size === 0) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
  }

  private async run(key: string, load: () => Promise<unknown>): Promise<void> {
    try {
      await load();
    } catch (error) {
      // The invalidation stands: the next reader loads the view itself.
      this.core.logger.warn(
        { key, err: error instanceof Error ? error.message : String(error) },
        "cache fill failed",
      );
    }
  }
}

/**
 * Cache invalidation, coalesced: every key and tag named during one turn of the event loop is invalidated
 * once, in one batch that starts after all of them were named (so after each caller's commit); callers wait
 * for it. Under load the same user tags are named by hundreds of transitions a second: two round trips per
 * batch instead of two or more per transition. Then the views named for a fill are handed to the
 * {@link Refiller}. Fills are `Cache.fill`s: one that a later change's invalidation overtook is not stored,
 * and a reader that loaded a row just before a commit cannot write its stale copy back either (docs/adr/0035,
 * 0037).
 */
function createInvalidator(core: PaymentsCore, refiller: Refiller): Invalidator {
  let open: { stale: Stale; done: Promise<void> } | undefined;
  // The cache logs and swallows its own failures: this never rejects.
  const run = async ({ keys, tags, fills }: Stale) => {
    await Promise.all([core.cache.del(...keys), core.cache.invalidateTag(...tags)]);
    refiller.add(fills);
  };
  return (stale) => {
    let batch = open;
    if (!batch) {
      const pending: Stale = { keys: new Set(), tags: new Set(), fills: new Map() };
      const done = new Promise<void>((resolve) => {
        setImmediate(() => {
          if (open?.stale === pending) open = undefined;
          void run(pending).then(resolve);
        });
      });
      batch = open = { stale: pending, done };
    }
    for (const key of stale.keys) batch.stale.keys.add(key);
    for (const tag of stale.tags) batch.stale.tags.add(tag);
    for (const [key, load] of stale.fills) batch.stale.fills.set(key, load);
    return batch.done;
  };
}

const invalidators = new WeakMap<PaymentsCore["cache"], { invalidate: Invalidator; refiller: Refiller }>();

function invalidatorOf(core: PaymentsCore): { invalidate: Invalidator; refiller: Refiller } {
  let found = invalidators.get(core.cache);
  if (!found) {
    const refiller = new Refiller(core);
    found = { invalidate: createInvalidator(core, refiller), refiller };
    invalidators.set(core.cache, found);
  }
  return found;
}

/** Resolves once the write-through has caught up: every queued refill stored (or found overtaken). */
export function refillsSettled(core: PaymentsCore): Promise<void> {
  return invalidatorOf(core).refiller.settled();
}

/**
 * What must follow every committed change of payments: wake the outbox relay, invalidate their cached views
 * (detail, and every list page of the payer and payee), then write the new views through — each payment's
 * detail, and the pages of the payer and payee this process served within their TTL — so that the next
 * reader hits the new version rather than missing. Called in the same code path as the change, right after
 * its commit; resolves once the cache holds no view older than the change (read-your-writes), without
 * waiting for the refills ({@link refillsSettled}).
 */
export async function afterCommit(
  core: PaymentsCore,
  changed: readonly Pick<PaymentRow, "id" | "payerId" | "payeeId">[],
  opts: { created?: boolean } = {},
): Promise<void> {
  core.eventsCommitted();
  const stale: Stale = { keys: new Set(), tags: new Set(), fills: new Map() };
  const users = new Set<string>();
  for (const p of changed) {
    const key = paymentKey(p.id);
    // A payment just created cannot have a cached detail (unknown ids are never cached); lists can.
    if (!opts.created) stale.keys.add(key);
    stale.fills.set(key, () => core.cache.fill(key, () => loadPayment(core, p.id), paymentEntry));
    users.add(p.payerId);
    users.add(p.payeeId);
  }
  if (users.size === 0) return;
  const now = performance.now();
  for (const userId of users) {
    stale.tags.add(userTag(userId));
    for (const [key, params] of recentPages(core).of(userId, now)) {
      stale.fills.set(key, () => core.cache.fill(key, () => loadPage(core, params), pageEntry(userId)));
    }
  }
  await invalidatorOf(core).invalidate(stale);
}
