import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from './api-client';
import type { KpiMessage, LiveConnection, Subscription } from './live-connection';
import { throttle } from './throttle';

/** What every view of a signed-in page shares. */
export interface Dashboard {
  api: ApiClient;
  live: LiveConnection;
  /** back to the sign-in form, with the reason shown there */
  signOut(reason?: string): void;
}

export const DashboardContext = createContext<Dashboard | null>(null);

export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard outside a signed-in page');
  return dashboard;
}

/** Live pushes refetch the data behind them at most this often. */
export const REFETCH_INTERVAL_MS = 2_000;

export interface QueryState<T> {
  data?: T;
  /** the last request's failure; cleared by the next answer */
  error?: ApiError;
  loading: boolean;
}

/**
 * GETs `url` (null: nothing to load) again whenever it or `version` changes; the previous
 * answer stays shown while the next one loads, and an answer that arrives after a newer request
 * started is dropped. A refused key signs the page out.
 */
export function useQuery<T>(url: string | null, version = 0): QueryState<T> {
  const { api, signOut } = useDashboard();
  const [state, setState] = useState<QueryState<T>>({ loading: url !== null });
  const latest = useRef(0);
  useEffect(() => {
    if (url === null) return;
    const request = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    api.get<T>(url).then(
      (data) => {
        if (request === latest.current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (request !== latest.current) return;
        const failure = error instanceof ApiError ? error : new ApiError(0, String(error));
        if (failure.isAuthFailure) return signOut(failure.message);
        setState((previous) => ({ ...previous, error: failure, loading: false }));
      },
    );
  }, [api, url, version, signOut]);
  useEffect(
    () => () => {
      latest.current += 1;
    },
    [],
  );
  return url === null ? { loading: false } : state;
}

/** The latest `kpi` summary of a subscription (undefined until its snapshot arrives). */
export function useKpi(subscription: Subscription | null): KpiMessage | undefined {
  const { live } = useDashboard();
  const [message, setMessage] = useState<KpiMessage>();
  const scope = subscription?.scope;
  const id = subscription?.id;
  useEffect(() => {
    if (!scope) return setMessage(undefined);
    const stop = live.subscribe({ scope, id }, setMessage);
    setMessage(live.latest({ scope, id }));
    return stop;
  }, [live, scope, id]);
  return message;
}

/**
 * A number that goes up, at most once per REFETCH_INTERVAL_MS, whenever one of the signals
 * that `listen` registers fires; pass it to useQuery as `version` to refetch on live pushes.
 * `listen` returns the function that stops listening.
 */
export function useRefetchVersion(listen: (signal: () => void) => () => void, key: string): number {
  const [version, setVersion] = useState(0);
  const listenRef = useRef(listen);
  listenRef.current = listen;
  useEffect(() => {
    const refetch = throttle(() => setVersion((v) => v + 1), REFETCH_INTERVAL_MS);
    const stop = listenRef.current(() => refetch.trigger());
    return () => {
      stop();
      refetch.cancel();
    };
  }, [key]);
  return version;
}
