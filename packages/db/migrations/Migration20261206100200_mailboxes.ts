import { Migration } from '@mikro-orm/migrations';

export class Migration20261206100200_mailboxes extends Migration {

  override name = 'Migration20261206100200_mailboxes';

  override up(): void | Promise<void> {
    this.addSql(`create table "mailbox" ("id" uuid not null, "workspace_id" uuid not null, "label" varchar(100) null, "email" varchar(254) not null, "provider" varchar(16) not null default 'imap', "status" varchar(16) not null default 'connected', "imap_host" varchar(253) not null, "imap_port" int not null, "imap_security" varchar(8) not null, "smtp_host" varchar(253) not null, "smtp_port" int not null, "smtp_security" varchar(8) not null, "username" varchar(320) not null, "password" text null, "from_name" varchar(100) null, "from_address" varchar(254) not null, "reply_to" varchar(254) null, "alias_verified_at" timestamptz null, "daily_cap" int not null default 50, "warmup_enabled" boolean not null default false, "warmup_start_per_day" int not null default 10, "warmup_increment_per_day" int not null default 5, "warmup_started_at" timestamptz null, "last_test_at" timestamptz null, "last_test_ok" boolean null, "last_test_protocol" varchar(8) null, "last_test_code" varchar(32) null, "last_test_message" varchar(500) null, "sender_auth" jsonb null, "sender_auth_checked_at" timestamptz null, "disconnected_at" timestamptz null, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "mailbox" add constraint "mailbox_workspace_id_email_unique" unique ("workspace_id", "email");`);

    this.addSql(`create table "mailbox_alias_verification" ("id" uuid not null, "mailbox_id" uuid not null, "workspace_id" uuid not null, "address" varchar(254) not null, "code_hash" varchar(64) not null, "attempts" int not null default 0, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_by" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "mailbox_alias_verification_mailbox_id_index" on "mailbox_alias_verification" ("mailbox_id");`);
    this.addSql(`create index "mailbox_alias_verification_workspace_id_index" on "mailbox_alias_verification" ("workspace_id");`);

    this.addSql(`alter table "mailbox" add constraint "mailbox_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "mailbox_alias_verification" add constraint "mailbox_alias_verification_mailbox_id_foreign" foreign key ("mailbox_id") references "mailbox" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "mailbox_alias_verification" drop constraint "mailbox_alias_verification_mailbox_id_foreign";`);

    this.addSql(`drop table if exists "mailbox" cascade;`);
    this.addSql(`drop table if exists "mailbox_alias_verification" cascade;`);
  }

}
