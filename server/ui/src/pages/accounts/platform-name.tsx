import { useTranslation } from 'react-i18next';
import { isPlatform } from './platforms.js';

/** A platform's name in the UI's language; a platform this UI does not know is shown as the API named it. */
export function PlatformName({ platform }: { platform: string }) {
  const { t } = useTranslation('accounts');
  return <span className="accounts-platform">{isPlatform(platform) ? t(`platforms.${platform}`) : platform}</span>;
}
