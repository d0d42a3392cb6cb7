import { Migration } from '@mikro-orm/migrations';

export class Migration20261206010400_api_conformance extends Migration {

  override name = 'Migration20261206010400_api_conformance';

  override up(): void | Promise<void> {
    this.addSql(`alter table "bulk_job" add column "idempotency_fingerprint" varchar(64) null;`);
    this.addSql(`alter table "webhook_attempt" add column "request_headers" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bulk_job" drop column "idempotency_fingerprint";`);
    this.addSql(`alter table "webhook_attempt" drop column "request_headers";`);
  }

}
