/* global Element, MutationObserver, window, document -- a browser page's script */
// In every page of a test (Playwright's init script, before the page's own scripts): after
// every change to the page, whether an element is one that a Bootstrap Italia rule trimmed
// from the build would style (`window.__sportelloTrimmed`: each dropped selector without its
// pseudo-classes, and its classes). Only the selectors whose classes have all appeared in the
// page are tried, so a change costs a few lookups. Matches go to the test (tests/e2e/fixtures.ts).
(() => {
  // Selectors waiting for one of their classes to appear, and those whose classes all have.
  let waiting = [...(window.__sportelloTrimmed ?? [])];
  const ready = [];
  const seen = new Set();
  let fresh = false;
  const collectOne = (element) => {
    for (const name of element.classList) {
      if (!seen.has(name)) {
        seen.add(name);
        fresh = true;
      }
    }
  };
  const collect = (root) => {
    if (!(root instanceof Element)) return;
    collectOne(root);
    for (const element of root.querySelectorAll('[class]')) collectOne(element);
  };
  const check = () => {
    if (fresh) {
      fresh = false;
      const still = [];
      for (const entry of waiting) (entry.classes.every((name) => seen.has(name)) ? ready : still).push(entry);
      waiting = still;
    }
    const matched = [];
    for (let i = ready.length - 1; i >= 0; i--) {
      let found;
      try {
        found = document.querySelector(ready[i].structural) !== null;
      } catch {
        ready.splice(i, 1); // not a selector once its pseudo-classes are gone
        continue;
      }
      if (found) matched.push(...ready.splice(i, 1).map((entry) => entry.selector));
    }
    if (matched.length > 0) void window.__sportelloTrimmedMatched?.(matched);
  };
  window.__sportelloCheckTrimmed = () => {
    collect(document.documentElement);
    check();
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && record.target instanceof Element) collectOne(record.target);
      for (const node of record.addedNodes) collect(node);
    }
    check();
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();
