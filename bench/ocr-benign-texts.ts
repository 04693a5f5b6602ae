import type { TextLanguage } from './ocr-document-texts.js';
import type { SeededRandom } from './ocr-seeded-random.js';

/**
 * Texts of images that hold text but no leak: menus, meme captions and street or shop signs.
 * Some borrow the code names' ordinary meanings (a cardamom bun, a Kestrel Café, a kestrel over
 * the car park) so that a reader that turns noise into words has something to trip over.
 */
export interface MenuText {
  readonly title: string;
  readonly items: readonly { readonly dish: string; readonly price: string }[];
}

interface BenignWords {
  readonly menuTitles: readonly string[];
  readonly dishes: readonly string[];
  readonly price: (random: SeededRandom) => string;
  readonly memes: readonly (readonly [string, string])[];
  readonly signs: readonly (readonly string[])[];
}

const cents = (random: SeededRandom, separator: string) => `${String(random.int(3, 24))}${separator}${random.pick(['00', '50', '90', '20'])}`;

const BENIGN_WORDS: Readonly<Record<TextLanguage, BenignWords>> = {
  en: {
    menuTitles: ['CARDAMOM KITCHEN', 'The Kestrel Café', 'Lunch menu', "Today's specials"],
    dishes: ['Chicken biryani', 'Masala chai', 'Cardamom kulfi', 'Tomato soup', 'Fish and chips', 'Caesar salad', 'Apple pie', 'Flat white', 'Cardamom bun'],
    price: (random) => `£${cents(random, '.')}`,
    memes: [
      ['WHEN THE BUILD PASSES', 'ON THE FIRST TRY'],
      ['ONE DOES NOT SIMPLY', 'DEPLOY ON A FRIDAY'],
      ['ME EXPLAINING MY CODE', 'TO THE RUBBER DUCK'],
      ['MONDAY MORNING', 'COFFEE LEVEL: CRITICAL'],
      ['SPOTTED A KESTREL', 'HOVERING OVER THE CAR PARK'],
    ],
    signs: [['Baker Street', 'NW1'], ['LAKESIDE CABINS', 'vacancies'], ['NO PARKING', 'Mon–Fri 8–18'], ['BAKERY', 'open 7 days']],
  },
  ru: {
    menuTitles: ['Меню дня', 'Кафе «Пельменная»', 'Обеденное меню'],
    dishes: ['Борщ со сметаной', 'Пельмени', 'Блины с икрой', 'Салат оливье', 'Чай с кардамоном', 'Сырники', 'Морс клюквенный', 'Солянка'],
    price: (random) => `${String(random.int(12, 89) * 10)} руб.`,
    memes: [['КОГДА СБОРКА ПРОШЛА', 'С ПЕРВОГО РАЗА'], ['ПОНЕДЕЛЬНИК, УТРО', 'КОФЕ НА ИСХОДЕ'], ['ВСЕ УШЛИ В ОТПУСК', 'А Я НА ДЕЖУРСТВЕ']],
    signs: [['ул. Тверская', 'д. 12'], ['ВЫХОД', 'EXIT'], ['ОСТОРОЖНО', 'ЗЛАЯ СОБАКА'], ['Булочная', 'открыто с 8:00']],
  },
  uk: {
    menuTitles: ['Меню дня', 'Кавʼярня «Ранок»', 'Обіднє меню'],
    dishes: ['Борщ з пампушками', 'Вареники з вишнею', 'Деруни зі сметаною', 'Голубці', 'Узвар', 'Кава з кардамоном', 'Сирники', 'Банош'],
    price: (random) => `${String(random.int(6, 39) * 5)} грн`,
    memes: [['КОЛИ ЗБІРКА ПРОЙШЛА', 'З ПЕРШОГО РАЗУ'], ['ПОНЕДІЛОК ЗРАНКУ', 'КАВИ НЕ ВИСТАЧАЄ'], ['УСІ У ВІДПУСТЦІ', 'А Я НА ЧЕРГУВАННІ']],
    signs: [['вул. Хрещатик', '22'], ['ВХІД', 'ЗАБОРОНЕНО'], ['Пекарня', 'відчинено з 7:00']],
  },
  pl: {
    menuTitles: ['Menu dnia', 'Bar mleczny „Pod Lipą”', 'Zestawy obiadowe'],
    dishes: ['Pierogi ruskie', 'Żurek w chlebie', 'Bigos', 'Schabowy z ziemniakami', 'Kawa z kardamonem', 'Sernik', 'Rosół', 'Placki ziemniaczane'],
    price: (random) => `${String(random.int(8, 49))} zł`,
    memes: [['KIEDY KOD DZIAŁA', 'ZA PIERWSZYM RAZEM'], ['PONIEDZIAŁEK RANO', 'KAWA NA RATUNEK'], ['WSZYSCY NA URLOPIE', 'A JA NA DYŻURZE']],
    signs: [['ul. Marszałkowska', '104'], ['ZAKAZ WJAZDU'], ['Piekarnia', 'czynne 6–20']],
  },
  el: {
    menuTitles: ['Ταβέρνα «Το Λιμάνι»', 'Μενού ημέρας', 'Ψητά και σαλάτες'],
    dishes: ['Μουσακάς', 'Σουβλάκι χοιρινό', 'Χωριάτικη σαλάτα', 'Παστίτσιο', 'Γεμιστά', 'Μπακλαβάς', 'Ελληνικός καφές', 'Τζατζίκι'],
    price: (random) => `${cents(random, ',')} €`,
    memes: [['ΟΤΑΝ ΤΟ BUILD ΠΕΡΝΑΕΙ', 'ΜΕ ΤΗΝ ΠΡΩΤΗ'], ['ΔΕΥΤΕΡΑ ΠΡΩΙ', 'ΧΡΕΙΑΖΟΜΑΙ ΚΑΦΕ'], ['ΟΛΟΙ ΣΕ ΔΙΑΚΟΠΕΣ', 'ΚΙ ΕΓΩ ΣΕ ΕΦΗΜΕΡΙΑ']],
    signs: [['ΟΔΟΣ ΕΡΜΟΥ', 'Ermou St.'], ['ΑΠΑΓΟΡΕΥΕΤΑΙ', 'Η ΣΤΑΘΜΕΥΣΗ'], ['ΦΟΥΡΝΟΣ', 'ανοιχτά 7–21']],
  },
};

/** A restaurant menu: a title and 5–8 dishes with prices. */
export function composeMenu(language: TextLanguage, random: SeededRandom): MenuText {
  const words = BENIGN_WORDS[language];
  const items = random.sample(words.dishes, random.int(5, 8)).map((dish) => ({ dish, price: words.price(random) }));
  return { title: random.pick(words.menuTitles), items };
}

/** A meme caption: a top line and a bottom line, in capitals. */
export function composeMemeCaption(language: TextLanguage, random: SeededRandom): readonly [string, string] {
  return random.pick(BENIGN_WORDS[language].memes);
}

/** The lines of a street or shop sign. */
export function composeSign(language: TextLanguage, random: SeededRandom): readonly string[] {
  return random.pick(BENIGN_WORDS[language].signs);
}
