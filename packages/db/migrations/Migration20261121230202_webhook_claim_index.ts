import { Migration } from '@mikro-orm/migrations';

export class Migration20261121230202_webhook_claim_index extends Migration {

  override name = 'Migration20261121230202_webhook_claim_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "webhook_delivery_status_endpoint_id_next_attempt_at_index" on "webhook_delivery" ("status", "endpoint_id", "next_attempt_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "webhook_delivery_status_endpoint_id_next_attempt_at_index";`);
  }

}
