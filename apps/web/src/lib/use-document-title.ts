import { useEffect } from 'react';

/** Sets the tab title for the current page ("Status · Postern"). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Postern` : 'Postern';
  }, [title]);
}
