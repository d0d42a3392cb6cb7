// "Who can do what": the permission matrix of the contracts, as a table.
import { PERMISSION_TEXT, PERMISSIONS, type Permission, type Role } from '@postern/contracts';
import { CheckIcon } from '../../components/icons.tsx';
import { ROLE_LABELS, ROLE_ORDER } from '../workspaces/permissions.ts';

export function RolesMatrix() {
  const permissions = Object.keys(PERMISSIONS) as Permission[];
  return (
    <details className="group rounded-lg border border-slate-200 bg-slate-50/60" data-testid="roles-matrix">
      <summary className="cursor-pointer list-none px-4 py-2.5 text-sm font-medium text-slate-700 select-none hover:text-slate-900 [&::-webkit-details-marker]:hidden">
        <span className="mr-1.5 inline-block text-slate-400 transition-transform group-open:rotate-90">
          ›
        </span>
        What can each role do?
      </summary>
      <div className="relative overflow-x-auto border-t border-slate-200 bg-white">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Permissions of each role</caption>
          <thead className="bg-slate-50 text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Permission
              </th>
              {ROLE_ORDER.map((role) => (
                <th key={role} scope="col" className="px-3 py-2 text-center font-medium">
                  {ROLE_LABELS[role]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {permissions.map((permission) => (
              <tr key={permission}>
                <th scope="row" className="px-4 py-2 font-normal text-slate-700">
                  {PERMISSION_TEXT[permission]}
                </th>
                {ROLE_ORDER.map((role) => {
                  const allowed = (PERMISSIONS[permission] as readonly Role[]).includes(role);
                  return (
                    <td key={role} className="px-3 py-2 text-center">
                      {allowed ? (
                        <CheckIcon className="mx-auto size-4 text-emerald-600" />
                      ) : (
                        <span aria-hidden="true" className="text-slate-300">
                          —
                        </span>
                      )}
                      <span className="sr-only">{allowed ? 'Allowed' : 'Not allowed'}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
