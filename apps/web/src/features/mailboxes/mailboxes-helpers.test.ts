import {
  MAILBOX_FAILURES,
  MAILBOX_LIMITS,
  MAILBOX_OAUTH_RESULTS,
  MAILBOX_STATUSES,
} from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { clockAt, refusal, schemaRefusal } from '../../lib/test-fixtures.ts';
import {
  connectFieldOf,
  connectInput,
  connectProblems,
  DEFAULT_PORTS,
  emptyDraft,
  firstProblem,
  hostPlaceholder,
  hostProblem,
  SECURITY_OPTIONS,
  withSecurity,
} from './connect-model.ts';
import { identityChanges, identityDraftOf, identityProblems, rampText } from './identity-model.ts';
import { mailboxActionError } from './mailbox-errors.ts';
import {
  adviceRecord,
  failureField,
  failureText,
  lastTestSummary,
  mailboxFailureOf,
  oauthProviderOf,
  oauthReturnNotice,
  revocationText,
  STATUS_STYLE,
  senderAuthSummary,
  statusReason,
  withoutOAuthParams,
} from './mailbox-model.ts';
import { isMailboxId, mailboxesPath, mailboxPath } from './mailbox-paths.ts';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const { ago } = clockAt(NOW);

const filled = () => ({
  ...emptyDraft(),
  email: ' Anna@Example.com ',
  imap: { host: 'imap.example.com', port: '993', security: 'tls' as const },
  smtp: { host: 'smtp.example.com', port: '465', security: 'tls' as const },
  password: ' app pass ',
});

describe('the connect form', () => {
  it('offers implicit TLS and STARTTLS only, never plain text', () => {
    expect(SECURITY_OPTIONS.map((option) => option.value)).toEqual(['tls', 'starttls']);
    expect(SECURITY_OPTIONS.map((option) => option.label)).toEqual(['SSL/TLS (implicit)', 'STARTTLS']);
  });

  it('starts with the implicit TLS ports and follows the security mode', () => {
    const draft = emptyDraft();
    expect([draft.imap.port, draft.smtp.port]).toEqual(['993', '465']);
    expect(withSecurity('imap', draft.imap, 'starttls').port).toBe('143');
    expect(withSecurity('smtp', draft.smtp, 'starttls').port).toBe('587');
    expect(withSecurity('smtp', { ...draft.smtp, port: '' }, 'tls').port).toBe(
      String(DEFAULT_PORTS.smtp.tls),
    );
  });

  it('keeps a port the person typed when the security changes', () => {
    const custom = { host: 'smtp.example.com', port: '2525', security: 'tls' as const };
    expect(withSecurity('smtp', custom, 'starttls')).toEqual({ ...custom, security: 'starttls' });
  });

  it('names every missing field, in the order of the form', () => {
    const errors = connectProblems(emptyDraft());
    expect(Object.keys(errors).sort()).toEqual(['email', 'imapHost', 'password', 'smtpHost']);
    expect(firstProblem(errors)).toBe('email');
    expect(errors.smtpHost).toBe('Enter the SMTP server, such as smtp.example.com.');
  });

  it('refuses URLs, bad ports and oversized values', () => {
    expect(hostProblem('imaps://imap.example.com', 'imap')).toContain('without');
    expect(hostProblem('imap example.com', 'imap')).toContain('server name');
    expect(hostProblem('a'.repeat(MAILBOX_LIMITS.host + 1), 'imap')).toContain('at most');
    expect(hostProblem('::1', 'imap')).toBeUndefined();
    const draft = filled();
    const errors = connectProblems({
      ...draft,
      imap: { ...draft.imap, port: '70000' },
      smtp: { ...draft.smtp, port: '5x' },
      password: 'x'.repeat(MAILBOX_LIMITS.password + 1),
    });
    expect(errors.imapPort).toBe('A port is a number from 1 to 65535.');
    expect(errors.smtpPort).toBe('A port is a number from 1 to 65535.');
    expect(errors.password).toContain(String(MAILBOX_LIMITS.password));
  });

  it('sends the email as the user name by default, and the password exactly as typed', () => {
    const draft = filled();
    expect(connectProblems(draft)).toEqual({});
    expect(connectInput(draft)).toEqual({
      email: 'Anna@Example.com',
      imap: { host: 'imap.example.com', port: 993, security: 'tls' },
      smtp: { host: 'smtp.example.com', port: 465, security: 'tls' },
      username: 'Anna@Example.com',
      password: ' app pass ',
    });
    expect(connectInput({ ...draft, username: ' anna ' }).username).toBe('anna');
  });

  it('maps the request paths the server names to the form fields', () => {
    expect(connectFieldOf('smtp.host')).toBe('smtpHost');
    expect(connectFieldOf('imap.security')).toBe('imapSecurity');
    expect(connectFieldOf('email')).toBe('email');
    expect(connectFieldOf('workspaceId')).toBeUndefined();
    expect(connectFieldOf(undefined)).toBeUndefined();
  });

  it('suggests the provider-style host names of the address domain', () => {
    expect(hostPlaceholder('imap', 'anna@example.org')).toBe('imap.example.org');
    expect(hostPlaceholder('smtp', 'anna@')).toBe('smtp.example.com');
  });
});

