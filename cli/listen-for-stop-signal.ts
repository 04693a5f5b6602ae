/** The first SIGINT or SIGTERM asks for a clean stop; a second one while stopping exits at once. */
export function listenForStopSignal(): { requested: Promise<void>; isRequested: () => boolean } {
  let isRequested = false;
  const requested = new Promise<void>((resolve) => {
    const stop = () => {
      isRequested = true;
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return { requested, isRequested: () => isRequested };
}
