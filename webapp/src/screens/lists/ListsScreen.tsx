// Lists: the groups (#/lists) and one group's page (#/lists/<group id>). A deletion comes back
// to the group list, which says what was deleted and where its backup is.
import { useState } from "preact/hooks";
import type { ScreenProps } from "../../app/route";
import { navigate } from "../../app/router";
import { useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { type Deletion, GroupsView } from "./GroupsView";
import { GroupView } from "./GroupView";
import { listsMessages } from "./messages";
import "./lists.css";

export function ListsScreen({ rest }: ScreenProps) {
  const t = useMessages(listsMessages);
  const [deletion, setDeletion] = useState<Deletion | null>(null);
  const groupId = rest[0];
  if (groupId !== undefined) {
    return (
      <GroupView
        key={groupId}
        groupId={groupId}
        onDeleted={(deleted) => {
          setDeletion(deleted);
          navigate("lists");
        }}
      />
    );
  }
  return (
    <section aria-labelledby="screen-title" class="lists-screen">
      <ScreenHeading>{t.title}</ScreenHeading>
      <GroupsView deletion={deletion} />
    </section>
  );
}
