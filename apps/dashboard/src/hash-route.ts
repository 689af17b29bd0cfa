/** The page's views, addressed by the URL hash so that reloads and links keep the view. */
export type Route =
  | { view: 'overview' }
  | { view: 'session'; id: string }
  | { view: 'pipelines' }
  | { view: 'pipeline'; id: string };

export function parseRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  const id = second ? safeDecode(second) : undefined;
  if (first === 'sessions' && id) return { view: 'session', id };
  if (first === 'pipelines') return id ? { view: 'pipeline', id } : { view: 'pipelines' };
  return { view: 'overview' };
}

export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'overview':
      return '#/';
    case 'session':
      return `#/sessions/${encodeURIComponent(route.id)}`;
    case 'pipelines':
      return '#/pipelines';
    case 'pipeline':
      return `#/pipelines/${encodeURIComponent(route.id)}`;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
