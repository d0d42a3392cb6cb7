import { Migration } from '@mikro-orm/migrations';
import { allowTruncateSql, refuseTruncateSql } from '../src/entities/append-only.ts';

/** Contacts, lists, subscriptions, the consent ledger (append-only) and suppression (issue #29). */
export class Migration20261206100300_contacts extends Migration {

  override name = 'Migration20261206100300_contacts';

  override up(): void | Promise<void> {
    this.addSql(`create table "consent_event" ("id" uuid not null, "workspace_id" uuid not null, "contact_id" uuid not null, "list_id" uuid null, "event_type" varchar(24) not null, "method" varchar(24) not null, "consent_text_version_id" uuid null, "express" boolean null, "basis" varchar(32) null, "actor_type" varchar(16) null, "actor_id" uuid null, "occurred_at" timestamptz not null, "sealed" text null, primary key ("id"));`);
    this.addSql(`create index "consent_event_contact_id_occurred_at_index" on "consent_event" ("contact_id", "occurred_at");`);
    this.addSql(`create index "consent_event_workspace_id_occurred_at_index" on "consent_event" ("workspace_id", "occurred_at");`);

    this.addSql(`create table "suppression_key" ("version" int not null, "key" text not null, "created_at" timestamptz not null, primary key ("version"));`);

    this.addSql(`create table "suppression" ("id" uuid not null, "workspace_id" uuid not null, "reason" varchar(16) not null, "source" varchar(200) null, "address_hash" varchar(64) not null, "key_version" int not null, "address_sealed" text not null, "created_by" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "suppression_workspace_id_created_at_index" on "suppression" ("workspace_id", "created_at");`);
    this.addSql(`alter table "suppression" add constraint "suppression_workspace_id_address_hash_unique" unique ("workspace_id", "address_hash");`);

    this.addSql(`create table "contact_list" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(200) not null, "description" text null, "double_opt_in" boolean not null default true, "requires_express_consent" boolean not null default false, "sender_mailbox_id" uuid null, "confirmation_subject" varchar(200) null, "confirmation_body" text null, "consent_text_version_id" uuid null, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "contact_list_workspace_id_created_at_index" on "contact_list" ("workspace_id", "created_at");`);

    this.addSql(`create table "contact" ("id" uuid not null, "workspace_id" uuid not null, "email" varchar(320) not null, "email_normalized" varchar(320) not null, "name" varchar(200) null, "attributes" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "contact_workspace_id_created_at_index" on "contact" ("workspace_id", "created_at");`);
    this.addSql(`alter table "contact" add constraint "contact_workspace_id_email_normalized_unique" unique ("workspace_id", "email_normalized");`);

    this.addSql(`create table "subscription" ("id" uuid not null, "workspace_id" uuid not null, "contact_id" uuid not null, "list_id" uuid not null, "status" varchar(16) not null, "express" boolean not null default false, "confirmed_at" timestamptz null, "unsubscribed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "subscription_workspace_id_index" on "subscription" ("workspace_id");`);
    this.addSql(`create index "subscription_list_id_status_index" on "subscription" ("list_id", "status");`);
    this.addSql(`alter table "subscription" add constraint "subscription_contact_id_list_id_unique" unique ("contact_id", "list_id");`);

    this.addSql(`create table "consent_text_version" ("id" uuid not null, "workspace_id" uuid not null, "list_id" uuid not null, "version" int not null, "text" text not null, "sha256" varchar(64) not null, "created_by" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "consent_text_version" add constraint "consent_text_version_list_id_version_unique" unique ("list_id", "version");`);

    this.addSql(`create or replace function "consent_event_consent_event_immutable_fn"() returns trigger as \$\$ begin begin
          raise exception 'consent records cannot be modified or deleted' using errcode = 'insufficient_privilege';         end; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "consent_event_immutable" BEFORE UPDATE OR DELETE on "consent_event" for each ROW execute function "consent_event_consent_event_immutable_fn"();`);

    this.addSql(`alter table "suppression" add constraint "suppression_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "contact_list" add constraint "contact_list_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "contact" add constraint "contact_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    this.addSql(`alter table "subscription" add constraint "subscription_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete cascade;`);
    this.addSql(`alter table "subscription" add constraint "subscription_list_id_foreign" foreign key ("list_id") references "contact_list" ("id") on delete cascade;`);

    this.addSql(`alter table "consent_text_version" add constraint "consent_text_version_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);

    // Hand-written: MikroORM cannot read TRUNCATE triggers back (see append-only.ts).
    for (const sql of refuseTruncateSql('consent_event')) this.addSql(sql);
  }

  override down(): void | Promise<void> {
    for (const sql of allowTruncateSql('consent_event')) this.addSql(sql);
    this.addSql(`alter table "subscription" drop constraint "subscription_list_id_foreign";`);
    this.addSql(`alter table "subscription" drop constraint "subscription_contact_id_foreign";`);

    this.addSql(`drop trigger if exists "consent_event_immutable" on "consent_event";`);
    this.addSql(`drop function if exists "consent_event_consent_event_immutable_fn"();`);
    this.addSql(`drop table if exists "consent_event" cascade;`);
    this.addSql(`drop table if exists "suppression_key" cascade;`);
    this.addSql(`drop table if exists "suppression" cascade;`);
    this.addSql(`drop table if exists "contact_list" cascade;`);
    this.addSql(`drop table if exists "contact" cascade;`);
    this.addSql(`drop table if exists "subscription" cascade;`);
    this.addSql(`drop table if exists "consent_text_version" cascade;`);
  }

}
