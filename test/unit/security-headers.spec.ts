import { CONSOLE_CSP, cspDirectivesFor, cspHeader, TOOLS_CSP } from '../../src/common/security-headers';

describe("the console's content security policy (SPEC §11, §12)", () => {
  it('runs scripts from the service itself only: no inline script, no eval, no other site', () => {
    expect(CONSOLE_CSP.scriptSrc).toEqual(["'self'"]);
    expect(CONSOLE_CSP.scriptSrcAttr).toEqual(["'none'"]);
    expect(CONSOLE_CSP.defaultSrc).toEqual(["'self'"]);
  });

  it('allows what the console needs and nothing more', () => {
    expect(cspHeader(CONSOLE_CSP)).toBe(
      "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; " +
        "form-action 'self'; object-src 'none'",
    );
  });

  it.each([
    ['/', CONSOLE_CSP],
    ['/tasks', CONSOLE_CSP],
    ['/eservices/123?tab=history', CONSOLE_CSP],
    ['/api/v1/me', CONSOLE_CSP],
    ['/api/docs-json', CONSOLE_CSP],
    ['/api/docsx', CONSOLE_CSP],
    ['/api/docs', TOOLS_CSP],
    ['/api/docs/swagger-ui-init.js', TOOLS_CSP],
    ['/api/admin/queues', TOOLS_CSP],
    ['/api/admin/queues/api/queues?x=1', TOOLS_CSP],
  ])('%s gets its policy', (url, policy) => {
    expect(cspDirectivesFor(url)).toBe(policy);
  });
});
