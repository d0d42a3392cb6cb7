// Words of the deletion pages (pure, tested): the erasure date and the lists of workspaces.

/** "6 January 2027" (the erasure is a day, not an instant). */
export function erasureDay(iso: string | null | undefined): string {
  if (!iso) return 'in 30 days';
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** “A”, “B” and “C”. */
export function workspaceList(workspaces: { name: string }[]): string {
  const names = workspaces.map((w) => `“${w.name}”`);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
