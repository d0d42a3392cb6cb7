import { Migration } from '@mikro-orm/migrations';

export class Migration20261121193717_bulk_api_outbox extends Migration {

  override name = 'Migration20261121193717_bulk_api_outbox';

  override up(): void | Promise<void> {
    this.addSql(`create table "notification" ("id" uuid not null, "user_id" uuid not null, "workspace_id" uuid null, "kind" varchar(64) not null, "title" varchar(200) not null, "body" text not null, "link" varchar(300) null, "created_at" timestamptz not null, "read_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "notification_workspace_id_index" on "notification" ("workspace_id");`);
    this.addSql(`create index "notification_user_id_created_at_index" on "notification" ("user_id", "created_at");`);

    this.addSql(`create table "outbox_event" ("id" uuid not null, "workspace_id" uuid not null, "type" varchar(64) not null, "payload" jsonb not null, "created_at" timestamptz not null, "dispatched_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "outbox_event_workspace_id_index" on "outbox_event" ("workspace_id");`);
    this.addSql(`create index "outbox_event_dispatched_at_created_at_index" on "outbox_event" ("dispatched_at", "created_at");`);

    this.addSql(`alter table "bulk_job" add "api_key_id" uuid null, add "name" varchar(200) null, add "idempotency_key" varchar(255) null, add "metadata" jsonb null, add "retries" int not null default 0;`);
    this.addSql(`create index "bulk_job_workspace_id_created_at_index" on "bulk_job" ("workspace_id", "created_at");`);
    this.addSql(`alter table "bulk_job" add constraint "bulk_job_workspace_id_idempotency_key_unique" unique ("workspace_id", "idempotency_key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "notification" cascade;`);
    this.addSql(`drop table if exists "outbox_event" cascade;`);

    this.addSql(`drop index "bulk_job_workspace_id_created_at_index";`);
    this.addSql(`alter table "bulk_job" drop constraint "bulk_job_workspace_id_idempotency_key_unique";`);
    this.addSql(`alter table "bulk_job" drop column "api_key_id", drop column "name", drop column "idempotency_key", drop column "metadata", drop column "retries";`);
  }

}
