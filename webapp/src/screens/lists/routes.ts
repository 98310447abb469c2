import type { ScreenRoute } from "../../app/route";
import { JobsScreen } from "./JobsScreen";
import { ListsScreen } from "./ListsScreen";
import { jobsMessages, listsMessages } from "./messages";

export const listsRoutes: ScreenRoute[] = [
  { path: "lists", messages: listsMessages, Screen: ListsScreen },
  { path: "jobs", messages: jobsMessages, Screen: JobsScreen },
];
