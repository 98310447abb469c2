// The backups screen: the groups that have backups (deleted ones too), most recently backed-up
// first, each with its days in the account's time zone and its backups; pages of groups both ways.
import { useState } from "preact/hooks";
import type { ScreenProps } from "../../app/route";
import { href } from "../../app/router";
import { useQuery } from "../../api/hooks";
import { BackupsPageDocument, type BackupsPageQueryVariables } from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { EmptyState, QueryView } from "../../ui/states";
import "./backups.css";
import { GroupSection } from "./GroupSection";
import { backupsMessages } from "./messages";

const GROUPS_PAGE = 20;

export function BackupsScreen(_props: ScreenProps) {
  const t = useMessages(backupsMessages);
  const [paging, setPaging] = useState<BackupsPageQueryVariables>({ first: GROUPS_PAGE });
  const page = useQuery(BackupsPageDocument, paging);
  return (
    <section aria-labelledby="screen-title" class="backups-screen">
      <ScreenHeading>{t.title}</ScreenHeading>
      <QueryView state={page}>
        {({ viewer, backupOverview }) => (
          <>
            <p>{t.intro(viewer.timeZone)}</p>
            {backupOverview.edges.length === 0 ? (
              <EmptyState title={t.empty}>
                <a href={href("import")}>{t.emptyLink}</a>
              </EmptyState>
            ) : (
              backupOverview.edges.map(({ node }) => (
                <GroupSection key={node.id} entry={node} onRestored={page.reload} />
              ))
            )}
            {(backupOverview.pageInfo.hasPreviousPage || backupOverview.pageInfo.hasNextPage) && (
              <nav class="bk-pager" aria-label={t.groupsPages}>
                <button
                  type="button"
                  class="secondary"
                  disabled={!backupOverview.pageInfo.hasPreviousPage}
                  onClick={() => setPaging({ last: GROUPS_PAGE, before: backupOverview.pageInfo.startCursor, first: null })}
                >
                  {t.previousGroups}
                </button>
                <button
                  type="button"
                  class="secondary"
                  disabled={!backupOverview.pageInfo.hasNextPage}
                  onClick={() => setPaging({ first: GROUPS_PAGE, after: backupOverview.pageInfo.endCursor })}
                >
                  {t.nextGroups}
                </button>
              </nav>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
