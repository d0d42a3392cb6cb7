// The one module that reads process.env. Everything else receives a typed, validated Config.
import { isIP } from 'node:net';
import { z } from 'zod';

/** A configuration problem, reported to the operator as one line naming the setting. */
export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

const DEV_SECRET = 'postern-development-secret-do-not-use-in-production';

const urlWithProtocols = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );

const port = z.coerce.number().int().min(0).max(65535);

/** WEBHOOK_ALLOWED_TARGETS: CIDRs (10.0.0.0/8, fd00::/8), addresses, host names or *.suffix names. */
const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
function allowedTargetProblem(entry: string): string | undefined {
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || !address) return `"${entry}" is not a CIDR, address or host name`;
  const family = isIP(address);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!family || !/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128))
      return `"${entry}" is not a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)`;
    return undefined;
  }
  if (family || HOST_NAME.test(address)) return undefined;
  return `"${entry}" is not a CIDR, address or host name`;
}
const allowedTargets = z.string().transform((value, ctx) => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const problem = allowedTargetProblem(entry);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${problem} (comma-separated CIDRs, addresses or hosts)` });
      return z.NEVER;
    }
  }
  return entries;
});
const retrySchedule = z.string().transform((value, ctx) => {
  const seconds = value.split(',').map((part) => Number(part.trim()));
  if (
    seconds.length < 1 ||
    seconds.length > 20 ||
    seconds.some((s) => !Number.isFinite(s) || s <= 0 || s > 7 * 86_400)
  ) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be 1-20 comma-separated delays in seconds (each > 0, at most 7 days), e.g. 5,300,1800',
    });
    return z.NEVER;
  }
  return seconds;
});
const positiveSeconds = z.coerce.number().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    PUBLIC_URL: urlWithProtocols(['http:', 'https:'], 'https://postern.example.com').optional(),
    DASHBOARD_ORIGIN: urlWithProtocols(['http:', 'https:'], 'http://127.0.0.1:5173').optional(),
    DATABASE_URL: urlWithProtocols(
      ['postgres:', 'postgresql:'],
      'postgres://user:pass@host:5432/postern',
    ).optional(),
    /** The owner role (migrations, pg-boss schema and queues); DATABASE_URL is then the application role. */
    MIGRATION_DATABASE_URL: urlWithProtocols(
      ['postgres:', 'postgresql:'],
      'postgres://owner:pass@host:5432/postern',
    ).optional(),
    DATABASE_SSL: z.enum(['disable', 'require', 'verify-full']).default('disable'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0').optional(),
    REDIS_KEY_PREFIX: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9:_.-]*$/, 'may hold letters, digits and : _ . - only')
      .default(''),
    POSTERN_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)')
      .optional(),
    WEB_DIST: z.string().optional(),
    TRUST_PROXY: bool.default(false),
    SHUTDOWN_TIMEOUT_SECONDS: positiveSeconds.default(30),
    WORKER_HEARTBEAT_STALE_SECONDS: positiveSeconds.default(150),
    WORKER_POLL_SECONDS: z.coerce.number().min(0.5).default(1),
    CONNECT_TIMEOUT_SECONDS: positiveSeconds.default(5),
    ENCRYPTION_KEYS: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{40,})*$/,
        'must be a comma-separated list of id:base64key (32-byte keys), newest first',
      )
      .optional(),
    SMTP_URL: urlWithProtocols(['smtp:', 'smtps:'], 'smtps://user:pass@smtp.example.com:465').optional(),
    MAIL_FROM: z.string().min(3).default('Postern <no-reply@postern.localhost>'),
    MAIL_DIR: z.string().min(1).optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
    SESSION_IDLE_DAYS: z.coerce.number().positive().max(365).default(30),
    SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().max(3650).default(90),
    DNS_SERVERS: z
      .string()
      .regex(/^[0-9a-fA-F.:[\]]+(,[0-9a-fA-F.:[\]]+)*$/, 'must be a comma-separated list of IP[:port]')
      .optional(),
    DNS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
    SMTP_PROBE_HELO: z.string().min(3).max(255).optional(),
    SMTP_PROBE_MAIL_FROM: z.string().min(3).max(254).optional(),
    SMTP_PROBE_PORT: port.default(25),
    SMTP_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    SMTP_PROBE_TLS_VERIFY: bool.default(false),
    DNS_CANARY_DOMAINS: z
      .string()
      .regex(
        /^(none|[a-zA-Z0-9.-]+(,[a-zA-Z0-9.-]+)*)$/,
        'must be a comma-separated list of domains, or `none` to turn the resolver check off',
      )
      .default('gmail.com,outlook.com,yahoo.com'),
    SMTP_PROBE_SELF_CHECK_HOST: z.string().min(1).max(255).optional(),
    RATE_LIMIT_MULTIPLIER: z.coerce.number().positive().max(100_000).default(1),
    MAX_WORKSPACES_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
    BULK_MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024, 'must be at least 1024 (bytes)')
      .max(10 * 1024 ** 3)
      .default(100 * 1024 * 1024),
    BULK_MAX_ROWS: z.coerce.number().int().min(1).max(100_000_000).default(1_000_000),
    BULK_MAX_JSON_BYTES: z.coerce
      .number()
      .int()
      .min(1024, 'must be at least 1024 (bytes)')
      .max(64 * 1024 ** 2)
      .default(4 * 1024 * 1024),
    BULK_MAX_CONCURRENT_UPLOADS: z.coerce.number().int().min(1).max(1000).default(4),
    BULK_MAX_PENDING_ADDRESSES_PER_ACCOUNT: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000_000)
      .default(3_000_000),
    HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86_400).default(600),
    HTTP_BODY_MIN_BYTES_PER_SECOND: z.coerce
      .number()
      .int()
      .min(0)
      .max(100 * 1024 ** 2)
      .default(4096),
    HTTP_BODY_RATE_WINDOW_SECONDS: z.coerce.number().min(1).max(600).default(10),
    AUDIT_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(90, 'must be at least 90 (days)')
      .max(3650)
      .default(365),
    AUDIT_SIGNING_KEY: z
      .string()
      .regex(
        /^[A-Za-z0-9+/=_-]{43,}$/,
        'must be a base64 Ed25519 private key: 32 raw bytes or PKCS#8 DER (e.g. `openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`)',
      )
      .optional(),
    WEBHOOK_ALLOWED_TARGETS: allowedTargets.optional(),
    WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(15),
    WEBHOOK_RETRY_SCHEDULE_SECONDS: retrySchedule.optional(),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(100),
    WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(20),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.POSTERN_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['POSTERN_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
  });

export interface Config {
  env: 'development' | 'production' | 'test';
  logLevel: string;
  host: string;
  port: number;
  publicUrl: string;
  dashboardOrigin: string;
  databaseUrl: string | undefined;
  /** MIGRATION_DATABASE_URL: the owner role; unset = DATABASE_URL's role migrates (single-URL mode). */
  migrationDatabaseUrl: string | undefined;
  databaseSsl: 'disable' | 'require' | 'verify-full';
  databasePoolMax: number;
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: prepended to every key, so deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  secret: string;
  /** True when the development secret is in use: never in production. */
  insecureDevSecret: boolean;
  webDist: string | undefined;
  trustProxy: boolean;
  shutdownTimeoutMs: number;
  workerHeartbeatStaleMs: number;
  workerPollSeconds: number;
  connectTimeoutMs: number;
  /** Raw keyring setting (`id:base64key,…`, newest first); unset outside production = a key derived from the secret. */
  encryptionKeys: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Without SMTP_URL, mail is written as .eml files here (development); with neither, sending fails. */
  mailDir: string | undefined;
  accessTokenTtlSeconds: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  auditRetentionDays: number;
  /** AUDIT_SIGNING_KEY (base64 Ed25519 private key); unset outside production = derived from the secret. */
  auditSigningKey: string | undefined;
  /** Multiplies every plan's limits (benchmarks and load tests); 1 in production. */
  rateLimitMultiplier: number;
  /** Most workspaces one account may own (creating another is refused). */
  maxWorkspacesPerAccount: number;
  /** Largest bulk upload accepted (bytes; also the body limit of JSON job creation). */
  bulkMaxUploadBytes: number;
  /** Most data rows (addresses) a bulk job may have. */
  bulkMaxRows: number;
  /** Body limit of JSON job creation (larger lists go as a multipart upload). */
  bulkMaxJsonBytes: number;
  /** Uploads (job creations) in progress at once per workspace. */
  bulkMaxConcurrentUploads: number;
  /** Addresses one account may have waiting in queued/running bulk jobs, across its workspaces. */
  bulkMaxPendingAddressesPerAccount: number;
  /** Plain-HTTP limits: a request must have arrived whole within `requestTimeoutMs`, and a body
   * still arriving must bring at least `minBodyBytesPerSecond` over every `bodyRateWindowMs`. */
  http: { requestTimeoutMs: number; minBodyBytesPerSecond: number; bodyRateWindowMs: number };
  webhooks: {
    /** WEBHOOK_ALLOWED_TARGETS: CIDRs, addresses and host names webhooks may reach although private. */
    allowedTargets: string[];
    timeoutMs: number;
    /** Delays before each retry (ms); undefined = the built-in schedule (5 s … 10 h, about a day). */
    retryScheduleMs: number[] | undefined;
    /** Deliveries in flight at once per worker process. */
    concurrency: number;
    /** Deliveries in flight at once to one endpoint per worker process (WEBHOOK_ENDPOINT_CONCURRENCY). */
    endpointConcurrency: number;
  };
  validator: {
    dnsServers: string[] | undefined;
    dnsTimeoutMs: number;
    heloName: string;
    mailFrom: string;
    smtpPort: number;
    smtpTimeoutMs: number;
    smtpTlsVerify: boolean;
    /** DNS_CANARY_DOMAINS: domains that surely have MX records, to catch a lying resolver; [] (`none`) = off. */
    canaryDomains: string[];
    /** An MX host to try on port 25 at start-up (reports a blocked port 25); unset: skipped. */
    selfCheckHost: string | undefined;
  };
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
  const publicUrl = (
    e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`
  ).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dashboardOrigin: e.DASHBOARD_ORIGIN ?? new URL(publicUrl).origin,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    databaseSsl: e.DATABASE_SSL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    secret: e.POSTERN_SECRET ?? DEV_SECRET,
    insecureDevSecret: !e.POSTERN_SECRET,
    webDist: e.WEB_DIST,
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    workerHeartbeatStaleMs: e.WORKER_HEARTBEAT_STALE_SECONDS * 1000,
    workerPollSeconds: e.WORKER_POLL_SECONDS,
    connectTimeoutMs: e.CONNECT_TIMEOUT_SECONDS * 1000,
    encryptionKeys: e.ENCRYPTION_KEYS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailDir: e.MAIL_DIR,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    sessionIdleMs: e.SESSION_IDLE_DAYS * 86_400_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_DAYS * 86_400_000,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    auditSigningKey: e.AUDIT_SIGNING_KEY,
    rateLimitMultiplier: e.RATE_LIMIT_MULTIPLIER,
    maxWorkspacesPerAccount: e.MAX_WORKSPACES_PER_ACCOUNT,
    bulkMaxUploadBytes: e.BULK_MAX_UPLOAD_BYTES,
    bulkMaxRows: e.BULK_MAX_ROWS,
    // Never above the upload limit.
    bulkMaxJsonBytes: Math.min(e.BULK_MAX_JSON_BYTES, e.BULK_MAX_UPLOAD_BYTES),
    bulkMaxConcurrentUploads: e.BULK_MAX_CONCURRENT_UPLOADS,
    bulkMaxPendingAddressesPerAccount: e.BULK_MAX_PENDING_ADDRESSES_PER_ACCOUNT,
    http: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      minBodyBytesPerSecond: e.HTTP_BODY_MIN_BYTES_PER_SECOND,
      bodyRateWindowMs: Math.round(e.HTTP_BODY_RATE_WINDOW_SECONDS * 1000),
    },
    webhooks: {
      allowedTargets: e.WEBHOOK_ALLOWED_TARGETS ?? [],
      timeoutMs: Math.round(e.WEBHOOK_TIMEOUT_SECONDS * 1000),
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE_SECONDS?.map((s) => Math.round(s * 1000)),
      concurrency: e.WEBHOOK_CONCURRENCY,
      endpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
    },
    validator: {
      dnsServers: e.DNS_SERVERS?.split(','),
      dnsTimeoutMs: e.DNS_TIMEOUT_MS,
      // HELO names the operator's own host, never the target's.
      heloName: e.SMTP_PROBE_HELO ?? new URL(publicUrl).hostname,
      mailFrom: e.SMTP_PROBE_MAIL_FROM ?? `verify@${e.SMTP_PROBE_HELO ?? new URL(publicUrl).hostname}`,
      smtpPort: e.SMTP_PROBE_PORT,
      smtpTimeoutMs: e.SMTP_PROBE_TIMEOUT_MS,
      smtpTlsVerify: e.SMTP_PROBE_TLS_VERIFY,
      canaryDomains: e.DNS_CANARY_DOMAINS === 'none' ? [] : e.DNS_CANARY_DOMAINS.split(',').filter(Boolean),
      selfCheckHost: e.SMTP_PROBE_SELF_CHECK_HOST,
    },
  };
}

