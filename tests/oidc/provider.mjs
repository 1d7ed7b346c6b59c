// A TEST OpenID Connect provider, for the sign-in tests only: NEVER use it in production.
//
// It runs panva's certified `oidc-provider` (version pinned in package.json) on 127.0.0.1 with
// a plain-http issuer, in-memory storage and a signing key generated at each start. ANY e-mail
// address signs in, with ANY password: the login form takes the e-mail, the account's claims are
// `sub` (derived from the lowercased e-mail, so stable across sign-ins and restarts), `email`
// (the address as typed, trimmed and lowercased) and `email_verified: true`, as ProConnect gives
// them. Authorization code flow only, PKCE (S256) required, confidential clients
// (client_secret_basic unless a client says otherwise), scopes `openid email`, ID tokens signed
// RS256 and carrying the e-mail claims, RP-initiated logout (end_session_endpoint).
//
// Usage: node tests/oidc/provider.mjs CONFIG.json, where CONFIG.json is
//   {"port": 0,                       // 0: any free port (the READY line tells which)
//    "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": ["http://..."],
//                 "post_logout_redirect_uris": ["http://..."]}],   // any other client metadata too
//    "ttl": {"IdToken": 3600, ...},   // optional, oidc-provider's `ttl` setting
//    "consent": false,                // optional: true shows a consent page instead of granting
//    "exit_with_stdin": false}        // optional: true also exits when its standard input closes
// It prints `READY http://127.0.0.1:PORT` on stdout once listening, logs each request on stderr,
// and exits on SIGTERM or SIGINT.
//
// Pages (for the tests' helpers, tests/oidc_provider.py):
//   login   form#op-login: input[name=login] (e-mail), input[name=password], button#op-sign-in
//   consent form#op-consent: button#op-allow
//   logout  form#op\.logoutForm, submitted by button#op-sign-out (name=logout value=yes)
//   errors  #op-error (with the error code and its description)

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);

function stop(reason) {
  log(`stopping (${reason})`);
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
if (config.exit_with_stdin) {
  // The tests' helper holds the other end of this pipe: if it dies, the provider stops too.
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();
}

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${escape(title)}</h1>
<p>Test OpenID Connect provider: any e-mail address and any password sign in.</p>
${body}
</main></body>
</html>`;
}

// Accounts: the sub is a hash of the lowercased e-mail; the e-mail of each sub is remembered.
const emails = new Map();
function accountIdFor(email) {
  return createHash('sha256').update(`contacts-test-oidc:${email}`).digest('hex').slice(0, 32);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };

const server = createServer();
server.listen(config.port ?? 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const showConsent = Boolean(config.consent);

  const provider = new Provider(issuer, {
    clients: (config.clients ?? []).map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    jwks: { keys: [signingKey] },
    cookies: {
      // Cookies ignore ports: renamed so that they cannot meet the app's (same host, 127.0.0.1).
      names: { session: 'op_test_session', interaction: 'op_test_interaction', resume: 'op_test_interaction_resume' },
      keys: [randomBytes(32).toString('hex')],
      // Plain http: a SameSite=None cookie (oidc-provider 8's default for its session) needs
      // Secure, so browsers would drop it; Lax is enough for top-level sign-in redirects.
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    scopes: ['openid', 'email'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // The ID token carries the e-mail claims too (not only the userinfo endpoint).
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    ttl: { ...(config.ttl ?? {}) },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.body = page('Sign out', `${form}
<button id="op-sign-out" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button id="op-stay" type="submit" form="op.logoutForm">No, stay signed in</button>`);
        },
        postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<p id="op-signed-out">You are signed out.</p>');
        },
      },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const email = emails.get(sub);
      if (!email) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email, email_verified: true };
        },
      };
    },
    // No consent page for the registered clients (unless "consent": true): the scopes asked
    // (among openid and email) are granted at once, as a first-party provider does.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing || showConsent) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', `<p id="op-error"><code>${escape(out.error)}</code>: ${escape(out.error_description)}</p>`);
    },
  });

  for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error', 'userinfo.error']) {
    provider.on(event, (ctx, error) => log(`${event}: ${error.name}: ${error.message}${error.error_description ? ` (${error.error_description})` : ''}`));
  }

  // The interactions: a login form (any e-mail, any password), and a consent form if asked for.
  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|consent|abort))?$/);
    if (!match) return next();
    const [, uid, action] = match;
    ctx.set('Cache-Control', 'no-store');
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (error) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Error', `<p id="op-error"><code>invalid_request</code>: ${escape(error.message)} (interaction expired, or its cookie is missing)</p>`);
      return undefined;
    }
    if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
    const { prompt, params, session } = details;

    const loginForm = (error) => page('Sign in', `${error ? `<p id="op-login-error">${escape(error)}</p>` : ''}
<form id="op-login" method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label>E-mail <input type="email" name="login" required autofocus value="${escape(params.login_hint ?? '')}"></label>
  <label>Password <input type="password" name="password"></label>
  <button id="op-sign-in" type="submit">Sign in</button>
</form>
<p><a id="op-cancel" href="/interaction/${escape(uid)}/abort">Cancel</a></p>`);

    const consentForm = () => page('Authorize', `<p>${escape(params.client_id)} asks for: ${escape(params.scope)}</p>
<form id="op-consent" method="post" action="/interaction/${escape(uid)}/consent">
  <button id="op-allow" type="submit">Continue</button>
</form>
<p><a id="op-cancel" href="/interaction/${escape(uid)}/abort">Cancel</a></p>`);

    if (ctx.method === 'GET' && !action) {
      ctx.type = 'html';
      ctx.body = prompt.name === 'login' ? loginForm() : consentForm();
      return undefined;
    }
    if (ctx.method === 'GET' && action === 'abort') {
      ctx.respond = false;
      return provider.interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    }
    if (ctx.method === 'POST' && action === 'login' && prompt.name === 'login') {
      const form = await readForm(ctx.req);
      const email = (form.get('login') ?? '').trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = loginForm('Enter an e-mail address.');
        return undefined;
      }
      const accountId = accountIdFor(email);
      emails.set(accountId, email);
      log(`login ${email} as ${accountId}`);
      ctx.respond = false;
      return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId } }, { mergeWithLastSubmission: false });
    }
    if (ctx.method === 'POST' && action === 'consent' && prompt.name === 'consent') {
      await readForm(ctx.req);
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      const grantId = await grant.save();
      ctx.respond = false;
      return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    ctx.throw(400, `unexpected ${ctx.method} ${action ?? ''} for the prompt ${prompt.name}`);
    return undefined;
  });

  const handle = provider.callback();
  server.on('request', (req, res) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      log(`${req.method} ${req.url} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    handle(req, res);
  });

  process.stdout.write(`READY ${issuer}\n`);
});

server.on('error', (error) => {
  log(`cannot listen: ${error.message}`);
  process.exit(1);
});
