// Which account a workspace's checks are charged to when it has more than one owner (issue #25: the
// mutation run of packages/core/src/rate-limit found the `orderBy` of workspaceAccountId untested):
// the owner who has been a member longest, whatever order PostgreSQL happens to keep the rows in.
// Each workspace gets a second owner, then the first owner's row is deleted and inserted again
// unchanged, so an unordered read (a scan of the table or of an index) meets the newer owner first.
import { workspaceAccountId } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('the account a workspace is charged to', () => {
  it('is the longest-standing owner, also when a later owner comes first on disk', async () => {
    for (let i = 0; i < 4; i++) {
      const creator = await newAccount(h.app);
      const later = await newAccount(h.app);
      await addMember(h, creator.client, creator.workspaceId, later, 'owner');
      // The creator's row taken out and put back as it was: it now comes after the later owner's,
      // both on disk and in the indexes (an UPDATE in place could keep its old index position).
      await h.orm.em
        .fork()
        .getConnection()
        .execute(
          `with gone as (delete from workspace_member where workspace_id = ? and user_id = ? returning *)
             insert into workspace_member select * from gone`,
          [creator.workspaceId, creator.userId],
        );
      expect(await workspaceAccountId(h.orm.em.fork(), creator.workspaceId)).toBe(creator.userId);
      // The later owner's own workspace is still charged to them.
      expect(await workspaceAccountId(h.orm.em.fork(), later.workspaceId)).toBe(later.userId);
    }
  }, 120_000);

  it('an ownerless (unknown) workspace has no account', async () => {
    expect(await workspaceAccountId(h.orm.em.fork(), '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
