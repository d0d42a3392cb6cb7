// A workspace call refused with TWO_FACTOR_REQUIRED (the owner turned the requirement on while the page
// was open): the workspace list is re-read, so WorkspaceLayout shows the enrolment prompt.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { errorCode } from '../../lib/api-errors.ts';
import { useInvalidateWorkspaces } from './use-workspaces.ts';

export function useTwoFactorRefusals() {
  const queryClient = useQueryClient();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'error') return;
        if (errorCode(event.action.error) === 'TWO_FACTOR_REQUIRED') void invalidateWorkspaces();
      }),
    [queryClient, invalidateWorkspaces],
  );
}
