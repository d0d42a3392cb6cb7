import { Migration } from '@mikro-orm/migrations';

export class Migration20261206100100_audit_chain_v2 extends Migration {

  override name = 'Migration20261206100100_audit_chain_v2';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "audit_entry_chain" on "audit_entry";`);
    this.addSql(`drop function if exists "audit_entry_audit_entry_chain_fn"();`);
    this.addSql(`alter table "audit_entry" add "chain_version" smallint not null default 1, add "subject_id" uuid null, add "sealed" text null;`);
    this.addSql(`create or replace function "audit_entry_audit_entry_chain_fn"() returns trigger as \$\$ begin declare last record;         begin
          perform pg_advisory_xact_lock(hashtext('audit:' || NEW.scope));           select seq, hash into last from audit_entry where scope = NEW.scope order by seq desc limit 1;           if not found then
            select seq, hash into last from audit_checkpoint where scope = NEW.scope order by seq desc limit 1;           end if;           NEW.chain_version := 2;           if NEW.ip is not null or NEW.user_agent is not null
             or coalesce(NEW.metadata ?| array['email', 'targetLabel'], false) then
            raise exception 'audit entries (chain version 2) cannot hold IP addresses, user agents or personal metadata in clear'
              using errcode = 'check_violation';           end if;           NEW.seq := coalesce(last.seq, 0) + 1;           NEW.prev_hash := last.hash;           NEW.hash := (case NEW.chain_version when 1 then encode(sha256(convert_to(concat_ws('|',
  coalesce(NEW.prev_hash, ''), NEW.id::text, NEW.scope, NEW.seq::text,
  to_char(NEW.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  NEW.event_type, coalesce(NEW.workspace_id::text, ''), coalesce(NEW.actor_id::text, ''),
  coalesce(NEW.target_type, ''), coalesce(NEW.target_id, ''), coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex') else encode(sha256(convert_to(concat_ws('|',
  'v' || NEW.chain_version::text, coalesce(NEW.prev_hash, ''), NEW.id::text, NEW.scope, NEW.seq::text,
  to_char(NEW.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  NEW.event_type, coalesce(NEW.workspace_id::text, ''), coalesce(NEW.actor_id::text, ''),
  coalesce(NEW.target_type, ''), coalesce(NEW.target_id, ''),
  coalesce(NEW.subject_id::text, ''), coalesce(NEW.sealed, ''), coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex') end);           return NEW;         end; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "audit_entry_chain" BEFORE INSERT on "audit_entry" for each ROW execute function "audit_entry_audit_entry_chain_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "audit_entry_chain" on "audit_entry";`);
    this.addSql(`drop function if exists "audit_entry_audit_entry_chain_fn"();`);
    this.addSql(`alter table "audit_entry" drop column "chain_version", drop column "subject_id", drop column "sealed";`);
    this.addSql(`create or replace function "audit_entry_audit_entry_chain_fn"() returns trigger as \$\$ begin declare last record;         begin
          perform pg_advisory_xact_lock(hashtext('audit:' || NEW.scope));           select seq, hash into last from audit_entry where scope = NEW.scope order by seq desc limit 1;           if not found then
            select seq, hash into last from audit_checkpoint where scope = NEW.scope order by seq desc limit 1;           end if;           NEW.seq := coalesce(last.seq, 0) + 1;           NEW.prev_hash := last.hash;           NEW.hash := encode(sha256(convert_to(concat_ws('|',
  coalesce(NEW.prev_hash, ''), NEW.id::text, NEW.scope, NEW.seq::text,
  to_char(NEW.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  NEW.event_type, coalesce(NEW.workspace_id::text, ''), coalesce(NEW.actor_id::text, ''),
  coalesce(NEW.target_type, ''), coalesce(NEW.target_id, ''), coalesce(NEW.ip, ''),
  coalesce(NEW.user_agent, ''), coalesce(NEW.metadata::text, '')), 'UTF8')), 'hex');           return NEW;         end; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "audit_entry_chain" BEFORE INSERT on "audit_entry" for each ROW execute function "audit_entry_audit_entry_chain_fn"();`);
  }

}
