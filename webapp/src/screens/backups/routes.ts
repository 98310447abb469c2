import type { ScreenRoute } from "../../app/route";
import { BackupsScreen } from "./BackupsScreen";
import { backupsMessages } from "./messages";

export const backupsRoutes: ScreenRoute[] = [
  { path: "backups", messages: backupsMessages, Screen: BackupsScreen },
];
