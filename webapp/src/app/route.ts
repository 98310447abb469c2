// What a screen folder gives the shell: its routes. The shell (routes.ts) lists the folders.
import type { ComponentType } from "preact";
import type { Messages } from "../i18n/i18n";

export interface ScreenProps {
  /** The route's segments after the screen's own: "#/lists/<id>" gives ["<id>"]. */
  rest: string[];
}

export interface ScreenRoute {
  /** The first segment of the hash route: "backups" for "#/backups". */
  path: string;
  /** The screen's messages; `title` names it in the navigation and the window title. */
  messages: Messages<{ title: string }>;
  Screen: ComponentType<ScreenProps>;
}
