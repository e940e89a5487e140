/** The committed drizzle-kit migrations of the auth database (`services/auth/drizzle`). */
export const MIGRATIONS_FOLDER = new URL("../../drizzle", import.meta.url).pathname;
