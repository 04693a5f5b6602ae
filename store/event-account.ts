import type { AccountKind } from './schema.js';

/** The account an outbox event is about, as events carry it (no owner name or e-mail: SIEMs get ids). */
export interface EventAccount {
  id: string;
  platform: string;
  handle: string;
  kind: AccountKind;
  ownerEmployeeId: string | null;
  ownerDepartment: string | null;
}
