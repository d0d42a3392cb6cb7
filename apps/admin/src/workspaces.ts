// `postern admin plans` and `postern admin workspace …`: list, show, set-plan.
import type { Plan } from '@postern/contracts';
import {
  type CustomLimitName,
  DomainError,
  listAdminWorkspaces,
  listPlans,
  parseLimit,
  setWorkspacePlan,
  showAdminWorkspace,
} from '@postern/core';
import {
  type Command,
  EXIT_OK,
  LIST_OPTIONS,
  listHelp,
  pageOf,
  recordView,
  stringOption,
  UsageError,
  type Values,
} from './command.ts';
import { printJson, printTable } from './output.ts';

const plans: Command = {
  name: 'plans',
  brief: 'plans and their limits',
  summary: 'Lists the plans with their rate limits and how many workspaces are on each.',
  args: [],
  help: [],
  mutating: false,
  audited: false,
  async run(services, call) {
    const rows = await listPlans(services.context());
    if (call.values.json) return printJson(call.io, rows);
    printTable(
      call.io,
      ['PLAN', 'NAME', 'PER MINUTE', 'BURST', 'WORKSPACES', 'WITH CUSTOM LIMITS'],
      rows.map((p) => [
        p.plan,
        p.name,
        String(p.perMinute),
        String(p.burst),
        String(p.workspaces),
        String(p.customLimits),
      ]),
    );
    return EXIT_OK;
  },
};

const list: Command = {
  name: 'workspace list',
  brief: 'workspaces with plan, limits and owners',
  summary: 'Lists workspaces, oldest first: plan, effective limits, members and owners.',
  args: [],
  help: [...listHelp('names'), '  --plan PLAN      only workspaces on PLAN'],
  options: { ...LIST_OPTIONS, plan: { type: 'string' } },
  mutating: false,
  audited: true,
  check: (call) => void pageOf(call.values),
  async run(services, call) {
    const { limit, offset, search } = pageOf(call.values);
    const plan = stringOption(call.values, 'plan') as Plan | undefined;
    const page = await listAdminWorkspaces(services.context(), { search, plan, limit, offset });
    await recordView(services, call, 'workspace list', {
      search: search ?? null,
      rows: page.workspaces.length,
    });
    if (call.values.json) return printJson(call.io, page);
    printTable(
      call.io,
      ['ID', 'PLAN', 'PER MINUTE', 'BURST', 'MEMBERS', 'OWNERS', 'NAME'],
      page.workspaces.map((w) => [
        w.id,
        w.plan,
        `${w.perMinute}${w.customLimits ? '*' : ''}`,
        `${w.burst}${w.customLimits ? '*' : ''}`,
        String(w.members),
        w.owners.join(',') || '-',
        w.name,
      ]),
    );
    call.io.out(
      `${offset + 1}–${offset + page.workspaces.length} of ${page.total} workspace(s); * custom limits`,
    );
    return EXIT_OK;
  },
};

const show: Command = {
  name: 'workspace show',
  brief: 'one workspace: limits, suspension, members',
  summary:
    'Shows one workspace: plan and limits, suspension, members and how many API keys it has (never the keys).',
  args: ['ID'],
  help: [],
  mutating: false,
  audited: true,
  async run(services, call) {
    const w = await showAdminWorkspace(services.context(), call.positionals[0] ?? '');
    await recordView(services, call, 'workspace show', { workspaceId: w.id });
    if (call.values.json) return printJson(call.io, w);
    const custom = (value: number | null) => (value === null ? '' : ' (custom)');
    const lines: [string, string][] = [
      ['name', w.name],
      ['id', w.id],
      ['created', w.createdAt],
      ['plan', w.plan],
      ['per minute', `${w.limits.perMinute}${custom(w.customLimits.perMinute)}`],
      ['burst', `${w.limits.burst}${custom(w.customLimits.burst)}`],
      ['suspended', w.suspended ? 'yes: every owner is disabled' : 'no'],
      ['API keys', `${w.apiKeys.live} live, ${w.apiKeys.total} in all`],
    ];
    for (const [label, value] of lines) call.io.out(`${`${label}:`.padEnd(12)}${value}`);
    call.io.out('members:');
    for (const m of w.members)
      call.io.out(`  ${m.role.padEnd(6)}  ${m.email}${m.disabled ? ' (disabled)' : ''}`);
    return EXIT_OK;
  },
};

function limitsOf(values: Values): [CustomLimitName, number | null][] {
  try {
    return ((values.limit as string[] | undefined) ?? []).map(parseLimit);
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(error.message);
    throw error;
  }
}

const setPlan: Command = {
  name: 'workspace set-plan',
  brief: "change a workspace's plan and custom limits",
  summary: "Moves a workspace to a plan, with optional custom limits on top of the plan's.",
  args: ['ID', 'PLAN'],
  help: [
    '  PLAN                starter, professional or business (see postern admin plans)',
    '  --limit NAME=VALUE  a custom limit, NAME perMinute or burst (repeatable); VALUE "plan" clears it',
    '  --reset-limits      clear every custom limit (before applying --limit)',
    '  Limits not named keep their current value.',
  ],
  options: { limit: { type: 'string', multiple: true }, 'reset-limits': { type: 'boolean' } },
  mutating: true,
  audited: true,
  check: (call) => void limitsOf(call.values),
  async run(services, call) {
    if (!call.operator) throw new Error('unreachable');
    const [id = '', plan = ''] = call.positionals;
    const limits = limitsOf(call.values);
    const result = await setWorkspacePlan(services.context(), id, plan, call.operator, {
      limits,
      resetLimits: call.values['reset-limits'] === true,
    });
    call.io.out(
      `${result.name} (${result.id}): plan ${result.from.plan} → ${result.to.plan}; limits now ${result.limits.perMinute} per minute, burst ${result.limits.burst}${
        result.to.perMinute !== null || result.to.burst !== null ? ' (custom)' : ''
      }`,
    );
    return EXIT_OK;
  },
};

export const WORKSPACE_COMMANDS: Command[] = [plans, list, show, setPlan];
