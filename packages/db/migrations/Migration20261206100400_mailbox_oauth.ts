import { Migration } from '@mikro-orm/migrations';

export class Migration20261206100400_mailbox_oauth extends Migration {

  override name = 'Migration20261206100400_mailbox_oauth';

  override up(): void | Promise<void> {
    this.addSql(`create table "mailbox_oauth_state" ("id" uuid not null, "state_hash" varchar(64) not null, "workspace_id" uuid not null, "user_id" uuid not null, "provider" varchar(16) not null, "code_verifier" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "mailbox_oauth_state" add constraint "mailbox_oauth_state_state_hash_unique" unique ("state_hash");`);
    this.addSql(`create index "mailbox_oauth_state_workspace_id_index" on "mailbox_oauth_state" ("workspace_id");`);
    this.addSql(`create index "mailbox_oauth_state_expires_at_index" on "mailbox_oauth_state" ("expires_at");`);

    this.addSql(`alter table "mailbox" add "access_token" text null, add "refresh_token" text null, add "token_expires_at" timestamptz null, add "oauth_subject" varchar(255) null, add "refresh_lease_until" timestamptz null, add "last_refresh_at" timestamptz null, add "token_revocation" varchar(16) null;`);
    this.addSql(`create index "mailbox_token_expires_at_index" on "mailbox" ("token_expires_at");`);
    this.addSql(`alter table "mailbox" alter column "status" type varchar(24) using ("status"::varchar(24));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "mailbox_oauth_state" cascade;`);

    this.addSql(`drop index "mailbox_token_expires_at_index";`);
    this.addSql(`update "mailbox" set "status" = 'disconnected' where "status" = 'reconnect_required';`);
    this.addSql(`alter table "mailbox" alter column "status" type varchar(16) using ("status"::varchar(16));`);
    this.addSql(`alter table "mailbox" drop column "access_token", drop column "refresh_token", drop column "token_expires_at", drop column "oauth_subject", drop column "refresh_lease_until", drop column "last_refresh_at", drop column "token_revocation";`);
  }

}
