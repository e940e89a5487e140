import { z } from "zod";
import { idSchema } from "../../ids/index.ts";
import { timestampSchema } from "../../time/index.ts";

/** `config.updated` v1: the system configuration moved to `version`; `keys` are the settings that changed. */
export const configUpdatedV1 = z.object({
  version: z.int().min(1),
  keys: z.array(z.string().min(1).max(128)).min(1).max(200),
  updated_by: idSchema("usr"),
  updated_at: timestampSchema,
});

/** `profile.updated` v1: which profile or preference fields of `user_id` changed. */
export const profileUpdatedV1 = z.object({
  user_id: idSchema("usr"),
  fields: z.array(z.string().min(1).max(64)).min(1).max(64),
  updated_at: timestampSchema,
});
