import en from './en';
import { englishMessages } from './messages-en';

/**
 * English, the second locale, loaded when the page turns English (#20): its two
 * catalogues (the screens' words and the core's) are a third of the first screen's
 * script, and an Italian desk never reads them.
 */
export { en, englishMessages };
