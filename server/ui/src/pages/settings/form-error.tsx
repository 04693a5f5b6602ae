import { useEffect, useRef } from 'react';
import { ErrorMessage } from '../../components/error-message.js';

/** A form's failure (the API's refusal and its located problems), scrolled into view so that it is seen as well as announced. */
export function FormError({ error }: { error: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  return (
    <div ref={ref}>
      <ErrorMessage error={error} />
    </div>
  );
}
