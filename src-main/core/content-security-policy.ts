/**
 * The renderer's Content Security Policy, the same in both hosts: only our own bundled
 * scripts, styles and fonts; no inline scripts, no eval, no plugins, no framing.
 * `data:` images and fonts: Bootstrap Italia's stylesheet embeds small SVG icons and a
 * font as data URIs.
 */
export const rendererContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The same policy as a `<meta>` in the built index.html (defence in depth, and visible to
 * static checks such as electronegativity); `frame-ancestors` only works as a header.
 */
export const rendererMetaContentSecurityPolicy = rendererContentSecurityPolicy
  .split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
