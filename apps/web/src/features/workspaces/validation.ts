/** The contract's rule (ZWorkspaceName), checked here without zod: the shell bundle stays light. */
export function workspaceNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the workspace a name.';
  if (trimmed.length > 100) return 'Use at most 100 characters.';
  return undefined;
}
