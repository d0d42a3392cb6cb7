import { Migration } from '@mikro-orm/migrations';

export class Migration20261121172628_auth extends Migration {
  override name = 'Migration20261121172628_auth';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_entry" ("id" uuid not null, "occurred_at" timestamptz not null, "event_type" varchar(80) not null, "actor_id" uuid null, "target_type" varchar(40) null, "target_id" varchar(100) null, "ip" varchar(64) null, "user_agent" varchar(512) null, "metadata" jsonb null, primary key ("id"));`,
    );
    this.addSql(`create index "audit_entry_occurred_at_index" on "audit_entry" ("occurred_at");`);
    this.addSql(`create index "audit_entry_event_type_index" on "audit_entry" ("event_type");`);
    this.addSql(
      `create index "audit_entry_actor_id_occurred_at_index" on "audit_entry" ("actor_id", "occurred_at");`,
    );

    this.addSql(
      `create table "auth_email_token" ("token_hash" varchar(64) not null, "user_id" uuid not null, "purpose" text not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, primary key ("token_hash"));`,
    );
    this.addSql(`create index "auth_email_token_user_id_index" on "auth_email_token" ("user_id");`);

    this.addSql(
      `create table "auth_recovery_code" ("id" uuid not null, "user_id" uuid not null, "code_hash" varchar(64) not null, "used_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "auth_recovery_code_user_id_index" on "auth_recovery_code" ("user_id");`);
    this.addSql(
      `alter table "auth_recovery_code" add constraint "auth_recovery_code_user_id_code_hash_unique" unique ("user_id", "code_hash");`,
    );

    this.addSql(
      `create table "auth_refresh_token" ("token_hash" varchar(64) not null, "session_id" uuid not null, "created_at" timestamptz not null, "rotated_at" timestamptz null, primary key ("token_hash"));`,
    );
    this.addSql(`create index "auth_refresh_token_session_id_index" on "auth_refresh_token" ("session_id");`);

    this.addSql(
      `create table "auth_session" ("id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, "last_active_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" varchar(40) null, "ip" varchar(64) null, "user_agent" varchar(512) null, "device_type" varchar(40) not null, "browser" varchar(80) not null, "os" varchar(80) not null, "location" varchar(160) null, primary key ("id"));`,
    );
    this.addSql(`create index "auth_session_last_active_at_index" on "auth_session" ("last_active_at");`);
    this.addSql(
      `create index "auth_session_user_id_revoked_at_index" on "auth_session" ("user_id", "revoked_at");`,
    );

    this.addSql(
      `create table "auth_two_factor_challenge" ("token_hash" varchar(64) not null, "user_id" uuid not null, "expires_at" timestamptz not null, "attempts" int not null default 0, "consumed_at" timestamptz null, "ip" varchar(64) null, "user_agent" varchar(512) null, "created_at" timestamptz not null, primary key ("token_hash"));`,
    );
    this.addSql(
      `create index "auth_two_factor_challenge_user_id_index" on "auth_two_factor_challenge" ("user_id");`,
    );

    this.addSql(
      `create table "app_user" ("id" uuid not null, "email" varchar(254) not null, "email_verified_at" timestamptz null, "password_hash" text not null, "password_changed_at" timestamptz null, "totp_secret" text null, "totp_enabled_at" timestamptz null, "totp_last_step" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

    this.addSql(
      `alter table "auth_email_token" add constraint "auth_email_token_purpose_check" check ("purpose" in ('verify_email', 'reset_password'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_entry" cascade;`);
    this.addSql(`drop table if exists "auth_email_token" cascade;`);
    this.addSql(`drop table if exists "auth_recovery_code" cascade;`);
    this.addSql(`drop table if exists "auth_refresh_token" cascade;`);
    this.addSql(`drop table if exists "auth_session" cascade;`);
    this.addSql(`drop table if exists "auth_two_factor_challenge" cascade;`);
    this.addSql(`drop table if exists "app_user" cascade;`);
  }
}
