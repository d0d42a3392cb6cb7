import { useEffect } from 'react';

/** Sets the tab title for the current page ("Status · Postern"). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Postern` : 'Postern';
  }, [title]);
}

/** A page's title from its parts, the absent ones left out: "ada@example.com · Contacts · Acme". */
export function pageTitle(...parts: ReadonlyArray<string | undefined>): string {
  return parts.filter(Boolean).join(' · ');
}
