'use client';

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const KEYS_FORWARD = new Set(['ArrowRight', 'ArrowDown']);
const KEYS_BACK = new Set(['ArrowLeft', 'ArrowUp']);

/**
 * Makes the map's markers one Tab stop (a roving tabindex): Tab enters at the
 * current marker, the arrow keys move between markers, Home and End jump to the
 * first and last. Without JavaScript every marker stays a plain link in the Tab order.
 */
export function MapKeyboard({ children }: { children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const markers = () => Array.from(box.current?.querySelectorAll<SVGAElement>('a.map-cluster') ?? []);

  useEffect(() => {
    markers().forEach((marker, index) => marker.setAttribute('tabindex', index === 0 ? '0' : '-1'));
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const all = markers();
    const current = all.indexOf(event.target as SVGAElement);
    if (current === -1 || all.length === 0) return;
    let next: number;
    if (KEYS_FORWARD.has(event.key)) next = (current + 1) % all.length;
    else if (KEYS_BACK.has(event.key)) next = (current - 1 + all.length) % all.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = all.length - 1;
    else return;
    event.preventDefault();
    all[current]!.setAttribute('tabindex', '-1');
    all[next]!.setAttribute('tabindex', '0');
    all[next]!.focus();
  }

  return (
    <div ref={box} onKeyDown={onKeyDown}>
      {children}
    </div>
  );
}
