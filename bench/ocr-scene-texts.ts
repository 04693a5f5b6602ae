import { employeeId, formatAmount, internalHost, markingsOf, secretLine, staffEmail, type TextLanguage } from './ocr-document-texts.js';
import { mark } from './ocr-marked-text.js';
import type { SeededRandom } from './ocr-seeded-random.js';

/** The text of a non-document image that leaks: lines marked with `{evidence}`, and the rules that should fire. */
export interface SceneText {
  readonly lines: readonly string[];
  readonly expectedRules: readonly string[];
}

/** A chat screenshot: a channel name and messages (author, time, text). */
export interface ChatText extends SceneText {
  readonly channel: string;
  readonly messages: readonly { readonly author: string; readonly time: string; readonly text: string }[];
}

interface SceneWords {
  readonly boardTitles: readonly [string, string][];
  readonly boardItems: readonly string[];
  readonly budget: string;
  readonly wifi: string;
  readonly password: string;
  readonly user: string;
  readonly noteTitles: readonly string[];
  readonly badgeNames: readonly string[];
  readonly badgeRoles: readonly string[];
  readonly badgeReturn: string;
  readonly chatter: readonly string[];
  readonly tokenMessage: string;
  readonly hostMessage: string;
  readonly budgetMessage: string;
  readonly people: readonly string[];
}

const SCENE_WORDS: Readonly<Record<TextLanguage, SceneWords>> = {
  en: {
    boardTitles: [['Kestrel', 'Kestrel pilot plan'], ['Cardamom', 'Cardamom sprint 14'], ['Fjord-9', 'Fjord-9 prototype build']],
    boardItems: ['go-live wk 14', 'acceptance test wk 6', 'open: safety cert', 'ask ops about spares', 'retro on Friday', 'demo for sales'],
    budget: 'budget',
    wifi: 'Guest Wi-Fi',
    password: 'password:',
    user: 'user:',
    noteTitles: ['VPN', 'lab PC', 'test rig'],
    badgeNames: ['Sofia Petrenko', 'Martin Keller', 'Jane Walsh'],
    badgeRoles: ['QA Engineer', 'Field Service', 'Software Engineer'],
    badgeReturn: 'If found, please return to reception',
    chatter: ['morning! who is on the call?', 'can someone review my MR?', 'standup moved to 10:30', 'thanks, looks good', 'running late, train delays'],
    tokenMessage: 'staging bot token, do not paste elsewhere:',
    hostMessage: 'dashboards are here:',
    budgetMessage: 'pilot budget got approved:',
    people: ['Anna Kowalska', 'Tom Hughes', 'Martin Keller', 'Sofia Petrenko'],
  },
  ru: {
    boardTitles: [['Kestrel', 'Kestrel: план пилота'], ['Cardamom', 'Cardamom: релиз v3'], ['Fjord-9', 'Fjord-9: сборка прототипа']],
    boardItems: ['запуск: неделя 14', 'приёмка: неделя 6', 'открыто: сертификат', 'спросить про запчасти', 'ретро в пятницу', 'демо для продаж'],
    budget: 'бюджет',
    wifi: 'Гостевой Wi-Fi',
    password: 'пароль:',
    user: 'логин:',
    noteTitles: ['VPN', 'ПК в лаборатории', 'стенд'],
    badgeNames: ['Ольга Смирнова', 'Павел Иванов', 'Дмитрий Козлов'],
    badgeRoles: ['Инженер по качеству', 'Сервисный инженер', 'Разработчик'],
    badgeReturn: 'Если нашли, верните на ресепшн',
    chatter: ['всем привет, кто на созвоне?', 'посмотрите мой MR, пожалуйста', 'стендап перенесли на 10:30', 'спасибо, всё ок', 'сегодня опоздаю, пробки'],
    tokenMessage: 'токен бота для стенда, никуда не копируйте:',
    hostMessage: 'дашборды тут:',
    budgetMessage: 'бюджет пилота утвердили:',
    people: ['Ольга Смирнова', 'Павел Иванов', 'Дмитрий Козлов'],
  },
  uk: {
    boardTitles: [['Kestrel', 'Kestrel: план пілоту'], ['Cardamom', 'Cardamom: реліз v3'], ['Fjord-9', 'Fjord-9: збірка прототипу']],
    boardItems: ['запуск: тиждень 14', 'приймання: тиждень 6', 'відкрито: сертифікат', 'спитати про запчастини', 'ретро в пʼятницю', 'демо для продажів'],
    budget: 'бюджет',
    wifi: 'Гостьовий Wi-Fi',
    password: 'пароль:',
    user: 'логін:',
    noteTitles: ['VPN', 'ПК у лабораторії', 'стенд'],
    badgeNames: ['Олена Бондар', 'Ірина Коваленко', 'Наталія Шевчук'],
    badgeRoles: ['Інженер з якості', 'Сервісний інженер', 'Розробниця'],
    badgeReturn: 'У разі втрати повідомте на рецепцію',
    chatter: ['всім привіт, хто на дзвінку?', 'подивіться мій MR, будь ласка', 'стендап перенесли на 10:30', 'дякую, все ок', 'сьогодні запізнюся, затори'],
    tokenMessage: 'токен бота для стенду, нікуди не копіюйте:',
    hostMessage: 'дашборди тут:',
    budgetMessage: 'бюджет пілоту затвердили:',
    people: ['Олена Бондар', 'Ірина Коваленко', 'Наталія Шевчук'],
  },
  pl: {
    boardTitles: [['Kestrel', 'Kestrel – plan pilotażu'], ['Cardamom', 'Cardamom – sprint 14'], ['Fjord-9', 'Fjord-9 – prototyp czujnika']],
    boardItems: ['start: tydzień 14', 'odbiór: tydzień 6', 'otwarte: certyfikat', 'zapytać o części', 'retro w piątek', 'demo dla sprzedaży'],
    budget: 'budżet',
    wifi: 'Wi-Fi dla gości',
    password: 'hasło:',
    user: 'login:',
    noteTitles: ['VPN', 'PC w laboratorium', 'stanowisko testowe'],
    badgeNames: ['Anna Kowalska', 'Krzysztof Nowak', 'Magdalena Wiśniewska'],
    badgeRoles: ['Inżynier jakości', 'Serwis', 'Programistka'],
    badgeReturn: 'W razie znalezienia prosimy oddać w recepcji',
    chatter: ['cześć, kto jest na callu?', 'zerknijcie na mój MR, proszę', 'daily przesunięte na 10:30', 'dzięki, wygląda dobrze', 'dziś się spóźnię, korki'],
    tokenMessage: 'token bota na staging, nie wklejajcie nigdzie:',
    hostMessage: 'dashboardy są tutaj:',
    budgetMessage: 'budżet pilotażu zatwierdzony:',
    people: ['Anna Kowalska', 'Krzysztof Nowak', 'Magdalena Wiśniewska'],
  },
  el: {
    boardTitles: [['Kestrel', 'Kestrel: πλάνο πιλοτικού'], ['Cardamom', 'Cardamom: έκδοση v3'], ['Fjord-9', 'Fjord-9: πρωτότυπο']],
    boardItems: ['έναρξη: εβδομάδα 14', 'παραλαβή: εβδομάδα 6', 'ανοιχτό: πιστοποίηση', 'ανταλλακτικά;', 'retro την Παρασκευή', 'demo για πωλήσεις'],
    budget: 'προϋπολογισμός',
    wifi: 'Wi-Fi επισκεπτών',
    password: 'κωδικός:',
    user: 'χρήστης:',
    noteTitles: ['VPN', 'PC εργαστηρίου', 'πάγκος δοκιμών'],
    badgeNames: ['Γιώργος Παπαδόπουλος', 'Ελένη Νικολάου', 'Μαρία Γεωργίου'],
    badgeRoles: ['Μηχανικός ποιότητας', 'Τεχνική υποστήριξη', 'Προγραμματίστρια'],
    badgeReturn: 'Αν τη βρείτε, επιστρέψτε τη στην υποδοχή',
    chatter: ['καλημέρα, ποιος είναι στην κλήση;', 'ρίξτε μια ματιά στο MR μου', 'το standup πήγε 10:30', 'ευχαριστώ, όλα καλά', 'θα αργήσω σήμερα, κίνηση'],
    tokenMessage: 'το token του bot, μην το αντιγράψετε αλλού:',
    hostMessage: 'τα dashboards είναι εδώ:',
    budgetMessage: 'εγκρίθηκε ο προϋπολογισμός του πιλοτικού:',
    people: ['Γιώργος Παπαδόπουλος', 'Ελένη Νικολάου', 'Μαρία Γεωργίου'],
  },
};

