/**
 * The simulated payout processor (a bank transfer rail), deterministic like the card simulator: by the last
 * two digits of the payout's amount in minor units —
 * `13` → failed, `account_closed`; `14` → failed, `invalid_account_number`; anything else → paid.
 * A failed payout returns its funds to the vendor's available balance.
 */
export function payoutOutcome(amount: number): { status: "paid" } | { status: "failed"; code: string } {
  const lastTwo = amount % 100;
  if (lastTwo === 13) return { status: "failed", code: "account_closed" };
  if (lastTwo === 14) return { status: "failed", code: "invalid_account_number" };
  return { status: "paid" };
}

/** The last 4 characters of an account number, upper case: all the platform keeps of it. */
export function maskAccountNumber(accountNumber: string): string {
  return accountNumber.replaceAll(" ", "").toUpperCase().slice(-4);
}
