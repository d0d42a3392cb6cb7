import { Migration } from '@mikro-orm/migrations';

// API keys get scopes (existing keys receive every scope /v1 had, so they keep exactly what they could
// do), a link to the key that replaced them (roll with overlap), and a log of usage alerts.
export class Migration20261206010200_api_key_scopes extends Migration {

  override name = 'Migration20261206010200_api_key_scopes';

  override up(): void | Promise<void> {
    this.addSql(`alter table "api_key" add column "scopes" jsonb not null default '["validate:write","jobs:read","jobs:write","usage:read","policy:read","policy:write"]'::jsonb, add column "replaced_by_id" uuid null;`);
    this.addSql(`alter table "api_key" alter column "scopes" drop default;`);

    this.addSql(`create table "api_key_alert" ("id" uuid not null, "key_id" uuid not null, "workspace_id" uuid not null, "kind" varchar(20) not null, "summary" varchar(300) not null, "details" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "api_key_alert_key_id_created_at_index" on "api_key_alert" ("key_id", "created_at");`);
    this.addSql(`create index "api_key_alert_workspace_id_created_at_index" on "api_key_alert" ("workspace_id", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_key_alert" cascade;`);
    this.addSql(`alter table "api_key" drop column "replaced_by_id", drop column "scopes";`);
  }

}