describe('a failed connection test', () => {
  const failure = {
    protocol: 'smtp' as const,
    code: 'auth_failed' as const,
    message: 'The SMTP server refused the password',
  };

  it('is read from the refusal details, and anything else is ignored', () => {
    expect(mailboxFailureOf(refusal('BAD_REQUEST', 'x', { mailboxFailure: failure }))).toEqual(failure);
    expect(
      mailboxFailureOf(refusal('BAD_REQUEST', 'x', { mailboxFailure: { ...failure, code: 'boom' } })),
    ).toBe(undefined);
    expect(
      mailboxFailureOf(refusal('BAD_REQUEST', 'x', { mailboxFailure: { ...failure, protocol: 'pop3' } })),
    ).toBe(undefined);
    expect(mailboxFailureOf(new Error('network'))).toBeUndefined();
  });

  it('lands next to the field it is about', () => {
    const at = (protocol: 'smtp' | 'imap', code: (typeof MAILBOX_FAILURES)[number]) =>
      failureField({ protocol, code });
    expect(at('smtp', 'auth_failed')).toBe('password');
    expect(at('imap', 'auth_failed')).toBe('password');
    expect(at('imap', 'certificate_invalid')).toBe('imapHost');
    expect(at('smtp', 'host_not_found')).toBe('smtpHost');
    expect(at('smtp', 'target_refused')).toBe('smtpHost');
    expect(at('imap', 'port_closed')).toBe('imapPort');
    expect(at('smtp', 'timeout')).toBe('smtpPort');
    expect(at('imap', 'no_tls')).toBe('imapSecurity');
    for (const code of MAILBOX_FAILURES)
      expect(at('smtp', code)).toMatch(/^(password|smtp(Host|Port|Security))$/);
  });

  it('says which side failed and that nothing was saved', () => {
    const problem = mailboxActionError(
      refusal('BAD_REQUEST', 'refused', { mailboxFailure: failure }),
      'connect',
    );
    expect(problem.title).toBe('The SMTP connection test failed');
    expect(problem.message).toBe('The SMTP server refused the password. Nothing was saved.');
    expect(problem.failure).toEqual(failure);
    expect(failureText({ protocol: 'imap', code: 'timeout', message: '' })).toBe(
      'IMAP: The server did not answer in time.',
    );
    expect(
      failureText({ protocol: 'imap', code: 'timeout', message: 'The IMAP server did not answer' }),
    ).toBe('The IMAP server did not answer.');
  });

  it('tells a member why they cannot connect, and asks for the roles again', () => {
    const problem = mailboxActionError(refusal('FORBIDDEN', 'Your role cannot do this'), 'connect');
    expect(problem).toMatchObject({ title: 'Not allowed', staleRole: true });
    expect(problem.message).toContain('Only owners and admins');
  });

  it('points at the field a schema issue names', () => {
    const error = schemaRefusal('replyTo', 'Enter a valid email address');
    expect(mailboxActionError(error, 'identity')).toMatchObject({
      field: 'replyTo',
      message: 'Enter a valid email address.',
    });
  });
});

