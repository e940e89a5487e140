// Zod-free, so that pages which show them (a password hint) need not fetch the schemas to render.

/** Bounds of a new password (ASVS 2.1, auth's policy): 8–128 Unicode code points after NFC. */
export const PASSWORD_MIN = 8;
/** Upper bound of a new password. */
export const PASSWORD_MAX = 128;
