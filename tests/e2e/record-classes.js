/* global Element, MutationObserver, window, document -- a browser page's script */
// In every page of a test (Playwright's init script, before the page's own scripts): each class
// any element carries, at any moment, reported to the test once as it first appears
// (tests/e2e/fixtures.ts checks them against the build's stylesheets).
(() => {
  const seen = new Set();
  const collect = (root, fresh) => {
    if (!(root instanceof Element)) return;
    for (const element of [root, ...root.querySelectorAll('[class]')]) {
      for (const name of element.classList) {
        if (!seen.has(name)) {
          seen.add(name);
          fresh.push(name);
        }
      }
    }
  };
  new MutationObserver((records) => {
    const fresh = [];
    for (const record of records) {
      if (record.type === 'attributes') collect(record.target, fresh);
      for (const node of record.addedNodes) collect(node, fresh);
    }
    if (fresh.length > 0) void window.__sportelloClasses?.(fresh);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
})();