describe('status and last test', () => {
  it('explains a failing and a disconnected mailbox, not a connected one', () => {
    const lastTest = {
      at: ago(120),
      ok: false,
      failure: { protocol: 'imap' as const, code: 'auth_failed' as const, message: 'Wrong password' },
    };
    expect(statusReason({ status: 'connected', lastTest: null, disconnectedAt: null })).toBeNull();
    expect(statusReason({ status: 'failing', lastTest, disconnectedAt: null })).toContain(
      'IMAP: Wrong password.',
    );
    expect(statusReason({ status: 'disconnected', lastTest, disconnectedAt: ago(5) })).toContain(
      'password was deleted',
    );
    expect(statusReason({ status: 'reconnect_required', lastTest: null, disconnectedAt: null })).toContain(
      'connected again through the provider',
    );
  });

  it('labels every status, reconnect_required as a warning', () => {
    for (const status of MAILBOX_STATUSES) expect(STATUS_STYLE[status].label).not.toBe('');
    expect(STATUS_STYLE.reconnect_required).toEqual({ label: 'Reconnect required', tone: 'amber' });
  });

  it('summarises the last test', () => {
    expect(lastTestSummary(null, NOW)).toEqual({ text: 'Not tested yet', tone: 'none' });
    expect(lastTestSummary({ at: ago(300), ok: true, failure: null }, NOW)).toEqual({
      text: 'Passed 5 minutes ago',
      tone: 'ok',
    });
    expect(lastTestSummary({ at: ago(90_000), ok: false, failure: null }, NOW).text).toBe('Failed yesterday');
  });
});

describe('sender authentication in a line', () => {
  const report = (spf: string, dkim: string, dmarc: string) =>
    ({
      report: {
        ok: spf === 'pass' && dkim === 'pass' && dmarc === 'pass',
        spf: { status: spf },
        dkim: { status: dkim },
        dmarc: { status: dmarc },
      },
    }) as Parameters<typeof senderAuthSummary>[0];

  it('says all pass, what does not, or that it was never checked', () => {
    expect(senderAuthSummary(null)).toEqual({ text: 'Not checked', tone: 'slate' });
    expect(senderAuthSummary(report('pass', 'pass', 'pass')).tone).toBe('emerald');
    expect(senderAuthSummary(report('pass', 'missing', 'pass'))).toEqual({
      text: 'DKIM missing',
      tone: 'amber',
    });
    expect(senderAuthSummary(report('fail', 'missing', 'pass'))).toEqual({
      text: 'SPF fail, DKIM missing',
      tone: 'rose',
    });
  });
});

describe('the record to add', () => {
  it('is cut out of the advice, with its name when the advice gives one', () => {
    expect(
      adviceRecord('Add a TXT record at _dmarc.example.com: v=DMARC1; p=none; rua=mailto:d@example.com'),
    ).toEqual({
      name: '_dmarc.example.com',
      value: 'v=DMARC1; p=none; rua=mailto:d@example.com',
    });
    expect(
      adviceRecord(
        'The SPF record ends in +all, which lets anyone send as example.com. Replace it with: v=spf1 mx ~all',
      ),
    ).toEqual({ value: 'v=spf1 mx ~all' });
    expect(
      adviceRecord('No DKIM key found (selectors tried: google). Turn on DKIM signing.'),
    ).toBeUndefined();
    expect(adviceRecord(null)).toBeUndefined();
  });
});

