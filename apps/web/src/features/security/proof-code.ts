// The second factor a proof carries (pure, tested): a 6-digit code from the authenticator app or, where
// the server accepts one (deletions, #28), a recovery code. Checked here so a typo is named before sending.
import { ZRecoveryCode, ZTotpCode } from '@postern/contracts';

export type ProofCodeMode = 'totp' | 'recovery';

export const PROOF_CODE_PROBLEM: Record<ProofCodeMode, string> = {
  totp: 'Enter the 6-digit code from your app.',
  recovery: 'Enter one of your recovery codes, e.g. ABCD-EFGH-IJKL-MNOP.',
};

/** The code to send (recovery codes normalised: no dashes or spaces, upper case), or what is wrong. */
export function proofCode(mode: ProofCodeMode, input: string): { code: string } | { problem: string } {
  const parsed = (mode === 'totp' ? ZTotpCode : ZRecoveryCode).safeParse(input);
  return parsed.success ? { code: parsed.data } : { problem: PROOF_CODE_PROBLEM[mode] };
}
