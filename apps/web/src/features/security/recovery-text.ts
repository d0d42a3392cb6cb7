// The recovery-codes file a user downloads (pure, so its content is tested).

/** "XXXX-XXXX-XXXX-XXXX" for display, whatever grouping the server used. */
export function formatRecoveryCode(code: string): string {
  const bare = code.replace(/[\s-]/g, '').toUpperCase();
  return bare.match(/.{1,4}/g)?.join('-') ?? bare;
}

export function recoveryCodesText(
  codes: readonly string[],
  email: string | undefined,
  generatedAt: Date,
): string {
  return [
    'Postern recovery codes',
    ...(email ? [`Account: ${email}`] : []),
    `Generated: ${generatedAt.toISOString()}`,
    '',
    'Each code signs you in once if you cannot use your authenticator app.',
    'Keep them somewhere safe. Generating new codes makes these ones stop working.',
    '',
    ...codes.map((code, index) => `${String(index + 1).padStart(2, ' ')}. ${formatRecoveryCode(code)}`),
    '',
  ].join('\n');
}

/** The secret for typing into an authenticator app by hand, in groups of four. */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}
