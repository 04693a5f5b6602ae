import { InputValidationError, NotFoundError } from '../../../core/errors.js';
import { PersonDataRepository, personIdentifierSha256, type PersonIdentifier, type PersonRequestActor } from '../../../store/repositories/person-data-repository.js';
import { auditActor, type Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import {
  eraseBody,
  eraseQuery,
  erasureReply,
  exportBody,
  identifierQuery,
  personExportReply,
  personIdentifierOf,
  toErasureReply,
  toPersonExportReply,
} from '../schemas/people-schemas.js';

/**
 * Data-subject requests about the owner of registered accounts, named by employee id or e-mail:
 * an export of everything stored about them, and an erasure of it. Both are audited with a hash
 * of the identifier and counts, never the data.
 */
export function peopleRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/people/export',
      operationId: 'exportPerson',
      summary: "Everything stored about a person: their accounts, posts, findings with unmasked evidence, comments and audit entries",
      tag: 'people',
      permission: 'people:export',
      query: identifierQuery,
      body: exportBody,
      response: personExportReply,
      // The reply holds the person's data unmasked: never kept for replays.
      storesReplies: false,
      async handle({ query, body, actor, services, ip }) {
        const identifier = personIdentifierOf(body, query);
        const exported = await new PersonDataRepository(services.db).export(identifier, requestActor(actor, ip));
        if (!exported) throw new PersonNotFoundError(identifier);
        return toPersonExportReply(exported, identifierReply(identifier), services.now());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/people/erase',
      operationId: 'erasePerson',
      summary: 'Erase a person: their accounts, posts, images, findings, comments and outbox events; the SIEM gets a finding.purged event per finding',
      tag: 'people',
      permission: 'people:erase',
      query: eraseQuery,
      body: eraseBody,
      response: erasureReply,
      async handle({ query, body, actor, services, ip }) {
        const identifier = personIdentifierOf(body, query);
        if (body?.confirm !== true && query.confirm !== 'true') {
          throw new InputValidationError('the request', [
            { path: 'body.confirm', message: 'erasure cannot be undone: send confirm: true to go ahead' },
          ]);
        }
        const counts = await new PersonDataRepository(services.db).erase(identifier, requestActor(actor, ip), services.now());
        if (!counts) throw new PersonNotFoundError(identifier);
        return toErasureReply(counts, identifierReply(identifier));
      },
    }),
  ];
}

/** No registered account belongs to the person; the message does not repeat the identifier. */
class PersonNotFoundError extends NotFoundError {
  constructor(identifier: PersonIdentifier) {
    super('person', personIdentifierSha256(identifier));
    const what = identifier.kind === 'employee_id' ? 'employee id' : 'e-mail';
    this.message =
      `No registered account has this ${what} as its owner's: nothing is stored about them under it. ` +
      `Check the ${what}, or try the person's other identifier.`;
  }
}

function identifierReply(identifier: PersonIdentifier): { kind: PersonIdentifier['kind']; sha256: string } {
  return { kind: identifier.kind, sha256: personIdentifierSha256(identifier) };
}

function requestActor(actor: Actor, ip: string | undefined): PersonRequestActor {
  return { ...auditActor(actor), ...(ip === undefined ? {} : { ip }) };
}
