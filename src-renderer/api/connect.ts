import { deskApi } from '.';

/*
 * Imported first by main.ts: the API client is made as the page starts, so the browser
 * host's one-time launch code is exchanged for a token while the rest of the app is still
 * loading and evaluating, not after it has mounted.
 */
deskApi();
