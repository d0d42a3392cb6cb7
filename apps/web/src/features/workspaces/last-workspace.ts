// The workspace the user was last in, remembered per account in localStorage, so that signing in
// (or opening the dashboard's root) lands there again.
export const LAST_WORKSPACE_KEY = 'postern.lastWorkspace';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** localStorage, or nothing when the browser refuses it (private mode, disabled storage). */
function browserStorage(): KeyValue | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

const keyFor = (userId: string) => `${LAST_WORKSPACE_KEY}:${userId}`;

export function rememberWorkspace(userId: string, workspaceId: string, storage = browserStorage()): void {
  try {
    storage?.setItem(keyFor(userId), workspaceId);
  } catch {
    // Quota or privacy settings: remembering is a convenience only.
  }
}

export function rememberedWorkspace(userId: string, storage = browserStorage()): string | undefined {
  try {
    return storage?.getItem(keyFor(userId)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function forgetWorkspace(userId: string, workspaceId: string, storage = browserStorage()): void {
  if (rememberedWorkspace(userId, storage) !== workspaceId) return;
  try {
    storage?.removeItem(keyFor(userId));
  } catch {
    // Nothing to do.
  }
}

/** Where to land: the remembered workspace while the user still belongs to it, else the first. */
export function pickWorkspace<W extends { id: string }>(
  workspaces: readonly W[],
  remembered: string | undefined,
): W | undefined {
  return workspaces.find((workspace) => workspace.id === remembered) ?? workspaces[0];
}
