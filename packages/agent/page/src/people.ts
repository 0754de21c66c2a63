/**
 * How the page names the people of a session: the technician by the display
 * name the relay vouches for (the user name when there is none), with the
 * language's courtesy (`who.honorific`: "Tanaka Ichiro" in English, "Tanaka
 * Ichiro さん" in Japanese), and their team and user name as a second line.
 */
import type { Translator } from './i18n/i18n.js';
import type { Technician } from './wire.js';

/** The technician as every sentence of the page names them; `who.someone` before the relay has said who. */
export function technicianName(tr: Pick<Translator, 't'>, tech: Technician | undefined): string {
  const name = tech === undefined ? '' : tech.displayName.trim() || tech.username;
  return name === '' ? tr.t('who.someone') : tr.t('who.honorific', { name });
}

/** The technician's own name, as the relay gives it (no courtesy): for the big name on the page. */
export function technicianOwnName(tech: Technician): string {
  return tech.displayName.trim() || tech.username;
}

/** "Team Helpdesk · user name tanaka": the team, when there is one, and the user name. */
export function technicianDetails(tr: Pick<Translator, 't'>, tech: Technician): string {
  const parts: string[] = [];
  if (tech.team.trim() !== '') parts.push(tr.t('who.team', { team: tech.team }));
  parts.push(tr.t('who.user', { user: tech.username }));
  return parts.join(' · ');
}
