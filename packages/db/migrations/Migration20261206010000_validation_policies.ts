import { Migration } from '@mikro-orm/migrations';

export class Migration20261206010000_validation_policies extends Migration {

  override name = 'Migration20261206010000_validation_policies';

  override up(): void | Promise<void> {
    this.addSql(`create table "validation_policy" ("workspace_id" uuid not null, "rules" jsonb not null, "updated_at" timestamptz not null, "updated_by" uuid null, primary key ("workspace_id"));`);
    this.addSql(`alter table "validation_policy" add constraint "validation_policy_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "validation_policy" cascade;`);
  }

}
