// `postern admin user …`: list, show, reset-2fa, disable, enable.
import { listUsers, resetTwoFactor, setUserDisabled, showUser } from '@postern/core';
import { type Command, EXIT_OK, LIST_OPTIONS, listHelp, pageOf, recordView } from './command.ts';
import { printJson, printTable } from './output.ts';

const list: Command = {
  name: 'user list',
  brief: 'accounts: verified, 2FA, disabled',
  summary: 'Lists accounts, oldest first: address, verified, 2FA, disabled, workspaces, last activity.',
  args: [],
  help: [...listHelp('addresses'), '  --disabled       only disabled accounts'],
  options: { ...LIST_OPTIONS, disabled: { type: 'boolean' } },
  mutating: false,
  audited: true,
  check: (call) => void pageOf(call.values),
  async run(services, call) {
    const { limit, offset, search } = pageOf(call.values);
    const page = await listUsers(services.context(), {
      search,
      disabledOnly: call.values.disabled === true,
      limit,
      offset,
    });
    await recordView(services, call, 'user list', { search: search ?? null, rows: page.users.length });
    if (call.values.json) return printJson(call.io, page);
    printTable(
      call.io,
      ['EMAIL', 'ID', 'VERIFIED', '2FA', 'DISABLED', 'WORKSPACES', 'LAST ACTIVE', 'CREATED'],
      page.users.map((u) => [
        u.email,
        u.id,
        u.emailVerified ? 'yes' : 'no',
        u.twoFactor ? 'on' : 'off',
        u.disabledAt ? u.disabledAt.slice(0, 10) : '-',
        String(u.workspaces),
        u.lastActiveAt?.slice(0, 16).replace('T', ' ') ?? '-',
        u.createdAt.slice(0, 10),
      ]),
    );
    call.io.out(`${offset + 1}–${offset + page.users.length} of ${page.total} user(s)`);
    return EXIT_OK;
  },
};

const show: Command = {
  name: 'user show',
  brief: 'one account: sessions, workspaces',
  summary:
    'Shows one account (by address or id): its state, live sessions and workspaces. No secret is shown.',
  args: ['EMAIL'],
  help: [],
  mutating: false,
  audited: true,
  async run(services, call) {
    const user = await showUser(services.context(), call.positionals[0] ?? '');
    await recordView(services, call, 'user show', { userId: user.id });
    if (call.values.json) return printJson(call.io, user);
    const lines: [string, string][] = [
      ['email', user.email],
      ['id', user.id],
      ['created', user.createdAt],
      ['email verified', user.emailVerifiedAt ?? 'no'],
      ['password changed', user.passwordChangedAt ?? '-'],
      ['two-factor', user.twoFactorSince ? `on since ${user.twoFactorSince}` : 'off'],
      ['recovery codes left', String(user.recoveryCodesLeft)],
      ['disabled', user.disabledAt ?? 'no'],
      ['live sessions', String(user.liveSessions)],
    ];
    for (const [label, value] of lines) call.io.out(`${`${label}:`.padEnd(21)}${value}`);
    call.io.out('workspaces:');
    if (!user.workspaces.length) call.io.out('  (none)');
    for (const w of user.workspaces)
      call.io.out(`  ${w.id}  ${w.role.padEnd(6)}  ${w.plan.padEnd(12)}  ${w.name}`);
    return EXIT_OK;
  },
};

const reset2fa: Command = {
  name: 'user reset-2fa',
  brief: 'remove 2FA after identity proofing; ends sessions, mails the user',
  summary:
    'Removes two-factor authentication and the recovery codes, signs out every session and emails the user. Prove the requester is the account holder first (docs/operations.md).',
  args: ['EMAIL'],
  help: [],
  mutating: true,
  audited: true,
  async run(services, call) {
    if (!call.operator) throw new Error('unreachable');
    const result = await resetTwoFactor(services.context(), call.positionals[0] ?? '', call.operator);
    call.io.out(
      `two-factor authentication reset for ${result.email}: ${result.recoveryCodesRemoved} recovery code(s) removed, ${result.sessionsRevoked} session(s) ended; the user was emailed`,
    );
    return EXIT_OK;
  },
};

function disableOrEnable(disable: boolean): Command {
  return {
    name: disable ? 'user disable' : 'user enable',
    brief: disable
      ? 'no sign-in, sessions ended, solely owned workspaces suspended'
      : 'restore a disabled account and its workspaces',
    summary: disable
      ? 'Disables an account: it cannot sign in, its sessions end at once, and the API keys of workspaces it alone owns stop working.'
      : 'Enables a disabled account again: it can sign in, and the API keys of its workspaces work again.',
    args: ['EMAIL'],
    help: [],
    mutating: true,
    audited: true,
    async run(services, call) {
      if (!call.operator) throw new Error('unreachable');
      const ctx = services.context();
      const r = await setUserDisabled(
        ctx,
        services.limiter,
        call.positionals[0] ?? '',
        call.operator,
        disable,
      );
      call.io.out(
        disable
          ? `${r.email} disabled: ${r.sessionsRevoked} session(s) ended, ${r.workspaces.length} workspace(s) suspended (${r.keys} API key(s) refused)`
          : `${r.email} enabled: ${r.workspaces.length} workspace(s) restored (${r.keys} API key(s) work again)`,
      );
      if (r.markersFailed)
        call.io.err(
          'postern admin: warning: the key-value store (REDIS_URL) did not answer: API processes apply this to API keys within 5 seconds instead of at once',
        );
      return EXIT_OK;
    },
  };
}

export const USER_COMMANDS: Command[] = [list, show, reset2fa, disableOrEnable(true), disableOrEnable(false)];
