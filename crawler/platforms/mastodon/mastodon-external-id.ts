/**
 * Status ids on Mastodon-compatible servers are each server's own (a snowflake on Mastodon, a
 * flake id on Pleroma and Akkoma, a ULID on GoToSocial): the same number names different statuses
 * on two servers, and the store keeps one post per id across every account of a platform. So a
 * collected status's id is the host of the server it was read from and the server's id, `host/id`
 * (`mastodon.social/113542671201448290`), from which a rescan reads back the `since_id` to send.
 * The host alone, not a path: one server answers its API and its feed under one host (and
 * Mastodon does not run under a path).
 *
 * Not the status `uri`: the RSS fallback has only the status URL, a remote account's statuses carry
 * their home server's uri whose id is not the one `since_id` on this server needs, and a Pleroma
 * uri (`/objects/<uuid>`) holds no id at all.
 */

// What a server's status id looks like: Mastodon's digits, Pleroma's base62, GoToSocial's ULID.
const STATUS_ID = /^[A-Za-z0-9]{1,64}$/u;

/** The host (and port) of the server at `baseUrl`: the namespace of its status ids. */
const serverKey = (baseUrl: string): string => new URL(baseUrl).host;

/** The externalId of status `statusId` read from the server at `baseUrl`: `host/statusId`. */
export function mastodonExternalId(baseUrl: string, statusId: string): string {
  return `${serverKey(baseUrl)}/${statusId}`;
}

/**
 * The server's own status id in `externalId` when it was read from the server at `baseUrl`
 * (`mastodon.social/113542671201448290` → `113542671201448290`); undefined for an id of another
 * server or of another shape, for which a rescan sends no `since_id` and reads newest first.
 */
export function mastodonStatusIdOf(externalId: string, baseUrl: string): string | undefined {
  // URL hosts are lower case already; a stored id is compared as written.
  const prefix = `${serverKey(baseUrl)}/`;
  if (!externalId.startsWith(prefix)) return undefined;
  const statusId = externalId.slice(prefix.length);
  return STATUS_ID.test(statusId) ? statusId : undefined;
}
