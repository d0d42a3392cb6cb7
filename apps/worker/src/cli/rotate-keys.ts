// `node apps/worker/src/cli/rotate-keys.ts` — re-encrypts every stored secret under the current key.
//
// Rotating the encryption key, without downtime:
//   1. Generate a key (`openssl rand -base64 32`) and put it FIRST in ENCRYPTION_KEYS, keeping every
//      old key after it: `ENCRYPTION_KEYS=k2:<new>,k1:<old>`. New secrets are then encrypted with k2
//      while k1 still decrypts the existing ones.
//   2. Deploy that setting to every API and worker process (all of them, before step 3: a process
//      still on the old setting cannot read values made under the new key).
//   3. Run this command once, with the same environment. It re-encrypts, batch by batch, every value
//      of ENCRYPTED_FIELDS not under the first key; concurrent writes are never overwritten. It prints
//      one line per field and a total, and exits 1 if some value could not be decrypted.
//      Run it again until it reports 0 rotated and 0 failed.
//   4. Remove the old keys from ENCRYPTION_KEYS and deploy again. Keep a copy of an old key (offline)
//      as long as backups made before the rotation must stay readable.
import { keyringFromConfig, rotateEncryptedFields, sealPlaintextWebhookUrls } from '@postern/core';
import { createOrm, pendingMigrations } from '@postern/db';
import { loadConfig, requireDatabaseUrl, runMain } from '@postern/runtime';

runMain('keys', async () => {
  const config = loadConfig();
  const keyring = keyringFromConfig(config);
  const orm = await createOrm({
    databaseUrl: requireDatabaseUrl(config),
    ssl: config.databaseSsl,
    poolMax: 2,
    connectTimeoutMs: config.connectTimeoutMs,
  });
  try {
    const pending = await pendingMigrations(orm);
    if (pending.length) {
      throw new Error(
        `the database has ${pending.length} pending migration(s): start the worker or run \`pnpm db:migrate\` first`,
      );
    }
    const out = (line: string) => process.stdout.write(`${line}\n`);
    // Endpoint URLs stored in clear by a version before they were encrypted (a worker start seals
    // them too): sealed first, so that they are not counted as values that cannot be decrypted.
    const sealed = await sealPlaintextWebhookUrls(orm.em.fork(), keyring);
    if (sealed > 0) out(`encrypted ${sealed} webhook endpoint URL(s) stored in clear`);
    out(`rotating encrypted fields to key "${keyring.currentKeyId}"`);
    const results = await rotateEncryptedFields(orm.em.fork(), keyring);
    const total = { scanned: 0, rotated: 0, skipped: 0, failed: 0 };
    for (const r of results) {
      out(
        `${r.table}.${r.column}: scanned ${r.scanned}, rotated ${r.rotated}, skipped ${r.skipped}, failed ${r.failed}`,
      );
      total.scanned += r.scanned;
      total.rotated += r.rotated;
      total.skipped += r.skipped;
      total.failed += r.failed;
    }
    out(
      `total: scanned ${total.scanned}, rotated ${total.rotated}, skipped ${total.skipped}, failed ${total.failed}`,
    );
    if (total.failed > 0) {
      process.stderr.write(
        `postern keys: ${total.failed} value(s) cannot be decrypted with any key in ENCRYPTION_KEYS; do not remove old keys\n`,
      );
      process.exitCode = 1;
    } else if (total.skipped > 0) {
      out('some values changed while rotating: run the command again');
    }
  } finally {
    await orm.close(true);
  }
});
