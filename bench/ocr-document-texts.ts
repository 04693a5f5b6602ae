import { mark } from './ocr-marked-text.js';
import type { SeededRandom } from './ocr-seeded-random.js';

/** The five languages overshare must read. */
export type TextLanguage = 'en' | 'ru' | 'uk' | 'pl' | 'el';
export const TEXT_LANGUAGES: readonly TextLanguage[] = ['en', 'ru', 'uk', 'pl', 'el'];

/** A classification marking and the rule (rules/packs/markings.yaml) that should report it. */
export interface Marking {
  readonly text: string;
  readonly rule: string;
}

/** The text of one photographed company document, lines marked with `{evidence}`. */
export interface DocumentText {
  readonly header: string;
  readonly marking: Marking;
  /** Printed in red over the page at an angle, or absent. */
  readonly stamp: Marking | undefined;
  readonly title: string;
  readonly meta: string;
  /** 8–20 lines: ordinary prose with the leak-bearing lines among it. */
  readonly body: readonly string[];
  /** Lines to set in a monospace font (secrets, hosts), by index into `body`. */
  readonly monospace: ReadonlySet<number>;
  readonly footer: string;
  readonly expectedRules: readonly string[];
}

interface LanguageWords {
  readonly markings: readonly Marking[];
  /** Title per code name: the code name and a project word next to it. */
  readonly titles: Readonly<Record<CodeName, string>>;
  readonly kinds: readonly string[];
  readonly filler: readonly string[];
  readonly budgetLabel: string;
  readonly tableItems: readonly string[];
  readonly currency: readonly string[];
  readonly hostLabel: string;
  readonly contactLabel: string;
  readonly keyLabel: string;
  readonly preparedBy: string;
  readonly names: readonly string[];
  readonly page: string;
  /** Digit grouping: en writes 1,240,000; el 1.240.000; the others 1 240 000. */
  readonly groupSeparator: string;
}

type CodeName = 'Kestrel' | 'Cardamom' | 'Fjord-9';
const CODE_NAMES: readonly CodeName[] = ['Kestrel', 'Cardamom', 'Fjord-9'];

const HOSTS = [
  'grafana-int.corvina.internal',
  'build-07.corvina.internal',
  'wiki-prod.corvina.internal',
  'gitlab.corp.corvina-robotics.example',
  'jira.corp.corvina-robotics.example',
  'db-kst-01.corvina.internal',
];
const MAILBOXES = ['m.keller', 'o.petrenko', 'a.kowalska', 'g.papadopoulos', 'i.smirnova', 'j.brandt', 'k.nowak', 'd.bondar'];

