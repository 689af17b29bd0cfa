import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiClient, ApiError, type Envelope } from './api-client';
import { DashboardContext, useQuery, type Dashboard } from './dashboard-context';
import { hrefOf, parseRoute, type Route } from './hash-route';
import { LiveConnection, type ConnectionState } from './live-connection';
import { Overview } from './views/overview';
import { PipelineDetail } from './views/pipeline-detail';
import { PipelinesView } from './views/pipelines-view';
import { SessionView } from './views/session-view';
import { SignIn } from './views/sign-in';

/** The key lives in this tab only (sessionStorage), never in the URL or local storage. */
const KEY_STORAGE = 'agentpulse.apiKey';
/** The cheapest read that proves a key has the `read` scope, and names its project. */
const KEY_CHECK_URL = '/v1/sessions?limit=1';

export function App() {
  const [apiKey, setApiKey] = useState(() => sessionStorage.getItem(KEY_STORAGE) ?? undefined);
  const [reason, setReason] = useState<string>();
  const signOut = useCallback((why?: string) => {
    sessionStorage.removeItem(KEY_STORAGE);
    setApiKey(undefined);
    setReason(why);
  }, []);
  const signIn = async (candidate: string): Promise<string | undefined> => {
    try {
      await new ApiClient(candidate).get(KEY_CHECK_URL);
    } catch (error) {
      return error instanceof ApiError ? error.message : String(error);
    }
    sessionStorage.setItem(KEY_STORAGE, candidate);
    setReason(undefined);
    setApiKey(candidate);
    return undefined;
  };
  if (!apiKey) return <SignIn onSubmit={signIn} reason={reason} />;
  return <SignedIn key={apiKey} apiKey={apiKey} signOut={signOut} />;
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  refused: 'refused',
};

function SignedIn({ apiKey, signOut }: { apiKey: string; signOut(reason?: string): void }) {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [dashboard] = useState<Dashboard>(() => ({
    api: new ApiClient(apiKey),
    live: new LiveConnection(location.origin, apiKey, {
      onState: setConnection,
      onRefused: signOut,
    }),
    signOut,
  }));
  useEffect(() => () => dashboard.live.close(), [dashboard]);
  const route = useRoute();
  return (
    <DashboardContext.Provider value={dashboard}>
      <header class="top">
        <a class="brand" href={hrefOf({ view: 'overview' })}>
          AgentPulse
        </a>
        <nav>
          <a
            href={hrefOf({ view: 'overview' })}
            class={route.view === 'overview' || route.view === 'session' ? 'active' : ''}
            data-testid="nav-overview"
          >
            Sessions
          </a>
          <a
            href={hrefOf({ view: 'pipelines' })}
            class={route.view === 'pipelines' || route.view === 'pipeline' ? 'active' : ''}
            data-testid="nav-pipelines"
          >
            Pipelines
          </a>
        </nav>
        <span class="spacer" />
        <ProjectName />
        <span
          class={`connection connection-${connection}`}
          data-testid="connection-status"
          data-state={connection}
        >
          {CONNECTION_LABELS[connection]}
        </span>
        <button type="button" class="link" onClick={() => signOut()} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <main class="content">
        <RouteView route={route} />
      </main>
    </DashboardContext.Provider>
  );
}

/** Also re-checks a key kept from earlier in this tab: a revoked one signs the page out. */
function ProjectName() {
  const { data } = useQuery<Envelope>(KEY_CHECK_URL);
  return data ? (
    <span class="project" data-testid="project">
      project <strong>{data.meta.project}</strong>
    </span>
  ) : null;
}

function RouteView({ route }: { route: Route }) {
  switch (route.view) {
    case 'overview':
      return <Overview />;
    case 'session':
      return <SessionView key={route.id} id={route.id} />;
    case 'pipelines':
      return <PipelinesView />;
    case 'pipeline':
      return <PipelineDetail key={route.id} id={route.id} />;
  }
}
