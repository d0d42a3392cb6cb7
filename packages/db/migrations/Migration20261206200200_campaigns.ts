import { Migration } from '@mikro-orm/migrations';

/** Campaigns and their recipients; postal addresses on workspace and mailbox; contact verification (issue #31). */
export class Migration20261206200200_campaigns extends Migration {

  override name = 'Migration20261206200200_campaigns';

  override up(): void | Promise<void> {
    this.addSql(`create table "campaign" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(200) not null, "subject" varchar(300) not null, "preheader" varchar(300) null, "mailbox_id" uuid null, "reply_to" varchar(254) null, "list_id" uuid null, "html_body" text not null, "text_body" text not null, "text_body_custom" boolean not null default false, "status" varchar(16) not null, "scheduled_at" timestamptz null, "time_zone" varchar(64) null, "verify_max_age_days" int not null default 90, "started_at" timestamptz null, "completed_at" timestamptz null, "snapshot_completed_at" timestamptz null, "failure_reason" varchar(500) null, "recipients" int not null default 0, "sent" int not null default 0, "failed" int not null default 0, "unknown" int not null default 0, "unsubscribed" int not null default 0, "skipped_suppressed" int not null default 0, "skipped_unsubscribed" int not null default 0, "skipped_no_consent" int not null default 0, "skipped_verification" int not null default 0, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "campaign_workspace_id_created_at_index" on "campaign" ("workspace_id", "created_at");`);

    this.addSql(`create table "campaign_recipient" ("id" uuid not null, "campaign_id" uuid not null, "workspace_id" uuid not null, "contact_id" uuid not null, "status" varchar(16) not null, "skip_reason" varchar(24) null, "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_error" varchar(500) null, "message_id" varchar(255) null, "sending_started_at" timestamptz null, "sent_at" timestamptz null, "updated_at" timestamptz null, "unsubscribed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "campaign_recipient_contact_id_index" on "campaign_recipient" ("contact_id");`);
    this.addSql(`create index "campaign_recipient_campaign_id_status_index" on "campaign_recipient" ("campaign_id", "status");`);
    this.addSql(`create index "campaign_recipient_campaign_id_sent_at_index" on "campaign_recipient" ("campaign_id", "sent_at");`);
    this.addSql(`alter table "campaign_recipient" add constraint "campaign_recipient_campaign_id_contact_id_unique" unique ("campaign_id", "contact_id");`);

    this.addSql(`alter table "workspace" add "postal_address" text null;`);

    this.addSql(`alter table "mailbox" add "postal_address" text null;`);

    this.addSql(`alter table "contact" add "verified_at" timestamptz null, add "verification" varchar(16) null;`);

    this.addSql(`alter table "campaign" add constraint "campaign_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
    this.addSql(`alter table "campaign" add constraint "campaign_mailbox_id_foreign" foreign key ("mailbox_id") references "mailbox" ("id") on delete set null;`);
    this.addSql(`alter table "campaign" add constraint "campaign_list_id_foreign" foreign key ("list_id") references "contact_list" ("id") on delete set null;`);

    this.addSql(`alter table "campaign_recipient" add constraint "campaign_recipient_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on delete cascade;`);
    this.addSql(`alter table "campaign_recipient" add constraint "campaign_recipient_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "campaign_recipient" drop constraint "campaign_recipient_campaign_id_foreign";`);

    this.addSql(`drop table if exists "campaign" cascade;`);
    this.addSql(`drop table if exists "campaign_recipient" cascade;`);

    this.addSql(`alter table "contact" drop column "verified_at", drop column "verification";`);

    this.addSql(`alter table "mailbox" drop column "postal_address";`);

    this.addSql(`alter table "workspace" drop column "postal_address";`);
  }

}