const WORDS: Readonly<Record<TextLanguage, LanguageWords>> = {
  en: {
    markings: [
      { text: 'CONFIDENTIAL', rule: 'marking-confidential' },
      { text: 'STRICTLY CONFIDENTIAL', rule: 'marking-strictly-confidential' },
      { text: 'INTERNAL USE ONLY', rule: 'marking-internal-use' },
    ],
    titles: {
      Kestrel: 'Project Kestrel – pilot rollout plan',
      Cardamom: 'Cardamom platform – release readiness',
      'Fjord-9': 'Fjord-9 sensor prototype – build review',
    },
    kinds: ['Memo', 'Minutes', 'Status report', 'Board note'],
    filler: [
      'This note summarises the decisions of the steering meeting.',
      'Please review the open items before the next weekly call.',
      'The schedule assumes two more test cycles in the lab.',
      'Suppliers confirmed delivery of the remaining parts.',
      'Risks are tracked in the register and reviewed monthly.',
      'Quality targets remain unchanged for this quarter.',
      'The team will share an updated plan after the workshop.',
      'Action owners are listed next to each item below.',
      'Only two engineers will attend the customer workshop.',
      'Training for the service engineers starts next month.',
      'All figures are preliminary and subject to approval.',
      'Comments and corrections are due by Friday noon.',
      'Minutes were taken by the project office.',
      'The acceptance criteria were agreed with operations.',
    ],
    budgetLabel: 'Approved budget:',
    tableItems: ['Hardware', 'Software licences', 'Field tests', 'Contractors'],
    currency: ['EUR', 'EUR', '€'],
    hostLabel: 'Dashboards:',
    contactLabel: 'Contact:',
    keyLabel: 'Service key',
    preparedBy: 'Prepared by',
    names: ['M. Keller', 'J. Brandt', 'S. Walsh', 'T. Hughes'],
    page: 'Page 1 of 3',
    groupSeparator: ',',
  },
  ru: {
    markings: [
      { text: 'КОНФИДЕНЦИАЛЬНО', rule: 'marking-confidential' },
      { text: 'СТРОГО КОНФИДЕНЦИАЛЬНО', rule: 'marking-strictly-confidential' },
      { text: 'ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ', rule: 'marking-internal-use' },
    ],
    titles: {
      Kestrel: 'Проект Kestrel: план пилота',
      Cardamom: 'Платформа Cardamom: подготовка релиза',
      'Fjord-9': 'Прототип Fjord-9: статус сборки датчика',
    },
    kinds: ['Служебная записка', 'Протокол', 'Отчёт о статусе'],
    filler: [
      'В записке кратко изложены решения управляющего комитета.',
      'Просьба проверить открытые вопросы до следующего созвона.',
      'График предполагает ещё два цикла испытаний в лаборатории.',
      'Поставщики подтвердили отгрузку оставшихся деталей.',
      'Риски ведутся в реестре и пересматриваются ежемесячно.',
      'Целевые показатели качества в этом квартале не меняются.',
      'Команда пришлёт обновлённый план после семинара.',
      'Ответственные указаны рядом с каждым пунктом ниже.',
      'Обучение сервисных инженеров начнётся в следующем месяце.',
      'Все цифры предварительные и требуют утверждения.',
      'Замечания и правки принимаются до пятницы.',
      'Протокол вёл проектный офис.',
      'Критерии приёмки согласованы с эксплуатацией.',
    ],
    budgetLabel: 'Утверждённый бюджет:',
    tableItems: ['Оборудование', 'Лицензии', 'Полевые испытания', 'Подрядчики'],
    currency: ['EUR', '€', 'руб.'],
    hostLabel: 'Мониторинг:',
    contactLabel: 'Контакт:',
    keyLabel: 'Ключ сервиса',
    preparedBy: 'Подготовил',
    names: ['Смирнова О. В.', 'Иванов П. С.', 'Козлов Д. А.'],
    page: 'Стр. 1 из 3',
    groupSeparator: ' ',
  },
  uk: {
    markings: [
      { text: 'КОНФІДЕНЦІЙНО', rule: 'marking-confidential' },
      { text: 'СУВОРО КОНФІДЕНЦІЙНО', rule: 'marking-strictly-confidential' },
      { text: 'ДЛЯ СЛУЖБОВОГО КОРИСТУВАННЯ', rule: 'marking-internal-use' },
    ],
    titles: {
      Kestrel: 'Проєкт Kestrel: план пілоту',
      Cardamom: 'Платформа Cardamom: підготовка релізу',
      'Fjord-9': 'Прототип Fjord-9: стан збірки датчика',
    },
    kinds: ['Службова записка', 'Протокол', 'Звіт про стан'],
    filler: [
      'У записці стисло викладено рішення керівного комітету.',
      'Прохання переглянути відкриті питання до наступної зустрічі.',
      'Графік передбачає ще два цикли випробувань у лабораторії.',
      'Постачальники підтвердили відвантаження решти деталей.',
      'Ризики ведуться в реєстрі та переглядаються щомісяця.',
      'Цільові показники якості в цьому кварталі не змінюються.',
      'Команда надішле оновлений план після семінару.',
      'Відповідальні вказані біля кожного пункту нижче.',
      'Навчання сервісних інженерів почнеться наступного місяця.',
      'Усі цифри попередні та потребують затвердження.',
      'Зауваження та правки приймаються до пʼятниці.',
      'Протокол вів проєктний офіс.',
      'Критерії приймання узгоджено з експлуатацією.',
    ],
    budgetLabel: 'Затверджений бюджет:',
    tableItems: ['Обладнання', 'Ліцензії', 'Польові випробування', 'Підрядники'],
    currency: ['EUR', '€', 'грн'],
    hostLabel: 'Моніторинг:',
    contactLabel: 'Контакт:',
    keyLabel: 'Ключ сервісу',
    preparedBy: 'Підготувала',
    names: ['Коваленко І. П.', 'Бондар О. М.', 'Шевчук Н. В.'],
    page: 'Арк. 1 з 3',
    groupSeparator: ' ',
  },
  pl: {
    markings: [
      { text: 'POUFNE', rule: 'marking-confidential' },
      { text: 'ŚCIŚLE POUFNE', rule: 'marking-strictly-confidential' },
      { text: 'ŚCIŚLE TAJNE', rule: 'marking-strictly-confidential' },
      { text: 'DO UŻYTKU WEWNĘTRZNEGO', rule: 'marking-internal-use' },
    ],
    titles: {
      Kestrel: 'Projekt Kestrel – plan pilotażu',
      Cardamom: 'Platforma Cardamom – gotowość do wdrożenia',
      'Fjord-9': 'Prototyp Fjord-9 – przegląd czujnika',
    },
    kinds: ['Notatka służbowa', 'Protokół', 'Raport z postępu'],
    filler: [
      'Notatka podsumowuje decyzje komitetu sterującego.',
      'Prosimy o przegląd otwartych punktów przed spotkaniem.',
      'Harmonogram przewiduje jeszcze dwa cykle testów w laboratorium.',
      'Dostawcy potwierdzili wysyłkę pozostałych części.',
      'Ryzyka są prowadzone w rejestrze i przeglądane co miesiąc.',
      'Cele jakościowe w tym kwartale pozostają bez zmian.',
      'Zespół prześle zaktualizowany plan po warsztatach.',
      'Osoby odpowiedzialne są wskazane przy każdym punkcie.',
      'Szkolenie inżynierów serwisu zaczyna się w przyszłym miesiącu.',
      'Wszystkie liczby są wstępne i wymagają zatwierdzenia.',
      'Uwagi i poprawki przyjmujemy do piątku.',
      'Protokół sporządziło biuro projektu.',
      'Kryteria odbioru uzgodniono z działem eksploatacji.',
    ],
    budgetLabel: 'Zatwierdzony budżet:',
    tableItems: ['Sprzęt', 'Licencje', 'Testy terenowe', 'Podwykonawcy'],
    currency: ['EUR', 'zł', 'PLN'],
    hostLabel: 'Monitoring:',
    contactLabel: 'Kontakt:',
    keyLabel: 'Klucz usługi',
    preparedBy: 'Przygotowała',
    names: ['A. Kowalska', 'K. Nowak', 'M. Wiśniewska'],
    page: 'Strona 1 z 3',
    groupSeparator: ' ',
  },
  el: {
    markings: [
      { text: 'ΕΜΠΙΣΤΕΥΤΙΚΟ', rule: 'marking-confidential' },
      { text: 'ΑΠΟΡΡΗΤΟ', rule: 'marking-confidential' },
      { text: 'ΑΥΣΤΗΡΩΣ ΕΜΠΙΣΤΕΥΤΙΚΟ', rule: 'marking-strictly-confidential' },
    ],
    titles: {
      Kestrel: 'Έργο Kestrel: πλάνο πιλοτικού',
      Cardamom: 'Πλατφόρμα Cardamom: ετοιμότητα κυκλοφορίας',
      'Fjord-9': 'Πρωτότυπο Fjord-9: έλεγχος αισθητήρα',
    },
    kinds: ['Υπηρεσιακό σημείωμα', 'Πρακτικά', 'Αναφορά προόδου'],
    filler: [
      'Το σημείωμα συνοψίζει τις αποφάσεις της επιτροπής.',
      'Παρακαλούμε ελέγξτε τα ανοιχτά θέματα πριν από την κλήση.',
      'Το χρονοδιάγραμμα προβλέπει άλλους δύο κύκλους δοκιμών.',
      'Οι προμηθευτές επιβεβαίωσαν την αποστολή των εξαρτημάτων.',
      'Οι κίνδυνοι καταγράφονται στο μητρώο κάθε μήνα.',
      'Οι στόχοι ποιότητας παραμένουν ίδιοι σε αυτό το τρίμηνο.',
      'Η ομάδα θα στείλει ενημερωμένο πλάνο μετά το εργαστήριο.',
      'Οι υπεύθυνοι αναφέρονται δίπλα σε κάθε σημείο.',
      'Η εκπαίδευση των τεχνικών ξεκινά τον επόμενο μήνα.',
      'Όλα τα ποσά είναι προκαταρκτικά και χρειάζονται έγκριση.',
      'Σχόλια και διορθώσεις έως την Παρασκευή.',
      'Τα πρακτικά τήρησε το γραφείο έργου.',
      'Τα κριτήρια παραλαβής συμφωνήθηκαν με τη λειτουργία.',
    ],
    budgetLabel: 'Εγκεκριμένος προϋπολογισμός:',
    tableItems: ['Εξοπλισμός', 'Άδειες λογισμικού', 'Δοκιμές πεδίου', 'Υπεργολάβοι'],
    currency: ['€', 'EUR'],
    hostLabel: 'Παρακολούθηση:',
    contactLabel: 'Επικοινωνία:',
    keyLabel: 'Κλειδί υπηρεσίας',
    preparedBy: 'Συντάκτης',
    names: ['Γ. Παπαδόπουλος', 'Ε. Νικολάου', 'Μ. Γεωργίου'],
    page: 'Σελίδα 1 από 3',
    groupSeparator: '.',
  },
};

