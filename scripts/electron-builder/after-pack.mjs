// electron-builder loads hooks as JavaScript: register tsx, then run the TypeScript hook.
import { register } from 'tsx/esm/api';

register();
const { afterPack } = await import('./hooks.ts');
export default afterPack;
