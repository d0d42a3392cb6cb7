// Client-side routes (react-router library mode). Only pages that work are routed and linked.
// /status is public (it shows what /healthz shows); account pages need a session. The account and
// auth pages load on demand (they bring the contracts' validators, i.e. zod), so /status stays light.
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from '../components/app-shell.tsx';
import { AuthLayout } from '../features/auth/auth-layout.tsx';
import { GuestOnly, PageLoading, RequireAuth } from '../features/auth/guards.tsx';
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
        ],
      },
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to="/status" replace /> },
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
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
