// The name input of a workspace, as it is created and as it is renamed: one label, one length limit
// (the contract's, as workspaceNameProblem checks it).
import type { ComponentProps } from 'react';
import { Field } from '../../components/field.tsx';
import { WORKSPACE_NAME_MAX } from './validation.ts';

export function WorkspaceNameField(
  props: Omit<ComponentProps<typeof Field>, 'label' | 'name' | 'autoComplete' | 'maxLength'>,
) {
  return (
    <Field
      label="Workspace name"
      name="workspace-name"
      autoComplete="off"
      maxLength={WORKSPACE_NAME_MAX}
      {...props}
    />
  );
}
