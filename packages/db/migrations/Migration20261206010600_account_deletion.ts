import { Migration } from '@mikro-orm/migrations';

export class Migration20261206010600_account_deletion extends Migration {

  override name = 'Migration20261206010600_account_deletion';

  override up(): void | Promise<void> {
    this.addSql(`alter table "app_user" add column "deletion_requested_at" timestamptz null;`);
    this.addSql(`alter table "workspace" add column "deletion_requested_at" timestamptz null, add column "deletion_requested_by" uuid null, add column "deletion_cause" text null;`);
    this.addSql(`alter table "workspace" add constraint "workspace_deletion_cause_check" check ("deletion_cause" in ('workspace', 'account'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workspace" drop constraint "workspace_deletion_cause_check";`);
    this.addSql(`alter table "workspace" drop column "deletion_requested_at", drop column "deletion_requested_by", drop column "deletion_cause";`);
    this.addSql(`alter table "app_user" drop column "deletion_requested_at";`);
  }

}
