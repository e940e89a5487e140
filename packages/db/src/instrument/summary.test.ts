import { describe, expect, test } from "bun:test";
import { summarizeStatement } from "./summary.ts";

describe("summarizeStatement", () => {
  test.each([
    ['select "id", "status" from "payments" where "payments"."id" = $1', "SELECT payments", "payments"],
    ['insert into "outbox" ("event_id", "type") values ($1, $2)', "INSERT outbox", "outbox"],
    ['update "payments" set "status" = $1 where "id" = $2 returning *', "UPDATE payments", "payments"],
    ['delete from "inbox" where "processed_at" <= $1', "DELETE inbox", "inbox"],
    ['select * from "drizzle"."__drizzle_migrations"', "SELECT __drizzle_migrations", "__drizzle_migrations"],
    ["select pg_try_advisory_xact_lock(1) from (select 1) as one", "SELECT", undefined],
    ["begin", "BEGIN", undefined],
    ["  -- a note\n  commit", "COMMIT", undefined],
  ])("%p is %p", (text, name, table) => {
    const summary = summarizeStatement(text);
    expect(summary.name).toBe(name);
    expect(summary.table).toBe(table);
  });

  test("a CTE counts as its first write, else as a read; locking and upserts are not targets", () => {
    const cte = `WITH parties AS (SELECT 1 FROM user_directory WHERE id = $1),
      claimed AS (INSERT INTO idempotency_keys (k) SELECT $2 ON CONFLICT DO NOTHING RETURNING 1) SELECT 1`;
    expect(summarizeStatement(cte).name).toBe("INSERT idempotency_keys");
    expect(
      summarizeStatement("WITH x AS (SELECT id FROM payments FOR UPDATE SKIP LOCKED) SELECT * FROM x").name,
    ).toBe("SELECT payments");
    expect(summarizeStatement('insert into "a" values (1) on conflict do update set b = 1').name).toBe(
      "INSERT a",
    );
    expect(summarizeStatement('select extract(epoch from "created_at") from "payments"').name).toBe(
      "SELECT payments",
    );
  });

  test("a leading comment names a statement; unknown kinds and literals never become a name", () => {
    expect(summarizeStatement("/* create_payment */ WITH a AS (SELECT 1) SELECT 1").name).toBe(
      "create_payment",
    );
    expect(summarizeStatement("/* just a remark, not a name */ select 1").name).toBe("SELECT");
    expect(summarizeStatement("frobnicate 'secret literal'").name).toBe("OTHER");
    expect(summarizeStatement("select 'secret literal' as x").name).toBe("SELECT");
  });
});
