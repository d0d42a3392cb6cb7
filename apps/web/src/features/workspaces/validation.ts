/** The longest workspace name the contract accepts (ZWorkspaceName). */
export const WORKSPACE_NAME_MAX = 100;

/** The contract's rule (ZWorkspaceName), checked here without zod: the shell bundle stays light. */
export function workspaceNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the workspace a name.';
  if (trimmed.length > WORKSPACE_NAME_MAX) return `Use at most ${WORKSPACE_NAME_MAX} characters.`;
  return undefined;
}
