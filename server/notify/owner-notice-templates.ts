import type { Category } from '../../core/policy-schema.js';

/** The languages an owner notice is written in. */
export const OWNER_NOTICE_LANGUAGES = ['en', 'ru', 'uk', 'pl', 'el'] as const;
export type OwnerNoticeLanguage = (typeof OWNER_NOTICE_LANGUAGES)[number];

/**
 * One language's notice: plain text with `{placeholder}`s. `category` is filled with the
 * language's phrase for the finding's category, written to follow the body's verb ("appears to
 * contain …"). Nothing here may quote the evidence: the notice names the post by URL and date only.
 */
export interface OwnerNoticeTemplate {
  subject: string;
  /** The greeting when the owner's name is known. */
  greetingNamed: string;
  /** The greeting when it is not (a corporate account, say). */
  greetingUnnamed: string;
  body: string;
  /** The subject and body for a `takeover` finding: the owner is asked to secure the account, not to delete a post. */
  takeoverSubject: string;
  takeoverBody: string;
  signature: string;
  categories: Readonly<Record<Category, string>>;
}

/** The placeholders each part of every language's template holds, each exactly once. */
export const OWNER_NOTICE_PLACEHOLDERS: Readonly<Record<Exclude<keyof OwnerNoticeTemplate, 'categories'>, readonly string[]>> = {
  subject: [],
  greetingNamed: ['name'],
  greetingUnnamed: [],
  body: ['post_date', 'category', 'post_url', 'organisation'],
  takeoverSubject: [],
  takeoverBody: ['post_date', 'category', 'post_url', 'organisation'],
  signature: ['organisation'],
};

