import { createEvent, type Id } from "@payments/contracts";
import type { ConfigVersionView, SystemConfigView } from "@payments/contracts/http";
import { withEvents } from "@payments/events";
import { conflict } from "@payments/service-kit";
import type { AdminCore } from "../core.ts";
import { currentConfigVersion, insertConfigVersion, lockConfig } from "../db/config-queries.ts";
import type { ConfigVersionRow } from "../db/schema.ts";
import {
  changedKeys,
  DEFAULT_SYSTEM_CONFIG,
  type SystemConfig,
  withDefaults,
} from "../domain/system-config.ts";

/** Subject of `config.updated` events: there is one system configuration. */
export const CONFIG_SUBJECT = "system_config";

/** Cache key and tag of the current configuration. */
const CACHE_KEY = "config:current";
const CACHE_TAG = "config";
/** Other admin instances' in-memory caches may serve a replaced version this long. */
const CACHE_TTL_MS = 30_000;

/** The configuration as the API shows it: the contract's shape (`@payments/contracts/http`). */
export type ConfigView = SystemConfigView;

/** Row → API shape. */
export function toVersionView(row: ConfigVersionRow): ConfigVersionView {
  return {
    version: row.version,
    settings: withDefaults(row.settings),
    changed_keys: row.changedKeys,
    updated_by: row.updatedBy,
    updated_at: row.updatedAt.toISOString(),
  };
}

function toView(row: ConfigVersionRow | undefined): ConfigView {
  if (!row) return { version: 0, settings: DEFAULT_SYSTEM_CONFIG, updated_by: null, updated_at: null };
  const { changed_keys: _changed, ...view } = toVersionView(row);
  return view;
}

/** The current configuration (cached; every change invalidates it). */
export function readConfig(core: AdminCore): Promise<ConfigView> {
  return core.cache.wrap(CACHE_KEY, async () => toView(await currentConfigVersion(core.db)), {
    ttlMs: CACHE_TTL_MS,
    tags: [CACHE_TAG],
  });
}

/** What an admin asked for. */
export interface ConfigChange {
  actorId: Id<"usr">;
  settings: SystemConfig;
  /** The version the admin edited; another version meanwhile → 409 (no lost update). */
  expectedVersion?: number | undefined;
  traceparent?: string | undefined;
}

/**
 * Stores the settings as a new version with who and when, and emits `config.updated` naming the changed
 * keys, in one transaction serialised across instances. Identical settings change nothing (no version).
 */
export async function updateConfig(
  core: AdminCore,
  change: ConfigChange,
): Promise<ConfigView & { changed: boolean }> {
  const result = await withEvents(core, async (tx, emit) => {
    await lockConfig(tx);
    const current = await currentConfigVersion(tx);
    const currentVersion = current?.version ?? 0;
    if (change.expectedVersion !== undefined && change.expectedVersion !== currentVersion) {
      throw conflict(
        "config_version_conflict",
        `The configuration changed meanwhile (now version ${currentVersion}); reload and apply your change again.`,
      );
    }
    const keys = changedKeys(
      current ? withDefaults(current.settings) : DEFAULT_SYSTEM_CONFIG,
      change.settings,
    );
    if (keys.length === 0) return { ...toView(current), changed: false };
    const row: ConfigVersionRow = {
      version: currentVersion + 1,
      settings: change.settings,
      changedKeys: keys,
      updatedBy: change.actorId,
      updatedAt: core.now(),
    };
    await insertConfigVersion(tx, row);
    emit(
      createEvent({
        type: "config.updated",
        producer: "admin",
        subject: CONFIG_SUBJECT,
        data: {
          version: row.version,
          keys,
          updated_by: change.actorId,
          updated_at: row.updatedAt.toISOString(),
        },
        traceparent: change.traceparent,
      }),
    );
    return { ...toView(row), changed: true };
  });
  if (result.changed) await core.cache.invalidateTag(CACHE_TAG);
  return result;
}
