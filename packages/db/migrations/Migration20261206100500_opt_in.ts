import { Migration } from '@mikro-orm/migrations';

export class Migration20261206100500_opt_in extends Migration {

  override name = 'Migration20261206100500_opt_in';

  override up(): void | Promise<void> {
    this.addSql(`create table "opt_in_token" ("token_hash" varchar(64) not null, "workspace_id" uuid not null, "contact_id" uuid not null, "list_id" uuid not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, primary key ("token_hash"));`);
    this.addSql(`create index "opt_in_token_contact_id_index" on "opt_in_token" ("contact_id");`);
    this.addSql(`create index "opt_in_token_list_id_index" on "opt_in_token" ("list_id");`);
    this.addSql(`create index "opt_in_token_expires_at_index" on "opt_in_token" ("expires_at");`);

    this.addSql(`alter table "opt_in_token" add constraint "opt_in_token_workspace_id_foreign" foreign key ("workspace_id") references "workspace" ("id") on delete cascade;`);
    this.addSql(`alter table "opt_in_token" add constraint "opt_in_token_contact_id_foreign" foreign key ("contact_id") references "contact" ("id") on delete cascade;`);
    this.addSql(`alter table "opt_in_token" add constraint "opt_in_token_list_id_foreign" foreign key ("list_id") references "contact_list" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "opt_in_token" cascade;`);
  }

}
