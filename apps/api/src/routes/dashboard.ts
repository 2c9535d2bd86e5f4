/**
 * `GET /dashboard` and its static files, served from memory (embedded at build time), so
 * the page loads nothing from outside this app on Node and on Workers alike. The page is
 * public; the numbers it shows come from /stats, which the token guards.
 */
import { Hono } from 'hono';
import { DASHBOARD_ASSETS } from '../dashboard/assets.generated.js';
import { dashboardHtml } from '../dashboard/page.js';

const SECURITY_HEADERS = {
  // Only this origin: no CDN, no inline script, no framing.
  'content-security-policy': "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The dashboard routes. */
export function dashboardRoutes(): Hono {
  const html = dashboardHtml();
  return new Hono()
    .get('/', (c) => c.html(html, 200, { ...SECURITY_HEADERS, 'cache-control': 'no-cache' }))
    .get('/:asset', (c) => {
      const asset = DASHBOARD_ASSETS[c.req.param('asset')];
      if (asset === undefined) return c.json({ error: { code: 'not_found', message: 'no such dashboard file' } }, 404);
      return c.body(asset.text, 200, {
        'content-type': asset.type,
        'cache-control': 'public, max-age=300',
        ...SECURITY_HEADERS,
      });
    });
}
