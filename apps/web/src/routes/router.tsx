// Client-side routes (react-router library mode). Only pages that work are routed and linked.
// /status is public (it shows what /healthz shows); account and workspace pages need a session.
// `/` opens the last workspace used (or /status for visitors); workspace pages live under
// /w/:workspaceId. The account, workspace and auth pages load on demand (they bring the contracts'
// validators, i.e. zod, and charts), so /status stays light.
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from '../components/app-shell.tsx';
import { AuthLayout } from '../features/auth/auth-layout.tsx';
import { GuestOnly, PageLoading, RequireAuth } from '../features/auth/guards.tsx';
import { HomeRedirect } from '../features/workspaces/home-redirect.tsx';
import { WorkspaceIndex, WorkspaceLayout } from '../features/workspaces/workspace-layout.tsx';
import { NotFoundPage } from './not-found.tsx';
import { RouteErrorPage } from './route-error.tsx';
import { StatusPage } from './status.tsx';

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
                lazy: async () => ({
                  Component: (await import('../features/auth/sign-in-page.tsx')).SignInPage,
                }),
              },
              {
                path: 'sign-up',
                lazy: async () => ({
                  Component: (await import('../features/auth/sign-up-page.tsx')).SignUpPage,
                }),
              },
            ],
          },
          {
            path: 'forgot-password',
            lazy: async () => ({
              Component: (await import('../features/auth/forgot-password-page.tsx')).ForgotPasswordPage,
            }),
          },
          {
            path: 'reset-password',
            lazy: async () => ({
              Component: (await import('../features/auth/reset-password-page.tsx')).ResetPasswordPage,
            }),
          },
          {
            path: 'verify-email',
            lazy: async () => ({
              Component: (await import('../features/auth/verify-email-page.tsx')).VerifyEmailPage,
            }),
          },
          {
            // Public: the invitation is previewed before signing in (or up) to accept it.
            path: 'invitations/accept',
            lazy: async () => ({
              Component: (await import('../features/invitations/accept-invitation-page.tsx'))
                .AcceptInvitationPage,
            }),
          },
        ],
      },
      {
        element: <AppShell />,
        children: [
          { index: true, element: <HomeRedirect /> },
          { path: 'status', element: <StatusPage /> },
          {
            element: <RequireAuth />,
            children: [
              { path: 'settings', element: <Navigate to="/settings/security" replace /> },
              {
                path: 'settings/security',
                lazy: async () => ({
                  Component: (await import('../features/security/security-page.tsx')).SecurityPage,
                }),
              },
              { path: 'w', element: <Navigate to="/" replace /> },
              {
                path: 'w/:workspaceId',
                element: <WorkspaceLayout />,
                children: [
                  { index: true, element: <WorkspaceIndex /> },
                  {
                    path: 'check',
                    lazy: async () => ({
                      Component: (await import('../features/check/check-page.tsx')).CheckPage,
                    }),
                  },
                  {
                    path: 'jobs',
                    lazy: async () => ({
                      Component: (await import('../features/bulk/jobs-page.tsx')).JobsPage,
                    }),
                  },
                  {
                    path: 'jobs/new',
                    lazy: async () => ({
                      Component: (await import('../features/bulk/upload-page.tsx')).UploadPage,
                    }),
                  },
                  {
                    path: 'jobs/:jobId',
                    lazy: async () => ({
                      Component: (await import('../features/bulk/job-page.tsx')).JobPage,
                    }),
                  },
                  {
                    path: 'members',
                    lazy: async () => ({
                      Component: (await import('../features/members/members-page.tsx')).MembersPage,
                    }),
                  },
                  {
                    path: 'audit',
                    lazy: async () => ({
                      Component: (await import('../features/audit/audit-page.tsx')).AuditPage,
                    }),
                  },
                  {
                    path: 'api-keys',
                    lazy: async () => ({
                      Component: (await import('../features/api-keys/api-keys-page.tsx')).ApiKeysPage,
                    }),
                  },
                  {
                    path: 'webhooks',
                    lazy: async () => ({
                      Component: (await import('../features/webhooks/webhooks-page.tsx')).WebhooksPage,
                    }),
                  },
                  {
                    path: 'webhooks/:endpointId',
                    lazy: async () => ({
                      Component: (await import('../features/webhooks/endpoint-page.tsx')).EndpointPage,
                    }),
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
