import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { VALIDATORS, VALIDATOR_NAMES } from './validator-registry.js';

const toPascalCase = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

describe('validator registry', () => {
  it('registers exactly the is-<name>-valid.ts files of this folder', async () => {
    const files = await readdir(import.meta.dirname);
    const fileNames = files.flatMap((file) => /^is-([a-z]+)-valid\.ts$/u.exec(file)?.[1] ?? []);
    expect([...fileNames].sort()).toEqual([...VALIDATOR_NAMES].sort());
  });

  it('maps every name to the function named after it', () => {
    for (const name of VALIDATOR_NAMES) {
      expect(VALIDATORS[name].name).toBe(`is${toPascalCase(name)}Valid`);
    }
  });

  it('has a validator for every name and no other', () => {
    expect(Object.keys(VALIDATORS).sort()).toEqual([...VALIDATOR_NAMES].sort());
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(VALIDATORS)).toBe(true);
  });

  it.each(VALIDATOR_NAMES)('has the %s validator reject empty, blank and word-only candidates', (name) => {
    const validate = VALIDATORS[name];
    expect([validate(''), validate('   '), validate('-'), validate('confidential')]).toEqual([false, false, false, false]);
  });
});