/** The notice in every language, as data. */
export const OWNER_NOTICE_TEMPLATES: Readonly<Record<OwnerNoticeLanguage, OwnerNoticeTemplate>> = {
  en: {
    subject: 'Please remove one of your public posts',
    greetingNamed: 'Dear {name},',
    greetingUnnamed: 'Hello,',
    body:
      'During a routine review of public posts, we noticed that your post of {post_date} appears to contain {category}:\n\n' +
      '{post_url}\n\n' +
      'Information like this must not be published outside {organisation}. Please delete the post, or edit it so that the information ' +
      'is no longer visible, as soon as you can. We will check the post again automatically, so there is no need to confirm.\n\n' +
      "If you think this is a mistake, or you can't remove the post yourself, just reply to this message and we will help.",
    takeoverSubject: 'Please check that your account has not been taken over',
    takeoverBody:
      'During a routine review of public posts, we noticed {category}, around its post of {post_date}:\n\n' +
      '{post_url}\n\n' +
      'Please make sure you still control the account: change its password, sign out every other session, review the apps and ' +
      'two-factor settings linked to it, and delete any post you did not write. If the account is no longer yours to sign in to, ' +
      "use the platform's account recovery and tell Information Security at {organisation} at once.\n\n" +
      'If the activity was yours, just reply to this message so we can close the case.',
    signature: 'Kind regards,\nInformation Security, {organisation}',
    categories: {
      marking: 'a document marked as confidential',
      secret: 'a secret access key or token',
      credential: 'a password or login details',
      pii: 'personal data',
      financial: 'financial figures that are not public',
      codename: 'the code name of an internal project',
      internal_host: 'the address of an internal system',
      employee_id: 'an employee number or badge number',
      customer: 'the name of a customer or partner that has not been announced',
      personnel: 'internal personnel matters',
      product: 'details of an unannounced product',
      security: 'details of security arrangements',
      fingerprint: 'text from a registered confidential document',
      location: 'the location of a restricted site',
      takeover: 'signs that the account may have been taken over',
    },
  },
  ru: {
    subject: 'Просьба удалить вашу публикацию',
    greetingNamed: 'Здравствуйте, {name}!',
    greetingUnnamed: 'Здравствуйте!',
    body:
      'При плановой проверке публичных публикаций мы заметили, что ваша публикация от {post_date}, по-видимому, содержит {category}:\n\n' +
      '{post_url}\n\n' +
      'Такие сведения нельзя публиковать за пределами компании {organisation}. Пожалуйста, как можно скорее удалите публикацию ' +
      'или отредактируйте её так, чтобы эти сведения больше не были видны. Мы автоматически проверим публикацию ещё раз, ' +
      'подтверждать ничего не нужно.\n\n' +
      'Если вы считаете, что это ошибка, или не можете удалить публикацию самостоятельно, просто ответьте на это письмо — мы поможем.',
    takeoverSubject: 'Проверьте, не захвачен ли ваш аккаунт',
    takeoverBody:
      'При плановой проверке публичных публикаций мы заметили {category} — рядом с публикацией от {post_date}:\n\n' +
      '{post_url}\n\n' +
      'Пожалуйста, убедитесь, что аккаунт по-прежнему под вашим контролем: смените пароль, завершите все остальные сеансы, ' +
      'проверьте подключённые приложения и настройки двухфакторной аутентификации и удалите публикации, которые вы не делали. ' +
      'Если войти в аккаунт уже не удаётся, воспользуйтесь восстановлением доступа на платформе и сразу сообщите ' +
      'в службу информационной безопасности компании {organisation}.\n\n' +
      'Если всё это делали вы, просто ответьте на это письмо, и мы закроем вопрос.',
    signature: 'С уважением,\nслужба информационной безопасности компании {organisation}',
    categories: {
      marking: 'документ с грифом конфиденциальности',
      secret: 'секретный ключ доступа или токен',
      credential: 'пароль или данные для входа',
      pii: 'персональные данные',
      financial: 'непубличные финансовые показатели',
      codename: 'кодовое название внутреннего проекта',
      internal_host: 'адрес внутренней системы',
      employee_id: 'табельный номер или номер пропуска',
      customer: 'название клиента или партнёра, о котором ещё не объявлено',
      personnel: 'сведения о внутренних кадровых вопросах',
      product: 'сведения о ещё не анонсированном продукте',
      security: 'сведения о мерах безопасности',
      fingerprint: 'текст из зарегистрированного конфиденциального документа',
      location: 'местоположение объекта с ограниченным доступом',
      takeover: 'признаки того, что аккаунт, возможно, захвачен',
    },
  },
  uk: {
    subject: 'Прохання видалити ваш допис',
    greetingNamed: 'Добрий день, {name}!',
    greetingUnnamed: 'Добрий день!',
    body:
      'Під час планової перевірки публічних дописів ми помітили, що ваш допис від {post_date}, імовірно, містить {category}:\n\n' +
      '{post_url}\n\n' +
      'Такі відомості не можна оприлюднювати за межами компанії {organisation}. Будь ласка, якнайшвидше видаліть допис ' +
      'або відредагуйте його так, щоб ці відомості більше не було видно. Ми автоматично перевіримо допис ще раз, ' +
      'тож підтверджувати нічого не потрібно.\n\n' +
      'Якщо ви вважаєте, що це помилка, або не можете видалити допис самостійно, просто дайте відповідь на цей лист — ми допоможемо.',
    takeoverSubject: 'Перевірте, чи не захоплено ваш акаунт',
    takeoverBody:
      'Під час планової перевірки публічних дописів ми помітили {category} — поруч із дописом від {post_date}:\n\n' +
      '{post_url}\n\n' +
      'Будь ласка, переконайтеся, що акаунт і далі під вашим контролем: змініть пароль, завершіть усі інші сеанси, ' +
      'перевірте під’єднані застосунки й налаштування двофакторної автентифікації та видаліть дописи, яких ви не робили. ' +
      'Якщо увійти в акаунт уже не вдається, скористайтеся відновленням доступу на платформі й одразу повідомте ' +
      'службу інформаційної безпеки компанії {organisation}.\n\n' +
      'Якщо все це робили ви, просто дайте відповідь на цей лист, і ми закриємо питання.',
    signature: 'З повагою,\nслужба інформаційної безпеки компанії {organisation}',
    categories: {
      marking: 'документ із грифом конфіденційності',
      secret: 'секретний ключ доступу або токен',
      credential: 'пароль або дані для входу',
      pii: 'персональні дані',
      financial: 'непублічні фінансові показники',
      codename: 'кодову назву внутрішнього проєкту',
      internal_host: 'адресу внутрішньої системи',
      employee_id: 'табельний номер або номер перепустки',
      customer: 'назву клієнта чи партнера, про якого ще не оголошено',
      personnel: 'відомості про внутрішні кадрові питання',
      product: 'відомості про ще не анонсований продукт',
      security: 'відомості про заходи безпеки',
      fingerprint: 'текст із зареєстрованого конфіденційного документа',
      location: 'місцезнаходження об’єкта з обмеженим доступом',
      takeover: 'ознаки того, що акаунт, можливо, захоплено',
    },
  },
  pl: {
    subject: 'Prośba o usunięcie Twojego wpisu',
    greetingNamed: 'Dzień dobry, {name}!',
    greetingUnnamed: 'Dzień dobry!',
    body:
      'Podczas rutynowego przeglądu publicznych wpisów zauważyliśmy, że Twój wpis z {post_date} prawdopodobnie zawiera {category}:\n\n' +
      '{post_url}\n\n' +
      'Takie informacje nie mogą być publikowane poza firmą {organisation}. Prosimy jak najszybciej usunąć wpis lub zmienić go tak, ' +
      'aby te informacje nie były już widoczne. Sprawdzimy wpis ponownie automatycznie, więc nie trzeba niczego potwierdzać.\n\n' +
      'Jeśli uważasz, że to pomyłka, albo nie możesz samodzielnie usunąć wpisu, po prostu odpowiedz na tę wiadomość — pomożemy.',
    takeoverSubject: 'Sprawdź, czy Twoje konto nie zostało przejęte',
    takeoverBody:
      'Podczas rutynowego przeglądu publicznych wpisów zauważyliśmy {category} — przy wpisie z {post_date}:\n\n' +
      '{post_url}\n\n' +
      'Upewnij się, że nadal kontrolujesz konto: zmień hasło, wyloguj wszystkie inne sesje, sprawdź połączone aplikacje ' +
      'i ustawienia uwierzytelniania dwuskładnikowego oraz usuń wpisy, których nie publikowałeś. Jeśli nie możesz się już ' +
      'zalogować, skorzystaj z odzyskiwania konta na platformie i od razu powiadom Dział Bezpieczeństwa Informacji firmy {organisation}.\n\n' +
      'Jeśli to wszystko było Twoje, po prostu odpowiedz na tę wiadomość, a zamkniemy sprawę.',
    signature: 'Z pozdrowieniami,\nDział Bezpieczeństwa Informacji, {organisation}',
    categories: {
      marking: 'dokument oznaczony jako poufny',
      secret: 'tajny klucz dostępu lub token',
      credential: 'hasło lub dane logowania',
      pii: 'dane osobowe',
      financial: 'niepubliczne dane finansowe',
      codename: 'nazwę kodową wewnętrznego projektu',
      internal_host: 'adres wewnętrznego systemu',
      employee_id: 'numer pracownika lub numer identyfikatora',
      customer: 'nazwę klienta lub partnera, która nie została jeszcze ogłoszona',
      personnel: 'informacje o wewnętrznych sprawach kadrowych',
      product: 'informacje o niezapowiedzianym produkcie',
      security: 'informacje o zabezpieczeniach',
      fingerprint: 'tekst z zarejestrowanego dokumentu poufnego',
      location: 'lokalizację obiektu o ograniczonym dostępie',
      takeover: 'oznaki, że konto mogło zostać przejęte',
    },
  },
  el: {
    subject: 'Παράκληση για διαγραφή δημοσίευσής σας',
    greetingNamed: 'Γεια σας, {name},',
    greetingUnnamed: 'Γεια σας,',
    body:
      'Κατά τον τακτικό έλεγχο δημόσιων αναρτήσεων διαπιστώσαμε ότι η ανάρτησή σας με ημερομηνία {post_date} φαίνεται να περιέχει {category}:\n\n' +
      '{post_url}\n\n' +
      'Τέτοιες πληροφορίες δεν πρέπει να δημοσιεύονται εκτός της εταιρείας {organisation}. Παρακαλούμε διαγράψτε την ανάρτηση ' +
      'ή επεξεργαστείτε την ώστε οι πληροφορίες αυτές να μην είναι πλέον ορατές, το συντομότερο δυνατόν. Θα ελέγξουμε ξανά ' +
      'την ανάρτηση αυτόματα, οπότε δεν χρειάζεται να μας το επιβεβαιώσετε.\n\n' +
      'Αν πιστεύετε ότι πρόκειται για λάθος ή δεν μπορείτε να διαγράψετε μόνοι σας την ανάρτηση, απλώς απαντήστε σε αυτό το μήνυμα ' +
      'και θα σας βοηθήσουμε.',
    takeoverSubject: 'Ελέγξτε ότι ο λογαριασμός σας δεν έχει παραβιαστεί',
    takeoverBody:
      'Κατά τον τακτικό έλεγχο δημόσιων αναρτήσεων διαπιστώσαμε {category}, γύρω από την ανάρτηση με ημερομηνία {post_date}:\n\n' +
      '{post_url}\n\n' +
      'Βεβαιωθείτε ότι ελέγχετε ακόμη τον λογαριασμό: αλλάξτε τον κωδικό πρόσβασης, αποσυνδέστε όλες τις άλλες συνεδρίες, ' +
      'ελέγξτε τις συνδεδεμένες εφαρμογές και τις ρυθμίσεις ελέγχου ταυτότητας δύο παραγόντων και διαγράψτε όσες αναρτήσεις ' +
      'δεν κάνατε εσείς. Αν δεν μπορείτε πια να συνδεθείτε, χρησιμοποιήστε την ανάκτηση λογαριασμού της πλατφόρμας και ' +
      'ενημερώστε αμέσως το Τμήμα Ασφάλειας Πληροφοριών της εταιρείας {organisation}.\n\n' +
      'Αν όλα αυτά τα κάνατε εσείς, απλώς απαντήστε σε αυτό το μήνυμα για να κλείσουμε την υπόθεση.',
    signature: 'Με εκτίμηση,\nΤμήμα Ασφάλειας Πληροφοριών, {organisation}',
    categories: {
      marking: 'έγγραφο με σήμανση εμπιστευτικότητας',
      secret: 'μυστικό κλειδί πρόσβασης ή token',
      credential: 'κωδικό πρόσβασης ή στοιχεία σύνδεσης',
      pii: 'προσωπικά δεδομένα',
      financial: 'οικονομικά στοιχεία που δεν έχουν δημοσιοποιηθεί',
      codename: 'την κωδική ονομασία εσωτερικού έργου',
      internal_host: 'τη διεύθυνση εσωτερικού συστήματος',
      employee_id: 'αριθμό μητρώου υπαλλήλου ή αριθμό κάρτας εισόδου',
      customer: 'το όνομα πελάτη ή συνεργάτη που δεν έχει ανακοινωθεί',
      personnel: 'πληροφορίες για εσωτερικά θέματα προσωπικού',
      product: 'πληροφορίες για προϊόν που δεν έχει ανακοινωθεί',
      security: 'πληροφορίες για μέτρα ασφαλείας',
      fingerprint: 'κείμενο από καταχωρισμένο εμπιστευτικό έγγραφο',
      location: 'την τοποθεσία χώρου περιορισμένης πρόσβασης',
      takeover: 'ενδείξεις ότι ο λογαριασμός ίσως έχει παραβιαστεί',
    },
  },
};
