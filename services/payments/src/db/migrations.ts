/** The committed drizzle-kit migrations of the payments database (`services/payments/drizzle`). */
export const MIGRATIONS_FOLDER = new URL("../../drizzle", import.meta.url).pathname;
