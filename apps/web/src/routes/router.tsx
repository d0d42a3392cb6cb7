// Client-side routes (react-router library mode). Only pages that work are routed and linked.
// /status is public (it shows what /healthz shows); account and workspace pages need a session.
// `/` opens the last workspace used (or sign-in for visitors); workspace pages live under
// /w/:workspaceId, one route per page of the sections registry (features/workspaces/sections.ts).
// The account, workspace and auth pages load on demand (they bring the contracts'
// validators, i.e. zod, and charts), so /status stays light.
import type { ComponentType } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from '../components/app-shell.tsx';
import { AuthLayout } from '../features/auth/auth-layout.tsx';
import { GuestOnly, PageLoading, RequireAuth } from '../features/auth/guards.tsx';
import { DeletionPendingGate } from '../features/privacy/deletion-pending.tsx';
import { HomeRedirect } from '../features/workspaces/home-redirect.tsx';
import { SECTIONS } from '../features/workspaces/sections.ts';
import { WorkspaceIndex, WorkspaceLayout } from '../features/workspaces/workspace-layout.tsx';
import { NotFoundPage } from './not-found.tsx';
import { RouteErrorPage } from './route-error.tsx';
import { StatusPage } from './status.tsx';

/** A route whose page loads on demand. */
function page(load: () => Promise<ComponentType>) {
  return { lazy: async () => ({ Component: await load() }) };
}

export const router = createBrowserRouter([
  {
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      {
        element: <AuthLayout />,
        children: [
          {
            element: <GuestOnly />,
            children: [
              {
                path: 'sign-in',
                ...page(async () => (await import('../features/auth/sign-in-page.tsx')).SignInPage),
              },
              {
                path: 'sign-up',
                ...page(async () => (await import('../features/auth/sign-up-page.tsx')).SignUpPage),
              },
            ],
          },
          {
            path: 'forgot-password',
            ...page(
              async () => (await import('../features/auth/forgot-password-page.tsx')).ForgotPasswordPage,
            ),
          },
          {
            path: 'reset-password',
            ...page(async () => (await import('../features/auth/reset-password-page.tsx')).ResetPasswordPage),
          },
          {
            path: 'verify-email',
            ...page(async () => (await import('../features/auth/verify-email-page.tsx')).VerifyEmailPage),
          },
          {
            // Public: the invitation is previewed before signing in (or up) to accept it.
            path: 'invitations/accept',
            ...page(
              async () =>
                (await import('../features/invitations/accept-invitation-page.tsx')).AcceptInvitationPage,
            ),
          },
        ],
      },
      {
        element: <AppShell />,
        children: [
          { path: 'status', element: <StatusPage /> },
          {
            // Development only (the API serves /api/dev/mail only outside production).
            path: 'dev/mail',
            ...page(async () => (await import('../features/dev-mail/dev-mail-page.tsx')).DevMailPage),
          },
          {
            // An account whose deletion is pending sees only the cancel page (#28).
            element: <DeletionPendingGate />,
            children: [
              { index: true, element: <HomeRedirect /> },
              {
                element: <RequireAuth />,
                children: [
                  { path: 'settings', element: <Navigate to="/settings/security" replace /> },
                  {
                    path: 'settings/security',
                    ...page(
                      async () => (await import('../features/security/security-page.tsx')).SecurityPage,
                    ),
                  },
                  {
                    path: 'settings/privacy',
                    ...page(async () => (await import('../features/privacy/privacy-page.tsx')).PrivacyPage),
                  },
                  { path: 'w', element: <Navigate to="/" replace /> },
                  {
                    path: 'w/:workspaceId',
                    element: <WorkspaceLayout />,
                    children: [
                      { index: true, element: <WorkspaceIndex /> },
                      ...SECTIONS.flatMap((section) =>
                        section.routes.map(({ path, load }) => ({ path, ...page(load) })),
                      ),
                    ],
                  },
                ],
              },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
