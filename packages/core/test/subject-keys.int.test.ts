// Per-person keys (crypto/subject-keys.ts) against real PostgreSQL: one key per subject however many
// ask at once, stored only sealed with the keyring, sealed values bound to their row's context, a
// destroyed key making the data unreadable (null, not an error), and no key made again for an account
// that is gone (an erased person's data must not become readable again).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  destroySubjectKeys,
  INSTANCE_SUBJECT_ID,
  loadSubjectKeys,
  openForSubject,
  sealForSubject,
  subjectRef,
} from '../src/crypto/subject-keys.ts';
import { coreWorld } from './support/auth-context.ts';

const world = coreWorld();
const keyring = () => world().services.keyring;
const em = () => world().orm.em.fork();

describe('subject keys', () => {
  it('concurrent creators get the same key, stored sealed with the keyring', async () => {
    const user = await world().user();
    const subject = { type: 'user' as const, id: user.id };
    const maps = await Promise.all(
      Array.from({ length: 5 }, () => loadSubjectKeys(em(), keyring(), [subject], { create: true })),
    );
    const exported = maps.map((m) => m.get(subjectRef(subject))?.export().toString('hex'));
    expect(new Set(exported).size).toBe(1);
    const rows = await world().sql<{ key: string }>('select key from subject_key where subject_id = ?', [
      user.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).not.toContain(exported[0] ?? '-');
  });

  it('without create, a subject without a key is absent; workspaces and the instance get keys as asked', async () => {
    const user = await world().user();
    const workspaceId = randomUUID();
    expect((await loadSubjectKeys(em(), keyring(), [{ type: 'user', id: user.id }])).size).toBe(0);
    const keys = await loadSubjectKeys(
      em(),
      keyring(),
      [
        { type: 'workspace', id: workspaceId, workspaceId },
        { type: 'instance', id: INSTANCE_SUBJECT_ID },
      ],
      { create: true },
    );
    expect([...keys.keys()].sort()).toEqual([`instance:${INSTANCE_SUBJECT_ID}`, `workspace:${workspaceId}`]);
  });

  it('makes no key for an account that does not exist, unless it is written in the same flush', async () => {
    const gone = randomUUID();
    const made = await loadSubjectKeys(em(), keyring(), [{ type: 'user', id: gone }], { create: true });
    expect(made.size).toBe(0);
    const fresh = await loadSubjectKeys(em(), keyring(), [{ type: 'user', id: gone, isNew: true }], {
      create: true,
    });
    expect(fresh.size).toBe(1);
  });

  it('seals bound to a context; a destroyed key reads as null; a moved or altered value throws', async () => {
    const user = await world().user();
    const subject = { type: 'user' as const, id: user.id };
    const key = (await loadSubjectKeys(em(), keyring(), [subject], { create: true })).get(
      subjectRef(subject),
    );
    if (!key) throw new Error('no key was made');
    const sealed = sealForSubject(key, 'ip 192.0.2.1', 'audit_entry:a:sealed');
    expect(sealed).toMatch(/^s1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('192.0.2.1');
    expect(openForSubject(key, sealed, 'audit_entry:a:sealed')).toBe('ip 192.0.2.1');
    expect(() => openForSubject(key, sealed, 'audit_entry:b:sealed')).toThrow(/cannot be opened/);
    expect(() => openForSubject(key, `${sealed.slice(0, -3)}AAA`, 'audit_entry:a:sealed')).toThrow();
    expect(() => openForSubject(key, 'x.y', 'audit_entry:a:sealed')).toThrow(/malformed/);
    expect(await destroySubjectKeys(em(), 'user', [user.id])).toBe(1);
    expect(await destroySubjectKeys(em(), 'user', [])).toBe(0);
    const after = await loadSubjectKeys(em(), keyring(), [subject]);
    expect(openForSubject(after.get(subjectRef(subject)), sealed, 'audit_entry:a:sealed')).toBeNull();
  });
});
