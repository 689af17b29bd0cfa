import { hrefOf, parseRoute, type Route } from './hash-route';

describe('hash routes', () => {
  it('parses every view and falls back to the overview', () => {
    expect(parseRoute('')).toEqual({ view: 'overview' });
    expect(parseRoute('#/unknown')).toEqual({ view: 'overview' });
    expect(parseRoute('#/sessions/')).toEqual({ view: 'overview' });
    expect(parseRoute('#/pipelines')).toEqual({ view: 'pipelines' });
    expect(parseRoute('#/pipelines/p%201')).toEqual({ view: 'pipeline', id: 'p 1' });
  });

  it('round-trips ids with reserved characters', () => {
    const routes: Route[] = [
      { view: 'overview' },
      { view: 'session', id: 'ses/with#odd?chars%' },
      { view: 'pipelines' },
      { view: 'pipeline', id: '42' },
    ];
    for (const route of routes) expect(parseRoute(hrefOf(route))).toEqual(route);
  });
});
