/**
 * GitLab writes times in several shapes depending on the hook and the GitLab version:
 * `2016-08-12 15:23:28 UTC` (pipeline hooks), `2021-02-23T02:41:37.886Z` (job hooks),
 * `2011-12-12T14:27:31+02:00` (commits), `2021-04-28 21:50:00 +0200` (deployments).
 * `Date.parse` accepts some of these only through V8's lenient legacy parser, so they are
 * rewritten to strict ISO-8601 first; anything else is refused rather than guessed.
 */
const GITLAB_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/;

/** Epoch milliseconds of a GitLab time, or undefined when the text is not one. */
export function parseGitlabTime(text: string): number | undefined {
  const match = GITLAB_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, day, clock, zone] = match;
  const offset =
    zone === undefined || zone === 'UTC' || zone === 'Z'
      ? 'Z'
      : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${day}T${clock}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}
