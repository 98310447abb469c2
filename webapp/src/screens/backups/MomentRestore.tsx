// "Restore to a moment" (continuous protection): a date and a time in the account's time zone,
// the group then compared with now (Group.comparison(asOf)), then the same restore as a backup's.
import { useCallback, useState } from "preact/hooks";
import { useClient, useQuery } from "../../api/hooks";
import { GroupAsOfDocument } from "../../gql/graphql";
import { useMessages } from "../../i18n/i18n";
import { QueryView } from "../../ui/states";
import { ComparisonView, type LoadDifferences } from "./ComparisonView";
import { backupsMessages } from "./messages";
import { RestoreFlow } from "./RestoreFlow";
import { instantToZoned, zonedToInstant } from "./zonedTime";

const DIFFERENCES_PAGE = 50;

interface MomentGroup {
  id: string;
  name: string;
}

function MomentComparison({
  group,
  asOf,
  id,
  onRestored,
}: {
  group: MomentGroup;
  asOf: string;
  id: string;
  onRestored: () => void;
}) {
  const t = useMessages(backupsMessages);
  const client = useClient();
  const state = useQuery(GroupAsOfDocument, { groupId: group.id, asOf, first: DIFFERENCES_PAGE });
  const loadMore: LoadDifferences = useCallback(
    async (after) => {
      const variables = { groupId: group.id, asOf, first: DIFFERENCES_PAGE, after };
      const { node } = await client.request(GroupAsOfDocument, variables);
      return node && "comparison" in node ? node.comparison : null;
    },
    [client, group.id, asOf],
  );
  return (
    <QueryView state={state}>
      {({ node }) =>
        node && "comparison" in node ? (
          <div class="moment-result">
            <ComparisonView comparison={node.comparison} loadMore={loadMore} headingLevel={4} />
            <p>
              <a href={node.downloadUrl} download>
                {t.momentDownload}
              </a>
            </p>
            <RestoreFlow
              id={`${id}-asof`}
              source={{ asOf, groupId: group.id }}
              groupName={group.name}
              groupId={group.id}
              comparison={node.comparison}
              recipientCount={null}
              onFinished={onRestored}
              level={4}
            />
          </div>
        ) : (
          <p>{t.comparisonGone}</p>
        )
      }
    </QueryView>
  );
}

export function MomentRestore({
  group,
  timeZone,
  initial,
  id,
  onRestored,
}: {
  group: MomentGroup;
  timeZone: string;
  /** The instant the pickers start at. */
  initial: string;
  id: string;
  onRestored: () => void;
}) {
  const t = useMessages(backupsMessages);
  const start = instantToZoned(initial, timeZone);
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [asOf, setAsOf] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  function show(event: Event): void {
    event.preventDefault();
    const complete = date !== "" && time !== "";
    setMissing(!complete);
    setAsOf(complete ? zonedToInstant(date, time, timeZone) : null);
  }

  return (
    <div class="moment-panel" role="region" aria-labelledby={`${id}-moment`}>
      <h3 id={`${id}-moment`}>{t.momentTitle(group.name)}</h3>
      <p id={`${id}-moment-help`}>{t.momentHelp(timeZone)}</p>
      <form class="moment-form" onSubmit={show} aria-describedby={`${id}-moment-help`}>
        <div>
          <label for={`${id}-date`}>{t.momentDate}</label>
          <input id={`${id}-date`} type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </div>
        <div>
          <label for={`${id}-time`}>{t.momentTime}</label>
          <input id={`${id}-time`} type="time" required value={time} onInput={(e) => setTime(e.currentTarget.value)} />
        </div>
        <button type="submit">{t.momentShow}</button>
      </form>
      {missing && (
        <p class="field-error" role="alert">
          {t.momentMissing}
        </p>
      )}
      {asOf !== null && <MomentComparison key={asOf} group={group} asOf={asOf} id={id} onRestored={onRestored} />}
    </div>
  );
}
