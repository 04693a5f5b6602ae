import { isAfmValid } from './is-afm-valid.js';
import { isAmkaValid } from './is-amka-valid.js';
import { isIbanValid } from './is-iban-valid.js';
import { isInnValid } from './is-inn-valid.js';
import { isJwtValid } from './is-jwt-valid.js';
import { isLuhnValid } from './is-luhn-valid.js';
import { isNipValid } from './is-nip-valid.js';
import { isPeselValid } from './is-pesel-valid.js';
import { isPhoneValid } from './is-phone-valid.js';
import { isRnokppValid } from './is-rnokpp-valid.js';
import { isSnilsValid } from './is-snils-valid.js';

/** The names a rule's `validate` field may take, one per `is-<name>-valid.ts` file in this folder. */
export const VALIDATOR_NAMES = ['luhn', 'iban', 'pesel', 'nip', 'rnokpp', 'inn', 'snils', 'afm', 'amka', 'jwt', 'phone'] as const;

/** A registered validator's name. */
export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

/** Each validator by name: a pure check of a raw matched string that returns true only for a valid value. */
export const VALIDATORS: Readonly<Record<ValidatorName, (candidate: string) => boolean>> = Object.freeze({
  luhn: isLuhnValid,
  iban: isIbanValid,
  pesel: isPeselValid,
  nip: isNipValid,
  rnokpp: isRnokppValid,
  inn: isInnValid,
  snils: isSnilsValid,
  afm: isAfmValid,
  amka: isAmkaValid,
  jwt: isJwtValid,
  phone: isPhoneValid,
});
