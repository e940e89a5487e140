DROP INDEX "payments_payer_idx";--> statement-breakpoint
DROP INDEX "payments_payee_idx";--> statement-breakpoint
DROP INDEX "payments_created_at_idx";--> statement-breakpoint
CREATE INDEX "payments_payer_created_idx" ON "payments" USING btree ("payer_id","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_payee_created_idx" ON "payments" USING btree ("payee_id","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_created_idx" ON "payments" USING btree ("created_at","id");