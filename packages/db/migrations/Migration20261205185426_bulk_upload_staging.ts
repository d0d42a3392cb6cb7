import { Migration } from '@mikro-orm/migrations';

export class Migration20261205185426_bulk_upload_staging extends Migration {

  override name = 'Migration20261205185426_bulk_upload_staging';

  override up(): void | Promise<void> {
    this.addSql(`create table "bulk_upload" ("id" uuid not null, "workspace_id" uuid not null, "idempotency_key" varchar(255) null, "created_at" timestamptz not null, "touched_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "bulk_upload_workspace_id_index" on "bulk_upload" ("workspace_id");`);
    this.addSql(`create index "bulk_upload_touched_at_index" on "bulk_upload" ("touched_at");`);
    this.addSql(`alter table "bulk_upload" add constraint "bulk_upload_workspace_id_idempotency_key_unique" unique ("workspace_id", "idempotency_key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bulk_upload" cascade;`);
  }

}
