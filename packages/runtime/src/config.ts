// The one module that reads process.env. Everything else receives a typed, validated Config.
// Each area's settings (variables, defaults, formats and their part of Config) are in config/.
import { z } from 'zod';
import { type ApiKeyAlertConfig, apiKeyAlertEnv, apiKeyAlertSettings } from './config/api-keys.ts';
import { type DatabaseConfig, databaseEnv, databaseSettings } from './config/database.ts';
import { ConfigError, redactUrl } from './config/errors.ts';
import { type LimitsConfig, limitsEnv, limitsSettings } from './config/limits.ts';
import { type MailConfig, mailEnv, mailSettings } from './config/mail.ts';
import { type MailboxConfig, mailboxEnv, mailboxSettings } from './config/mailboxes.ts';
import { type OptInConfig, optInEnv, optInSettings } from './config/opt-in.ts';
import { type SecurityConfig, securityEnv, securitySettings } from './config/security.ts';
import { type ServerConfig, serverEnv, serverSettings } from './config/server.ts';
import { type TlsConfig, tlsEnv, tlsIssue, tlsSettings } from './config/tls.ts';
import { type ValidatorConfig, validatorEnv, validatorSettings } from './config/validator.ts';
import { type WebhookConfig, webhookEnv, webhookSettings } from './config/webhooks.ts';

export { requireDatabaseUrl, testServices } from './config/database.ts';
export { ConfigError, redactUrl } from './config/errors.ts';
export { loadLauncherConfig } from './config/launcher.ts';

const EnvSchema = z
  .object({
    ...serverEnv.shape,
    ...databaseEnv.shape,
    ...securityEnv.shape,
    ...mailEnv.shape,
    ...validatorEnv.shape,
    ...limitsEnv.shape,
    ...webhookEnv.shape,
    ...apiKeyAlertEnv.shape,
    ...tlsEnv.shape,
    ...mailboxEnv.shape,
    ...optInEnv.shape,
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.POSTERN_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['POSTERN_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
    const tls = tlsIssue(env);
    if (tls) ctx.addIssue({ code: 'custom', path: [tls.setting], message: tls.message });
  });

export interface Config
  extends ServerConfig,
    DatabaseConfig,
    SecurityConfig,
    MailConfig,
    LimitsConfig,
    TlsConfig {
  webhooks: WebhookConfig;
  validator: ValidatorConfig;
  apiKeyAlerts: ApiKeyAlertConfig;
  mailboxes: MailboxConfig;
  optIn: OptInConfig;
}

/** Parses the environment; throws ConfigError naming the first bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as a shell `FOO= cmd` means.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue?.path[0] ?? 'environment');
    const got = cleaned[setting];
    const shown =
      got === undefined || /SECRET|PASSWORD|KEY/.test(setting) ? '' : ` (got "${redactUrl(got)}")`;
    throw new ConfigError(setting, `${issue?.message ?? 'is invalid'}${shown}`);
  }
  const e = parsed.data;
  const server = serverSettings(e);
  return {
    ...server,
    ...databaseSettings(e),
    ...securitySettings(e),
    ...mailSettings(e),
    ...limitsSettings(e),
    ...tlsSettings(e, server.publicUrl),
    webhooks: webhookSettings(e),
    apiKeyAlerts: apiKeyAlertSettings(e),
    validator: validatorSettings(e, server.publicUrl),
    mailboxes: mailboxSettings(e),
    optIn: optInSettings(e),
  };
}
