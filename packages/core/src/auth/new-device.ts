// "Sign-in from a new device" security notice. A device is known when an earlier session of the
// account had the same device type, browser and OS (as devices.ts reads them from the user agent); the
// account's very first session (right after sign-up) is no news and mails nothing.
import { Session, type User } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { newDeviceSignInNotice } from '../system-mail/messages.ts';

/** Mails the account's owner when `session` (just opened and flushed) is from a device never seen before. */
export async function noticeNewDevice(ctx: CoreContext, user: User, session: Session): Promise<void> {
  const earlier = { userId: user.id, id: { $ne: session.id } };
  if ((await ctx.em.count(Session, earlier)) === 0) return;
  const device = { deviceType: session.deviceType, browser: session.browser, os: session.os };
  if ((await ctx.em.count(Session, { ...earlier, ...device })) > 0) return;
  await ctx.sendMail(
    newDeviceSignInNotice({
      to: user.email,
      when: ctx.clock.now(),
      device: `${session.browser} on ${session.os} (${session.deviceType})`,
      location: session.location,
      ip: session.ip,
    }),
  );
}
