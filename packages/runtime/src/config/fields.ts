// Value formats shared by several areas' settings.
import { z } from 'zod';

export const urlWithProtocols = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );

export const port = z.coerce.number().int().min(0).max(65535);

export const positiveSeconds = z.coerce.number().positive();

export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
