import type { Office } from '../../../shared/contract/central-api';
import type { Composer } from './composer';
import { fill, type Wording } from './wording';

/**
 * The informativa on personal data (art. 13 GDPR) for the applicant (#17, item 5): the
 * modulo di adesione makes them declare they read it. Filled from the session (the school,
 * as the controller) and the settings (how long the desk keeps the data).
 */
/** What the informativa takes from the settings: the desk's retention, and the contacts the office administrator gave. */
export interface InformativaSettings {
  number(key: 'retentionDays'): number;
  text(key: 'privacyContacts'): string;
}

export async function layoutInformativa(
  c: Composer,
  words: Wording['informativaPrivacy'],
  office: Office,
  settings: InformativaSettings,
): Promise<void> {
  await c.masthead([`${office.name} (${office.comune}) · ${office.code}`], words.title);
  c.paragraph(words.subtitle, { size: 10.5, color: 'muted' });
  const given = settings.text('privacyContacts').replace(/[.\s]+$/, '');
  const contacts = given ? fill(words.contactsGiven, { contacts: given }) : words.contactsElsewhere;
  const values = { school: office.name, comune: office.comune, code: office.code, days: settings.number('retentionDays'), contacts };
  for (const section of words.sections) {
    c.sectionTitle(section.heading);
    c.paragraph(fill(section.text, values), { size: 10.5 });
  }
}
