import { describe, expect, it } from 'vitest';
import { PROOF_CODE_PROBLEM, proofCode } from './proof-code.ts';

describe('the second factor of a proof', () => {
  it('takes a 6-digit code from the app, and nothing else in that mode', () => {
    expect(proofCode('totp', '123456')).toEqual({ code: '123456' });
    expect(proofCode('totp', '12345')).toEqual({ problem: PROOF_CODE_PROBLEM.totp });
    expect(proofCode('totp', 'ABCD-EFGH-IJKL-MNOP')).toEqual({ problem: PROOF_CODE_PROBLEM.totp });
  });

  it('takes a recovery code, normalised, and refuses a TOTP code or junk in that mode', () => {
    expect(proofCode('recovery', ' abcd-efgh ijkl-mnop ')).toEqual({ code: 'ABCDEFGHIJKLMNOP' });
    expect(proofCode('recovery', '123456')).toEqual({ problem: PROOF_CODE_PROBLEM.recovery });
    expect(proofCode('recovery', 'ABCD-EFGH-IJKL-MNO!')).toEqual({ problem: PROOF_CODE_PROBLEM.recovery });
  });
});
