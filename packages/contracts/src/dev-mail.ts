// The development mail viewer (GET /api/dev/mail): Postern's own emails captured as .eml files in
// MAIL_DIR when no SMTP_URL is set. Never served when NODE_ENV=production.
import { z } from 'zod';

export const ZCapturedMail = z.object({
  /** The .eml file's name (sorts by time). */
  id: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  date: z.string().nullable(),
  text: z.string(),
  /** The HTML part with scripts, event handlers, frames and javascript: links removed; null without one. */
  html: z.string().nullable(),
  /** Every http(s) link of the message, decoded (quoted-printable undone), in order. */
  links: z.array(z.string()),
});
export type CapturedMail = z.infer<typeof ZCapturedMail>;
export const ZCapturedMailList = z.object({ dir: z.string(), messages: z.array(ZCapturedMail) });
export type CapturedMailList = z.infer<typeof ZCapturedMailList>;
