import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance } from 'fastify';
import { esc } from '../hosted-pages/html.js';
import { SETTINGS, type ServiceSettings } from '../shared/ports.js';
import { DEMO_PATH, findDemo } from './demo.js';

/**
 * GET /demo: the demo app of the embedded default (src/oauth/demo.ts). A sign-in link to the
 * demo pool's hosted pages, and, back from them, the signed-in user read from the ID token in the
 * URL fragment (decoded in the browser by a small script; a real app verifies the token against
 * the pool's JWKS). 404 when the demo was not created (DEMO=false, or not the embedded default).
 */
@Injectable()
export class DemoRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queries: QueryBus,
    @Inject(SETTINGS) private readonly settings: ServiceSettings,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get(DEMO_PATH, async (_request, reply) => {
      const demo = await findDemo(this.queries, this.settings.publicBaseUrl);
      if (!demo) return reply.status(404).header('content-type', 'text/plain; charset=utf-8').send('The demo is not set up here (DEMO=false).');
      const nonce = randomBytes(16).toString('base64');
      return reply
        .status(200)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`)
        .send(demoPage(demo.signInUrl, demo.signOutUrl, demo.poolId, nonce));
    });
  }
}

function demoPage(signInUrl: string, signOutUrl: string, poolId: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cairn demo</title>
<style nonce="${nonce}">
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #16191f; }
a.button { display: inline-block; padding: .6rem 1.2rem; background: #0a4fa8; color: #fff; border-radius: .3rem; text-decoration: none; }
pre { background: #f2f3f5; padding: 1rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>Cairn demo</h1>
<p>The demo user pool <code>${esc(poolId)}</code> with its hosted pages. Sign up (the confirmation code goes to the dev outbox,
<code>GET /v1/admin/outbox</code>), then sign in.</p>
<section id="signed-out"><p><a class="button" id="sign-in" href="${esc(signInUrl)}">Sign in</a></p></section>
<section id="signed-in" hidden>
<p role="status">Signed in as <strong id="username"></strong> <span id="email"></span></p>
<p>The ID token's claims (decoded here; an app verifies the token against the pool's JWKS):</p>
<pre id="claims"></pre>
<p><a class="button" id="sign-out" href="${esc(signOutUrl)}">Sign out</a></p>
</section>
</main>
<script nonce="${nonce}">
(function () {
  var params = new URLSearchParams(location.hash.slice(1));
  var token = params.get('id_token');
  if (!token) return;
  var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  var claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), function (c) { return c.charCodeAt(0); })));
  document.getElementById('username').textContent = claims['cognito:username'] || claims.sub;
  document.getElementById('email').textContent = claims.email ? '(' + claims.email + ')' : '';
  document.getElementById('claims').textContent = JSON.stringify(claims, null, 2);
  document.getElementById('signed-out').hidden = true;
  document.getElementById('signed-in').hidden = false;
  history.replaceState(null, '', location.pathname);
})();
</script>
</body>
</html>
`;
}
