import { Migration } from '@mikro-orm/migrations';

export class Migration20261121173249_workspaces_audit extends Migration {
  override name = 'Migration20261121173249_workspaces_audit';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_checkpoint" ("id" uuid not null, "scope" varchar(80) not null, "seq" bigint not null, "hash" varchar(64) not null, "purged_entries" int not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "audit_checkpoint" add constraint "audit_checkpoint_scope_seq_unique" unique ("scope", "seq");`,
    );

    this.addSql(
      `create table "workspace_invitation" ("id" uuid not null, "workspace_id" uuid not null, "email" varchar(254) not null, "role" text not null, "token_hash" varchar(64) not null, "invited_by" uuid not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, "declined_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "workspace_invitation_workspace_id_index" on "workspace_invitation" ("workspace_id");`,
    );
    this.addSql(
      `alter table "workspace_invitation" add constraint "workspace_invitation_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "workspace_member" ("id" uuid not null, "workspace_id" uuid not null, "user_id" uuid not null, "role" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "workspace_member_workspace_id_index" on "workspace_member" ("workspace_id");`);
    this.addSql(`create index "workspace_member_user_id_index" on "workspace_member" ("user_id");`);
    this.addSql(
      `alter table "workspace_member" add constraint "workspace_member_workspace_id_user_id_unique" unique ("workspace_id", "user_id");`,
    );

    this.addSql(
      `create table "workspace" ("id" uuid not null, "name" varchar(100) not null, "plan" text not null default 'starter', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );

    this.addSql(
      `alter table "audit_entry" add "scope" varchar(80) not null, add "seq" bigint not null default '0', add "prev_hash" varchar(64) null, add "hash" varchar(64) not null default '', add "workspace_id" uuid null;`,
    );
    this.addSql(
      `create index "audit_entry_workspace_id_occurred_at_index" on "audit_entry" ("workspace_id", "occurred_at");`,
    );
    this.addSql(
      `alter table "audit_entry" add constraint "audit_entry_scope_seq_unique" unique ("scope", "seq");`,
    );
    this.addSql(`create or replace function "audit_entry_audit_entry_chain_fn"() returns trigger as $$ begin declare last record;         begin
          perform pg_advisory_xact_lock(hashtext('audit:' || NEW.scope));           select seq, hash into last from audit_entry where scope = NEW.scope order by seq desc limit 1;           if not found then
            select seq, hash into last from audit_checkpoint where scope = NEW.scope order by seq desc limit 1;           end if;           NEW.seq := coalesce(last.seq, 0) + 1;           NEW.prev_hash := last.hash;           NEW.hash := encode(sha256(convert_to(concat_ws('|',
  coalesce(NEW.prev_hash, ''), NEW.id::text, NEW.scope, NEW.seq::text,
  to_char(NEW.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  NEW.event_type, coalesce(NEW.workspace_id::text, ''), coalesce(NEW.actor_id::text, ''),
  coalesce(NEW.target_type, ''), coalesce(NEW.target_id, ''), coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex');           return NEW;         end; end; $$ language plpgsql;`);
    this.addSql(
      `create trigger "audit_entry_chain" BEFORE INSERT on "audit_entry" for each ROW execute function "audit_entry_audit_entry_chain_fn"();`,
    );
    this.addSql(`create or replace function "audit_entry_audit_entry_immutable_fn"() returns trigger as $$ begin begin
          if TG_OP = 'DELETE' and current_setting('postern.audit_purge', true) = 'on'
             and OLD.occurred_at < now() - interval '90 days' then
            return OLD;           end if;           raise exception 'audit log entries cannot be modified or deleted' using errcode = 'insufficient_privilege';         end; end; $$ language plpgsql;`);
    this.addSql(
      `create trigger "audit_entry_immutable" BEFORE UPDATE OR DELETE on "audit_entry" for each ROW execute function "audit_entry_audit_entry_immutable_fn"();`,
    );

    this.addSql(`create or replace function "audit_checkpoint_audit_checkpoint_immutable_fn"() returns trigger as $$ begin begin
          raise exception 'audit checkpoints cannot be modified or deleted' using errcode = 'insufficient_privilege';         end; end; $$ language plpgsql;`);
    this.addSql(
      `create trigger "audit_checkpoint_immutable" BEFORE UPDATE OR DELETE on "audit_checkpoint" for each ROW execute function "audit_checkpoint_audit_checkpoint_immutable_fn"();`,
    );

    this.addSql(
      `alter table "workspace_invitation" add constraint "workspace_invitation_role_check" check ("role" in ('admin', 'member', 'viewer'));`,
    );

    this.addSql(
      `alter table "workspace_member" add constraint "workspace_member_role_check" check ("role" in ('owner', 'admin', 'member', 'viewer'));`,
    );

    this.addSql(
      `alter table "workspace" add constraint "workspace_plan_check" check ("plan" in ('starter', 'professional', 'business'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "audit_checkpoint_immutable" on "audit_checkpoint";`);
    this.addSql(`drop function if exists "audit_checkpoint_audit_checkpoint_immutable_fn"();`);
    this.addSql(`drop table if exists "audit_checkpoint" cascade;`);
    this.addSql(`drop table if exists "workspace_invitation" cascade;`);
    this.addSql(`drop table if exists "workspace_member" cascade;`);
    this.addSql(`drop table if exists "workspace" cascade;`);

    this.addSql(`drop index "audit_entry_workspace_id_occurred_at_index";`);
    this.addSql(`alter table "audit_entry" drop constraint "audit_entry_scope_seq_unique";`);
    this.addSql(`drop trigger if exists "audit_entry_chain" on "audit_entry";`);
    this.addSql(`drop function if exists "audit_entry_audit_entry_chain_fn"();`);
    this.addSql(`drop trigger if exists "audit_entry_immutable" on "audit_entry";`);
    this.addSql(`drop function if exists "audit_entry_audit_entry_immutable_fn"();`);
    this.addSql(
      `alter table "audit_entry" drop column "scope", drop column "seq", drop column "prev_hash", drop column "hash", drop column "workspace_id";`,
    );
  }
}
