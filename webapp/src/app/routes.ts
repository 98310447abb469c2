// Every screen, in navigation order. Each folder of src/screens/ exports its own routes.
import { backupsRoutes } from "../screens/backups/routes";
import { importRoutes } from "../screens/import/routes";
import { listsRoutes } from "../screens/lists/routes";
import { settingsRoutes } from "../screens/settings/routes";
import type { ScreenRoute } from "./route";

export const ROUTES: readonly ScreenRoute[] = [
  ...backupsRoutes,
  ...importRoutes,
  ...listsRoutes,
  ...settingsRoutes,
];

/** The route of a path's first segment (the first route for "#/"), or null: not found. */
export function routeOf(path: string[]): ScreenRoute | null {
  const first = path[0];
  if (first === undefined) return ROUTES[0] ?? null;
  return ROUTES.find((route) => route.path === first) ?? null;
}
