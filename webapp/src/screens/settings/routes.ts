import type { ScreenRoute } from "../../app/route";
import { settingsMessages } from "./messages";
import { SettingsScreen } from "./SettingsScreen";

export const settingsRoutes: ScreenRoute[] = [
  { path: "settings", messages: settingsMessages, Screen: SettingsScreen },
];
