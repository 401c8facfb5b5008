// electron-builder loads hooks as JavaScript: register tsx, then run the TypeScript hook.
import { register } from 'tsx/esm/api';

register();
const { afterSign } = await import('./hooks.ts');
export default afterSign;
