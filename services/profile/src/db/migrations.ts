/** The committed drizzle-kit migrations of the profile database (`services/profile/drizzle`). */
export const MIGRATIONS_FOLDER = new URL("../../drizzle", import.meta.url).pathname;
