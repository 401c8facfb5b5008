CREATE TABLE `audit_checkpoints` (
	`through_seq` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `operators` (
	`key` text PRIMARY KEY NOT NULL,
	`operator_id` text NOT NULL,
	`body` text NOT NULL,
	`verifier` text NOT NULL,
	`last_online_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sign_in_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_no_update` BEFORE UPDATE ON `audit_checkpoints` BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_no_delete` BEFORE DELETE ON `audit_checkpoints` BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;--> statement-breakpoint
DROP TRIGGER `audit_log_no_delete`;--> statement-breakpoint
CREATE TRIGGER `audit_log_delete_checkpointed_only` BEFORE DELETE ON `audit_log` WHEN old.`seq` > coalesce((SELECT max(`through_seq`) FROM `audit_checkpoints`), 0) BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
