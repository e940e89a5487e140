import type { Cache } from "@payments/cache";
import { type AuthDb, findUserById } from "../db/queries.ts";
import type { UserRecord } from "../db/schema.ts";

/**
 * Lookups of users by id through the service's cache (docs/adr/0035): the signed-in user's own page and every
 * refresh read a user by id, and only a write by auth itself changes the row.
 */
export interface UserLookup {
  /** The user without its password hash, from the cache or the database; undefined when there is none. */
  byId(id: string): Promise<UserRecord | undefined>;
  /**
   * Forgets the cached copies of these users. Called after every committed change of a user row (password,
   * e-mail, verification, role, active flag); the cache's guarded store keeps a lookup that read the row
   * before the commit from putting its copy back afterwards.
   */
  changed(...ids: string[]): Promise<void>;
}

/**
 * How long a cached user may be served. Invalidation normally ends it much sooner; the TTL bounds the damage
 * if an invalidation is lost (Redis unreachable for that one command). Access and refresh decisions do not
 * depend on it alone: deactivation and role changes also revoke the sessions, which are read from the
 * database on every refresh.
 */
export const USER_TTL_MS = 30_000;

const userKey = (id: string): string => `user:${id}`;

/**
 * A user as `wrap` returns it: the loaded record on a miss, its JSON copy (times as ISO strings) on a hit.
 */
type Time = Date | string;
type StoredUser = Omit<UserRecord, "passwordChangedAt" | "emailVerifiedAt" | "createdAt" | "updatedAt"> & {
  passwordChangedAt: Time;
  emailVerifiedAt: Time | null;
  createdAt: Time;
  updatedAt: Time;
};

/**
 * The row without its password hash: the hash never leaves the database, so no copy of it can outlive a
 * password change, and a cache dump reveals no hash to crack offline.
 */
function withoutSecret(row: UserRecord & { passwordHash?: string }): UserRecord {
  const { passwordHash: _hash, ...record } = row;
  return record;
}

function revive(stored: StoredUser): UserRecord {
  return {
    ...stored,
    passwordChangedAt: new Date(stored.passwordChangedAt),
    emailVerifiedAt: stored.emailVerifiedAt === null ? null : new Date(stored.emailVerifiedAt),
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}

/** Lookups through `cache`; without one (tests, the benchmark's baseline) every lookup reads the database. */
export function createUserLookup(db: AuthDb, cache: Cache | undefined): UserLookup {
  const load = async (id: string): Promise<UserRecord | undefined> => {
    const row = await findUserById(db, id);
    return row ? withoutSecret(row) : undefined;
  };
  if (!cache) return { byId: load, changed: async () => {} };
  return {
    async byId(id) {
      // undefined is not stored: an unknown id never fills the cache.
      const stored = await cache.wrap<StoredUser | undefined>(userKey(id), () => load(id), {
        ttlMs: USER_TTL_MS,
      });
      return stored ? revive(stored) : undefined;
    },
    async changed(...ids) {
      await cache.del(...ids.map(userKey));
    },
  };
}
