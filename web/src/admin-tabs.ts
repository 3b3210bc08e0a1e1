/** The tabs of the administration page, each in the URL (`/admin?tab=closed-days`). */
export const ADMIN_TABS = ['deliveries', 'closed-days', 'exports', 'audit', 'users'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];