/** The markings of a language, for stamps on other kinds of image. */
export function markingsOf(language: TextLanguage): readonly Marking[] {
  return WORDS[language].markings;
}

/** A whole amount written the way the language groups digits, e.g. 1,240,000 (en) or 1 240 000 (pl). */
export function formatAmount(value: number, language: TextLanguage): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/gu, WORDS[language].groupSeparator);
}

/** A random live-looking secret on one line, with its label, and the rule that should find it. */
export function secretLine(random: SeededRandom, label: string): { line: string; rule: string } {
  const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  switch (random.int(0, 3)) {
    case 0:
      return { line: `${label}: api_key = ${mark(random.chars(alphanumeric, 32))}`, rule: 'secret-generic-api-key' };
    case 1:
      return { line: `STRIPE_KEY = ${mark(`sk_live_${random.chars(alphanumeric, 24)}`)}`, rule: 'secret-stripe-live-key' };
    case 2:
      return { line: `GH_TOKEN = ${mark(`ghp_${random.chars(alphanumeric, 36)}`)}`, rule: 'secret-github-token' };
    default:
      return { line: `aws_access_key_id = ${mark(`AKIA${random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`)}`, rule: 'secret-aws-access-key-id' };
  }
}

/** A random internal host of the corpus policy. */
export function internalHost(random: SeededRandom): string {
  return random.pick(HOSTS);
}

/** A random staff address in the corpus policy's e-mail domain (never an allowlisted mailbox). */
export function staffEmail(random: SeededRandom): string {
  return `${random.pick(MAILBOXES)}@corvina-robotics.example`;
}

/** A random employee id matching the policy's `CRV-\d{5}`. */
export function employeeId(random: SeededRandom): string {
  return `CRV-${String(random.int(10_000, 99_999))}`;
}

/**
 * Composes a memo of Corvina Robotics: a marking, a code-name title, prose, and 2–4 leak lines
 * (budget with currency, internal host, staff e-mail, a secret, an employee id) among it.
 */
export function composeDocument(language: TextLanguage, random: SeededRandom): DocumentText {
  const words = WORDS[language];
  const marking = random.pick(words.markings);
  const stamp = random.chance(0.75) ? random.pick(words.markings) : undefined;
  const codeName = random.pick(CODE_NAMES);
  const rules = new Set<string>([marking.rule, `codename-${codeName.toLowerCase()}`, 'business-financial-figure']);
  if (stamp !== undefined) rules.add(stamp.rule);

  const bodyLength = random.int(8, 20);
  const leakLines: { line: string; isMonospace: boolean }[] = [];
  const currency = random.pick(words.currency);
  const amount = () => formatAmount(random.int(12, 990) * 10_000, language);
  leakLines.push({ line: `${words.budgetLabel} ${mark(`${amount()} ${currency}`)}`, isMonospace: false });
  const tableRows = random.chance(0.5) ? random.sample(words.tableItems, random.int(2, 3)) : [];
  const optional = random.shuffle(['host', 'email', 'secret', 'employee'] as const).slice(0, random.int(1, 3));
  for (const extra of optional) {
    if (extra === 'host') {
      leakLines.push({ line: `${words.hostLabel} ${mark(`https://${internalHost(random)}/`)}`, isMonospace: true });
      rules.add('internal-hostname');
    } else if (extra === 'email') {
      leakLines.push({ line: `${words.contactLabel} ${mark(staffEmail(random))}`, isMonospace: false });
      rules.add('email-internal-domain');
    } else if (extra === 'secret') {
      const secret = secretLine(random, words.keyLabel);
      leakLines.push({ line: secret.line, isMonospace: true });
      rules.add(secret.rule);
    } else {
      leakLines.push({ line: `${words.preparedBy}: ${random.pick(words.names)}, ${mark(employeeId(random))}`, isMonospace: false });
      rules.add('employee-id');
    }
  }
  const fillerCount = Math.max(2, bodyLength - leakLines.length - tableRows.length);
  const filler = random.sample(words.filler, fillerCount);
  while (filler.length < fillerCount) filler.push(random.pick(words.filler));

  // Leak lines land at random places among the prose; the table stays together after the budget.
  const body: string[] = [...filler];
  const monospace = new Set<number>();
  const slots = random.shuffle(Array.from({ length: body.length + 1 }, (_, index) => index)).slice(0, leakLines.length).sort((a, b) => b - a);
  leakLines.forEach((leak, index) => {
    const slot = slots[index] ?? body.length;
    body.splice(slot, 0, leak.line);
    if (index === 0) body.splice(slot + 1, 0, ...tableRows.map((item) => `    ${item} ........ ${mark(`${amount()} ${currency}`)}`));
  });
  body.forEach((line, index) => {
    if (leakLines.some((leak) => leak.isMonospace && leak.line === line)) monospace.add(index);
  });

  const date = `${String(random.int(1, 28)).padStart(2, '0')}.${String(random.int(1, 12)).padStart(2, '0')}.2026`;
  return {
    header: 'Corvina Robotics GmbH',
    marking: { text: mark(marking.text), rule: marking.rule },
    stamp: stamp === undefined ? undefined : { text: mark(stamp.text), rule: stamp.rule },
    title: words.titles[codeName].replace(codeName, mark(codeName)),
    meta: `${random.pick(words.kinds)} · ${date}`,
    body,
    monospace,
    footer: `${words.page} · ${mark(marking.text)}`,
    expectedRules: [...rules].sort(),
  };
}
