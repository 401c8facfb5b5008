CREATE TABLE `erased_applicants` (
	`fiscal_code` text PRIMARY KEY NOT NULL,
	`epoch` integer NOT NULL
);
