import { Migration } from '@mikro-orm/migrations';

export class Migration20261121194539_webhooks extends Migration {

  override name = 'Migration20261121194539_webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_attempt" ("id" uuid not null, "delivery_id" uuid not null, "endpoint_id" uuid not null, "workspace_id" uuid not null, "attempt" int not null, "started_at" timestamptz not null, "duration_ms" int not null, "status_code" int null, "response" text null, "error" varchar(500) null, primary key ("id"));`);
    this.addSql(`create index "webhook_attempt_delivery_id_index" on "webhook_attempt" ("delivery_id");`);
    this.addSql(`create index "webhook_attempt_started_at_index" on "webhook_attempt" ("started_at");`);

    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "workspace_id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid null, "event_type" varchar(64) not null, "msg_id" varchar(40) not null, "body" text not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "round_attempts" int not null default 0, "next_attempt_at" timestamptz null, "created_at" timestamptz not null, "completed_at" timestamptz null, "last_attempt_at" timestamptz null, "last_status_code" int null, "last_error" varchar(500) null, primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_workspace_id_index" on "webhook_delivery" ("workspace_id");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_msg_id_unique" unique ("msg_id");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`);
    this.addSql(`create index "webhook_delivery_status_next_attempt_at_index" on "webhook_delivery" ("status", "next_attempt_at");`);
    this.addSql(`create index "webhook_delivery_created_at_index" on "webhook_delivery" ("created_at");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_event_id_endpoint_id_unique" unique ("event_id", "endpoint_id");`);

    this.addSql(`create table "webhook_endpoint" ("id" uuid not null, "workspace_id" uuid not null, "url" varchar(2048) not null, "description" varchar(500) null, "event_types" jsonb not null, "enabled" boolean not null default true, "disabled_reason" varchar(16) null, "disabled_at" timestamptz null, "secret" text not null, "previous_secret" text null, "previous_secret_expires_at" timestamptz null, "consecutive_failures" int not null default 0, "failing_since" timestamptz null, "last_success_at" timestamptz null, "created_by" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_endpoint_workspace_id_index" on "webhook_endpoint" ("workspace_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_attempt" cascade;`);
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
  }

}
