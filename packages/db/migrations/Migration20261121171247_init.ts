import { Migration } from '@mikro-orm/migrations';

export class Migration20261121171247_init extends Migration {
  override name = 'Migration20261121171247_init';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "worker_heartbeat" ("worker_id" varchar(100) not null, "hostname" varchar(255) not null, "pid" int not null, "version" varchar(50) not null, "started_at" timestamptz not null, "beat_at" timestamptz not null, "beats" int not null default 0, primary key ("worker_id"));`,
    );
    this.addSql(`create index "worker_heartbeat_beat_at_index" on "worker_heartbeat" ("beat_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "worker_heartbeat" cascade;`);
  }
}
