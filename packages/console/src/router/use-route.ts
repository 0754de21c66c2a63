import { useCallback, useSyncExternalStore } from 'react';
import { parseRoute, routeHash, type Route } from './routes.js';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function snapshot(): string {
  return window.location.hash;
}

/** The current route, following `hashchange`, and a function to go elsewhere. */
export function useRoute(): [Route, (to: Route) => void] {
  const hash = useSyncExternalStore(subscribe, snapshot);
  const navigate = useCallback((to: Route) => {
    window.location.hash = routeHash(to);
  }, []);
  return [parseRoute(hash), navigate];
}
