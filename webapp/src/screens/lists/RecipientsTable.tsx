// A page of recipients as a table (cards at 360 px), each with its status action: unsubscribe at
// once; resubscribe (lifting UNSUBSCRIBED or BOUNCED) only after an explicit confirmation, sent
// as `resubscribe: true`.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useMutation } from "../../api/hooks";
import { type GroupRecipientsQuery, SetRecipientStatusDocument } from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice } from "../../ui/states";
import { errorsOf } from "./GroupsView";
import { listsMessages } from "./messages";

type GroupNode = Extract<NonNullable<GroupRecipientsQuery["node"]>, { recipients: unknown }>;
export type RecipientRow = GroupNode["recipients"]["edges"][number]["node"];

const GUARDED = new Set(["UNSUBSCRIBED", "BOUNCED"]);

function fullName(recipient: RecipientRow): string {
  return [recipient.firstName, recipient.lastName].filter(Boolean).join(" ");
}

export function RecipientsTable({
  recipients,
  timeZone,
  reload,
}: {
  recipients: RecipientRow[];
  timeZone: string;
  reload: () => void;
}) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  const [setStatus, setting] = useMutation(SetRecipientStatusDocument);
  const [confirming, setConfirming] = useState<RecipientRow | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);

  async function change(recipient: RecipientRow, resubscribe: boolean): Promise<void> {
    setDone(null);
    setFailure(null);
    try {
      const { setRecipientStatus } = await setStatus({
        recipientId: recipient.id,
        status: resubscribe ? "ACTIVE" : "UNSUBSCRIBED",
        resubscribe,
      });
      if (setRecipientStatus.userErrors.length > 0) {
        setFailure(new ApiError("graphql", errorsOf(setRecipientStatus.userErrors)));
        return;
      }
      setConfirming(null);
      setDone(resubscribe ? t.resubscribed(recipient.email) : t.unsubscribed(recipient.email));
      reload();
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError("server", String(error)));
    }
  }

  const busy = setting.status === "loading";
  return (
    <>
      <p role="status" class="done">
        {done}
      </p>
      {failure && <ErrorNotice error={failure} />}
      {confirming && (
        <div class="confirm" role="group" aria-labelledby="resubscribe-heading">
          <h3 id="resubscribe-heading" tabIndex={-1} ref={confirmHeading}>
            {t.resubscribeTitle(confirming.email)}
          </h3>
          <p>{t.resubscribeText(t.status_(confirming.status))}</p>
          <p class="actions">
            <button type="button" disabled={busy} onClick={() => void change(confirming, true)}>
              {t.resubscribeConfirm}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(null)}>
              {t.cancel}
            </button>
          </p>
        </div>
      )}
      <table class="recipient-table">
        <thead>
          <tr>
            <th scope="col">{t.email}</th>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.updated}</th>
            <th scope="col">{t.actions}</th>
          </tr>
        </thead>
        <tbody>
          {recipients.map((recipient) => (
            <tr key={recipient.id}>
              <th scope="row" data-label={t.email}>
                {recipient.email}
              </th>
              <td data-label={t.name}>{fullName(recipient)}</td>
              <td data-label={t.status}>
                <span class={`status status-${recipient.status.toLowerCase()}`}>
                  {t.status_(recipient.status)}
                </span>
              </td>
              <td data-label={t.updated}>{format.dateTime(recipient.updatedAt, timeZone)}</td>
              <td data-label={t.actions}>
                {GUARDED.has(recipient.status) ? (
                  <button
                    type="button"
                    class="secondary"
                    aria-label={t.resubscribeLabel(recipient.email)}
                    disabled={busy}
                    onClick={() => setConfirming(recipient)}
                  >
                    {t.resubscribe}
                  </button>
                ) : (
                  <button
                    type="button"
                    class="secondary"
                    aria-label={t.unsubscribeLabel(recipient.email)}
                    disabled={busy}
                    onClick={() => void change(recipient, false)}
                  >
                    {t.unsubscribe}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
