import { createDeskApi, type DeskApi } from './client';

let instance: DeskApi | null = null;

/** The app's one API client, created on first use. */
export function deskApi(): DeskApi {
  instance ??= createDeskApi();
  return instance;
}
