/** An absolute http(s) URL for `href` read on `base`, or undefined for data:, javascript: and unparseable ones. */
export function absoluteHttpUrl(href: string | undefined, base: string): string | undefined {
  const trimmed = href?.trim();
  if (trimmed === undefined || trimmed === '') return undefined;
  try {
    const url = new URL(trimmed, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
