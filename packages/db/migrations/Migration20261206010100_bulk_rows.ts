import { Migration } from '@mikro-orm/migrations';

/**
 * bulk_job_rows: what the downloads need of every data row of an uploaded file, in file order, as
 * keyring ciphertexts of up to 2,000 rows each (the row numbers, the address as uploaded, why a row
 * was refused, which row a duplicate repeats). The other columns of the file are never stored.
 * Jobs made before this table have no rows: their downloads list the verified addresses only.
 */
export class Migration20261206010100_bulk_rows extends Migration {

  override name = 'Migration20261206010100_bulk_rows';

  override up(): void | Promise<void> {
    this.addSql(`create table "bulk_job_rows" ("id" uuid not null, "job_id" uuid not null, "seq" int not null, "from_row" int not null, "to_row" int not null, "from_seq" int not null, "size" int not null, "rows" text not null, primary key ("id"));`);
    this.addSql(`alter table "bulk_job_rows" add constraint "bulk_job_rows_job_id_seq_unique" unique ("job_id", "seq");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "bulk_job_rows" cascade;`);
  }

}
