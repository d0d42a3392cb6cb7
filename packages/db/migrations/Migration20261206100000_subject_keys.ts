import { Migration } from '@mikro-orm/migrations';

export class Migration20261206100000_subject_keys extends Migration {

  override name = 'Migration20261206100000_subject_keys';

  override up(): void | Promise<void> {
    this.addSql(`create table "subject_key" ("id" uuid not null, "subject_type" varchar(20) not null, "subject_id" uuid not null, "workspace_id" uuid null, "key" text not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "subject_key_workspace_id_index" on "subject_key" ("workspace_id");`);
    this.addSql(`alter table "subject_key" add constraint "subject_key_subject_type_subject_id_unique" unique ("subject_type", "subject_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "subject_key" cascade;`);
  }

}
