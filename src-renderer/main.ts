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

createApp(App).use(createPinia()).use(router).use(i18n).use(sayPlugin).mount('#app');
