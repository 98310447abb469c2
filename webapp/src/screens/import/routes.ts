import type { ScreenRoute } from "../../app/route";
import { ImportScreen } from "./ImportScreen";
import { importMessages } from "./messages";

export const importRoutes: ScreenRoute[] = [
  { path: "import", messages: importMessages, Screen: ImportScreen },
];