/** A password people write on boards and notes: readable, mixed case, digits and a dash. */
function humanPassword(random: SeededRandom): string {
  const stems = ['Corv1na', 'Kr4kow', 'Graz', 'Lab', 'Mewa', 'Zx81', 'Thal4ssa', 'Bravo'];
  return `${random.pick(stems)}-${random.chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 2)}${String(random.int(10, 99))}-${String(random.int(2024, 2027))}`;
}

/** A whiteboard: a code-name heading, a few plan items, and a budget, a host or a Wi-Fi password. */
export function composeWhiteboard(language: TextLanguage, random: SeededRandom): SceneText {
  const words = SCENE_WORDS[language];
  const [codeName, heading] = random.pick(words.boardTitles);
  const upper = random.chance(0.3);
  const title = (upper ? heading.toUpperCase() : heading).replace(upper ? codeName.toUpperCase() : codeName, (name) => mark(name));
  const rules = new Set([`codename-${codeName.toLowerCase()}`]);
  const lines = [title, ...random.sample(words.boardItems, random.int(2, 4))];
  const extra = random.int(0, 2);
  if (extra === 0) {
    lines.push(`${words.budget} ${mark(`${formatAmount(random.int(15, 90) * 10_000, language)} EUR`)}`);
    rules.add('business-financial-figure');
  } else if (extra === 1) {
    lines.push(mark(internalHost(random)));
    rules.add('internal-hostname');
  } else {
    lines.push(words.wifi, `${words.password} ${mark(humanPassword(random))}`);
    rules.add(passwordRule(language));
  }
  return { lines, expectedRules: [...rules].sort() };
}

