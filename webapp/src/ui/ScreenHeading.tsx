// A screen's title: the h1 the shell moves the focus to when the route changes.
import type { ComponentChildren } from "preact";

export function ScreenHeading({ children }: { children: ComponentChildren }) {
  return (
    <h1 id="screen-title" tabIndex={-1}>
      {children}
    </h1>
  );
}
