CREATE TABLE "audit_anchors" (
	"office_code" text NOT NULL,
	"device_id" text NOT NULL,
	"sequence" bigint NOT NULL,
	"hash" text NOT NULL,
	"anchored_at" text NOT NULL,
	"receipt" jsonb NOT NULL,
	CONSTRAINT "audit_anchors_office_code_device_id_sequence_pk" PRIMARY KEY("office_code","device_id","sequence")
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"device_id" text PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"public_key" text NOT NULL,
	"registered_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "effects" (
	"id" serial PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"key" text NOT NULL,
	"request_id" text NOT NULL,
	"outcome" text NOT NULL,
	"code" text NOT NULL,
	"operator_id" text NOT NULL,
	"device_id" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "emails" (
	"id" serial PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency" (
	"office_code" text NOT NULL,
	"key" text NOT NULL,
	"body_hash" text NOT NULL,
	"response" text NOT NULL,
	"created_at" text NOT NULL,
	CONSTRAINT "idempotency_office_code_key_pk" PRIMARY KEY("office_code","key")
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offices" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"comune" text NOT NULL,
	"province" text NOT NULL,
	"scope_kind" text DEFAULT 'province' NOT NULL,
	"scope_area" text
);
--> statement-breakpoint
CREATE TABLE "operator_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"actor_id" text NOT NULL,
	"operator_id" text NOT NULL,
	"change" jsonb NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operators" (
	"id" text PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"can_identify" boolean DEFAULT true NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" text PRIMARY KEY NOT NULL,
	"changed_xid" bigint DEFAULT (pg_current_xact_id()::text::bigint) NOT NULL,
	"fiscal_code" text NOT NULL,
	"status" text NOT NULL,
	"expires_at" text NOT NULL,
	"province" text NOT NULL,
	"region" text NOT NULL,
	"body" jsonb NOT NULL,
	"wire" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"operator_id" text NOT NULL,
	"device_id" text NOT NULL,
	"expires_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_failures" (
	"subject" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"last_at" text NOT NULL,
	"blocked_until" text
);
--> statement-breakpoint
CREATE TABLE "training_cards" (
	"request_id" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operators" ADD CONSTRAINT "operators_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "effects_office_key" ON "effects" USING btree ("office_code","key");--> statement-breakpoint
CREATE UNIQUE INDEX "operators_office_username" ON "operators" USING btree ("office_code","username");--> statement-breakpoint
CREATE INDEX "requests_fiscal_code" ON "requests" USING btree ("fiscal_code");--> statement-breakpoint
CREATE INDEX "requests_province_change" ON "requests" USING btree ("province","changed_xid","id");--> statement-breakpoint
CREATE INDEX "requests_region_change" ON "requests" USING btree ("region","changed_xid","id");--> statement-breakpoint
CREATE INDEX "requests_change" ON "requests" USING btree ("changed_xid","id");--> statement-breakpoint
CREATE INDEX "requests_due" ON "requests" USING btree ("expires_at") WHERE status IN ('awaiting-code-confirmation', 'awaiting-identification');--> statement-breakpoint
CREATE INDEX "sessions_operator" ON "sessions" USING btree ("operator_id");