import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { ChakraApiError } from '@chakra-server/sdk';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { App } from './App.tsx';
import { consolePath } from './paths.ts';
import { SESSION_KEY } from './session.ts';
import { cssVariables, theme } from './theme.ts';

const queryClient: QueryClient = new QueryClient({
  // A 401 anywhere means the session ended (signed out elsewhere, expired): back to sign-in.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (error instanceof ChakraApiError && error.status === 401 && query.queryKey[0] !== SESSION_KEY[0]) {
        queryClient.setQueryData(SESSION_KEY, null);
      }
    },
  }),
  defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <QueryClientProvider client={queryClient}>
        <Router base={consolePath}>
          <App />
        </Router>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
