CREATE TABLE "installations" (
	"installation_id" text PRIMARY KEY NOT NULL,
	"team_id" text,
	"enterprise_id" text,
	"is_enterprise_install" boolean DEFAULT false NOT NULL,
	"app_id" text,
	"team_name" text,
	"enterprise_name" text,
	"enterprise_url" text,
	"installer_user_id" text,
	"bot_id" text NOT NULL,
	"bot_user_id" text NOT NULL,
	"bot_scopes" text DEFAULT '' NOT NULL,
	"bot_token" text NOT NULL,
	"bot_refresh_token" text,
	"bot_token_expires_at" timestamp (3) with time zone,
	"token_version" integer DEFAULT 1 NOT NULL,
	"refresh_claimed_by" text,
	"refresh_claim_until" timestamp (3) with time zone,
	"installed_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "enterprise_id" text;--> statement-breakpoint
CREATE INDEX "installations_enterprise_idx" ON "installations" USING btree ("enterprise_id");