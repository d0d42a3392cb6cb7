export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <rect width="32" height="32" rx="7" className="fill-indigo-600" />
      <path
        d="M7 11.5 16 17l9-5.5V22a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 7 22Z"
        fill="#fff"
        opacity=".85"
      />
      <path d="M8.5 8.5h15A1.5 1.5 0 0 1 25 10v.3L16 16l-9-5.7V10a1.5 1.5 0 0 1 1.5-1.5Z" fill="#fff" />
    </svg>
  );
}
