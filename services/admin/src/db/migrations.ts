/** The committed drizzle-kit migrations of the admin database (`services/admin/drizzle`). */
export const MIGRATIONS_FOLDER = new URL("../../drizzle", import.meta.url).pathname;
