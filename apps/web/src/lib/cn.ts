import { twMerge } from 'tailwind-merge';

/**
 * Joins class names, skipping falsy ones; where two Tailwind classes set the same thing (`px-2` in a
 * component, `px-1.5` from its caller), the later one wins instead of both landing in the CSS order.
 */
export function cn(...classes: Array<string | false | null | undefined>): string {
  return twMerge(classes);
}
