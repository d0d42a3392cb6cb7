import { Migration } from '@mikro-orm/migrations';

export class Migration20261121224015_webhook_url_encrypted extends Migration {

  override name = 'Migration20261121224015_webhook_url_encrypted';

  override up(): void | Promise<void> {
    // Existing rows get their host from the plaintext URL they still hold (a URL's href: scheme://host/…,
    // never user info, which was refused on save); the URLs themselves are encrypted by the first worker
    // start (sealPlaintextWebhookUrls in core/webhooks/endpoints.ts), which needs the keyring.
    this.addSql(`alter table "webhook_endpoint" add "host" text null;`);
    this.addSql(`update "webhook_endpoint" set "host" = coalesce(substring("url" from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#]*)'), '');`);
    this.addSql(`alter table "webhook_endpoint" alter column "host" set not null;`);
    this.addSql(`alter table "webhook_endpoint" alter column "url" type text using ("url"::text);`);
  }

  // Does not decrypt: URLs sealed meanwhile stay ciphertexts, which the code before this migration
  // cannot use.
  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_endpoint" drop column "host";`);
    this.addSql(`alter table "webhook_endpoint" alter column "url" type varchar(2048) using ("url"::varchar(2048));`);
  }

}
