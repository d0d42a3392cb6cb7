// Client-side routes (react-router library mode). Only pages that work are routed and linked.
import { createBrowserRouter, Navigate } from 'react-router';
import { AppShell } from '../components/app-shell.tsx';
import { NotFoundPage } from './not-found.tsx';
import { RouteErrorPage } from './route-error.tsx';
import { StatusPage } from './status.tsx';

export const router = createBrowserRouter([
  {
    element: <AppShell />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <Navigate to="/status" replace /> },
      { path: 'status', element: <StatusPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
