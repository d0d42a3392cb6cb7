import { Migration } from '@mikro-orm/migrations';

/** Contact import jobs (#30): the job, its staged chunks and its report of rows not subscribed. */
export class Migration20261206200100_contact_import extends Migration {

  override name = 'Migration20261206200100_contact_import';

  override up(): void | Promise<void> {
    this.addSql(`create table "contact_import" ("id" uuid not null, "workspace_id" uuid not null, "list_id" uuid not null, "status" varchar(16) not null, "basis" varchar(32) not null, "express" boolean not null default false, "verify" boolean not null default false, "source" varchar(200) null, "mapping" jsonb not null, "options" jsonb null, "rows" int not null default 0, "processed" int not null default 0, "imported" int not null default 0, "skipped" int not null default 0, "rejected" int not null default 0, "by_reason" jsonb null, "chunks" int not null default 0, "error" text null, "created_by" uuid null, "api_key_id" uuid null, "created_at" timestamptz not null, "touched_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "contact_import_list_id_index" on "contact_import" ("list_id");`);
    this.addSql(`create index "contact_import_workspace_id_created_at_index" on "contact_import" ("workspace_id", "created_at");`);
    this.addSql(`create index "contact_import_status_touched_at_index" on "contact_import" ("status", "touched_at");`);
    this.addSql(`create table "contact_import_chunk" ("id" uuid not null, "import_id" uuid not null, "seq" int not null, "size" int not null, "data" text not null, primary key ("id"));`);
    this.addSql(`alter table "contact_import_chunk" add constraint "contact_import_chunk_import_id_seq_unique" unique ("import_id", "seq");`);
    this.addSql(`create table "contact_import_report" ("id" uuid not null, "import_id" uuid not null, "row" int not null, "contact_id" uuid null, "email" varchar(320) not null, "reason" varchar(32) not null, "detail" text null, primary key ("id"));`);
    this.addSql(`create index "contact_import_report_contact_id_index" on "contact_import_report" ("contact_id");`);
    this.addSql(`create index "contact_import_report_import_id_row_index" on "contact_import_report" ("import_id", "row");`);
    this.addSql(`alter table "contact_import" add constraint "contact_import_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_import" add constraint "contact_import_list_id_foreign" foreign key ("list_id") references "contact_list" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_import_chunk" add constraint "contact_import_chunk_import_id_foreign" foreign key ("import_id") references "contact_import" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_import_report" add constraint "contact_import_report_import_id_foreign" foreign key ("import_id") references "contact_import" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_import_report" add constraint "contact_import_report_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "contact_import_report" cascade;`);
    this.addSql(`drop table if exists "contact_import_chunk" cascade;`);
    this.addSql(`drop table if exists "contact_import" cascade;`);
  }

}
