CREATE TABLE `audit_anchors` (
	`sequence` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`anchored_at` text NOT NULL,
	`receipt` text NOT NULL
);
