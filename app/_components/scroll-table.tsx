import { useId, type ReactNode } from 'react';

/**
 * A table in a box that scrolls sideways on narrow screens. The box is a focusable
 * region named by the table's caption, so keyboard users can scroll it too.
 */
export function ScrollTable({ caption, className, children }: { caption: ReactNode; className?: string; children: ReactNode }) {
  const captionId = useId();
  return (
    <div className="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={className}>
        <caption id={captionId}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}
