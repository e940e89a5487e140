import { z } from "zod";
import { systemConfigSchema } from "../config/index.ts";
import { idSchema } from "../ids/ids.ts";
import { timestampSchema } from "../time/time.ts";
import { ADMIN_AUDIT_OPERATIONS } from "./admin-audit.ts";
import { component, cursorQuery, operation, pageOf } from "./operation.ts";

export * from "./admin-audit.ts";

/** The admin service's configuration routes (mounted at `/api/admin`); audit and dashboard: `admin-audit.ts`. */

/** The largest version number (a Postgres integer). */
const MAX_VERSION = 2_147_483_647;

/** The settings themselves: contracts' `systemConfigSchema`, the one the payments service and frontends read. */
export const systemSettingsSchema = component(
  "SystemSettings",
  systemConfigSchema,
  "Supported currencies, payment limits and the maintenance banner",
);

/** The current configuration with who changed it and when. */
export const systemConfigViewSchema = component(
  "SystemConfig",
  z.object({
    version: z.int().min(0).max(MAX_VERSION).describe("0 = the built-in defaults, never changed"),
    settings: systemSettingsSchema,
    updated_by: idSchema("usr").nullable().describe("Null for version 0"),
    updated_at: timestampSchema.nullable().describe("Null for version 0"),
  }),
);
export type SystemConfigView = z.infer<typeof systemConfigViewSchema>;

/** What anyone may read: the version and the settings, not who changed them. */
export const publicConfigViewSchema = component(
  "PublicConfig",
  systemConfigViewSchema.pick({ version: true, settings: true }),
);
export type PublicConfigView = z.infer<typeof publicConfigViewSchema>;

/** A stored version (1 and up: version 0 is never stored) and the settings it changed. */
export const configVersionSchema = component(
  "ConfigVersion",
  z.object({
    version: z.int().min(1).max(MAX_VERSION),
    settings: systemSettingsSchema,
    changed_keys: z
      .array(z.string())
      .describe("Dotted paths of the settings changed, e.g. `payment_limits.default.max_amount`"),
    updated_by: idSchema("usr"),
    updated_at: timestampSchema,
  }),
);
export type ConfigVersionView = z.infer<typeof configVersionSchema>;

export const configVersionListSchema = component("ConfigVersionList", pageOf(configVersionSchema));

/** Body of `PUT /config`. */
export const putConfigBody = z.strictObject({
  settings: systemConfigSchema,
  expected_version: z
    .int()
    .min(0)
    .max(MAX_VERSION)
    .optional()
    .describe("The version the change was made on; when given and no longer current: 409"),
});

/** Query of `GET /config/history` (the cursor is a version number). */
export const configHistoryQuery = z
  .strictObject(cursorQuery(z.coerce.number().int().min(0).max(MAX_VERSION)))
  .refine((q) => q.starting_after === undefined || q.ending_before === undefined, {
    message: "use either starting_after or ending_before, not both",
    path: ["ending_before"],
  });

/** How long browsers and proxies may reuse the public configuration. */
export const PUBLIC_CONFIG_MAX_AGE_SECONDS = 30;

export const adminGetPublicConfig = operation({
  service: "admin",
  id: "admin.getPublicConfig",
  method: "get",
  path: "/config/public",
  summary: "The current configuration, for every frontend and service (no token needed)",
  tags: ["config"],
  security: "public",
  responses: {
    200: {
      description: "Version and settings",
      schema: publicConfigViewSchema,
      headers: { "Cache-Control": `\`public, max-age=${PUBLIC_CONFIG_MAX_AGE_SECONDS}\`` },
    },
  },
  // No inputs, but a query parameter is refused like anywhere else (ADR 0015: 400 `unknown_parameter`).
  errors: [400],
});

export const adminGetConfig = operation({
  service: "admin",
  id: "admin.getConfig",
  method: "get",
  path: "/config",
  summary: "The current configuration with who changed it and when",
  tags: ["config"],
  security: "bearer",
  roles: ["admin"],
  responses: {
    200: { description: "Current version (0 = built-in defaults)", schema: systemConfigViewSchema },
  },
  errors: [400, 403],
});

export const adminUpdateConfig = operation({
  service: "admin",
  id: "admin.updateConfig",
  method: "put",
  path: "/config",
  summary: "Replace the configuration: stored as a new version, announced by config.updated",
  description:
    "Identical settings store nothing and answer the current version. With `expected_version` no longer " +
    "current: 409 `config_version_conflict` (reload and apply the change again).",
  tags: ["config"],
  security: "bearer",
  roles: ["admin"],
  body: putConfigBody,
  responses: { 200: { description: "The configuration after the change", schema: systemConfigViewSchema } },
  errors: [403, 409],
});

export const adminListConfigHistory = operation({
  service: "admin",
  id: "admin.listConfigHistory",
  method: "get",
  path: "/config/history",
  summary: "Every configuration version, newest first (cursor = version number)",
  tags: ["config"],
  security: "bearer",
  roles: ["admin"],
  query: configHistoryQuery,
  responses: { 200: { description: "Versions", schema: configVersionListSchema } },
  errors: [403],
});

/** Every admin operation. */
export const ADMIN_OPERATIONS = [
  adminGetConfig,
  adminUpdateConfig,
  adminGetPublicConfig,
  adminListConfigHistory,
  ...ADMIN_AUDIT_OPERATIONS,
] as const;
