import { createRouter, createWebHashHistory } from 'vue-router';
import { useSessionStore } from './stores/session';
import DeskView from './views/DeskView.vue';
import SignInView from './views/SignInView.vue';

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/accesso', name: 'sign-in', component: SignInView, meta: { public: true } },
    { path: '/', name: 'desk', component: DeskView },
    { path: '/richiesta/:id', name: 'request', component: () => import('./views/RequestView.vue') },
    { path: '/richiesta/:id/identificazione', name: 'wizard', component: () => import('./views/WizardView.vue') },
    { path: '/problemi', name: 'problems', component: () => import('./views/ProblemsView.vue') },
    { path: '/archivio', name: 'archive', component: () => import('./views/ArchiveView.vue') },
    { path: '/statistiche', name: 'statistics', component: () => import('./views/StatisticsView.vue') },
    { path: '/esercitazioni', name: 'training', component: () => import('./views/TrainingView.vue') },
    { path: '/impostazioni', name: 'settings', component: () => import('./views/SettingsView.vue') },
    { path: '/impostazioni/operatori', name: 'operators', component: () => import('./views/OperatorsView.vue') },
    { path: '/informazioni', name: 'about', component: () => import('./views/HomeView.vue'), meta: { public: true } },
    { path: '/guida', name: 'guide', component: () => import('./views/GuideView.vue'), meta: { public: true } },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

// Every screen but sign-in needs a signed-in operator.
router.beforeEach(async (to) => {
  const session = useSessionStore();
  if (!session.loaded) await session.load();
  if (!to.meta.public && !session.session) return { name: 'sign-in', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.name === 'sign-in' && session.session) return { name: 'desk' };
  return true;
});
