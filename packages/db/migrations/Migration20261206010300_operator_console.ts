import { Migration } from '@mikro-orm/migrations';

export class Migration20261206010300_operator_console extends Migration {

  override name = 'Migration20261206010300_operator_console';

  override up(): void | Promise<void> {
    this.addSql(`alter table "app_user" add column "disabled_at" timestamptz null;`);
    this.addSql(`alter table "workspace" add column "rate_limit_per_minute" int null, add column "rate_limit_burst" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workspace" drop column "rate_limit_per_minute", drop column "rate_limit_burst";`);
    this.addSql(`alter table "app_user" drop column "disabled_at";`);
  }

}
