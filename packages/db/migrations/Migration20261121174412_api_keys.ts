import { Migration } from '@mikro-orm/migrations';

export class Migration20261121174412_api_keys extends Migration {

  override name = 'Migration20261121174412_api_keys';

  override up(): void | Promise<void> {
    this.addSql(`create table "api_key" ("id" uuid not null, "workspace_id" uuid not null, "name" varchar(80) not null, "display_prefix" varchar(24) not null, "key_hash" varchar(64) not null, "created_by" uuid null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "usage_count" bigint not null default '0', primary key ("id"));`);
    this.addSql(`create index "api_key_workspace_id_index" on "api_key" ("workspace_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "api_key_usage" ("key_id" uuid not null, "day" varchar(10) not null, "workspace_id" uuid not null, "requests" bigint not null default '0', primary key ("key_id", "day"));`);
    this.addSql(`create index "api_key_usage_workspace_id_index" on "api_key_usage" ("workspace_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_key" cascade;`);
    this.addSql(`drop table if exists "api_key_usage" cascade;`);
  }

}
