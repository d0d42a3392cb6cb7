// A refused workspace action, handled once for every card that mutates: the words to show while the
// mutation is in error, and a re-read of the workspace list when the refusal says the role changed
// (the navigation and the page's permissions follow it).
import { useInvalidateWorkspaces } from './use-workspaces.ts';

export function useRefusal<P extends { staleRole: boolean }>(explain: (error: unknown) => P) {
  const invalidateWorkspaces = useInvalidateWorkspaces();
  return {
    /** For the mutation's `onError`. */
    onError: (error: unknown) => {
      if (explain(error).staleRole) void invalidateWorkspaces();
    },
    /** What to show while `mutation` is in error. */
    problem: (mutation: { isError: boolean; error: unknown }) =>
      mutation.isError ? explain(mutation.error) : undefined,
  };
}
