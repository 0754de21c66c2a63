import { useCallback, useSyncExternalStore } from 'react';
import { parseRoute, routeHash, type Route } from './routes.js';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function snapshot(): string {
  return window.location.hash;
}

/**
 * The current route, following `hashchange`, and a function to go elsewhere.
 * `replace` swaps the current history entry instead of adding one, so a route
 * holding a secret (an invitation link) does not stay in the tab's history.
 */
export function useRoute(): [Route, (to: Route, options?: { replace?: boolean }) => void] {
  const hash = useSyncExternalStore(subscribe, snapshot);
  const navigate = useCallback((to: Route, options?: { replace?: boolean }) => {
    if (options?.replace) window.location.replace(routeHash(to));
    else window.location.hash = routeHash(to);
  }, []);
  return [parseRoute(hash), navigate];
}
