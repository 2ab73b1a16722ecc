/** A list URL with its query: empty values are left out so URLs stay short. */
export function listHref(basePath: string, params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  const query = qs.toString();
  return query ? `${basePath}?${query}` : basePath;
}
