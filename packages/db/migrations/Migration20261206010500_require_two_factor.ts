import { Migration } from '@mikro-orm/migrations';

export class Migration20261206010500_require_two_factor extends Migration {

  override name = 'Migration20261206010500_require_two_factor';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workspace" add column "require_two_factor" boolean not null default false, add column "first_check_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workspace" drop column "require_two_factor", drop column "first_check_at";`);
  }

}
