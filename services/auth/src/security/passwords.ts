/** Argon2id cost parameters (OWASP: at least 19 MiB and 2 iterations). */
export interface Argon2Params {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
}

/** Hashes and verifies passwords with Bun.password (argon2id, per-hash random salt, PHC string). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Verifies `password` against `hash`, or against a dummy hash when `hash` is undefined (unknown user), so
   * that both cases cost one argon2 verification and answer in similar time.
   */
  verify(password: string, hash: string | undefined): Promise<boolean>;
  /** True when `hash` was made with weaker parameters than the current ones (rehash after login). */
  needsRehash(hash: string): boolean;
}

/** Builds a {@link PasswordHasher} with fixed parameters. */
export function createPasswordHasher(params: Argon2Params): PasswordHasher {
  const options = {
    algorithm: "argon2id" as const,
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
  };
  let dummy: Promise<string> | undefined;
  const dummyHash = () => {
    // Made once, lazily, with the same parameters as real hashes; its password is random and never known.
    dummy ??= Bun.password.hash(crypto.randomUUID(), options);
    return dummy;
  };
  return {
    hash: (password) => Bun.password.hash(password, options),
    async verify(password, hash) {
      if (hash === undefined) {
        await Bun.password.verify(password, await dummyHash()).catch(() => false);
        return false;
      }
      // A corrupt stored hash must read as "wrong password", never as a 500 revealing that the user exists.
      return Bun.password.verify(password, hash).catch(() => false);
    },
    needsRehash(hash) {
      const match = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=\d+\$/.exec(hash);
      if (!match) return true;
      return Number(match[1]) < params.memoryCost || Number(match[2]) < params.timeCost;
    },
  };
}
