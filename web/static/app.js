// Jisr — application script (served with `defer`, never inline: the CSP is script-src 'self').
// Pages are server-rendered and work without JavaScript; htmx (loaded before this file) adds
// partial updates where a page asks for them. Plain ES2017, no build step.

// CSRF for htmx requests. Ordinary forms carry the session's CSRF token in a hidden `_csrf`
// field; a request that htmx makes on its own (hx-post, hx-delete... on a button or a link)
// has no such field, so the server accepts the token in an `X-CSRF-Token` header instead.
// The layout publishes the token in <meta name="csrf-token"> (empty when nobody is signed
// in); it is read at each request, never copied into a global, so a page rendered after a
// new sign-in always sends the current token. htmx only sends requests to our own origin
// (selfRequestsOnly), so the token never leaves the site. This has to live in this file:
// the CSP forbids inline scripts and hx-on attributes.
document.addEventListener('htmx:configRequest', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.getAttribute('content') : '';
  if (token) event.detail.headers['X-CSRF-Token'] = token;
});
