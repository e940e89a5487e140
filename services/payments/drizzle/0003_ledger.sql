CREATE SCHEMA "ledger";
--> statement-breakpoint
CREATE TABLE "ledger"."accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_type" text NOT NULL,
	"owner_id" text,
	"kind" text NOT NULL,
	"currency" text NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."balance_transactions" (
	"id" text PRIMARY KEY NOT NULL,
	"vendor_id" text NOT NULL,
	"type" text NOT NULL,
	"source_id" text NOT NULL,
	"currency" text NOT NULL,
	"gross" bigint NOT NULL,
	"fee" bigint NOT NULL,
	"net" bigint NOT NULL,
	"status" text NOT NULL,
	"available_on" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"entry_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."bank_accounts" (
	"vendor_id" text PRIMARY KEY NOT NULL,
	"last4" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."entries" (
	"id" text PRIMARY KEY NOT NULL,
	"source_key" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"vendor_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"method" text NOT NULL,
	"schedule_date" text,
	"bank_last4" text NOT NULL,
	"failure_code" text,
	"arrival_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."postings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_id" text NOT NULL,
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_entry_id_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "ledger"."entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "ledger"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_owner_idx" ON "ledger"."accounts" USING btree ("owner_id","currency");--> statement-breakpoint
CREATE INDEX "balance_transactions_vendor_idx" ON "ledger"."balance_transactions" USING btree ("vendor_id","id");--> statement-breakpoint
CREATE INDEX "balance_transactions_due_idx" ON "ledger"."balance_transactions" USING btree ("available_on") WHERE "ledger"."balance_transactions"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "balance_transactions_source_idx" ON "ledger"."balance_transactions" USING btree ("type","source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "entries_source_key_idx" ON "ledger"."entries" USING btree ("source_key");--> statement-breakpoint
CREATE INDEX "entries_source_idx" ON "ledger"."entries" USING btree ("source_type","source_id");--> statement-breakpoint
CREATE INDEX "payouts_vendor_idx" ON "ledger"."payouts" USING btree ("vendor_id","id");--> statement-breakpoint
CREATE INDEX "payouts_open_idx" ON "ledger"."payouts" USING btree ("status") WHERE "ledger"."payouts"."status" IN ('pending', 'in_transit');--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_schedule_idx" ON "ledger"."payouts" USING btree ("vendor_id","currency","schedule_date");--> statement-breakpoint
CREATE INDEX "postings_entry_idx" ON "ledger"."postings" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "postings_account_idx" ON "ledger"."postings" USING btree ("account_id");--> statement-breakpoint
-- The journal is append-only: a correction is a new entry, never an edit (docs/adr/0031).
CREATE FUNCTION "ledger"."refuse_journal_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger journal is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
--> statement-breakpoint
CREATE TRIGGER "entries_append_only" BEFORE UPDATE OR DELETE ON "ledger"."entries" FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_journal_change"();
--> statement-breakpoint
CREATE TRIGGER "postings_append_only" BEFORE UPDATE OR DELETE ON "ledger"."postings" FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_journal_change"();
--> statement-breakpoint
-- Every entry sums to zero and stays in its currency, checked by the database at commit (not only by the code).
CREATE FUNCTION "ledger"."check_entry_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM "ledger"."postings" p JOIN "ledger"."entries" e ON e.id = p.entry_id
    WHERE p.entry_id = NEW.entry_id
    GROUP BY e.currency
    HAVING sum(p.amount) <> 0 OR bool_or(p.currency <> e.currency)
  ) THEN
    RAISE EXCEPTION 'ledger entry % does not balance', NEW.entry_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "postings_balanced" AFTER INSERT ON "ledger"."postings" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger"."check_entry_balanced"();
