import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { LoginPage } from './pages/LoginPage';
import { Shell } from './pages/Shell';
import { getAccessToken, refreshSession, safeRedirect } from './session';
import { listSearch, tasksSearch } from './list-search';
import { ADMIN_TABS, type AdminTab } from './admin-tabs';

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({ component: Outlet });

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (s: Record<string, unknown>): { redirect?: string } =>
    typeof s.redirect === 'string' ? { redirect: safeRedirect(s.redirect) } : {},
  component: LoginPage,
});

/**
 * Every page but the login needs a session: the token in memory, or one the refresh cookie renews.
 * Its id prefixes its pages' route ids, which the pages name in `getRouteApi('/app/tasks')` (a
 * page imports no route from here, so this file alone knows the pages).
 */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ location }) => {
    if (getAccessToken() || (await refreshSession())) return;
    const back = location.href;
    throw redirect({ to: '/login', search: back === '/' ? {} : { redirect: back } });
  },
  component: Shell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/tasks' });
  },
});

export const tasksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tasks',
  validateSearch: tasksSearch,
  component: lazyRouteComponent(() => import('./pages/TasksPage'), 'TasksPage'),
});

export const eservicesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/eservices',
  validateSearch: listSearch,
  component: lazyRouteComponent(() => import('./pages/EServicesPage'), 'EServicesPage'),
});

export const newFormRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/eservices/new/$formType',
  component: lazyRouteComponent(() => import('./pages/NewFormPage'), 'NewFormPage'),
});

export const formRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/eservices/$id',
  validateSearch: (s: Record<string, unknown>): { edit?: boolean } =>
    s.edit === true || s.edit === 'true' ? { edit: true } : {},
  component: lazyRouteComponent(() => import('./pages/FormPage'), 'FormPage'),
});

export const queueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/queue',
  validateSearch: listSearch,
  component: lazyRouteComponent(() => import('./pages/QueuePage'), 'QueuePage'),
});

export const registryRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/registry',
  component: lazyRouteComponent(() => import('./pages/RegistryPage'), 'RegistryPage'),
});

export const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin',
  validateSearch: (s: Record<string, unknown>): { tab?: AdminTab } =>
    typeof s.tab === 'string' && (ADMIN_TABS as readonly string[]).includes(s.tab) ? { tab: s.tab as AdminTab } : {},
  component: lazyRouteComponent(() => import('./pages/AdminPage'), 'AdminPage'),
});

export const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  component: lazyRouteComponent(() => import('./pages/SettingsPage'), 'SettingsPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    indexRoute,
    tasksRoute,
    eservicesRoute,
    newFormRoute,
    formRoute,
    queueRoute,
    registryRoute,
    adminRoute,
    settingsRoute,
  ]),
]);

export const router = createRouter({ routeTree, context: { queryClient: undefined! }, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
