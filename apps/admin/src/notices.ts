// `postern admin notify` (operator notices to owners) and `postern admin audit verify` (every chain).
import { readFile } from 'node:fs/promises';
import { notifyOwners, verifyAllAuditChains } from '@postern/core';
import { type Command, EXIT_FAILED, EXIT_OK, stringOption, UsageError } from './command.ts';

const notify: Command = {
  name: 'notify',
  brief: 'email a notice to workspace owners',
  summary:
    'Emails a notice (an incident, maintenance) to the owners of every workspace (--all) or of one (--workspace ID), through the system mail outbox; disabled accounts are left out.',
  args: [],
  help: [
    '  --all               every workspace owner (each address once)',
    '  --workspace ID      the owners of one workspace',
    '  --subject TEXT      the subject, one line',
    '  --body-file PATH    the text of the notice (plain text; blank lines separate paragraphs)',
    '  --dry-run           only count the recipients; nothing is sent or audited',
  ],
  options: {
    all: { type: 'boolean' },
    workspace: { type: 'string' },
    subject: { type: 'string' },
    'body-file': { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  mutating: true,
  audited: true,
  check(call) {
    if ((call.values.all === true) === (stringOption(call.values, 'workspace') !== undefined))
      throw new UsageError('say who gets the notice: --all or --workspace ID (one of them)');
    if (!stringOption(call.values, 'subject') || !stringOption(call.values, 'body-file'))
      throw new UsageError('--subject and --body-file are required');
  },
  async run(services, call) {
    if (!call.operator) throw new Error('unreachable');
    const workspaceId = stringOption(call.values, 'workspace') ?? null;
    const subject = stringOption(call.values, 'subject') ?? '';
    const bodyFile = stringOption(call.values, 'body-file') ?? '';
    const body = await readFile(bodyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read --body-file ${bodyFile}: ${error.code ?? error.message}`);
    });
    const dryRun = call.values['dry-run'] === true;
    const result = await notifyOwners(services.context(), { workspaceId, subject, body }, call.operator, {
      dryRun,
    });
    call.io.out(
      dryRun
        ? `dry run: the notice would go to ${result.recipients} owner(s); nothing was sent`
        : `notice queued for ${result.sent} owner(s); the worker sends it`,
    );
    return EXIT_OK;
  },
};

const verify: Command = {
  name: 'audit verify',
  brief: 'verify every audit chain (exit 1 on a break)',
  summary:
    'Verifies the hash chain of every audit log (--all) or of one (--scope), each against its newest signed head; exit code 1 when any is broken.',
  args: [],
  help: [
    '  --all            every scope: workspaces (ws:…), accounts (user:…), system, instance',
    '  --scope SCOPE    one scope',
    '  --quiet          print only broken chains and the total',
  ],
  options: { all: { type: 'boolean' }, scope: { type: 'string' }, quiet: { type: 'boolean' } },
  mutating: false,
  audited: true,
  check(call) {
    if ((call.values.all === true) === (stringOption(call.values, 'scope') !== undefined))
      throw new UsageError('say which logs: --all or --scope SCOPE (one of them)');
  },
  async run(services, call) {
    const scope = stringOption(call.values, 'scope');
    if (!call.operator) throw new Error('unreachable');
    const quiet = call.values.quiet === true;
    const results: unknown[] = [];
    const { scopes, broken } = await verifyAllAuditChains(
      services.context(),
      call.operator,
      scope ? [scope] : undefined,
      (r) => {
        if (call.values.json) return void results.push(r);
        if (r.ok && quiet) return;
        call.io.out(
          `${r.ok ? 'ok     ' : 'BROKEN '} ${r.scope}: ${r.entriesChecked} entries${r.headSeq === null ? '' : `, signed head ${r.headSeq}`}`,
        );
        for (const p of r.problems)
          call.io.out(
            `        ${p.problem}${p.seq === null ? '' : ` at ${p.seq}`}${p.detail ? `: ${p.detail}` : ''}`,
          );
      },
    );
    if (call.values.json) call.io.out(JSON.stringify({ scopes, broken, results }, null, 2));
    else call.io.out(`${scopes} chain(s) verified, ${broken.length} broken`);
    if (broken.length)
      call.io.err(`postern admin: ${broken.length} audit chain(s) broken: ${broken.join(', ')}`);
    return broken.length ? EXIT_FAILED : EXIT_OK;
  },
};

export const NOTICE_COMMANDS: Command[] = [notify, verify];
