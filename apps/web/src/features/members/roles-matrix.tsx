// "Who can do what": the permission matrix of the contracts, as a table.
import { PERMISSION_TEXT, PERMISSIONS, type Permission, type Role } from '@postern/contracts/constants';
import { CheckIcon } from '../../components/icons.tsx';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { ROLE_LABELS, ROLE_ORDER } from '../workspaces/permissions.ts';

function Allowed({ allowed }: { allowed: boolean }) {
  return (
    <>
      {allowed ? (
        <CheckIcon className="mx-auto size-4 text-emerald-600" />
      ) : (
        <span aria-hidden="true" className="text-slate-500">
          —
        </span>
      )}
      <span className="sr-only">{allowed ? 'Allowed' : 'Not allowed'}</span>
    </>
  );
}

const MATRIX_COLUMNS: Column<Permission>[] = [
  {
    id: 'permission',
    header: 'Permission',
    rowHeader: true,
    className: 'font-normal text-slate-700',
    cell: (permission) => PERMISSION_TEXT[permission],
  },
  ...ROLE_ORDER.map(
    (role): Column<Permission> => ({
      id: role,
      header: ROLE_LABELS[role],
      className: 'text-center',
      headerClassName: 'text-center',
      cell: (permission) => <Allowed allowed={(PERMISSIONS[permission] as readonly Role[]).includes(role)} />,
    }),
  ),
];

export function RolesMatrix() {
  return (
    <details className="group rounded-lg border border-slate-200 bg-slate-50/60" data-testid="roles-matrix">
      <summary className="cursor-pointer list-none px-4 py-2.5 text-sm font-medium text-slate-700 select-none hover:text-slate-900 [&::-webkit-details-marker]:hidden">
        <span className="mr-1.5 inline-block text-slate-500 transition-transform group-open:rotate-90">
          ›
        </span>
        What can each role do?
      </summary>
      <DataTable
        rows={Object.keys(PERMISSIONS) as Permission[]}
        columns={MATRIX_COLUMNS}
        rowKey={(permission) => permission}
        caption="Permissions of each role"
        layout="scroll"
        density="compact"
        className="border-t border-slate-200 bg-white"
        tableClassName="text-xs"
      />
    </details>
  );
}
