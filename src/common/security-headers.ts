/**
 * The content security policies the service's pages get (SPEC §11, §12), set by helmet in
 * `src/app.ts`. Directives are in helmet's form (camelCase names, quoted keywords).
 */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * The web console's pages (served at `/`, outside /api and /metrics), and every answer that
 * is not one of the tools below: scripts only from the service itself, none inline, so an
 * injected `<script>` or `onclick` never runs.
 */
export const CONSOLE_CSP: CspDirectives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // No inline event handlers either (onclick="…").
  scriptSrcAttr: ["'none'"],
  // The console's component library injects <style> elements at run time (CSS-in-JS): they
  // cannot carry a hash known in advance. Inline styles cannot run code, so this costs far
  // less than 'unsafe-inline' for scripts would.
  styleSrc: ["'self'", "'unsafe-inline'"],
  // The authenticator enrolment's QR code is drawn as a data: URL.
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  // The API is on the same origin: the console talks to nobody else.
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

/**
 * The OpenAPI page (/api/docs, Swagger UI) and the queue dashboard (/api/admin/queues,
 * bull-board): third-party pages that run inline scripts of their own. They keep the policy
 * they had before the console, on their own paths only.
 */
export const TOOLS_CSP: CspDirectives = {
  ...CONSOLE_CSP,
  scriptSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'https:', 'data:'],
};

/** The paths whose pages get TOOLS_CSP. */
export const TOOL_PATHS = ['/api/docs', '/api/admin/queues'] as const;

/** The policy of a request's path. */
export function cspDirectivesFor(url: string): CspDirectives {
  const path = url.split('?')[0];
  return TOOL_PATHS.some((p) => path === p || path.startsWith(`${p}/`)) ? TOOLS_CSP : CONSOLE_CSP;
}

/** The header's text: `script-src 'self'; …`. */
export function cspHeader(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join('; ');
}
