// First: configures zod before any schema exists (see zod-setup.ts).
import './lib/zod-setup.ts';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { startTheme } from './lib/theme.ts';
import { createQueryClient, createTrpcClient, ME_QUERY_KEY, TRPCProvider } from './lib/trpc.ts';
import { router } from './routes/router.tsx';
import './index.css';

function createClients() {
  const queryClient = createQueryClient();
  const trpcClient = createTrpcClient({
    // The session ended elsewhere (revoked, expired): forget the user; guarded pages then go to sign-in.
    onSessionLost: () => void queryClient.resetQueries({ queryKey: ME_QUERY_KEY }),
  });
  return { queryClient, trpcClient };
}

function App() {
  const [{ queryClient, trpcClient }] = useState(createClients);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <RouterProvider router={router} />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

// The theme is already on <html> (public/theme-boot.js, before the first paint): follow changes.
startTheme();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
