import { describe, expect, it } from 'vitest';
import { suppressionActionError } from '../features/compliance/suppression-errors.ts';
import { listActionError } from '../features/lists/list-errors.ts';
import { actionProblem, serverExplanation } from './action-problem.ts';

const refused = (code: string, message: string) => ({ name: 'TRPCClientError', message, data: { code } });
const WORDS = { failed: 'Could not save the list', forbidden: 'Only admins.', gone: 'It may be gone.' };

describe('the refusals every feature words alike', () => {
  it('asks for a re-read of the role when the member may not act', () => {
    expect(actionProblem(refused('FORBIDDEN', 'Not allowed'), WORDS)).toEqual({
      title: 'Not allowed',
      message: 'Not allowed. Only admins.',
      staleRole: true,
    });
  });

  it('says the object may be gone, and titles anything else with the feature’s words', () => {
    expect(actionProblem(refused('NOT_FOUND', 'No such list'), WORDS)).toMatchObject({
      title: 'Could not save the list',
      message: 'No such list. It may be gone.',
      staleRole: false,
    });
    expect(actionProblem(refused('CONFLICT', 'Taken'), { ...WORDS, message: 'Own words.' })).toEqual({
      title: 'Could not save the list',
      message: 'Own words.',
      staleRole: false,
    });
  });

  it('keeps a domain rule’s own message as the explanation', () => {
    expect(serverExplanation(refused('CONFLICT', 'Only the person can lift this'))).toBe(
      'Only the person can lift this.',
    );
    expect(serverExplanation(refused('VALIDATION_FAILED', ''))).not.toBe('.');
  });

  it('serves the lists and the suppression list', () => {
    expect(listActionError(refused('FORBIDDEN', 'Not allowed'), 'create').message).toMatch(
      /Only owners and admins manage lists\.$/,
    );
    expect(suppressionActionError(refused('CONFLICT', 'Bounced entries stay'), 'remove')).toEqual({
      title: 'This suppression cannot be lifted here',
      message: 'Bounced entries stay.',
      staleRole: false,
    });
    expect(suppressionActionError(refused('NOT_FOUND', 'Gone'), 'remove').title).toBe(
      'Could not remove the suppression',
    );
  });
});
