/** The URL a handle names, written with or without its scheme (`threads.net/@acme`, `https://…`), or undefined when it is none. */
export function handleUrl(handle: string): URL | undefined {
  const trimmed = handle.trim();
  const candidate = /^https?:\/\//iu.test(trimmed) ? trimmed : `https://${trimmed}`;
  return URL.canParse(candidate) ? new URL(candidate) : undefined;
}
