import { describe, expect, it } from 'vitest';
import { fixScriptLookalikes } from './fix-script-lookalikes.js';

const words = (text: string) => text.split(' ').map((word) => ({ text: word }));
const texts = (list: readonly { text: string }[]) => list.map((word) => word.text).join(' ');

describe('fixScriptLookalikes', () => {
  it('rewrites Greek capitals read as Cyrillic look-alikes on a Greek page', () => {
    expect(texts(fixScriptLookalikes(words('АПОРРНТО έγγραφο για εσωτερική χρήση μόνο')))).toBe('ΑΠΟΡΡΗΤΟ έγγραφο για εσωτερική χρήση μόνο');
  });

  it('rewrites a word that mixes Latin and Cyrillic look-alikes on a Greek page', () => {
    expect(texts(fixScriptLookalikes(words('ΕΜΠΙΣΤΕΥΤΙΚO ЕМПІ έγγραφο σχέδιο')))).toBe('ΕΜΠΙΣΤΕΥΤΙΚΟ ΕΜΠΙ έγγραφο σχέδιο');
  });

  it('leaves Latin-only words on a Greek page alone', () => {
    expect(texts(fixScriptLookalikes(words('Project TOKEN έγγραφο για εσωτερική χρήση')))).toBe('Project TOKEN έγγραφο για εσωτερική χρήση');
  });

  it('leaves a Russian page alone, capitals included', () => {
    const page = 'СТРОГО КОНФИДЕНЦИАЛЬНО бюджет проекта на следующий год';
    expect(texts(fixScriptLookalikes(words(page)))).toBe(page);
  });

  it('leaves a page with a few Greek letters among Russian text alone', () => {
    const page = 'АПОРРНТО коэффициент λ равен нулю, бюджет утвержден';
    expect(texts(fixScriptLookalikes(words(page)))).toBe(page);
  });

  it('judges each line by its own letters on a page that mixes Russian and Greek', () => {
    const page = [
      ...words('Строго конфиденциально: бюджет проекта').map((word) => ({ ...word, line: 0 })),
      ...words('АПОРРНТО έγγραφο για εσωτερική χρήση').map((word) => ({ ...word, line: 1 })),
      ...words('АПОРРНТО').map((word) => ({ ...word, line: 2 })),
    ];
    expect(texts(fixScriptLookalikes(page))).toBe('Строго конфиденциально: бюджет проекта ΑΠΟΡΡΗΤΟ έγγραφο για εσωτερική χρήση АПОРРНТО');
  });

  it('keeps the other fields of each word', () => {
    const [first] = fixScriptLookalikes([{ text: 'АПОРРНТО', box: [1, 2, 3, 4] }, ...words('έγγραφο για εσωτερική')]);
    expect(first).toEqual({ text: 'ΑΠΟΡΡΗΤΟ', box: [1, 2, 3, 4] });
  });
});
