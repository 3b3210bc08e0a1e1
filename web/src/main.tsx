import '@mantine/core/styles.css';
import 'mantine-datatable/styles.css';
import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { configureApiClient } from './api-client';
import { LanguageProvider } from './i18n/i18n';
import { router } from './router';
import { loginPathFor, whenSessionExpires } from './session';

configureApiClient();
const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: true, staleTime: 5_000 } },
});
// An expired session returns to the login, and from there to the page it was on.
whenSessionExpires(() => {
  queryClient.clear();
  void router.navigate({ href: loginPathFor(router.state.location.href) });
});

const theme = createTheme({
  // A dark teal whose every shade used for filled buttons, their hover and links keeps white
  // or white-background text at WCAG AA contrast (4.5:1).
  colors: {
    hkex: [
      '#e6f7f4',
      '#c3ebe3',
      '#9cdccf',
      '#6fcab8',
      '#45b8a1',
      '#2aa88f',
      '#1a8f78',
      '#0b6e60',
      '#095c50',
      '#074a40',
    ],
  },
  primaryColor: 'hkex',
  primaryShade: 8,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans CJK TC", "Noto Sans TC", sans-serif',
  defaultRadius: 'sm',
});

/**
 * Mantine's dimmed grey and its error red are too light for small text on white (WCAG AA,
 * 4.5:1): darker shades of each.
 */
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <QueryClientProvider client={queryClient}>
        <LanguageProvider>
          <RouterProvider router={router} context={{ queryClient }} />
        </LanguageProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
