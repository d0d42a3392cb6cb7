import { router } from '../../trpc.ts';
import { changePassword } from './password.ts';
import { security } from './security.ts';
import { exportSecurityLog, securityLog } from './security-log.ts';
import { listSessions, revokeOtherSessions, revokeSession } from './sessions.ts';
import {
  activateTwoFactor,
  disableTwoFactor,
  enrolTwoFactor,
  regenerateRecoveryCodes,
} from './two-factor.ts';

export const accountRouter = router({
  security,
  securityLog,
  exportSecurityLog,
  changePassword,
  enrolTwoFactor,
  activateTwoFactor,
  disableTwoFactor,
  regenerateRecoveryCodes,
  listSessions,
  revokeSession,
  revokeOtherSessions,
});
