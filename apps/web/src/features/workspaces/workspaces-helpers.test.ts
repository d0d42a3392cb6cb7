import { PERMISSIONS, ROLES, ZWorkspaceName } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { type WorkspaceAction, workspaceActionError } from './action-errors.ts';
import { forgetWorkspace, pickWorkspace, rememberedWorkspace, rememberWorkspace } from './last-workspace.ts';
import { sectionOf, switchTarget, workspacePath } from './paths.ts';
import { assignableRoles, can, canRemove } from './permissions.ts';
import { workspaceNameProblem } from './validation.ts';

/** A TRPCClientError look-alike with the API's error data. */
const apiError = (code: string, message: string) => ({ name: 'TRPCClientError', message, data: { code } });

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    items,
  };
}

describe('permissions', () => {
  it('answers from the contract matrix', () => {
    for (const role of ROLES) {
      for (const permission of Object.keys(PERMISSIONS) as Array<keyof typeof PERMISSIONS>) {
        expect(can(role, permission)).toBe((PERMISSIONS[permission] as readonly string[]).includes(role));
      }
    }
  });

  it('lets only owners grant or take away ownership, and only managers change roles', () => {
    expect(assignableRoles('owner', 'member')).toEqual(['owner', 'admin', 'member', 'viewer']);
    expect(assignableRoles('admin', 'member')).toEqual(['admin', 'member', 'viewer']);
    expect(assignableRoles('admin', 'owner')).toEqual([]);
    expect(assignableRoles('member', 'viewer')).toEqual([]);
    expect(assignableRoles('viewer', 'viewer')).toEqual([]);
    expect(canRemove('owner', 'owner')).toBe(true);
    expect(canRemove('admin', 'owner')).toBe(false);
    expect(canRemove('admin', 'viewer')).toBe(true);
    expect(canRemove('member', 'viewer')).toBe(false);
  });
});

describe('the last workspace', () => {
  it('is remembered per account and picked while the user still belongs to it', () => {
    const storage = memoryStorage();
    const list = [{ id: 'a' }, { id: 'b' }];
    expect(pickWorkspace(list, rememberedWorkspace('u1', storage))?.id).toBe('a');
    rememberWorkspace('u1', 'b', storage);
    expect(rememberedWorkspace('u1', storage)).toBe('b');
    expect(rememberedWorkspace('u2', storage)).toBeUndefined();
    expect(pickWorkspace(list, rememberedWorkspace('u1', storage))?.id).toBe('b');
    // Left or removed: the first one instead; none at all: nothing.
    expect(pickWorkspace([{ id: 'a' }], 'b')?.id).toBe('a');
    expect(pickWorkspace([], 'b')).toBeUndefined();
    forgetWorkspace('u1', 'a', storage);
    expect(rememberedWorkspace('u1', storage)).toBe('b');
    forgetWorkspace('u1', 'b', storage);
    expect(rememberedWorkspace('u1', storage)).toBeUndefined();
  });

  it('survives a storage that refuses', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => rememberWorkspace('u', 'w', broken)).not.toThrow();
    expect(rememberedWorkspace('u', broken)).toBeUndefined();
  });
});

describe('workspace paths', () => {
  it('keeps the page when switching, if the role there can open it', () => {
    expect(workspacePath('abc')).toBe('/w/abc/home');
    expect(workspacePath('abc', 'api-keys')).toBe('/w/abc/api-keys');
    expect(sectionOf('/w/abc/audit')).toBe('audit');
    expect(sectionOf('/w/abc/nope')).toBeUndefined();
    expect(sectionOf('/status')).toBeUndefined();
    expect(switchTarget('xyz', 'owner', '/w/abc/audit')).toBe('/w/xyz/audit');
    expect(switchTarget('xyz', 'viewer', '/w/abc/audit')).toBe('/w/xyz/home');
    expect(switchTarget('xyz', 'viewer', '/w/abc/api-keys')).toBe('/w/xyz/api-keys');
    expect(switchTarget('xyz', 'member', '/settings/security')).toBe('/w/xyz/home');
  });
});

describe('refusals of workspace actions', () => {
  /** What the member reads when the server refuses `action` with `code` and `message`. */
  const refusal = (action: WorkspaceAction, code: string, message: string) =>
    workspaceActionError(apiError(code, message), action);

  it('explains the last-owner rule', () => {
    const left = refusal(
      'leave',
      'CONFLICT',
      'You are the last owner: make someone else owner before leaving',
    );
    expect(left.title).toBe('The workspace needs an owner');
    expect(left.message).toBe('You are the last owner: make someone else owner before leaving.');
    const removed = refusal('remove', 'CONFLICT', 'The last owner cannot be removed');
    expect(removed.message).toBe('The last owner cannot be removed. Make another member an owner first.');
    expect(removed.staleRole).toBe(false);
  });

  it('says what the role does not allow, and asks for a fresh role', () => {
    const refused = refusal('invite', 'FORBIDDEN', 'Your role (member) does not allow this');
    expect(refused).toEqual({
      title: 'Not allowed',
      message: 'Your role (member) does not allow this. Ask an owner of the workspace if you need this.',
      staleRole: true,
    });
    expect(refusal('remove', 'NOT_FOUND', 'No such member').staleRole).toBe(true);
  });

  it('keeps other conflicts as the server said them', () => {
    const conflict = refusal('invite', 'CONFLICT', 'ada@example.com is already a member');
    expect(conflict.message).toBe('ada@example.com is already a member.');
    expect(conflict.title).toBe('Could not send the invitation');
  });
});

describe('workspace names', () => {
  it('follows the contract', () => {
    for (const name of ['', '   ', 'x'.repeat(101), 'Acme', `  ${'x'.repeat(100)}  `]) {
      expect(workspaceNameProblem(name) === undefined).toBe(ZWorkspaceName.safeParse(name).success);
    }
  });
});
