// Transactional mail (sign-up, password reset, invitations): where it is sent and from whom.
import { z } from 'zod';
import { urlWithProtocols } from './fields.ts';

export const mailEnv = z.object({
  SMTP_URL: urlWithProtocols(['smtp:', 'smtps:'], 'smtps://user:pass@smtp.example.com:465').optional(),
  MAIL_FROM: z.string().min(3).default('Postern <no-reply@postern.localhost>'),
  MAIL_DIR: z.string().min(1).optional(),
});

export interface MailConfig {
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Without SMTP_URL, mail is written as .eml files here (development); with neither, sending fails. */
  mailDir: string | undefined;
}

export function mailSettings(e: z.output<typeof mailEnv>): MailConfig {
  return { smtpUrl: e.SMTP_URL, mailFrom: e.MAIL_FROM, mailDir: e.MAIL_DIR };
}
