/**
 * A signed-in user whose access token is renewed by signing in again before it expires (the e2e platform
 * issues 3-minute tokens, and the API suites hold users for longer than that).
 */
import type { Account, Api } from "./api.ts";

/** How long a token is used before a fresh sign-in (tokens live 180 s in the e2e platform). */
const RENEW_AFTER_MS = 120_000;

/** One user's session for API calls. */
export class Session {
  private current: { token: string; sessionId: string; at: number } | undefined;

  constructor(
    readonly api: Api,
    readonly account: Account,
  ) {}

  /** A token that is valid for at least a minute more. */
  async token(): Promise<string> {
    return (await this.fresh()).token;
  }

  /** The id of the session behind {@link token}. */
  async sessionId(): Promise<string> {
    return (await this.fresh()).sessionId;
  }

  /** Forgets the token, so the next call signs in again (after this session was ended on purpose). */
  renew(): void {
    this.current = undefined;
  }

  private async fresh(): Promise<{ token: string; sessionId: string }> {
    if (!this.current || Date.now() - this.current.at > RENEW_AFTER_MS) {
      const { token, sessionId } = await this.api.login(this.account);
      this.current = { token, sessionId, at: Date.now() };
    }
    return this.current;
  }
}