/** Requires DATABASE_URL for processes that cannot run without it. */
export function requireDatabaseUrl(config: Config): string {
  if (!config.databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL',
      'is required (or start everything with `./postern up`, which embeds PostgreSQL)',
    );
  }
  return config.databaseUrl;
}

/** Hides the password of a connection URL before it is shown or logged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

/** Where tests find their services: TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to this machine's. */
export function testServices(env: Record<string, string | undefined> = process.env) {
  return {
    adminDatabaseUrl: env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.TEST_REDIS_URL || 'redis://127.0.0.1:6379/0',
  };
}

/** Settings of `./postern up` (the launcher), on top of the apps' own settings above. */
export function loadLauncherConfig(
  env: Record<string, string | undefined> = process.env,
  root = process.cwd(),
) {
  const port = z.coerce.number().int().min(1).max(65535);
  const parsed = z
    .object({
      POSTERN_DATA_DIR: z.string().min(1).optional(),
      EMBEDDED_POSTGRES_PORT: port.default(54329),
    })
    .safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  return {
    dataDir: parsed.data.POSTERN_DATA_DIR ?? `${root}/.data`,
    embeddedPostgresPort: parsed.data.EMBEDDED_POSTGRES_PORT,
    /** Passed on to the API and worker processes unchanged. */
    inheritedEnv: { ...env },
  };
}
