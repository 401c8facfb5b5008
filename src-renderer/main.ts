// First, before the router and the rest: the API client starts (the launch code leaves the address bar) as the page starts.
import './api/connect';
import 'bootstrap-italia/dist/css/bootstrap-italia.min.css';
import './styles/fonts.css';
import './styles/app.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { sayPlugin } from './i18n/say';
import { router } from './router';
import { useAppStore } from './stores/app';
import { useSessionStore } from './stores/session';
import { useSyncStore } from './stores/sync';

const pinia = createPinia();
const app = createApp(App).use(pinia).use(router).use(i18n).use(sayPlugin);
// The first screen in one render (#20): the app mounts once it knows about itself and the
// first navigation (which asks for the session) has settled, not empty first and again as
// each answer arrives. The three first calls are asked now, while the page's first token
// is exchanged: their answers come with it (browser host), one round trip in all.
// What main tells meanwhile is heard from the start (an update ready, the lock, the sync
// state): the stores listen before they ask, for the page's life.
const appStore = useAppStore(pinia);
const syncStore = useSyncStore(pinia);
appStore.listen();
syncStore.listen();
useSessionStore(pinia).listen(() => void router.push({ name: 'sign-in' }));
const appInfo = appStore.load();
void syncStore.load();
void Promise.allSettled([appInfo, router.isReady()]).then(() => app.mount('#app'));
