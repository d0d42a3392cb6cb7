// AUDIT_SIGNING_KEY parsing and the signed checkpoint format (issue #16); no services.
import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditSignerFromConfig, checkpointMessage, parseCheckpoint } from '../src/audit/checkpoint.ts';

const head = {
  scope: 'ws:00000000-0000-4000-8000-000000000001',
  seq: 12,
  hash: 'a'.repeat(64),
  time: '2026-12-05T10:00:00.000Z',
};

describe('audit signing key', () => {
  it('accepts a PKCS#8 DER key (openssl genpkey … -outform DER | base64) and a 32-byte seed', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const signer = auditSignerFromConfig({ auditSigningKey: der, secret: 'x'.repeat(32), env: 'production' });
    const signed = signer.sign(head);
    // Independent check: the exact bytes, with the key pair's own public key.
    expect(checkpointMessage(head).toString()).toBe(
      `{"scope":"${head.scope}","seq":12,"hash":"${head.hash}","time":"${head.time}"}`,
    );
    expect(verify(null, checkpointMessage(head), publicKey, Buffer.from(signed.signature, 'base64url'))).toBe(
      true,
    );
    const seed = auditSignerFromConfig({
      auditSigningKey: Buffer.alloc(32, 1).toString('base64'),
      secret: '',
      env: 'production',
    });
    expect(seed.verify(seed.sign(head))).toBe(true);
    expect(seed.keyId).not.toBe(signer.keyId);
  });

  it('is required in production; derived from the secret elsewhere (stable across processes)', () => {
    expect(() => auditSignerFromConfig({ secret: 'x'.repeat(32), env: 'production' })).toThrow(
      'AUDIT_SIGNING_KEY: is required when NODE_ENV=production',
    );
    const a = auditSignerFromConfig({ secret: 'x'.repeat(32), env: 'development' });
    const b = auditSignerFromConfig({ secret: 'x'.repeat(32), env: 'development' });
    expect(a.publicKey).toBe(b.publicKey);
    expect(b.verify(a.sign(head))).toBe(true);
    expect(() =>
      auditSignerFromConfig({
        auditSigningKey: 'bm90IGEga2V5IGF0IGFsbCwgbm90IGEga2V5IGF0IGFsbCE=',
        secret: '',
        env: 'test',
      }),
    ).toThrow(/AUDIT_SIGNING_KEY/);
  });

  it('refuses a changed field, another key, and reads the webhook event shape back', () => {
    const signer = auditSignerFromConfig({ secret: 'y'.repeat(32), env: 'test' });
    const other = auditSignerFromConfig({ secret: 'z'.repeat(32), env: 'test' });
    const signed = signer.sign(head);
    expect(signer.verify({ ...signed, seq: 11 })).toBe(false);
    expect(signer.verify({ ...signed, time: '2026-12-05T11:00:00.000Z' })).toBe(false);
    expect(other.verify(signed)).toBe(false);
    const event = {
      type: 'audit.checkpoint',
      timestamp: head.time,
      workspace_id: 'w',
      data: { ...head, key_id: signed.keyId, signature: signed.signature, public_key: signer.publicKey },
    };
    const parsed = parseCheckpoint(JSON.stringify(event));
    expect(parsed && signer.verify(parsed)).toBe(true);
    expect(parseCheckpoint('{"scope":1}')).toBeUndefined();
  });
});
