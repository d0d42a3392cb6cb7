// Client-side routes (react-router library mode). Only pages that work are routed and linked.
// /status is public (it shows what /healthz shows); account pages need a session.
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from '../components/app-shell.tsx';
import { AuthLayout } from '../features/auth/auth-layout.tsx';
import { ForgotPasswordPage } from '../features/auth/forgot-password-page.tsx';
import { GuestOnly, RequireAuth } from '../features/auth/guards.tsx';
import { ResetPasswordPage } from '../features/auth/reset-password-page.tsx';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { SignUpPage } from '../features/auth/sign-up-page.tsx';
import { VerifyEmailPage } from '../features/auth/verify-email-page.tsx';
import { SecurityPage } from '../features/security/security-page.tsx';
import { NotFoundPage } from './not-found.tsx';
import { RouteErrorPage } from './route-error.tsx';
import { StatusPage } from './status.tsx';

export const router = createBrowserRouter([
  {
    errorElement: <RouteErrorPage />,
    children: [
      {
        element: <AuthLayout />,
        children: [
          {
            element: <GuestOnly />,
            children: [
              { path: 'sign-in', element: <SignInPage /> },
              { path: 'sign-up', element: <SignUpPage /> },
            ],
          },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
          { path: 'verify-email', element: <VerifyEmailPage /> },
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
              { path: 'settings/security', element: <SecurityPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
