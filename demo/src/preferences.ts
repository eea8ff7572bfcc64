import { useCallback, useState } from 'react';

/**
 * A page setting kept in the URL (`?theme=dark&widget=popup`), so a reload or
 * a shared link keeps it and tests can open the page in a given state.
 */
export function useUrlSetting<T extends string>(name: string, values: readonly T[], fallback: T): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(() => {
    const given = new URLSearchParams(window.location.search).get(name);
    return values.find((v) => v === given) ?? fallback;
  });
  const set = useCallback(
    (next: T) => {
      setValue(next);
      const url = new URL(window.location.href);
      if (next === fallback) url.searchParams.delete(name);
      else url.searchParams.set(name, next);
      window.history.replaceState(window.history.state, '', url);
    },
    [name, fallback],
  );
  return [value, set];
}
