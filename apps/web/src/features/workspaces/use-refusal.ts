// A refused workspace action, handled once for every card that mutates: the words to show while the
// mutation is in error, and a re-read of the workspace list when the refusal says the role changed
// (the navigation and the page's permissions follow it). A refusal that names one of the form's fields
// is shown under that field rather than above the form.
import { useInvalidateWorkspaces } from './use-workspaces.ts';

interface Sent {
  isError: boolean;
  error: unknown;
}

export function useRefusal<P extends { message: string; staleRole: boolean; field?: string }>(
  explain: (error: unknown) => P,
) {
  const invalidateWorkspaces = useInvalidateWorkspaces();
  /** What to show while `mutation` is in error. */
  const problem = (mutation: Sent) => (mutation.isError ? explain(mutation.error) : undefined);
  return {
    /** For the mutation's `onError`. */
    onError: (error: unknown) => {
      if (explain(error).staleRole) void invalidateWorkspaces();
    },
    problem,
    /** The refusal's words when it is about `field`. */
    about: (mutation: Sent, field: string) => {
      const shown = problem(mutation);
      return shown?.field === field ? shown.message : undefined;
    },
    /**
     * DialogForm's refusal and action (`label`, busy while it runs) for a form that sends `mutation`;
     * a refusal about `field` is left to that field.
     */
    form: (mutation: Sent & { isPending: boolean }, label: string, field?: string) => {
      const shown = problem(mutation);
      return {
        problem: field && shown?.field === field ? undefined : shown,
        action: { label, busy: mutation.isPending },
      };
    },
  };
}
