/**
 * After an action that takes away what had the focus (a banner that goes, a form that
 * closes), the focus goes to the page's next thing to do: the element marked
 * `data-page-start` (the desk's fiscal-code field), else the page's heading. Never the body.
 */
export function focusPageStart(): void {
  const main = document.getElementById('main');
  const target = main?.querySelector<HTMLElement>('[data-page-start]') ?? main?.querySelector<HTMLElement>('h1');
  if (!target) return;
  if (target.tagName === 'H1' && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}