describe('the sender identity editor', () => {
  const mailbox = {
    label: null,
    identity: { fromName: 'Anna', replyTo: null },
    dailyCap: 50,
    warmup: { enabled: false, startPerDay: 10, incrementPerDay: 5 },
  };

  it('changes nothing until something is edited', () => {
    expect(identityChanges(mailbox, identityDraftOf(mailbox))).toEqual({});
  });

  it('sends only what changed; an emptied field clears it', () => {
    const draft = {
      ...identityDraftOf(mailbox),
      fromName: ' ',
      replyTo: 'Replies@Example.com',
      dailyCap: '80',
    };
    expect(identityChanges(mailbox, draft)).toEqual({
      fromName: null,
      replyTo: 'replies@example.com',
      dailyCap: 80,
    });
    const warm = { ...identityDraftOf(mailbox), warmupEnabled: true, startPerDay: '5' };
    expect(identityChanges(mailbox, warm)).toEqual({
      warmup: { enabled: true, startPerDay: 5, incrementPerDay: 5 },
    });
  });

  it('explains what cannot be saved', () => {
    const draft = {
      ...identityDraftOf(mailbox),
      fromName: 'x'.repeat(MAILBOX_LIMITS.fromName + 1),
      replyTo: 'nobody',
      dailyCap: '0',
      warmupEnabled: true,
      startPerDay: '2.5',
      incrementPerDay: '-1',
    };
    const errors = identityProblems(draft);
    expect(Object.keys(errors).sort()).toEqual([
      'dailyCap',
      'fromName',
      'incrementPerDay',
      'replyTo',
      'startPerDay',
    ]);
    expect(errors.dailyCap).toBe('Enter the daily cap from 1 to 10,000.');
    expect(
      identityProblems({ ...identityDraftOf(mailbox), warmupEnabled: true, startPerDay: '60' }).startPerDay,
    ).toBe('The first day cannot send more than the daily cap.');
  });

  it('describes the ramp', () => {
    const draft = { ...identityDraftOf(mailbox), warmupEnabled: true };
    expect(rampText(draft)).toBe(
      'Day 1 sends up to 10, then 5 more each day: the daily cap of 50 is reached on day 9.',
    );
    expect(rampText({ ...draft, incrementPerDay: '0' })).toBe(
      'Day 1 sends up to 10 every day, below the daily cap of 50.',
    );
    expect(rampText({ ...draft, startPerDay: '70' })).toBe(
      'Day 1 sends up to 50: the daily cap from the start.',
    );
    expect(rampText({ ...draft, dailyCap: 'x' })).toBeUndefined();
  });
});

describe('the pages’ URLs', () => {
  it('builds them and only accepts UUIDs as ids', () => {
    const id = '3f2b8c1e-9a4d-4e5f-8a7b-1c2d3e4f5a6b';
    expect(mailboxesPath('w 1')).toBe('/w/w%201/mailboxes');
    expect(mailboxPath('w1', id)).toBe(`/w/w1/mailboxes/${id}`);
    expect(isMailboxId(id)).toBe(true);
    expect(isMailboxId('../audit')).toBe(false);
    expect(isMailboxId(undefined)).toBe(false);
  });
});

describe('OAuth (Gmail, Outlook)', () => {
  const id = '3f2b8c1e-9a4d-4e5f-8a7b-1c2d3e4f5a6b';
  it('reads the result the provider sent the browser back with', () => {
    expect(oauthReturnNotice('')).toBeNull();
    expect(oauthReturnNotice('?tab=1')).toBeNull();
    expect(oauthReturnNotice(`?oauth=connected&mailbox=${id}`)).toEqual({
      tone: 'success',
      text: 'The account is connected.',
      result: 'connected',
      mailboxId: id,
    });
    expect(oauthReturnNotice(`?oauth=reconnected&mailbox=${id}`)?.text).toBe(
      'The account is connected again.',
    );
    const denied = oauthReturnNotice(`?oauth=access_denied&mailbox=${id}`);
    expect(denied).toMatchObject({ tone: 'error', result: 'access_denied', mailboxId: null });
    expect(denied?.text).toBe('Access was not granted at the provider: nothing was connected.');
    expect(oauthReturnNotice('?oauth=<script>')).toMatchObject({ tone: 'error', result: 'provider_error' });
  });

  it('has a sentence for every result code', () => {
    for (const result of MAILBOX_OAUTH_RESULTS) {
      const notice = oauthReturnNotice(`?oauth=${result}`);
      expect(notice?.result).toBe(result);
      expect(notice?.text).toMatch(/^[A-Z].+[.!?]$/);
      expect(notice?.tone).toBe(result === 'connected' || result === 'reconnected' ? 'success' : 'error');
    }
  });

  it('drops only its own parameters from the URL', () => {
    expect(withoutOAuthParams(`https://app.test/w/w1/mailboxes?oauth=connected&mailbox=${id}`)).toBe(
      '/w/w1/mailboxes',
    );
    expect(withoutOAuthParams('https://app.test/w/w1/mailboxes?oauth=forbidden&x=1#top')).toBe(
      '/w/w1/mailboxes?x=1#top',
    );
  });

  it('tells OAuth mailboxes apart and says what revoking gave', () => {
    expect(oauthProviderOf('imap')).toBeNull();
    expect(oauthProviderOf('gmail')).toBe('gmail');
    expect(revocationText('revoked')).toContain('revoked at the provider');
    expect(revocationText('failed')).toContain('remove the app');
    expect(revocationText('unsupported')).toContain('remove the app');
    expect(revocationText(null)).toBe('The tokens were deleted here.');
  });
});
