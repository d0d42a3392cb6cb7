import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from '../src/config.ts';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults for local development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      dashboardOrigin: 'http://127.0.0.1:3000',
      redisUrl: undefined,
      insecureDevSecret: true,
      shutdownTimeoutMs: 30_000,
    });
  });

  it('probes with opportunistic STARTTLS and checks the resolver with canary domains by default', () => {
    expect(loadConfig({}).validator).toMatchObject({
      smtpTlsVerify: false,
      canaryDomains: ['gmail.com', 'outlook.com', 'yahoo.com'],
    });
    expect(loadConfig({ DNS_CANARY_DOMAINS: 'none' }).validator.canaryDomains).toEqual([]);
    expect(loadConfig({ DNS_CANARY_DOMAINS: 'a.example,b.example' }).validator.canaryDomains).toEqual([
      'a.example',
      'b.example',
    ]);
    expect(() => loadConfig({ DNS_CANARY_DOMAINS: 'a b' })).toThrow(/DNS_CANARY_DOMAINS/);
  });

  it('batches SMTP probes politely by default: 20 RCPTs a session, up to 5 connections a host', () => {
    expect(loadConfig({}).validator).toMatchObject({
      smtpMaxRcptsPerSession: 20,
      smtpMaxConnectionsPerHost: 5,
    });
    expect(
      loadConfig({ SMTP_PROBE_MAX_RCPTS_PER_SESSION: '10', SMTP_PROBE_MAX_CONNECTIONS_PER_HOST: '2' })
        .validator,
    ).toMatchObject({ smtpMaxRcptsPerSession: 10, smtpMaxConnectionsPerHost: 2 });
    expect(() => loadConfig({ SMTP_PROBE_MAX_RCPTS_PER_SESSION: '0' })).toThrow(
      /SMTP_PROBE_MAX_RCPTS_PER_SESSION/,
    );
    expect(() => loadConfig({ SMTP_PROBE_MAX_CONNECTIONS_PER_HOST: '500' })).toThrow(
      /SMTP_PROBE_MAX_CONNECTIONS_PER_HOST/,
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ REDIS_URL: '', PORT: '' })).toMatchObject({ redisUrl: undefined, port: 3000 });
  });

  it('derives the dashboard origin from PUBLIC_URL', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://postern.example.com/', POSTERN_SECRET: 'x'.repeat(32) });
    expect(config.publicUrl).toBe('https://postern.example.com');
    expect(config.dashboardOrigin).toBe('https://postern.example.com');
  });

  it('names REDIS_URL when it is malformed', () => {
    const error = failure({ REDIS_URL: 'localhost:6379' });
    expect(error.setting).toBe('REDIS_URL');
    expect(error.message).toMatch(/^REDIS_URL: must be a URL like redis:\/\//);
  });

  it('names DATABASE_URL when it is not PostgreSQL, without echoing its password', () => {
    const error = failure({ DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(error.setting).toBe('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('names a bad AUDIT_SIGNING_KEY without echoing it, and reads MIGRATION_DATABASE_URL', () => {
    const bad = failure({ AUDIT_SIGNING_KEY: 'not-a-key!' });
    expect(bad.setting).toBe('AUDIT_SIGNING_KEY');
    expect(bad.message).not.toContain('not-a-key');
    expect(failure({ MIGRATION_DATABASE_URL: 'mysql://x' }).setting).toBe('MIGRATION_DATABASE_URL');
    expect(loadConfig({ MIGRATION_DATABASE_URL: 'postgres://owner@h/db' }).migrationDatabaseUrl).toBe(
      'postgres://owner@h/db',
    );
  });

  it('requires POSTERN_SECRET in production', () => {
    expect(failure({ NODE_ENV: 'production' }).setting).toBe('POSTERN_SECRET');
  });

  it('refuses a short secret without echoing it', () => {
    const error = failure({ POSTERN_SECRET: 'short-secret' });
    expect(error.setting).toBe('POSTERN_SECRET');
    expect(error.message).not.toContain('short-secret');
  });

  it('refuses an out-of-range port', () => {
    expect(failure({ PORT: '70000' }).setting).toBe('PORT');
  });

  it('accepts production settings', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      POSTERN_SECRET: 's'.repeat(48),
      DATABASE_URL: 'postgres://u:p@db:5432/postern',
      DATABASE_SSL: 'verify-full',
      REDIS_URL: 'rediss://cache:6380/0',
    });
    expect(config).toMatchObject({ env: 'production', insecureDevSecret: false, databaseSsl: 'verify-full' });
  });
});

describe('redactUrl', () => {
  it('hides the password of a connection URL', () => {
    expect(redactUrl('postgres://user:secret@host/db')).toBe('postgres://user:***@host/db');
  });
});