/** A sticky note on a monitor: a login and its password, sometimes an employee id. */
export function composeStickyNote(language: TextLanguage, random: SeededRandom): SceneText {
  const words = SCENE_WORDS[language];
  const rules = new Set([passwordRule(language)]);
  const lines = [random.pick(words.noteTitles), `${words.user} ${random.pick(['jkowalski', 'o.bondar', 'mkeller', 'gpapad', 'ismirnova'])}`];
  lines.push(`${words.password} ${mark(humanPassword(random))}`);
  if (random.chance(0.3)) {
    lines.push(mark(employeeId(random)));
    rules.add('employee-id');
  }
  return { lines, expectedRules: [...rules].sort() };
}

/** A staff badge: organisation, name, role, employee id, a return-to line. */
export function composeBadge(language: TextLanguage, random: SeededRandom): SceneText {
  const words = SCENE_WORDS[language];
  return {
    lines: ['CORVINA ROBOTICS', random.pick(words.badgeNames), random.pick(words.badgeRoles), mark(employeeId(random)), words.badgeReturn],
    expectedRules: ['employee-id'],
  };
}

/** A chat screenshot: small talk and one message that leaks a token, an internal host or a code-name budget. */
export function composeChat(language: TextLanguage, random: SeededRandom): ChatText {
  const words = SCENE_WORDS[language];
  const rules = new Set<string>();
  let leak: string;
  let channel = random.pick(['#team-robotics', '#lab-graz', '#dev-general']);
  switch (random.int(0, 2)) {
    case 0: {
      const token = `xoxb-${String(random.int(100_000_000_000, 999_999_999_999))}-${String(random.int(1_000_000_000_000, 9_999_999_999_999))}-${random.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 24)}`;
      leak = `${words.tokenMessage} ${mark(token)}`;
      rules.add('secret-slack-token');
      break;
    }
    case 1:
      leak = `${words.hostMessage} ${mark(`https://${internalHost(random)}/d/kst`)}`;
      rules.add('internal-hostname');
      break;
    default: {
      const [codeName] = random.pick(words.boardTitles);
      channel = `#${codeName.toLowerCase()}-pilot`;
      leak = `${mark(codeName)}: ${words.budgetMessage} ${mark(`${formatAmount(random.int(12, 990) * 10_000, language)} EUR`)}`;
      rules.add(`codename-${codeName.toLowerCase()}`).add('business-financial-figure');
    }
  }
  const texts = random.sample(words.chatter, random.int(2, 4));
  texts.splice(random.int(1, texts.length), 0, leak);
  const messages = texts.map((text, index) => ({ author: random.pick(words.people), time: `10:${String(12 + index * 3).padStart(2, '0')}`, text }));
  return {
    channel,
    messages,
    lines: [channel, ...messages.flatMap((message) => [`${message.author} ${message.time}`, message.text])],
    expectedRules: [...rules].sort(),
  };
}

/** A terminal: a shell session that shows an internal host and a secret. */
export function composeTerminal(random: SeededRandom): SceneText {
  const host = internalHost(random);
  const secret = secretLine(random, 'config');
  const lines = [
    `$ ssh -l deploy ${mark(host)}`,
    `Last login: Tue Mar ${String(random.int(10, 28))} 09:${String(random.int(10, 59))} from 10.20.${String(random.int(1, 254))}.${String(random.int(1, 254))}`,
    'deploy@build:~$ cat .env | head -3',
    `DATABASE_POOL = ${String(random.int(4, 32))}`,
    secret.line.replace(/^config: /u, ''),
    `LOG_LEVEL = ${random.pick(['info', 'debug', 'warn'])}`,
    'deploy@build:~$ systemctl restart picker-api',
  ];
  return { lines, expectedRules: ['internal-hostname', secret.rule].sort() };
}

/** A ticket page (issue tracker): a code-name title, a marking label, a budget and an owner's e-mail. */
export function composeTicket(language: TextLanguage, random: SeededRandom): SceneText {
  const words = SCENE_WORDS[language];
  const [codeName, heading] = random.pick(words.boardTitles);
  const marking = random.pick(markingsOf(language));
  return {
    lines: [
      `KST-${String(random.int(100, 999))}  ${heading.replace(codeName, mark(codeName))}`,
      mark(marking.text),
      `${words.budget}: ${mark(`${formatAmount(random.int(12, 990) * 10_000, language)} EUR`)}`,
      mark(staffEmail(random)),
      ...random.sample(words.boardItems, 3),
    ],
    expectedRules: [marking.rule, `codename-${codeName.toLowerCase()}`, 'business-financial-figure', 'email-internal-domain'].sort(),
  };
}

function passwordRule(language: TextLanguage): string {
  return language === 'en' ? 'credential-password-statement-en' : language === 'pl' ? 'credential-password-statement-pl' : language === 'el' ? 'credential-password-statement-el' : 'credential-password-statement-ru-uk';
}
