import { Migration } from '@mikro-orm/migrations';

export class Migration20261121185359_bulk_jobs extends Migration {

  override name = 'Migration20261121185359_bulk_jobs';

  override up(): void | Promise<void> {
    this.addSql(`create table "bulk_job" ("id" uuid not null, "workspace_id" uuid not null, "created_by" uuid null, "status" varchar(16) not null, "depth" varchar(16) not null, "total" int not null default 0, "processed" int not null default 0, "deliverable" int not null default 0, "undeliverable" int not null default 0, "catch_all" int not null default 0, "risky" int not null default 0, "do_not_mail" int not null default 0, "unknown" int not null default 0, "chunk_size" int not null, "summary" jsonb null, "created_at" timestamptz not null, "started_at" timestamptz null, "completed_at" timestamptz null, "expires_at" timestamptz null, "error" text null, primary key ("id"));`);
    this.addSql(`create index "bulk_job_workspace_id_index" on "bulk_job" ("workspace_id");`);
    this.addSql(`create index "bulk_job_expires_at_index" on "bulk_job" ("expires_at");`);

    this.addSql(`create table "bulk_job_item" ("id" uuid not null, "job_id" uuid not null, "seq" int not null, "address" text not null, "result" text null, "status" varchar(8) not null default 'pending', "result_status" varchar(16) null, "attempts" int not null default 0, "processed_by" varchar(120) null, "processed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "bulk_job_item" add constraint "bulk_job_item_job_id_seq_unique" unique ("job_id", "seq");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bulk_job" cascade;`);
    this.addSql(`drop table if exists "bulk_job_item" cascade;`);
  }

}
