import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

/** How a page's filters live in its query string. */
export interface FilterCodec<F> {
  fromSearch: (params: URLSearchParams) => F;
  toSearch: (filters: F) => URLSearchParams;
}

/** Two filter sets are the same view when they write the same query string. */
export function sameFilters<F>(codec: FilterCodec<F>, a: F, b: F): boolean {
  return codec.toSearch(a).toString() === codec.toSearch(b).toString();
}

/**
 * A list's filters, kept in the URL (a filtered view can be shared and survives a reload). The state
 * copy answers at once (the router updates the URL in a transition, which would make a controlled
 * checkbox flicker back) and follows the URL when it changes (back button).
 */
export function useUrlFilters<F>(codec: FilterCodec<F>): [F, (next: F) => void] {
  const [params, setParams] = useSearchParams();
  const [filters, setFilterState] = useState(() => codec.fromSearch(params));
  useEffect(() => {
    const fromUrl = codec.fromSearch(params);
    setFilterState((current) => (sameFilters(codec, current, fromUrl) ? current : fromUrl));
  }, [params, codec]);
  const setFilters = (next: F) => {
    setFilterState(next);
    setParams(codec.toSearch(next), { replace: true });
  };
  return [filters, setFilters];
}
