// Jisr — application script (served with `defer`, never inline: the CSP is script-src 'self').
// Pages are server-rendered and work without JavaScript; htmx (loaded before this file) adds
// partial updates where a page asks for them. Nothing else is needed yet.
