// Runs before the first paint (a blocking script in index.html, allowed by the CSP as same-origin):
// applies the saved theme (localStorage "postern.theme": light or dark) or the system's, so a dark
// page never flashes white. lib/theme.ts keeps it up to date afterwards.
(() => {
  let saved = null;
  try {
    saved = localStorage.getItem('postern.theme');
  } catch {}
  const dark = saved === 'dark' || (saved !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
})();
