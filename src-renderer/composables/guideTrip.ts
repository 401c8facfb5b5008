import { nextTick, ref } from 'vue';
import type { RouteLocationNormalized, Router } from 'vue-router';
import { focusPageStart } from './pageFocus';

/**
 * The screens whose form a trip to the guide (F1, the footer's link) must not empty: the
 * screen stays alive, hidden, while the guide is open, and the way back finds it as it was
 * left, the focus where it was. (The wizard keeps its identification in its store.)
 */
const keptViews: Partial<Record<string, string>> = {
  'sign-in': 'SignInView',
  desk: 'DeskView',
  archive: 'ArchiveView',
  problems: 'ProblemsView',
  settings: 'SettingsView',
  operators: 'OperatorsView',
};

/**
 * For `<KeepAlive :include="include" :key="generation">` around the router's view. A screen
 * is kept only for the guide's trip: any other move (and the way from the guide to another
 * screen) starts a new generation, which lets every kept screen go, so a screen shown
 * again is fresh, as without the guide.
 */
export function useGuideTrip(router: Router) {
  const include = Object.values(keptViews) as string[];
  const generation = ref(0);
  /** The screen left for the guide (route name) and what had the focus there. */
  let left: { name: string; focus: HTMLElement | null } | null = null;
  const routeName = (route: RouteLocationNormalized) => (typeof route.name === 'string' ? route.name : '');

  const stopBefore = router.beforeEach((to, from) => {
    if (to.name !== 'guide' || from.name === 'guide') return;
    const name = routeName(from);
    left = keptViews[name] ? { name, focus: document.activeElement instanceof HTMLElement ? document.activeElement : null } : null;
  });
  const stopAfter = router.afterEach((to, from, failure) => {
    if (failure || to.name === 'guide') return;
    // Back (the guide's button, the browser's): the history's next entry is the guide. A link
    // or the menu to the same screen is another way, and finds it fresh.
    const wayBack = router.options.history.state.forward === from.fullPath;
    if (from.name === 'guide' && left && routeName(to) === left.name && wayBack) {
      // Back on the screen kept: the focus where it was, once it is on the page again.
      const focus = left.focus;
      void nextTick(() => {
        if (focus?.isConnected) focus.focus();
        else focusPageStart();
      });
    } else if (to.name !== from.name || from.name === 'guide') {
      // Rendered with the new route in one go: the screen shown now is a fresh one.
      generation.value++;
    }
    left = null;
  });
  return { include, generation, stop: () => (stopBefore(), stopAfter()) };
}
