import { router } from '../../trpc.ts';
import { requestPasswordReset, resendVerification, resetPassword, verifyEmail } from './email.ts';
import { me } from './me.ts';
import { refresh } from './refresh.ts';
import { signIn } from './sign-in.ts';
import { signOut } from './sign-out.ts';
import { signUp } from './sign-up.ts';
import { verifyTwoFactor } from './verify-two-factor.ts';

export const authRouter = router({
  signUp,
  signIn,
  verifyTwoFactor,
  refresh,
  signOut,
  me,
  verifyEmail,
  resendVerification,
  requestPasswordReset,
  resetPassword,
});
