import { Migration } from '@mikro-orm/migrations';

export class Migration20261121215907_bulk_chunks extends Migration {

  override name = 'Migration20261121215907_bulk_chunks';

  override up(): void | Promise<void> {
    this.addSql(`create table "bulk_job_chunk" ("id" uuid not null, "job_id" uuid not null, "seq" int not null, "from_seq" int not null, "size" int not null, "addresses" text not null, "results" text null, "status" varchar(8) not null default 'pending', "processed" int not null default 0, "deliverable" int not null default 0, "undeliverable" int not null default 0, "catch_all" int not null default 0, "risky" int not null default 0, "do_not_mail" int not null default 0, "unknown" int not null default 0, "version" int not null default 0, "processed_by" varchar(120) null, "processed_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "bulk_job_chunk" add constraint "bulk_job_chunk_job_id_seq_unique" unique ("job_id", "seq");`);

    // Items of jobs made before chunks cannot be converted in SQL (they are ciphertexts): those jobs
    // end now (a running one as failed) and expire at once, so the retention purge removes them.
    this.addSql(`update "bulk_job" set "status" = case when "status" in ('queued', 'running') then 'failed' else "status" end, "error" = case when "status" in ('queued', 'running') then 'stopped by an upgrade that changed how results are stored; upload the list again' else "error" end, "completed_at" = coalesce("completed_at", now()), "expires_at" = now();`);
    this.addSql(`drop table if exists "bulk_job_item" cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create table "bulk_job_item" ("id" uuid not null, "job_id" uuid not null, "seq" int4 not null, "address" text not null, "result" text null, "status" varchar(8) not null default 'pending', "result_status" varchar(16) null, "attempts" int4 not null default 0, "processed_by" varchar(120) null, "processed_at" timestamptz(6) null, primary key ("id"));`);
    this.addSql(`alter table "bulk_job_item" add constraint "bulk_job_item_job_id_seq_unique" unique ("job_id", "seq");`);

    this.addSql(`drop table if exists "bulk_job_chunk" cascade;`);
  }

}
